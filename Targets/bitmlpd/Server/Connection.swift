/// One client: its descriptors and its two fixed queues. The daemon keeps a table of these,
/// allocated at start-up; a closed slot is reused by the next client.
struct Connection {
    var input: Descriptor
    var output: Descriptor
    var inbound: ByteQueue
    var outbound: ByteQueue
    var isOpen = false
    /// The client sent end of file: answer what was received, then close.
    var inputClosed = false
    /// A framing error or shutdown: send what is queued, read nothing more, then close.
    var closeAfterFlush = false
    /// An overlong text line is being skipped up to its newline.
    var discardingLine = false
    /// When the client last sent or took bytes (monotonic nanoseconds).
    var lastProgress: Int64 = 0
    /// A number for log lines, counting every client since start.
    var serial: UInt64 = 0

    /// Whether the connection holds part of a request or answers not yet taken.
    var hasPendingWork: Bool { !inbound.isEmpty || !outbound.isEmpty }

    /// Resets the slot for a new client.
    mutating func open(input: Descriptor, output: Descriptor, now: Int64, serial: UInt64) {
        self.input = input
        self.output = output
        inbound.removeAll()
        outbound.removeAll()
        isOpen = true
        inputClosed = false
        closeAfterFlush = false
        discardingLine = false
        lastProgress = now
        self.serial = serial
    }
}

/// Counters for `stats`.
struct Statistics {
    var requests: UInt64 = 0
    var errors: UInt64 = 0
    var accepted: UInt64 = 0
    var refused: UInt64 = 0
    var reloads: UInt64 = 0
    var reloadFailures: UInt64 = 0
    var latency = LatencyHistogram()
}
