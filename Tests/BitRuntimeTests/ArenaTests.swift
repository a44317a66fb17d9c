import BitCore
import BitRuntime
import BitRuntimeTestSupport
import Testing

/// The runtime works in exactly the bytes `ArenaPlan` gives, wherever the buffer starts, touches
/// nothing outside them, and refuses one byte less.
@Suite struct ArenaTests {
    /// Bytes before and after the arena, filled with a pattern that must survive.
    static let guardBytes = 128
    static let pattern: UInt8 = 0xA5

    @Test(arguments: [1, 3])
    func everyAlignment(maximumBatch: Int) throws {
        let configuration = RuntimeConfiguration(weights: .perChannel, activations: .perTensor, packing: .i2)
        let baked = try BakedTestModel(randomFeatures: [333, 67, 130, 3], configuration: configuration, seed: 31)
        let inputs = TestInputs.matrix(rows: maximumBatch + 4, features: 333, seed: 32)
        let expected = try baked.simulate(inputs)
        let required = try #require(baked.model.arenaBytes(batch: maximumBatch))
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: required + 64 + 2 * Self.guardBytes, alignment: 64)
        defer { buffer.deallocate() }
        for offset in 0..<64 {
            buffer.initializeMemory(as: UInt8.self, repeating: Self.pattern)
            let start = Self.guardBytes + offset
            let arena = UnsafeMutableRawBufferPointer(rebasing: buffer[start ..< start + required])
            var runtime = try BitMLPRuntime(model: baked.model, arena: arena, maximumBatch: maximumBatch)
            #expect(try runtime.run(inputs, batch: maximumBatch) == expected, "offset \(offset)")
            let outside = buffer[..<start].contains { $0 != Self.pattern }
                || buffer[(start + required)...].contains { $0 != Self.pattern }
            #expect(!outside, "offset \(offset): the runtime wrote outside its arena")

            let short = UnsafeMutableRawBufferPointer(rebasing: buffer[start ..< start + required - 1])
            #expect(throws: RuntimeError.arenaTooSmall(required: required, provided: required - 1, batch: maximumBatch)) {
                _ = try BitMLPRuntime(model: baked.model, arena: short, maximumBatch: maximumBatch)
            }
        }
    }

    @Test func emptyAndOverflowingArenas() throws {
        let baked = try BakedTestModel(randomFeatures: [5, 3], configuration: RuntimeConfiguration(), seed: 33)
        let required = try #require(baked.model.arenaBytes(batch: 1))
        let empty = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        #expect(throws: RuntimeError.arenaTooSmall(required: required, provided: 0, batch: 1)) {
            _ = try BitMLPRuntime(model: baked.model, arena: empty)
        }
        // A batch whose arena size overflows Int asks for Int.max bytes.
        #expect(throws: RuntimeError.arenaTooSmall(required: Int.max, provided: 0, batch: Int.max / 64)) {
            _ = try BitMLPRuntime(model: baked.model, arena: empty, maximumBatch: Int.max / 64)
        }
        #expect(
            "\(RuntimeError.arenaTooSmall(required: required, provided: required - 1, batch: 1))"
                == "arena of \(required - 1) bytes is too small: batch 1 needs \(required) bytes")
    }
}
