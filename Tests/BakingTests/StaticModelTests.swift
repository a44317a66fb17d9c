import BitBake
import BitBlob
import BitCore
import BitRuntime
import Foundation
import Testing

/// A static variable for the address test: its storage is fixed for the life of the process.
nonisolated(unsafe) private var storageForAddressTest = StaticStorage<1, 3>()

@Suite struct StaticModelTests {
    let blob = DigitsData.defaultBlob

    /// The blob as the emitter's words: little-endian, the last padded with zeros.
    static func words(_ bytes: UnsafeRawBufferPointer) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: (bytes.count + 7) / 8)
        words.withUnsafeMutableBytes { $0.copyMemory(from: bytes) }
        return words
    }

    /// The words decoded from a blob: answers equal the runtime's (in its own arena) for every
    /// test row, with the float and with the int8 entry point.
    @Test func wordsAnswerAsTheRuntimeDoes() throws {
        let words = Self.words(blob.bytes)
        let arenaBytes = try #require(blob.model.arenaBytes(batch: 1))
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: arenaBytes, alignment: 1)
        defer { arena.deallocate() }
        var model = StaticModel(words: words, byteCount: blob.bytes.count, arena: arena)
        #expect(try model.model().bytes.baseAddress == words.withUnsafeBytes { $0.baseAddress })
        let expected = try Engine.runtime.run(blob, inputs: DigitsData.test.inputs)
        for row in 0..<DigitsData.test.inputs.rows {
            let result = try DigitsData.row(row).withUnsafeBufferPointer { (input) throws(RuntimeError) in
                try model.infer(input)
            }
            #expect(Array(result.logits(0)) == Array(expected.logits[row * 10..<(row + 1) * 10]))
            #expect(result.exponent(0) == expected.exponents[row])
            #expect(result.predictedClass(0) == expected.classes[row])
        }
        let codes: [Int8] = (0..<64).map { Int8($0 % 17) }
        let step = try #require(FixedPointScale(1.0 / 127))
        let arena2 = UnsafeMutableRawBufferPointer.allocate(byteCount: arenaBytes, alignment: 1)
        defer { arena2.deallocate() }
        var runtime = try BitMLPRuntime(model: blob.model, arena: arena2)
        let viaModel = try codes.withUnsafeBufferPointer { (codes) throws(RuntimeError) in
            Array(try model.infer(codes: codes, step: step).logits(0))
        }
        let viaRuntime = try codes.withUnsafeBufferPointer { (codes) throws(RuntimeError) in
            Array(try runtime.infer(codes: codes, step: step).logits(0))
        }
        #expect(viaModel == viaRuntime)
    }

    /// A damaged blob is refused once and the error returned by every call, never a trap.
    @Test func damagedBlobFailsEveryCall() throws {
        var words = Self.words(blob.bytes)
        words[100] ^= 1 << 5
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { arena.deallocate() }
        var model = StaticModel(words: words, byteCount: blob.bytes.count, arena: arena)
        var refusal: RuntimeError?
        do throws(BitBlobError) {
            _ = try BitBlobModel(validating: words.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[0..<blob.bytes.count]) })
        } catch {
            refusal = .invalidBlob(error)
        }
        let expected = try #require(refusal)
        #expect(throws: expected) { try model.model() }
        let input = DigitsData.row(0)
        for _ in 0..<2 {
            #expect(throws: expected) { try input.withUnsafeBufferPointer { (input) throws(RuntimeError) in try model.infer(input) } }
        }
        #expect(throws: expected) {
            try [Int8](repeating: 0, count: 64).withUnsafeBufferPointer { (codes) throws(RuntimeError) in
                try model.infer(codes: codes, step: FixedPointScale(Double(1))!)
            }
        }
    }

    @Test func wordsShorterThanTheBlobAreRefused() throws {
        let words = Self.words(blob.bytes)
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { arena.deallocate() }
        let model = StaticModel(words: words, byteCount: words.count * 8 + 1, arena: arena)
        #expect(throws: RuntimeError.embeddedBlobLength(expected: words.count * 8 + 1, actual: words.count * 8)) {
            try model.model()
        }
    }

    @Test func arenaOneByteShortIsRefused() throws {
        let words = Self.words(blob.bytes)
        let required = try #require(blob.model.arenaBytes(batch: 1))
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: required - 1, alignment: 1)
        defer { arena.deallocate() }
        let model = StaticModel(words: words, byteCount: blob.bytes.count, arena: arena)
        #expect(throws: RuntimeError.arenaTooSmall(required: required, provided: required - 1, batch: 1)) {
            try model.model()
        }
    }

    @Test func invalidBase64IsKept() throws {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 3, alignment: 4)
        defer { storage.deallocate() }
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
        defer { arena.deallocate() }
        let model = StaticModel(base64: "QklU\nQk*P", decodingInto: storage, arena: arena)
        #expect(throws: RuntimeError.invalidBase64(offset: 7)) { try model.model() }
    }

    @Test func storageShapes() {
        #expect(StaticStorageShape(byteCount: 0) == StaticStorageShape(pages: 0, lines: 0))
        #expect(StaticStorageShape(byteCount: 1) == StaticStorageShape(pages: 0, lines: 1))
        #expect(StaticStorageShape(byteCount: 64) == StaticStorageShape(pages: 0, lines: 1))
        #expect(StaticStorageShape(byteCount: 65) == StaticStorageShape(pages: 0, lines: 2))
        #expect(StaticStorageShape(byteCount: 4096) == StaticStorageShape(pages: 1, lines: 0))
        #expect(StaticStorageShape(byteCount: 20_472) == StaticStorageShape(pages: 4, lines: 64))
        #expect(StaticStorageShape(byteCount: 20_472).byteCount == 20_480)
        #expect(StaticStorage<4, 64>.byteCount == 20_480)
        #expect(MemoryLayout<StaticStorage<4, 64>>.size == 20_480)
        #expect(MemoryLayout<StaticStorage<0, 23>>.size == 1_472)
    }

    /// The bytes of a static variable's storage: zeroed, its own address every time.
    @Test func storageBytesAreTheVariablesOwn() {
        let first = storageForAddressTest.unsafeBytes(count: 4096 + 3 * 64)
        #expect(first.allSatisfy { $0 == 0 })
        first[first.count - 1] = 7
        let second = storageForAddressTest.unsafeBytes(count: 10)
        #expect(second.baseAddress == first.baseAddress)
        #expect(withUnsafeBytes(of: &storageForAddressTest) { $0.baseAddress } == UnsafeRawPointer(first.baseAddress))
        first[first.count - 1] = 0
    }
}
