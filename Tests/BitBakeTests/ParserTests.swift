import Testing
@testable import BitBake

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { buffer in try JSONParser.parse(UnsafeRawBufferPointer(buffer)) }
    }

    @Test func keepsMembersInOrderWithDuplicates() throws {
        guard case .object(let members) = try parse(#" {"b": [1, -2.5e3, true, null], "a": {}, "b": "x"} "#) else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["b", "a", "b"])
        #expect(members[0].value.summary == "[1, -2.5e3, true, null]")
        #expect(members[0].value.integers == nil)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        guard case .string(let string) = try parse(#""q\"b\\s\/\b\f\n\r\t\u00e9\ud83d\ude00""#) else {
            Issue.record("not a string")
            return
        }
        #expect(string == "q\"b\\s/\u{8}\u{C}\n\r\té😀")
    }

    @Test func integersAreExactAndBounded() throws {
        #expect(try parse("9223372036854775807").integer == Int.max)
        #expect(try parse("-9223372036854775808").integer == Int.min)
        #expect(try parse("9223372036854775808").integer == nil)
        #expect(try parse("1.0").integer == nil)
        #expect(try parse("1e3").integer == nil)
        #expect(try parse("[0, 4096]").integers == [0, 4096])
    }

    @Test(arguments: [
        ("", "expected a JSON value, found end of text"),
        ("{\"a\":1,}", "expected a string key, found '}'"),
        ("[1 2]", "expected ']', found '2'"),
        ("01", "unexpected '1' after the JSON value"),
        ("-", "expected a digit, found end of text"),
        ("1.", "expected a digit, found end of text"),
        ("\"a", "unterminated string"),
        ("\"\u{01}\"", "unescaped control character 0x1 in a string"),
        ("\"\\x\"", "invalid escape '\\x'"),
        ("\"\\ud800\"", "high surrogate \\ud800 without a low surrogate"),
        ("\"\\udc00\"", "lone surrogate \\udc00"),
        ("\"\\u12g4\"", "expected four hex digits after \\u, found 'g'"),
        ("tru", "expected a JSON value, found 't'"),
        (String(repeating: "[", count: 129) + String(repeating: "]", count: 129), "nesting deeper than 128 levels"),
    ])
    func refusesInvalidText(text: String, reason: String) {
        let error = #expect(throws: SyntaxError.self) { try parse(text) }
        #expect(error?.reason == reason)
    }
}

@Suite struct PythonLiteralParserTests {
    private func parse(_ text: String) throws -> [(key: String, value: PythonLiteral)] {
        var text = text
        return try text.withUTF8 { buffer in try PythonLiteralParser.parseDictionary(UnsafeRawBufferPointer(buffer)) }
    }

    @Test func readsNumpyHeaders() throws {
        let entries = try parse("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }          \n")
        #expect(entries.map(\.key) == ["descr", "fortran_order", "shape"])
        #expect(entries.map(\.value.repr) == ["'<f4'", "False", "(3, 4)"])
    }

    @Test func followsPythonTupleRules() throws {
        let entries = try parse(#"{"a": (), "b": (7,), "c": (7), "d": [("x", "<f4")], "e": 5L, "f": -2}"#)
        #expect(entries.map(\.value.repr) == ["()", "(7,)", "7", "[('x', '<f4')]", "5", "-2"])
    }

    @Test(arguments: [
        ("{'a': None}", "expected a literal, found 'N'"),
        ("{'a': 'b\\'c'}", "string holds '\\'; only printable ASCII without escapes is accepted"),
        ("{'a': 1} x", "unexpected 'x' after the dict"),
        ("{1: 2}", "dict keys must be strings"),
        ("{'a': 99999999999999999999}", "integer 99999999999999999999 is out of range"),
        ("{'a': " + String(repeating: "(", count: 9) + String(repeating: ")", count: 9) + "}", "nesting deeper than 8 levels"),
        ("{'a': 1", "expected '}', found end of text"),
    ])
    func refusesAnythingButLiterals(text: String, reason: String) {
        let error = #expect(throws: SyntaxError.self) { try parse(text) }
        #expect(error?.reason == reason)
    }
}

@Suite struct ElementConversionTests {
    #if !(os(macOS) && arch(x86_64))
    /// All 65 536 half-precision bit patterns convert as the hardware converts them.
    @Test func float16MatchesHardwareConversionForEveryPattern() {
        for bits in UInt16.min...UInt16.max {
            let ours = Float(float16Bits: bits)
            let reference = Float(Float16(bitPattern: bits))
            if reference.isNaN {
                #expect(ours.isNaN && ours.sign == reference.sign, "0x\(String(bits, radix: 16))")
            } else {
                #expect(ours.bitPattern == reference.bitPattern, "0x\(String(bits, radix: 16))")
            }
        }
    }
    #endif

    @Test func bfloat16IsTheUpperHalfOfAFloat() {
        #expect(Float(bfloat16Bits: 0x3F80) == 1)
        #expect(Float(bfloat16Bits: 0xC049) == Float(bitPattern: 0xC049_0000))
        #expect(Float(bfloat16Bits: 0xFF80) == -.infinity)
    }

    @Test func columnMajorBecomesRowMajor() {
        // A 2 x 3 x 2 array whose row-major values are 0...11, stored column-major.
        let shape = [2, 3, 2]
        var columnMajor = [Int64](repeating: 0, count: 12)
        for i in 0..<2 { for j in 0..<3 { for k in 0..<2 { columnMajor[i + 2 * j + 6 * k] = Int64(i * 6 + j * 2 + k) } } }
        #expect(TensorValues.integer(columnMajor).rowMajor(fromColumnMajorShape: shape) == .integer(Array(0..<12)))
        #expect(TensorValues.float([1, 2]).rowMajor(fromColumnMajorShape: [2]) == .float([1, 2]))
        #expect(TensorValues.float([]).rowMajor(fromColumnMajorShape: [0, 3]) == .float([]))
    }
}
