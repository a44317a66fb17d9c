/// What an `err` answer is about: a name in text mode, a number in binary mode (docs/protocol.md).
public enum ErrorCode: UInt8, CaseIterable, Sendable {
    /// A vector with the wrong number of values, or a frame whose payload does not hold `count` vectors.
    case length = 1
    /// A value that is not a decimal number.
    case number = 2
    /// A NaN or infinite value (text `nan`/`inf`, or such a float32 in a frame).
    case nonFinite = 3
    /// A text line longer than the daemon's limit; it is discarded up to its newline.
    case lineTooLong = 4
    /// A frame whose payload is larger than the daemon's limit; the connection is closed.
    case frameTooLarge = 5
    /// A frame header with a bad magic, version, type or reserved byte; the connection is closed.
    case frame = 6
    /// A text line that starts with a word other than `info` or `stats`.
    case command = 7
    /// The client table is full; sent once on connect, then the connection is closed.
    case busy = 8
    /// A batch count of zero or above the daemon's maximum batch.
    case batch = 9
    /// An empty text line.
    case empty = 10
    /// An int8 frame whose step is not a positive finite float32.
    case step = 11
    /// A number beyond the float32 range.
    case range = 12
    /// The engine refused a request it had accepted (a bug; the daemon keeps running).
    case `internal` = 13

    /// The name text mode prints after `err`.
    public var name: StaticString {
        switch self {
        case .length: return "length"
        case .number: return "number"
        case .nonFinite: return "non-finite"
        case .lineTooLong: return "line-too-long"
        case .frameTooLarge: return "frame-too-large"
        case .frame: return "frame"
        case .command: return "command"
        case .busy: return "busy"
        case .batch: return "batch"
        case .empty: return "empty"
        case .step: return "step"
        case .range: return "range"
        case .internal: return "internal"
        }
    }
}
