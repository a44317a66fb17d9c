/// One line of text mode, parsed (docs/protocol.md, "Text mode").
///
/// A line is `info`, `stats`, or the values of one input vector separated by commas or by spaces
/// (`1,2,3`, `1 2 3`, `1, 2, 3`); spaces and tabs around values and a final `\r` are ignored.
///
/// ```swift
/// let request = try TextRequest(parsing: line, into: values)   // .vector for "0.5,1,0"
/// ```
public enum TextRequest: Hashable, Sendable {
    /// An input vector, written to the start of the caller's buffer.
    case vector
    /// The `info` command.
    case info
    /// The `stats` command.
    case stats

    /// Parses `line` (without its `\n`), writing a vector's values into `values`, which must have
    /// room for exactly the model's input count.
    ///
    /// - Throws: `TextRequestError`; a vector of the wrong length is reported after every value
    ///   has been checked, with the number of values it had.
    public init(parsing line: UnsafeRawBufferPointer, into values: UnsafeMutableBufferPointer<Float>) throws(TextRequestError) {
        var end = line.count
        if end > 0, line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        var position = Self.skipBlanks(line, from: 0, to: end)
        guard position < end else { throw .empty }
        if Self.isLetter(line[position]) {
            let word = UnsafeRawBufferPointer(rebasing: line[position..<Self.trimmedEnd(line, from: position, to: end)])
            if Self.equals(word, "info") {
                self = .info
                return
            }
            if Self.equals(word, "stats") {
                self = .stats
                return
            }
            let token = UnsafeRawBufferPointer(rebasing: line[position..<Self.tokenEnd(line, from: position, to: end)])
            if !NumberText.isNonFiniteWord(token) { throw .unknownCommand }
        }
        var count = 0
        while true {
            let tokenEnd = Self.tokenEnd(line, from: position, to: end)
            let token = UnsafeRawBufferPointer(rebasing: line[position..<tokenEnd])
            let value: Float
            do {
                value = try NumberText.parse(token)
            } catch {
                throw .number(index: count, error)
            }
            if count < values.count { values[count] = value }
            count += 1
            position = Self.skipBlanks(line, from: tokenEnd, to: end)
            if position == end { break }
            if line[position] == UInt8(ascii: ",") {
                position = Self.skipBlanks(line, from: position + 1, to: end)
                // A comma must be followed by a value: "1,,2" and "1,2," are refused as empty values.
                if position == end { throw .number(index: count, .malformed) }
            }
        }
        guard count == values.count else { throw .length(expected: values.count, actual: count) }
        self = .vector
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 }

    private static func skipBlanks(_ line: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int {
        var index = start
        while index < end, isBlank(line[index]) { index += 1 }
        return index
    }

    /// The end of the value starting at `start`: the next blank, comma or the end of the line.
    private static func tokenEnd(_ line: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int {
        var index = start
        while index < end, !isBlank(line[index]), line[index] != UInt8(ascii: ",") { index += 1 }
        return index
    }

    /// `end` moved back over trailing blanks.
    private static func trimmedEnd(_ line: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int {
        var index = end
        while index > start, isBlank(line[index - 1]) { index -= 1 }
        return index
    }

    private static func equals(_ text: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        guard text.count == word.utf8CodeUnitCount else { return false }
        for index in 0..<text.count where text[index] != word.utf8Start[index] { return false }
        return true
    }
}

/// Why a text line was refused.
public enum TextRequestError: Error, Hashable, Sendable {
    /// Nothing but blanks.
    case empty
    /// A line starting with a word other than `info` or `stats`.
    case unknownCommand
    /// Value `index` (from 0) is not a usable number.
    case number(index: Int, NumberTextError)
    /// `actual` values where the model takes `expected`.
    case length(expected: Int, actual: Int)
}
