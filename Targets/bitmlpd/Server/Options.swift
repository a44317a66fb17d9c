/// The command line: `bitmlpd <model.bitblob> (--socket <path> | --stdio) [options]`.
struct Options {
    /// Where the daemon talks to its clients.
    enum Endpoint {
        case socket(path: String)
        case standardIO
    }

    var blobPath = ""
    var endpoint = Endpoint.standardIO
    /// Permission bits of the socket file.
    var mode: UInt32 = 0o660
    var maximumClients = 32
    var maximumBatch = 32
    /// The longest text line in bytes; nil: `max(4096, 32 x inputs)` of the model.
    var maximumLine: Int?
    /// Seconds a client may hold a partial request or unread answers without progress.
    var timeoutSeconds = 30
    /// Log connections as they open and close.
    var verbose = false
    var showHelp = false

    static let usage = """
        usage: bitmlpd <model.bitblob> (--socket <path> | --stdio) [options]

        Serves a .bitblob (plain or compressed) over a Unix domain socket or standard input and
        output. Protocol: docs/protocol.md. SIGHUP reloads the blob, SIGTERM and SIGINT stop.

          --socket <path>      listen on a Unix domain socket; a stale socket file is replaced
          --stdio              serve one client on standard input and output
          --mode <octal>       permission bits of the socket file (default 0660)
          --max-clients <n>    connections served at once, more are refused (default 32)
          --max-batch <n>      vectors per binary request (default 32)
          --max-line <bytes>   longest text line (default max(4096, 32 x model inputs))
          --timeout <seconds>  drop a client whose partial request or unread answers make no
                               progress for this long (default 30)
          --verbose            log connections as they open and close
          --help               print this text

        """

    init(parsing arguments: [String]) throws(StartupError) {
        var endpoint: Endpoint? = nil
        var index = 0
        func value(_ option: String) throws(StartupError) -> String {
            index += 1
            guard index < arguments.count else { throw .usage("\(option) needs a value") }
            return arguments[index]
        }
        func number(_ option: String, _ range: ClosedRange<Int>) throws(StartupError) -> Int {
            let text = try value(option)
            guard let parsed = Int(text), range.contains(parsed) else {
                throw .usage("\(option) takes a whole number in \(range.lowerBound) ... \(range.upperBound), not '\(text)'")
            }
            return parsed
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case _ where argument.spells("--socket"):
                guard endpoint == nil else { throw .usage("give one of --socket and --stdio") }
                endpoint = .socket(path: try value(argument))
            case _ where argument.spells("--stdio"):
                guard endpoint == nil else { throw .usage("give one of --socket and --stdio") }
                endpoint = .standardIO
            case _ where argument.spells("--mode"):
                let text = try value(argument)
                guard let parsed = UInt32(text, radix: 8), parsed <= 0o777 else {
                    throw .usage("--mode takes octal permission bits such as 0660, not '\(text)'")
                }
                mode = parsed
            case _ where argument.spells("--max-clients"):
                maximumClients = try number(argument, 1...65536)
            case _ where argument.spells("--max-batch"):
                maximumBatch = try number(argument, 1...65536)
            case _ where argument.spells("--max-line"):
                maximumLine = try number(argument, 16...(1 << 24))
            case _ where argument.spells("--timeout"):
                timeoutSeconds = try number(argument, 1...86400)
            case _ where argument.spells("--verbose"):
                verbose = true
            case _ where argument.spells("--help") || argument.spells("-h"):
                showHelp = true
            default:
                guard argument.utf8.first != UInt8(ascii: "-") else { throw .usage("unknown option \(argument)") }
                guard blobPath.isEmpty else { throw .usage("one model file, not '\(blobPath)' and '\(argument)'") }
                blobPath = argument
            }
            index += 1
        }
        if showHelp { return }
        guard !blobPath.isEmpty else { throw .usage("name the model file (.bitblob)") }
        guard let endpoint else { throw .usage("give --socket <path> or --stdio") }
        self.endpoint = endpoint
    }
}

extension String {
    /// Whether the string is exactly `literal`, compared as UTF-8 bytes. `==` on `String` compares
    /// canonical equivalence, which links Unicode normalization tables (about 55 KB) into an
    /// Embedded build; option names are ASCII, so bytes suffice.
    func spells(_ literal: StaticString) -> Bool {
        utf8.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
