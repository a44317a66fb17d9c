import BitmlpdProtocol

/// Writes one answer into free space of a connection's output queue: text, decimal integers,
/// floats, little-endian fields. The daemon sizes that space for the longest answer, so nothing
/// here allocates; a write past the end is dropped rather than overrunning (and is a sizing bug).
struct ResponseWriter {
    let buffer: UnsafeMutableRawBufferPointer
    private(set) var count = 0
    /// Whether the answer is an error (`appendError`).
    private(set) var isError = false

    init(_ buffer: UnsafeMutableRawBufferPointer) {
        self.buffer = buffer
    }

    mutating func append(_ byte: UInt8) {
        guard count < buffer.count else { return }
        buffer[count] = byte
        count += 1
    }

    mutating func append(_ text: StaticString) {
        for index in 0..<text.utf8CodeUnitCount { append(text.utf8Start[index]) }
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes { append(byte) }
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// `value` in decimal.
    mutating func append(decimal value: Int) {
        if value < 0 { append(UInt8(ascii: "-")) }
        append(decimal: UInt64(value.magnitude))
    }

    mutating func append(decimal value: UInt64) {
        var digits = InlineArray<20, UInt8>(repeating: 0)
        var remaining = value
        var length = 0
        repeat {
            digits[length] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
            length += 1
        } while remaining > 0
        for index in stride(from: length - 1, through: 0, by: -1) { append(digits[index]) }
    }

    /// `nanoseconds` as microseconds with three decimals: `12.345`.
    mutating func append(microsecondsFrom nanoseconds: UInt64) {
        append(decimal: nanoseconds / 1000)
        append(UInt8(ascii: "."))
        let fraction = nanoseconds % 1000
        append(UInt8(ascii: "0") + UInt8(fraction / 100))
        append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    /// `value` with nine significant digits (`FloatText`).
    mutating func append(_ value: Float) {
        guard buffer.count - count >= FloatText.maximumLength else { return }
        count += FloatText.format(value, into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
    }

    /// `value` as four little-endian bytes.
    mutating func append(littleEndian value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    /// Writes an error answer: `err <name> <message>\n`, or an error frame carrying the code.
    mutating func appendError(_ code: ErrorCode, binary: Bool, message: (inout ResponseWriter) -> Void) {
        isError = true
        if binary {
            let frame = beginFrame()
            message(&self)
            finishFrame(at: frame, type: .error, code: code.rawValue)
        } else {
            append("err ")
            append(code.name)
            append(" ")
            message(&self)
            append("\n")
        }
    }

    /// Reserves a frame header to be filled in by `finishFrame` once the payload is written.
    mutating func beginFrame() -> Int {
        let offset = count
        for _ in 0..<FrameHeader.size { append(UInt8(0)) }
        return offset
    }

    /// Writes the header reserved at `offset` with the payload written since.
    mutating func finishFrame(at offset: Int, type: FrameType, code: UInt8 = 0, count vectors: Int = 0) {
        let payload = count - offset - FrameHeader.size
        FrameHeader(type: type, code: code, count: UInt32(vectors), length: UInt32(payload))
            .encode(into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + FrameHeader.size]))
    }
}
