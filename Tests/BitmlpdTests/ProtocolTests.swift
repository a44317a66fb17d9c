import BitmlpdProtocol
import Foundation
import Testing

@Suite struct FloatTextTests {
    func format(_ value: Float) -> String {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FloatText.maximumLength, alignment: 1)
        defer { buffer.deallocate() }
        let count = FloatText.format(value, into: buffer)
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// glibc's printf is exact (round half to even on the exact binary value): FloatText must print
    /// the same characters.
    func expectSameAsPrintf(_ value: Float) {
        let expected = String(format: "%.9g", Double(value))
        #expect(format(value) == expected, "bits \(String(value.bitPattern, radix: 16))")
    }

    @Test func edgeValues() {
        let values: [Float] = [
            0, -0, 1, -1, 0.1, 0.5, 1.5, 2.5, 1e-7, 1e-5, 1e-4, 9.99999e-5, 123456789, 999999999, 1e9, 99999999.5,
            .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
            .infinity, -.infinity, Float(1 << 24), 16777215, 0.3, 2.0e-45, 3.4e38, 1.17549435e-38, 0.000123456789,
            -0.000123456789, 0.0001, 100000000, 12345.6789, Float.ulpOfOne,
        ]
        for value in values { expectSameAsPrintf(value) }
        #expect(format(.nan) == "nan")
        #expect(format(-Float.nan) == "nan")
        #expect(format(0.1) == "0.100000001")
        #expect(format(-1.5) == "-1.5")
        #expect(format(1e-7) == "1.00000001e-07")
    }

    /// Ties at the ninth digit: values whose exact decimal expansion ends in 5 just after it.
    @Test func exactTies() {
        // 2^-k for k = 1 ... 149 and small integers times powers of two have finite expansions that
        // cross the ninth digit at every position.
        var value: Float = 1
        for _ in 0..<149 {
            value /= 2
            expectSameAsPrintf(value)
            expectSameAsPrintf(value * 3)
            expectSameAsPrintf(value * 1_000_000_005)
        }
        for exponent in 0..<127 { expectSameAsPrintf(Float(sign: .plus, exponent: exponent, significand: 1.25)) }
    }

    /// Random bit patterns over the whole float32 range: printf's text, and the text parses back
    /// to the same float32.
    @Test func randomPatternsMatchPrintfAndRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50_000 {
            let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
            guard value.isFinite else { continue }
            let text = format(value)
            #expect(text == String(format: "%.9g", Double(value)), "bits \(String(value.bitPattern, radix: 16))")
            #expect(Float(text)?.bitPattern == value.bitPattern, "\(text)")
        }
    }

    @Test func maximumLengthIsReached() {
        #expect(format(-1.23456791e-38).utf8.count == FloatText.maximumLength)
        #expect(format(-0.000111111112).utf8.count == FloatText.maximumLength)
    }
}

@Suite struct NumberTextTests {
    func parse(_ text: String) throws(NumberTextError) -> Float {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { raw in Result { () throws(NumberTextError) in try NumberText.parse(raw) } }.get()
    }

    func error(_ text: String) -> NumberTextError? {
        do throws(NumberTextError) {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func acceptsDecimals() throws {
        for text in ["0", "12", "-0.5", ".25", "3.", "1e-3", "+7E+02", "0.0625", "-0", "1e-50", "3.4028234e38", "00012"] {
            #expect(try parse(text).bitPattern == Float(text)!.bitPattern, "\(text)")
        }
    }

    /// Correctly rounded: random decimals with more digits than float32 holds parse like Swift's
    /// own (correctly rounded) parser.
    @Test func correctlyRounded() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let mantissa = UInt64.random(in: 0...999_999_999_999_999, using: &generator)
            let exponent = Int.random(in: -45...38, using: &generator)
            let text = "\(mantissa)e\(exponent)"
            guard let expected = Float(text), expected.isFinite else { continue }
            #expect(try parse(text).bitPattern == expected.bitPattern, "\(text)")
        }
    }

    @Test func refusesJunk() {
        for text in ["", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "0x1p3", "1,5", " 1", "1 ", "1f", "--1", "1e5.0", "abc", "١"] {
            #expect(error(text) == .malformed, "\(text)")
        }
        for text in ["nan", "NaN", "-nan", "inf", "-Inf", "+infinity", "INFINITY"] {
            #expect(error(text) == .nonFinite, "\(text)")
        }
        for text in ["1e39", "-3.5e38", "1e99999"] {
            #expect(error(text) == .outOfRange, "\(text)")
        }
        #expect(error("0." + String(repeating: "0", count: 61) + "1") == .tooLong)
        #expect(error("0." + String(repeating: "0", count: 60) + "1") == nil)
    }
}

