import BitRuntime
import CBitSystem

/// The serving loop: one thread, one `poll`, a fixed table of clients.
///
/// Every buffer is allocated in `init`: per client an input queue that holds the longest request
/// and an output queue that holds at least two of the longest answers, plus one vector buffer for
/// the engine. Serving a request allocates nothing (the engine runs in its arena, answers are
/// written straight into the output queue). A reload allocates the new model's arena before it
/// replaces the old one.
struct Daemon: ~Copyable {
    let options: Options
    var model: ServedModel
    let signals: SignalDescriptor
    var listener: UnixListener?
    let connections: UnsafeMutableBufferPointer<Connection>
    var openClients = 0
    var poll: PollSet
    /// What each poll entry watches.
    let pollTargets: UnsafeMutableBufferPointer<PollTarget>
    /// The answer to a client over the limit.
    let busyMessage: [UInt8]
    /// Input vectors for the engine, `maximumBatch x inputs` of the model served at start-up.
    let values: UnsafeMutableBufferPointer<Float>
    /// One vector's logits.
    let logits: UnsafeMutableBufferPointer<Float>
    /// The shape the buffers were sized for.
    let bufferInputs: Int
    let bufferOutputs: Int
    /// The longest line, frame payload and answer, in bytes.
    let maximumLine: Int
    let maximumPayload: Int
    let maximumResponse: Int
    var statistics = Statistics()
    var serials: UInt64 = 0
    /// When SIGTERM or SIGINT arrived.
    var stoppingSince: Int64?

    /// What a poll entry watches.
    enum PollTarget {
        case signals
        case listener
        /// A client socket, read and written through one descriptor.
        case socket(Int)
        /// Standard input of the `--stdio` client.
        case input(Int)
        /// Standard output of the `--stdio` client.
        case output(Int)
    }

    /// How long in-flight answers may take to drain after SIGTERM.
    static let drainNanoseconds: Int64 = 5_000_000_000
    /// Room for `info`, `stats` and error answers.
    static let textAnswerBytes = 1024

    init(options: Options) throws(StartupError) {
        let model = try ServedModel(path: options.blobPath, maximumBatch: options.maximumBatch)
        let inputs = model.inputCount
        let outputs = model.outputCount
        let batch = options.maximumBatch
        let maximumLine = options.maximumLine ?? max(4096, 32 * inputs)
        let maximumPayload = max(batch * inputs * 4, 4 + batch * inputs)
        let textResult = 16 + outputs * (1 + 15)
        let binaryResult = 16 + batch * (4 + 4 * outputs)
        let maximumResponse = max(textResult, binaryResult, Self.textAnswerBytes, model.info.count + 64)
        let inboundBytes = max(maximumLine + 1, 16 + maximumPayload)
        let outboundBytes = max(2 * maximumResponse, 16384)

        let clients = options.maximumClients
        let signals = try SignalDescriptor.open()
        let listener: UnixListener?
        switch options.endpoint {
        case .socket(let path):
            listener = try UnixListener.open(path: path, mode: options.mode, backlog: 128)
        case .standardIO:
            listener = nil
        }

        // Nothing below can fail: every buffer is allocated once, here.
        connections = .allocate(capacity: clients)
        let slab = UnsafeMutableRawBufferPointer.allocate(byteCount: clients * (inboundBytes + outboundBytes), alignment: 64)
        // Touch every page now: the daemon's footprint is fixed from the start (and a board without
        // the memory fails here, not under load).
        slab.initializeMemory(as: UInt8.self, repeating: 0)
        for slot in 0..<clients {
            let base = slot * (inboundBytes + outboundBytes)
            (connections.baseAddress! + slot).initialize(to: Connection(
                input: .standardInput, output: .standardOutput,
                inbound: ByteQueue(UnsafeMutableRawBufferPointer(rebasing: slab[base..<base + inboundBytes])),
                outbound: ByteQueue(UnsafeMutableRawBufferPointer(rebasing: slab[base + inboundBytes..<base + inboundBytes + outboundBytes]))))
        }
        // Signals, the listener, and up to two entries per client (standard input and output).
        poll = PollSet(capacity: 2 + 2 * clients)
        pollTargets = .allocate(capacity: 2 + 2 * clients)
        pollTargets.initialize(repeating: .signals)
        busyMessage = Array("err busy too many clients (limit \(clients))\n".utf8)
        values = .allocate(capacity: batch * inputs)
        values.initialize(repeating: 0)
        logits = .allocate(capacity: outputs)
        logits.initialize(repeating: 0)
        bufferInputs = inputs
        bufferOutputs = outputs
        self.maximumLine = maximumLine
        self.maximumPayload = maximumPayload
        self.maximumResponse = maximumResponse
        self.options = options
        self.signals = signals
        self.listener = listener
        self.model = model

        switch options.endpoint {
        case .socket(let path):
            Log.event("serving \(options.blobPath) on \(path) (mode 0\(String(options.mode, radix: 8)), \(clients) clients, batch \(batch), \(clients * (inboundBytes + outboundBytes)) bytes of client buffers)")
        case .standardIO:
            try? Descriptor.standardInput.setNonBlocking()
            Log.event("serving \(options.blobPath) on standard input and output")
            connections[0].open(input: .standardInput, output: .standardOutput, now: Process.monotonicNanoseconds(), serial: 0)
            openClients = 1
        }
        Log.event("model \(String(decoding: self.model.info, as: UTF8.self))")
        logLeaseFailure()
    }

