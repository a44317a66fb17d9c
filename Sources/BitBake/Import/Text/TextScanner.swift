/// Where and why a text (a JSON header, an `.npy` header literal) failed to parse.
struct SyntaxError: Error, Sendable {
    /// Byte offset into the text.
    let offset: Int
    let reason: String
}

/// A cursor over the bytes of a text, shared by the hand-written parsers. Every read is bounds
/// checked; the parsers never index the text directly.
struct TextScanner {
    let text: UnsafeRawBufferPointer
    private(set) var position = 0

    init(_ text: UnsafeRawBufferPointer) {
        self.text = text
    }

    var isAtEnd: Bool { position == text.count }

    var nextByte: UInt8? { position < text.count ? text[position] : nil }

    func failure(_ reason: String) -> SyntaxError {
        SyntaxError(offset: position, reason: reason)
    }

    /// The next byte as a message shows it: `'x'` when printable ASCII, else its hex value.
    func describeNextByte() -> String {
        guard let byte = nextByte else { return "end of text" }
        return (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    /// Moves past the next byte, which the caller has seen through ``nextByte``.
    mutating func advance() {
        position += 1
    }

    /// Moves past the next byte if it is `byte`; tells whether it was.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard nextByte == byte else { return false }
        position += 1
        return true
    }

    mutating func expect(_ byte: UInt8) throws(SyntaxError) {
        guard consume(byte) else {
            throw failure("expected '\(Character(Unicode.Scalar(byte)))', found \(describeNextByte())")
        }
    }

    /// Moves past `literal` if the text continues with it; tells whether it did.
    mutating func consume(_ literal: StaticString) -> Bool {
        let bytes = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard text.checkedSlice(offset: position, count: bytes.count)?.elementsEqual(bytes) == true else { return false }
        position += bytes.count
        return true
    }

    /// Skips spaces, tabs, carriage returns and newlines: whitespace in JSON and in Python literals.
    mutating func skipWhitespace() {
        while let byte = nextByte, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            position += 1
        }
    }

    /// Skips one or more ASCII digits.
    mutating func expectDigits() throws(SyntaxError) {
        guard let byte = nextByte, Self.isDigit(byte) else {
            throw failure("expected a digit, found \(describeNextByte())")
        }
        while let byte = nextByte, Self.isDigit(byte) {
            position += 1
        }
    }

    /// The text between `start` and the current position (which only ever covers ASCII tokens).
    func token(from start: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: text[start..<position]), as: UTF8.self)
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
