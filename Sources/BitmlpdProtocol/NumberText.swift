import CBitSystem

/// Why a number in a text request was refused.
public enum NumberTextError: Error, Hashable, Sendable {
    /// Not a decimal number: letters, two points, a lone sign, hexadecimal, an empty value.
    case malformed
    /// `nan`, `inf` or `infinity`, any case, any sign.
    case nonFinite
    /// A well-formed number beyond the float32 range (`1e39`).
    case outOfRange
    /// More than `NumberText.maximumLength` bytes.
    case tooLong
}

/// Decimal numbers in text requests: a strict grammar checked here, then `strtof` for a correctly
/// rounded float32.
///
/// Accepted: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, at most 63 bytes
/// (`12`, `-0.5`, `.25`, `3.`, `1e-3`, `+7E+02`). Everything else is refused, in particular what
/// `strtof` alone would take: leading spaces, `nan`, `inf`, hexadecimal floats, trailing junk.
/// Values too small for float32 become zero or a subnormal, as `strtof` rounds them.
///
/// ```swift
/// try NumberText.parse(UnsafeRawBufferPointer(...))   // "0.0625" -> 0.0625
/// ```
public enum NumberText {
    /// The longest number accepted, in bytes.
    public static let maximumLength = 63

    /// The float32 nearest to the decimal number `text`.
    public static func parse(_ text: UnsafeRawBufferPointer) throws(NumberTextError) -> Float {
        guard text.count <= maximumLength else { throw .tooLong }
        guard isDecimal(text) else {
            throw isNonFiniteWord(text) ? .nonFinite : .malformed
        }
        var value: Float = 0
        let status = text.withMemoryRebound(to: CChar.self) { characters in
            bitsys_parse_float(characters.baseAddress, characters.count, &value)
        }
        guard status == 0, value.isFinite else { throw .outOfRange }
        return value
    }

    /// Whether `text` matches the decimal grammar.
    static func isDecimal(_ text: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = text.count
        func digits() -> Int {
            let start = index
            while index < count, text[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            return index - start
        }
        if index < count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
        var mantissaDigits = digits()
        if index < count, text[index] == UInt8(ascii: ".") {
            index += 1
            mantissaDigits += digits()
        }
        guard mantissaDigits > 0 else { return false }
        if index < count, text[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == count
    }

    /// Whether `text` is `nan`, `inf` or `infinity` in any case, with an optional sign.
    static func isNonFiniteWord(_ text: UnsafeRawBufferPointer) -> Bool {
        var start = 0
        if start < text.count, text[start] == UInt8(ascii: "+") || text[start] == UInt8(ascii: "-") { start += 1 }
        let word = UnsafeRawBufferPointer(rebasing: text[start...])
        return equalsIgnoringCase(word, "nan") || equalsIgnoringCase(word, "inf") || equalsIgnoringCase(word, "infinity")
    }

    private static func equalsIgnoringCase(_ text: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        guard text.count == word.utf8CodeUnitCount else { return false }
        for index in 0..<text.count where text[index] | 0x20 != word.utf8Start[index] { return false }
        return true
    }
}