    /// Serves until SIGTERM or SIGINT (or, with `--stdio`, the end of input); returns the exit status.
    mutating func run() -> Int32 {
        while true {
            let now = Process.monotonicNanoseconds()
            if let since = stoppingSince {
                if openClients == 0 { break }
                if now - since > Self.drainNanoseconds {
                    Log.event("\(openClients) clients still had answers queued after 5 s; closing them")
                    break
                }
            } else if listener == nil && openClients == 0 {
                Log.event("standard input closed")
                break
            }
            dropStalledClients(now: now)
            if stoppingSince != nil { drainInput() }
            let waiting = buildPollSet()
            do {
                try poll.wait(milliseconds: stoppingSince != nil ? 10 : (waiting ? 1000 : -1))
            } catch {
                Log.event("stopping: \(error)")
                shutDown()
                return 1
            }
            for entry in 0..<poll.count {
                let events = poll.events(at: entry)
                if events.raw != 0 { handle(pollTargets[entry], events: events) }
            }
        }
        shutDown()
        return 0
    }

    // MARK: Events

    /// Fills the poll set; returns whether some client has work pending (so timeouts must be checked).
    private mutating func buildPollSet() -> Bool {
        poll.removeAll()
        pollTargets[poll.add(signals.descriptor, read: true, write: false)] = .signals
        var waiting = false
        for slot in 0..<connections.count where connections[slot].isOpen {
            let connection = connections[slot]
            waiting = waiting || connection.hasPendingWork
            let read = wantsInput(connection)
            let write = !connection.outbound.isEmpty
            if connection.input == connection.output {
                pollTargets[poll.add(connection.input, read: read, write: write)] = .socket(slot)
            } else {
                if read { pollTargets[poll.add(connection.input, read: true, write: false)] = .input(slot) }
                if write { pollTargets[poll.add(connection.output, read: false, write: true)] = .output(slot) }
            }
        }
        // Last, so that clients that have left free their slots before new ones are accepted.
        if let listener, stoppingSince == nil {
            pollTargets[poll.add(listener.descriptor, read: true, write: false)] = .listener
        }
        return waiting
    }

    /// Reads only while an answer fits in the output queue: a client that does not read its
    /// answers stops being read (and is dropped after the timeout), never buffered without bound.
    func wantsInput(_ connection: Connection) -> Bool {
        !connection.inputClosed && !connection.closeAfterFlush
            && connection.outbound.freeCapacity >= maximumResponse && connection.inbound.freeCapacity > 0
    }

