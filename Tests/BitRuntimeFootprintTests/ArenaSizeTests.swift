import BitBlob
import BitCore
import BitRuntime
import BitRuntimeTestSupport
import Testing

extension FootprintTests {
    /// The arena the blob asks for is the planner's size, and the engine runs in exactly that.
    @Suite struct ArenaSize {
        static let models: [(name: String, bake: @Sendable () throws -> BakedTestModel)] = [
            ("digits", { try DigitsExample.baked() }),
            ("digits per_channel/per_tensor/i2", {
                try DigitsExample.baked(RuntimeConfiguration(weights: .perChannel, activations: .perTensor, packing: .i2))
            }),
            ("random 1-2047-3-1000", {
                try BakedTestModel(randomFeatures: [1, 2047, 3, 1000], configuration: RuntimeConfiguration(), seed: 51)
            }),
        ]

        /// `MODL`'s arena figures, read from the blob's bytes, equal `ArenaPlan`'s for the layer
        /// shapes, and the runtime's request is `base + batch * perVector`.
        @Test(arguments: models.indices)
        func blobAsksForThePlannedArena(_ index: Int) throws {
            let baked = try Self.models[index].bake()
            var plan = ArenaPlan()
            for layer in baked.float.description.layers {
                plan.include(try TernaryMatrixLayout(packing: baked.configuration.packing, rows: layer.outputs, columns: layer.inputs))
            }
            let model = baked.model
            let record = try #require(model.sections.first { $0.kind == .model })
            let stored = baked.bytes.withUnsafeBytes { bytes in
                (bytes.loadUnaligned(fromByteOffset: Int(record.offset) + 16, as: UInt64.self),
                 bytes.loadUnaligned(fromByteOffset: Int(record.offset) + 24, as: UInt64.self))
            }
            #expect(stored.0 == UInt64(ArenaPlan.baseBytes))
            #expect(stored.1 == UInt64(plan.bytesPerVector))
            #expect(model.arenaPlan == plan)
            for batch in [1, 2, 64, 1000] {
                #expect(BitMLPRuntime.arenaBytes(for: model, batch: batch) == plan.bytes(batch: batch))
                #expect(model.arenaBytes(batch: batch) == Int(stored.0) + batch * Int(stored.1))
            }
        }

        /// With the most alignment padding (a buffer one byte past a 64-byte boundary) the runtime
        /// runs in exactly the requested bytes, writes nothing outside them, and refuses one less.
        @Test(arguments: models.indices)
        func runsInExactlyThatArena(_ index: Int) throws {
            let baked = try Self.models[index].bake()
            let inputs = TestInputs.matrix(rows: 8, features: baked.model.inputFeatures, seed: 52)
            let expected = try baked.simulate(inputs)
            for batch in [1, 8] {
                let required = try #require(baked.model.arenaBytes(batch: batch))
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: required + 128, alignment: 64)
                defer { buffer.deallocate() }
                buffer.initializeMemory(as: UInt8.self, repeating: 0x5A)
                let arena = UnsafeMutableRawBufferPointer(rebasing: buffer[1 ..< 1 + required])
                var runtime = try BitMLPRuntime(model: baked.model, arena: arena, maximumBatch: batch)
                #expect(try runtime.run(inputs, batch: batch) == expected)
                #expect(buffer[0] == 0x5A && buffer[(1 + required)...].allSatisfy { $0 == 0x5A })
                let short = UnsafeMutableRawBufferPointer(rebasing: buffer[1 ..< required])
                #expect(throws: RuntimeError.arenaTooSmall(required: required, provided: required - 1, batch: batch)) {
                    _ = try BitMLPRuntime(model: baked.model, arena: short, maximumBatch: batch)
                }
            }
        }
    }
}
