import Testing
@testable import BitBlob
import BitLayers

@Suite struct CompressionTests {
    private let blob = try! BitBlobWriter.write(Fixtures.contents(features: [300, 64, 10]))

    /// Inflates `container` into exactly `size` bytes (the declared size unless given).
    private func inflateError(_ container: [UInt8], size: Int? = nil) -> BitBlobError? {
        container.withUnsafeBytes { compressed -> BitBlobError? in
            do throws(BitBlobError) {
                let count = try BitBlobCompression.uncompressedSize(of: compressed)
                let destination = UnsafeMutableRawBufferPointer.allocate(byteCount: size ?? count, alignment: 64)
                defer { destination.deallocate() }
                try BitBlobCompression.inflate(compressed, into: destination)
                return nil
            } catch {
                return error
            }
        }
    }

    /// Rewrites the container header's size or CRC.
    private func withHeader(_ container: [UInt8], size: UInt64? = nil, crc: UInt32? = nil) -> [UInt8] {
        var editor = BlobEditor(container)
        if let size { editor.store(size, at: 8) }
        if let crc { editor.store(crc, at: 16) }
        return editor.bytes
    }

    @Test func roundTripThenValidate() throws {
        let container = try BitBlobCompression.compress(blob)
        #expect(Array(container[0..<8]) == Array("BITBLOBZ".utf8))
        #expect(container.count < blob.count)
        try container.withUnsafeBytes { compressed in
            let size = try BitBlobCompression.uncompressedSize(of: compressed)
            #expect(size == blob.count)
            let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
            defer { memory.deallocate() }
            try BitBlobCompression.inflate(compressed, into: memory)
            #expect(Array(memory) == blob)
            #expect(try BitBlobModel(validating: UnsafeRawBufferPointer(memory)).layerCount == 2)
        }
        for level: Int32 in [0, 1, 6] {
            #expect(inflateError(try BitBlobCompression.compress(blob, level: level)) == nil)
        }
        #expect(try BitBlobCompression.compress(blob) == container)
    }

    @Test func badLevelIsRefused() {
        #expect(throws: BitBlobError.zlib(function: "deflateInit", code: -2)) {
            try BitBlobCompression.compress(blob, level: 10)
        }
    }

    @Test func headerIsChecked() throws {
        let container = try BitBlobCompression.compress(blob)
        #expect(inflateError(Array(container[0..<23])) == .truncatedContainer(size: 23))
        var wrong = container
        wrong[7] = 0x5B
        #expect(inflateError(wrong) == .badContainerMagic(found: 0x5B42_4F4C_4254_4942))
        wrong = container
        wrong[21] = 1
        #expect(inflateError(wrong) == .nonZeroReserved(field: "container reserved bytes", offset: 21, value: 1))
        #expect(inflateError(withHeader(container, size: (1 << 40) + 1))
            == .uncompressedSizeTooLarge(declared: (1 << 40) + 1, maximum: 1 << 40))
        #expect(inflateError(container, size: blob.count - 1) == .destinationSize(expected: blob.count, actual: blob.count - 1))
        // A size the stream cannot possibly inflate to is refused before anyone allocates it.
        let possible = UInt64(container.count - 24) * 1032
        #expect(inflateError(withHeader(container, size: possible + 1))
            == .uncompressedSizeTooLarge(declared: possible + 1, maximum: possible))
    }

    @Test func lyingSizesAreRefused() throws {
        let container = try BitBlobCompression.compress(blob)
        #expect(inflateError(withHeader(container, size: UInt64(blob.count + 1)))
            == .streamEndedEarly(produced: blob.count, expected: blob.count + 1))
        #expect(inflateError(withHeader(container, size: UInt64(blob.count - 1))) == .streamTooLong(expected: blob.count - 1))
    }

    @Test func brokenStreamsAreRefused() throws {
        let container = try BitBlobCompression.compress(blob)
        // Cut short: the input ends before the stream does.
        guard case .streamEndedEarly(_, blob.count) = inflateError(Array(container.dropLast(10))) else {
            Issue.record("a truncated stream was accepted")
            return
        }
        #expect(inflateError(container + [0]) == .trailingData(count: 1))
        // The zlib header's check bits.
        var broken = container
        broken[25] ^= 0x01
        #expect(inflateError(broken) == .corruptStream(message: "incorrect header check"))
        // The Adler-32 trailer.
        broken = container
        broken[broken.count - 1] ^= 0x01
        #expect(inflateError(broken) == .corruptStream(message: "incorrect data check"))
        // A stream that is whole but the CRC-32 of what it holds is not the one declared.
        #expect(inflateError(withHeader(container, crc: 0x1234_5678)) == .uncompressedCRC(
            stored: 0x1234_5678, computed: CRC32.checksum(blob)))
    }

    /// Corrupt compressed bytes anywhere: always an error, never a trap or a wrong blob.
    @Test func corruptedStreamsNeverInflateToAnotherBlob() throws {
        let container = try BitBlobCompression.compress(blob)
        var random = SplitMix64(seed: 7)
        for _ in 0..<300 {
            var broken = container
            let offset = Int.random(in: 24..<container.count, using: &random)
            broken[offset] ^= UInt8.random(in: 1...255, using: &random)
            #expect(inflateError(broken) != nil)
        }
    }
}
