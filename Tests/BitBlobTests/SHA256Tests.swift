import Testing
import BitBlob

/// FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func fipsVectors(message: String, digest: String) {
        #expect(SHA256.hash(Array(message.utf8)).description == digest)
    }

    @Test func oneMillionAs() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hash(message).description == expected)
        // The same message fed in uneven pieces.
        var hasher = SHA256()
        var offset = 0
        var piece = 1
        while offset < message.count {
            let end = min(offset + piece, message.count)
            hasher.update(Array(message[offset..<end]))
            offset = end
            piece = piece * 3 % 997 + 1
        }
        #expect(hasher.finalize().description == expected)
    }

    /// Messages around the padding boundaries (55, 56, 63, 64, 65 bytes) hashed whole and byte by byte.
    @Test func incrementalMatchesOneShotAtEveryLength() {
        let message = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for length in 0...message.count {
            let prefix = Array(message[0..<length])
            var hasher = SHA256()
            for byte in prefix { hasher.update([byte]) }
            #expect(hasher.finalize() == SHA256.hash(prefix))
        }
    }

    @Test func digestIsACollectionOfItsBytes() {
        let digest = SHA256.hash(Array("abc".utf8))
        #expect(digest.count == 32)
        #expect(Array(digest.prefix(4)) == [0xba, 0x78, 0x16, 0xbf])
        #expect(Hex.string(digest) == digest.description)
        #expect(Hex.string([0xDE, 0xAD, 0x00]) == "dead00")
        #expect(Hex.digits(UInt32(0x1F)) == "0000001f")
    }
}
