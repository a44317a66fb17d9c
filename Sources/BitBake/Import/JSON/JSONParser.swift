/// A strict RFC 8259 JSON parser over UTF-8 bytes, with a nesting limit so that hostile input
/// cannot exhaust the stack. Strings must be valid UTF-8 and escapes valid (no lone surrogates).
struct JSONParser {
    private var scanner: TextScanner
    private let maximumDepth: Int

    /// Parses `text`, which must hold exactly one JSON value surrounded by optional whitespace.
    ///
    /// - Parameter maximumDepth: deepest nesting of arrays and objects accepted (serde_json's is 128).
    static func parse(_ text: UnsafeRawBufferPointer, maximumDepth: Int = 128) throws(SyntaxError) -> JSONValue {
        var parser = JSONParser(scanner: TextScanner(text), maximumDepth: maximumDepth)
        parser.scanner.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.scanner.skipWhitespace()
        guard parser.scanner.isAtEnd else {
            throw parser.scanner.failure("unexpected \(parser.scanner.describeNextByte()) after the JSON value")
        }
        return value
    }

    private mutating func parseValue(depth: Int) throws(SyntaxError) -> JSONValue {
        guard let byte = scanner.nextByte else { throw scanner.failure("expected a JSON value, found end of text") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default:
            if scanner.consume("true") { return .bool(true) }
            if scanner.consume("false") { return .bool(false) }
            if scanner.consume("null") { return .null }
            throw scanner.failure("expected a JSON value, found \(scanner.describeNextByte())")
        }
    }

    private func checkDepth(_ depth: Int) throws(SyntaxError) {
        guard depth <= maximumDepth else { throw scanner.failure("nesting deeper than \(maximumDepth) levels") }
    }

    private mutating func parseObject(depth: Int) throws(SyntaxError) -> JSONValue {
        try checkDepth(depth)
        try scanner.expect(UInt8(ascii: "{"))
        var members: [JSONMember] = []
        scanner.skipWhitespace()
        if scanner.consume(UInt8(ascii: "}")) { return .object(members) }
        repeat {
            scanner.skipWhitespace()
            guard scanner.nextByte == UInt8(ascii: "\"") else {
                throw scanner.failure("expected a string key, found \(scanner.describeNextByte())")
            }
            let key = try parseString()
            scanner.skipWhitespace()
            try scanner.expect(UInt8(ascii: ":"))
            scanner.skipWhitespace()
            members.append(JSONMember(key: key, value: try parseValue(depth: depth)))
            scanner.skipWhitespace()
        } while scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"))
        return .object(members)
    }

    private mutating func parseArray(depth: Int) throws(SyntaxError) -> JSONValue {
        try checkDepth(depth)
        try scanner.expect(UInt8(ascii: "["))
        var elements: [JSONValue] = []
        scanner.skipWhitespace()
        if scanner.consume(UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            scanner.skipWhitespace()
            elements.append(try parseValue(depth: depth))
            scanner.skipWhitespace()
        } while scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "]"))
        return .array(elements)
    }

    /// Number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func parseNumber() throws(SyntaxError) -> String {
        let start = scanner.position
        _ = scanner.consume(UInt8(ascii: "-"))
        if !scanner.consume(UInt8(ascii: "0")) { try scanner.expectDigits() }
        if scanner.consume(UInt8(ascii: ".")) { try scanner.expectDigits() }
        if scanner.consume(UInt8(ascii: "e")) || scanner.consume(UInt8(ascii: "E")) {
            if !scanner.consume(UInt8(ascii: "+")) { _ = scanner.consume(UInt8(ascii: "-")) }
            try scanner.expectDigits()
        }
        return scanner.token(from: start)
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        try scanner.expect(UInt8(ascii: "\""))
        var utf8: [UInt8] = []
        while true {
            guard let byte = scanner.nextByte else { throw scanner.failure("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                guard let string = String(validating: utf8, as: UTF8.self) else {
                    throw scanner.failure("string is not valid UTF-8")
                }
                scanner.advance()
                return string
            case UInt8(ascii: "\\"):
                scanner.advance()
                try parseEscape(into: &utf8)
            case 0x00..<0x20:
                throw scanner.failure("unescaped control character 0x\(String(byte, radix: 16)) in a string")
            default:
                utf8.append(byte)
                scanner.advance()
            }
        }
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(SyntaxError) {
        guard let byte = scanner.nextByte else { throw scanner.failure("unterminated escape") }
        scanner.advance()
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var value = try parseHexQuad()
            if (0xD800..<0xDC00).contains(value) {
                guard scanner.consume("\\u") else {
                    throw scanner.failure("high surrogate \\u\(String(value, radix: 16)) without a low surrogate")
                }
                let low = try parseHexQuad()
                guard (0xDC00..<0xE000).contains(low) else {
                    throw scanner.failure("invalid low surrogate \\u\(String(low, radix: 16))")
                }
                value = 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw scanner.failure("lone surrogate \\u\(String(value, radix: 16))")
            }
            utf8.append(contentsOf: String(Character(scalar)).utf8)
        default:
            throw scanner.failure("invalid escape '\\\(Character(Unicode.Scalar(byte)))'")
        }
    }

    private mutating func parseHexQuad() throws(SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = scanner.nextByte, let digit = Character(Unicode.Scalar(byte)).hexDigitValue else {
                throw scanner.failure("expected four hex digits after \\u, found \(scanner.describeNextByte())")
            }
            value = value << 4 | UInt32(digit)
            scanner.advance()
        }
        return value
    }
}
