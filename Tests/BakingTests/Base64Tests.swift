import BitRuntime
import Foundation
import Testing

@Suite struct Base64Tests {
    /// Decodes `text` into a buffer of `count` bytes.
    func decode(_ text: String, count: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0xAA, count: count)
        let bytes = Array(text.utf8)
        let written = try output.withUnsafeMutableBytes { buffer in
            try bytes.withUnsafeBufferPointer { text in try Base64.decode(text, into: buffer) }
        }
        #expect(written == count)
        return output
    }

    /// RFC 4648, section 10.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func rfcVectors(_ plain: String, _ encoded: String) throws {
        #expect(try decode(encoded, count: plain.utf8.count) == Array(plain.utf8))
    }

    /// Every length from 0 to 300 and every byte value, against Foundation's encoder, with the
    /// line feeds the emitter puts between lines.
    @Test func randomBytesRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let encoded = Data(bytes).base64EncodedString()
            #expect(try decode(encoded, count: length) == bytes)
            let wrapped = stride(from: 0, to: encoded.count, by: 76).map { start in
                String(encoded.dropFirst(start).prefix(76))
            }.joined(separator: "\n")
            #expect(try decode(wrapped, count: length) == bytes)
        }
        let all = (0...255).map { UInt8($0) }
        #expect(try decode(Data(all).base64EncodedString(), count: 256) == all)
    }

    @Test(arguments: [
        ("Zm9v!mFy", 6, 4),   // not in the alphabet
        ("Zm9v Ym", 6, 4),    // spaces are not skipped, only line feeds
        ("=m9v", 3, 0),       // padding at the start of a group
        ("Zg==Zm8=", 3, 4),   // data after padding
        ("Zh==", 1, 3),       // unused bits of a padded group set
        ("Zm9=", 2, 3),       // the same with one padding character
        ("Zm9vYg", 4, 6),     // ends inside a group
        ("Zg===", 1, 4),      // three padding characters
    ])
    func invalidTextNamesTheOffset(_ text: String, _ count: Int, _ offset: Int) {
        #expect(throws: RuntimeError.invalidBase64(offset: offset)) { try decode(text, count: count) }
    }

    @Test func decodedLengthMustBeTheBuffers() {
        #expect(throws: RuntimeError.embeddedBlobLength(expected: 5, actual: 6)) { try decode("Zm9vYmFy", count: 5) }
        #expect(throws: RuntimeError.embeddedBlobLength(expected: 7, actual: 6)) { try decode("Zm9vYmFy", count: 7) }
    }

    @Test func staticStringText() throws {
        var output = [UInt8](repeating: 0, count: 6)
        let written = try output.withUnsafeMutableBytes { buffer in try Base64.decode("Zm9v\nYmFy", into: buffer) }
        #expect(written == 6)
        #expect(output == Array("foobar".utf8))
    }
}
