/// Base64 decoding (RFC 4648, standard alphabet, `=` padding), for models embedded in a program as
/// base64 text (`bitbake-model emit-swift --encoding base64`).
///
/// ```swift
/// let written = try Base64.decode(text, into: storage)    // line feeds between groups are skipped
/// ```
///
/// The decoder is strict, so one byte sequence has exactly one accepted text: only the alphabet,
/// `=` as the last one or two characters of the last group, unused bits of a padded group zero,
/// and line feeds (skipped) anywhere. It allocates nothing; it decodes about 150 MB of text a second
/// (docs/baking.md: 7.4 ms for a 0.8 MB blob, page faults included), a one-time start-up cost.
public enum Base64 {
    /// Decodes `text` into `output`, which it must fill exactly.
    ///
    /// - Returns: the bytes written, `output.count`.
    /// - Throws: `RuntimeError.invalidBase64(offset:)` at the first character that cannot be there
    ///   (or at `text.count` for a text that ends inside a group), `.embeddedBlobLength` when the text
    ///   holds more or fewer bytes than `output`.
    @discardableResult
    public static func decode(
        _ text: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableRawBufferPointer
    ) throws(RuntimeError) -> Int {
        var group: UInt32 = 0
        var sextets = 0
        var padding = 0
        var written = 0
        var decoded = 0  // all bytes the text holds, also past the end of `output`
        for offset in 0..<text.count {
            let character = text[offset]
            if character == lineFeed { continue }
            if character == equalsSign {
                // Padding fills the last one or two places of the last group.
                guard sextets >= 2 else { throw .invalidBase64(offset: offset) }
                padding += 1
                group <<= 6
            } else {
                guard padding == 0, let value = sextet(character) else { throw .invalidBase64(offset: offset) }
                group = group << 6 | UInt32(value)
            }
            sextets += 1
            guard sextets == 4 else { continue }
            // The bits a padded group does not use must be zero.
            guard group & (padding == 2 ? 0xFFFF : padding == 1 ? 0xFF : 0) == 0 else {
                throw .invalidBase64(offset: offset)
            }
            for index in 0..<(3 - padding) {
                if written < output.count {
                    output[written] = UInt8(truncatingIfNeeded: group >> UInt32(16 - 8 * index))
                    written += 1
                }
                decoded += 1
            }
            group = 0
            sextets = 0
        }
        guard sextets == 0 else { throw .invalidBase64(offset: text.count) }
        guard decoded == output.count else { throw .embeddedBlobLength(expected: output.count, actual: decoded) }
        return written
    }

    /// `decode` over a string literal's UTF-8 bytes.
    @discardableResult
    public static func decode(
        _ text: StaticString, into output: UnsafeMutableRawBufferPointer
    ) throws(RuntimeError) -> Int {
        let result = text.withUTF8Buffer { (bytes) in
            Result { () throws(RuntimeError) in try decode(bytes, into: output) }
        }
        return try result.get()
    }

    private static let lineFeed = UInt8(ascii: "\n")
    private static let equalsSign = UInt8(ascii: "=")

    /// The 6-bit value of an alphabet character, nil for any other byte.
    private static func sextet(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }
}
