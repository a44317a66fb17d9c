import CBitSystem

/// The process's command line and clocks, without Foundation or `CommandLine` (which Embedded
/// Swift lacks).
enum Process {
    /// The command-line arguments after the program name, read from `/proc/self/cmdline` (Linux):
    /// NUL-separated, exactly as `execve` received them.
    static func arguments() -> [String] {
        let fd = "/proc/self/cmdline".withCString { bitsys_open_read_only($0) }
        guard fd >= 0 else { return [] }
        defer { _ = bitsys_close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { bitsys_read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        var arguments = bytes.split(separator: 0, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        if bytes.last == 0 { arguments.removeLast() }
        return Array(arguments.dropFirst())
    }

    /// CLOCK_MONOTONIC in nanoseconds.
    static func monotonicNanoseconds() -> Int64 {
        bitsys_monotonic_nanoseconds()
    }
}

/// The daemon's log: one line per event on standard error, `bitmlpd: <event>`.
enum Log {
    static func event(_ message: String) {
        var line = "bitmlpd: " + message + "\n"
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = bitsys_write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