    private mutating func handle(_ target: PollTarget, events: PollSet.Events) {
        switch target {
        case .signals:
            handleSignals()
        case .listener:
            acceptClient()
        case .socket(let slot), .input(let slot), .output(let slot):
            guard connections[slot].isOpen else { return }
            if events.invalid {
                close(slot, reason: "descriptor became invalid")
                return
            }
            if case .output = target {} else if events.readable && wantsInput(connections[slot]) {
                readInput(slot)
            }
            guard connections[slot].isOpen else { return }
            process(slot)
        }
    }

    private mutating func readInput(_ slot: Int) {
        let space = connections[slot].inbound.freeSpace(minimum: connections[slot].inbound.capacity / 2)
        guard space.count > 0 else { return }
        do {
            guard let count = try connections[slot].input.read(into: space) else {
                // Stopping: everything the client had sent has been read.
                if stoppingSince != nil { connections[slot].inputClosed = true }
                return
            }
            if count == 0 {
                connections[slot].inputClosed = true
            } else {
                connections[slot].inbound.commit(count)
                connections[slot].lastProgress = Process.monotonicNanoseconds()
            }
        } catch {
            close(slot, reason: "read failed: \(error)")
        }
    }

    /// Answers every complete request that fits, sends, and closes a connection that is done.
    private mutating func process(_ slot: Int) {
        while connections[slot].isOpen {
            serve(slot)
            let sent = flush(slot)
            guard connections[slot].isOpen else { return }
            if connections[slot].outbound.isEmpty && (connections[slot].inputClosed || connections[slot].closeAfterFlush) {
                close(slot, reason: connections[slot].inputClosed ? "client closed" : "closed after a framing error")
                return
            }
            // Sending made room for more answers to requests already received: go on.
            guard sent > 0, !connections[slot].inbound.isEmpty, !connections[slot].closeAfterFlush else { return }
        }
    }

    /// Sends queued answers; returns the bytes sent.
    private mutating func flush(_ slot: Int) -> Int {
        var sent = 0
        while !connections[slot].outbound.isEmpty {
            do {
                guard let count = try connections[slot].output.write(connections[slot].outbound.bytes) else { break }
                connections[slot].outbound.consume(count)
                sent += count
            } catch {
                close(slot, reason: "client vanished (\(error))")
                return sent
            }
        }
        if sent > 0 { connections[slot].lastProgress = Process.monotonicNanoseconds() }
        return sent
    }

    /// Accepts one waiting connection per loop turn: clients that have left are seen (and free
    /// their slots) before the next one is accepted or refused.
    private mutating func acceptClient() {
        guard let listener else { return }
        let client: Descriptor
        do {
            guard let accepted = try listener.accept() else { return }
            client = accepted
        } catch {
            Log.event("accept failed: \(error)")
            return
        }
        guard let slot = (0..<connections.count).first(where: { !connections[$0].isOpen }) else {
            refuse(client)
            return
        }
        serials += 1
        statistics.accepted += 1
        openClients += 1
        connections[slot].open(input: client, output: client, now: Process.monotonicNanoseconds(), serial: serials)
        if options.verbose { Log.event("client \(serials) connected (\(openClients) open)") }
    }

    /// Tells a client over the limit why, without waiting for it, and closes it.
    private mutating func refuse(_ client: Descriptor) {
        statistics.refused += 1
        _ = busyMessage.withUnsafeBytes { try? client.write($0) }
        client.close()
        Log.event("refused a client: \(options.maximumClients) clients connected (the limit)")
    }

    private mutating func close(_ slot: Int, reason: String) {
        guard connections[slot].isOpen else { return }
        connections[slot].isOpen = false
        connections[slot].inbound.removeAll()
        connections[slot].outbound.removeAll()
        if connections[slot].input != Descriptor.standardInput { connections[slot].input.close() }
        openClients -= 1
        if options.verbose { Log.event("client \(connections[slot].serial) closed: \(reason)") }
    }

