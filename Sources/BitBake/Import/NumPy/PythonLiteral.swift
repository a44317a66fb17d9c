/// A value in an `.npy` header: the subset of Python literals that numpy writes there.
indirect enum PythonLiteral: Sendable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case tuple([PythonLiteral])
    case list([PythonLiteral])

    /// The value as Python's `repr` would show it, for messages.
    var repr: String {
        switch self {
        case .string(let string): "'\(string)'"
        case .integer(let integer): "\(integer)"
        case .boolean(let boolean): boolean ? "True" : "False"
        case .tuple(let elements): elements.count == 1 ? "(\(elements[0].repr),)" : "(\(elements.map(\.repr).joined(separator: ", ")))"
        case .list(let elements): "[\(elements.map(\.repr).joined(separator: ", "))]"
        }
    }
}

/// Parses the dict literal of an `.npy` header, such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`, without evaluating anything.
///
/// Accepted: string keys; values that are strings (quoted with ' or ", printable ASCII, no
/// escapes), integers (with Python 2's optional `L` suffix), `True`, `False`, tuples and lists;
/// trailing commas; nesting up to 8 levels. Anything else, including every expression and call,
/// is a syntax error. `(3)` is the integer 3, as in Python; `(3,)` is a tuple.
struct PythonLiteralParser {
    private var scanner: TextScanner
    private static let maximumDepth = 8

    /// The dict's entries in order, duplicates included.
    static func parseDictionary(_ text: UnsafeRawBufferPointer) throws(SyntaxError) -> [(key: String, value: PythonLiteral)] {
        var parser = PythonLiteralParser(scanner: TextScanner(text))
        parser.scanner.skipWhitespace()
        try parser.scanner.expect(UInt8(ascii: "{"))
        var entries: [(key: String, value: PythonLiteral)] = []
        while true {
            parser.scanner.skipWhitespace()
            if parser.scanner.consume(UInt8(ascii: "}")) { break }
            guard case .string(let key) = try parser.parseValue(depth: 1) else {
                throw parser.scanner.failure("dict keys must be strings")
            }
            parser.scanner.skipWhitespace()
            try parser.scanner.expect(UInt8(ascii: ":"))
            parser.scanner.skipWhitespace()
            entries.append((key, try parser.parseValue(depth: 1)))
            parser.scanner.skipWhitespace()
            if !parser.scanner.consume(UInt8(ascii: ",")) {
                try parser.scanner.expect(UInt8(ascii: "}"))
                break
            }
        }
        parser.scanner.skipWhitespace()
        guard parser.scanner.isAtEnd else {
            throw parser.scanner.failure("unexpected \(parser.scanner.describeNextByte()) after the dict")
        }
        return entries
    }

    private mutating func parseValue(depth: Int) throws(SyntaxError) -> PythonLiteral {
        guard depth <= Self.maximumDepth else { throw scanner.failure("nesting deeper than \(Self.maximumDepth) levels") }
        guard let byte = scanner.nextByte else { throw scanner.failure("expected a literal, found end of text") }
        switch byte {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .integer(try parseInteger())
        case UInt8(ascii: "("):
            return try parseSequence(closing: UInt8(ascii: ")"), depth: depth)
        case UInt8(ascii: "["):
            return try parseSequence(closing: UInt8(ascii: "]"), depth: depth)
        default:
            if scanner.consume("True") { return .boolean(true) }
            if scanner.consume("False") { return .boolean(false) }
            throw scanner.failure("expected a literal, found \(scanner.describeNextByte())")
        }
    }

    /// A tuple `( ... )` or list `[ ... ]`; a parenthesized single value without a comma is that value.
    private mutating func parseSequence(closing: UInt8, depth: Int) throws(SyntaxError) -> PythonLiteral {
        let isTuple = closing == UInt8(ascii: ")")
        scanner.advance()
        var elements: [PythonLiteral] = []
        var sawComma = false
        while true {
            scanner.skipWhitespace()
            if scanner.consume(closing) { break }
            elements.append(try parseValue(depth: depth + 1))
            scanner.skipWhitespace()
            if scanner.consume(UInt8(ascii: ",")) {
                sawComma = true
            } else {
                try scanner.expect(closing)
                break
            }
        }
        if isTuple, elements.count == 1, !sawComma { return elements[0] }
        return isTuple ? .tuple(elements) : .list(elements)
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        guard let quote = scanner.nextByte else { throw scanner.failure("expected a string") }
        scanner.advance()
        let start = scanner.position
        while let byte = scanner.nextByte, byte != quote {
            guard (0x20...0x7E).contains(byte), byte != UInt8(ascii: "\\") else {
                throw scanner.failure("string holds \(scanner.describeNextByte()); only printable ASCII without escapes is accepted")
            }
            scanner.advance()
        }
        let string = scanner.token(from: start)
        try scanner.expect(quote)
        return string
    }

    private mutating func parseInteger() throws(SyntaxError) -> Int {
        let start = scanner.position
        _ = scanner.consume(UInt8(ascii: "-"))
        try scanner.expectDigits()
        let digits = scanner.token(from: start)
        _ = scanner.consume(UInt8(ascii: "L"))
        guard let integer = Int(digits) else { throw scanner.failure("integer \(digits) is out of range") }
        return integer
    }
}