@Suite struct TextRequestTests {
    func parse(_ line: String, count: Int = 3) -> (Result<TextRequest, TextRequestError>, [Float]) {
        var values = [Float](repeating: -99, count: count)
        let bytes = Array(line.utf8)
        let result = bytes.withUnsafeBytes { raw in
            values.withUnsafeMutableBufferPointer { buffer in
                Result { () throws(TextRequestError) in try TextRequest(parsing: raw, into: buffer) }
            }
        }
        return (result, values)
    }

    @Test func separators() throws {
        for line in ["1,2,3", "1 2 3", "1, 2, 3", " 1 ,2\t3 ", "1,2,3\r", "1\t2\t3"] {
            let (result, values) = parse(line)
            #expect(try result.get() == .vector, "\(line)")
            #expect(values == [1, 2, 3], "\(line)")
        }
    }

    @Test func commands() throws {
        #expect(try parse("info").0.get() == .info)
        #expect(try parse(" stats \r").0.get() == .stats)
        #expect(throws: TextRequestError.unknownCommand) { try parse("Info").0.get() }
        #expect(throws: TextRequestError.unknownCommand) { try parse("info now").0.get() }
        #expect(throws: TextRequestError.unknownCommand) { try parse("quit").0.get() }
    }

    @Test func errors() {
        #expect(throws: TextRequestError.empty) { try parse("").0.get() }
        #expect(throws: TextRequestError.empty) { try parse(" \t\r").0.get() }
        #expect(throws: TextRequestError.length(expected: 3, actual: 2)) { try parse("1,2").0.get() }
        #expect(throws: TextRequestError.length(expected: 3, actual: 5)) { try parse("1 2 3 4 5").0.get() }
        #expect(throws: TextRequestError.number(index: 1, .malformed)) { try parse("1,,2").0.get() }
        #expect(throws: TextRequestError.number(index: 3, .malformed)) { try parse("1,2,3,").0.get() }
        #expect(throws: TextRequestError.number(index: 1, .malformed)) { try parse("1,x,3").0.get() }
        #expect(throws: TextRequestError.number(index: 0, .nonFinite)) { try parse("nan,1,2").0.get() }
        #expect(throws: TextRequestError.number(index: 2, .nonFinite)) { try parse("1 2 -inf").0.get() }
        #expect(throws: TextRequestError.number(index: 1, .outOfRange)) { try parse("1 1e40 2").0.get() }
    }
}

@Suite struct FrameHeaderTests {
    @Test func roundTrip() throws {
        for type in FrameType.allCases {
            let header = FrameHeader(type: type, code: 7, count: 0x0102_0304, length: 0xA0B0_C0D0)
            var bytes = [UInt8](repeating: 0xEE, count: FrameHeader.size)
            bytes.withUnsafeMutableBytes { header.encode(into: $0) }
            #expect(Array(bytes[0..<4]) == [0xB1, 0x4D, 0x4C, 0x50])
            #expect(Array(bytes[8..<16]) == [4, 3, 2, 1, 0xD0, 0xC0, 0xB0, 0xA0])
            let decoded = try bytes.withUnsafeBytes { raw in Result { () throws(FrameError) in try FrameHeader(decoding: raw) } }.get()
            #expect(decoded == header)
        }
    }

    @Test func refusals() {
        func decode(_ patch: (inout [UInt8]) -> Void) -> FrameError? {
            var bytes = [UInt8](repeating: 0, count: FrameHeader.size)
            bytes.withUnsafeMutableBytes { FrameHeader(type: .info, length: 0).encode(into: $0) }
            patch(&bytes)
            let result = bytes.withUnsafeBytes { raw in Result { () throws(FrameError) in try FrameHeader(decoding: raw) } }
            if case .failure(let error) = result { return error }
            return nil
        }
        #expect(decode { $0[1] = 0 } == .badMagic(0x504C_00B1))
        #expect(decode { $0[4] = 2 } == .unsupportedVersion(2))
        #expect(decode { $0[5] = 9 } == .unknownType(9))
        #expect(decode { $0[7] = 1 } == .nonZeroReserved(1))
        #expect(decode { _ in } == nil)
    }
}