    private mutating func dropStalledClients(now: Int64) {
        let limit = Int64(options.timeoutSeconds) * 1_000_000_000
        // The --stdio client is exempt: it is the daemon's only client, and a slow pipe is no attack.
        if case .standardIO = options.endpoint { return }
        for slot in 0..<connections.count where connections[slot].isOpen && connections[slot].hasPendingWork {
            if now - connections[slot].lastProgress > limit {
                let what = connections[slot].outbound.isEmpty ? "a partial request" : "unread answers"
                Log.event("dropped client \(connections[slot].serial): \(what) and no progress for \(options.timeoutSeconds) s")
                close(slot, reason: "timeout")
            }
        }
    }

    // MARK: Signals

    private mutating func handleSignals() {
        while let signal = signals.next() {
            switch signal {
            case .hangup:
                reload()
            case .leaseBroken:
                moveToPrivateCopy()
            case .stop(let name):
                guard stoppingSince == nil else { continue }
                beginStopping(name)
            }
        }
    }

    /// Stops accepting and removes the socket file; the loop then answers what clients have sent
    /// (`drainInput`) and closes each connection once its answers are out.
    private mutating func beginStopping(_ signal: StaticString) {
        stoppingSince = Process.monotonicNanoseconds()
        Log.event("\(signal): stopping; answering the requests in flight of \(openClients) clients")
        listener?.close()
        listener = nil
    }

    /// While stopping: reads what each client had sent (until a read would block), answers it, and
    /// marks its input closed, so a connection closes once its last answer is sent.
    private mutating func drainInput() {
        for slot in 0..<connections.count where connections[slot].isOpen && wantsInput(connections[slot]) {
            readInput(slot)
            guard connections[slot].isOpen else { continue }
            process(slot)
        }
    }

    /// Loads the blob again; the new model replaces the old only once it is fully validated.
    private mutating func reload() {
        let path = model.path
        do throws(StartupError) {
            let replacement = try ServedModel(path: path, maximumBatch: options.maximumBatch)
            guard replacement.inputCount <= bufferInputs, replacement.outputCount <= bufferOutputs,
                replacement.info.count + 64 <= maximumResponse
            else {
                throw .exceedsBuffers(
                    path: path, inputs: replacement.inputCount, outputs: replacement.outputCount,
                    startInputs: bufferInputs, startOutputs: bufferOutputs)
            }
            model = replacement
            statistics.reloads += 1
            Log.event("reloaded: \(String(decoding: model.info, as: UTF8.self))")
            logLeaseFailure()
        } catch {
            statistics.reloadFailures += 1
            Log.event("reload failed, still serving the previous model: \(error)")
        }
    }

    /// The served file is about to be written or truncated: the model moves to a private copy of
    /// the bytes it validated, which closes the lease and lets the writer go on. The new file is
    /// served after SIGHUP, as always.
    private mutating func moveToPrivateCopy() {
        guard model.isLeased else { return }
        do throws(StartupError) {
            let copy = try ServedModel(privateCopyOf: model, maximumBatch: options.maximumBatch)
            model = copy
            Log.event("\(model.path) is being written: serving a private copy of the loaded model until SIGHUP")
        } catch {
            model.releaseLease()
            Log.event("\(model.path) is being written and no private copy could be made (\(error)); serving it in place")
        }
    }

    /// Says once per load when the served file could not be leased: writing it in place would
    /// then change the weights under the running model.
    func logLeaseFailure() {
        guard let code = model.leaseFailure else { return }
        let reason = bitsys_strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        Log.event("\(model.path): no file lease (\(reason)); replace the file by rename, never write it in place")
    }

    private mutating func shutDown() {
        for slot in 0..<connections.count where connections[slot].isOpen {
            close(slot, reason: "daemon stopped")
        }
        listener?.close()
        listener = nil
        Log.event("stopped after \(statistics.requests) requests (\(statistics.errors) errors)")
    }
}
