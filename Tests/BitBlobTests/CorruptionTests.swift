import BitCore
import Testing
@testable import BitBlob
import BitLayers

/// Corrupted, truncated and extended files: the reader refuses every one with the error of the
/// first check that fails, and never traps.
@Suite struct CorruptionTests {
    /// Flips every bit of a small blob, one at a time. Every byte is covered by a CRC, a range
    /// check or a zero check, so each flip is refused, with the error its region predicts.
    @Test func everySingleBitFlipIsRefused() throws {
        let blob = Fixtures.smallBlob()
        let editor = BlobEditor(blob)
        let sections = (0..<editor.sectionCount).map(editor.section)
        let tableEnd = 64 + 32 * sections.count

        func expectedError(forByte offset: Int, _ error: BitBlobError) -> Bool {
            switch offset {
            case 0..<8: if case .badMagic = error { return true }
            case 8..<10: if case .unsupportedMajorVersion = error { return true }
            case 12..<16: if case .headerSize = error { return true }
            case 10..<12, 16..<36: if case .headerCRC = error { return true }
            case 36..<64: if case .nonZeroReserved(_, offset, _) = error { return true }
            case 64..<tableEnd: if case .tableCRC = error { return true }
            default:
                if let section = sections.first(where: { $0.offset <= offset && offset < $0.offset + $0.length }) {
                    if case .sectionCRC(section, _) = error { return true }
                } else if case .nonZeroPadding(offset, _) = error {
                    return true
                }
            }
            return false
        }

        try withAligned(blob) { original in
            let buffer = UnsafeMutableRawBufferPointer(mutating: original)
            var flips = 0
            for offset in 0..<blob.count {
                for bit in 0..<8 {
                    buffer[offset] ^= 1 << bit
                    defer { buffer[offset] ^= 1 << bit }
                    do throws(BitBlobError) {
                        _ = try BitBlobModel(validating: original)
                        Issue.record("flipping bit \(bit) of byte \(offset) was accepted")
                    } catch {
                        #expect(expectedError(forByte: offset, error), "byte \(offset) bit \(bit): \(error)")
                    }
                    flips += 1
                }
            }
            #expect(flips == 8 * blob.count)
            _ = try BitBlobModel(validating: original)
        }
    }

    @Test func truncationAtEveryLengthIsRefused() {
        let blob = Fixtures.smallBlob()
        for length in 0..<blob.count {
            let error = validationError(Array(blob[0..<length]))
            if length < 64 {
                #expect(error == .truncatedHeader(size: length))
            } else {
                #expect(error == .fileSize(declared: UInt64(blob.count), actual: length))
            }
        }
        #expect(validationError(Array(blob[0..<200]))?.description
            == "truncated: header says \(blob.count) bytes, file has 200")
    }

    @Test func extendedFilesAreRefused() {
        let blob = Fixtures.smallBlob()
        #expect(validationError(blob + [0]) == .fileSize(declared: UInt64(blob.count), actual: blob.count + 1))
        #expect(validationError(blob + [UInt8](repeating: 0, count: 64))?.description
            == "extended: header says \(blob.count) bytes, file has \(blob.count + 64)")
    }

    @Test func unknownMajorVersionIsRefused() {
        var editor = BlobEditor(Fixtures.smallBlob())
        editor.store(UInt16(2), at: 8)
        editor.sealHeader()
        #expect(validationError(editor.bytes) == .unsupportedMajorVersion(found: 2, supported: 1))
        #expect(validationError(editor.bytes)?.description == "unsupported major version 2 (this reader reads 1)")
    }

    @Test func misalignedBuffersAreRefused() {
        let blob = Fixtures.smallBlob()
        withAligned([0] + blob) { buffer in
            let shifted = UnsafeRawBufferPointer(rebasing: buffer[1...])
            do throws(BitBlobError) {
                _ = try BitBlobModel(validating: shifted)
                Issue.record("a misaligned buffer was accepted")
            } catch {
                #expect(error == .misalignedBuffer(address: UInt(bitPattern: shifted.baseAddress!), alignment: 4))
            }
        }
    }

    @Test func headerFieldsAreChecked() {
        var editor = BlobEditor(Fixtures.smallBlob())
        editor.store(UInt32(128), at: 12)
        #expect(validationError(editor.bytes) == .headerSize(found: 128, expected: 64))

        editor = BlobEditor(Fixtures.smallBlob())
        editor.store(UInt8(9), at: 63)
        #expect(validationError(editor.bytes) == .nonZeroReserved(field: "header reserved bytes", offset: 63, value: 9))

        editor = BlobEditor(Fixtures.smallBlob())
        editor.store(UInt32(0), at: 24)
        editor.sealHeader()
        #expect(validationError(editor.bytes) == .sectionCount(found: 0, maximum: 4096))
        editor.store(UInt32(4097), at: 24)
        editor.sealHeader()
        #expect(validationError(editor.bytes) == .sectionCount(found: 4097, maximum: 4096))
        editor.store(UInt32(4096), at: 24)
        editor.sealHeader()
        let size = editor.bytes.count
        #expect(validationError(editor.bytes) == .tableOutOfBounds(sectionCount: 4096, tableEnd: 64 + 32 * 4096, fileSize: size))
    }

    /// Random bytes of the header, table and records are overwritten and every CRC resealed, so
    /// the range and structure checks behind the CRCs see them. Whatever the reader accepts must
    /// be usable: every layer view lies within the file.
    @Test func resealedRandomCorruptionNeverTraps() throws {
        let blob = Fixtures.smallBlob()
        var random = SplitMix64(seed: 42)
        var refused = 0, accepted = 0
        for _ in 0..<3000 {
            var editor = BlobEditor(blob)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let offset = Int.random(in: 8..<blob.count, using: &random)
                let value = UInt8.random(in: 0...255, using: &random)
                editor.bytes[offset] = Bool.random(using: &random) ? value : editor.bytes[offset] ^ (1 << (value & 7))
            }
            editor.sealAll()
            try withAligned(editor.bytes) { bytes in
                do {
                    let model = try BitBlobModel(validating: bytes)
                    for index in 0..<model.layerCount {
                        let layer = model.layer(index)
                        #expect(layer.weights.count == layer.layout.byteCount)
                        try layer.layout.validate(layer.weights)
                        #expect(layer.weightMultipliers.mantissas.allSatisfy { $0 > 0 })
                        #expect(layer.weightScales.count == layer.weightMultipliers.mantissas.count)
                        #expect(!layer.hasBias || layer.bias.mantissas.count == layer.layout.rows)
                    }
                    accepted += 1
                } catch {
                    refused += 1
                }
            }
        }
        // Some edits are valid blobs (a weight byte changed to another valid byte, other text).
        #expect(refused > 2000 && accepted > 0)
    }
}
