/// Lower-case hexadecimal text for digests, checksums and bytes in error messages.
///
/// ```swift
/// Hex.string([0xDE, 0xAD])        // "dead"
/// Hex.digits(UInt32(0x1F))        // "0000001f"
/// ```
public enum Hex {
    /// Two digits per byte, no separators.
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        var text = ""
        for byte in bytes { text += digits(byte) }
        return text
    }

    /// The value's digits, zero-padded to its full width (8 for a `UInt32`).
    public static func digits<Value: FixedWidthInteger & UnsignedInteger>(_ value: Value) -> String {
        let alphabet: StaticString = "0123456789abcdef"
        var text = ""
        var shift = Value.bitWidth - 4
        while shift >= 0 {
            let nibble = Int(truncatingIfNeeded: value >> Value(shift)) & 0xF
            text.unicodeScalars.append(Unicode.Scalar(alphabet.utf8Start[nibble]))
            shift -= 4
        }
        return text
    }
}
