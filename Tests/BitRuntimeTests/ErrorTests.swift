import BitCore
import BitRuntime
import BitRuntimeTestSupport
import Testing

/// Refused inputs are errors naming the values involved, never traps, and leave the runtime usable.
@Suite struct ErrorTests {
    static let features = [13, 9, 4]

    static func baked() throws -> BakedTestModel {
        try BakedTestModel(randomFeatures: features, configuration: RuntimeConfiguration(), seed: 21)
    }

    @Test func wrongInputLength() throws {
        let baked = try Self.baked()
        try baked.withRuntime(maximumBatch: 4) { runtime in
            for (count, batch) in [(12, 1), (14, 1), (0, 1), (38, 3), (40, 3), (13, 3)] {
                let floats = [Float](repeating: 0.5, count: count)
                #expect(throws: RuntimeError.inputLength(expected: 13 * batch, actual: count)) {
                    _ = try floats.withUnsafeBufferPointer { try runtime.infer($0, batch: batch) }
                }
                let codes = [Int8](repeating: 3, count: count)
                #expect(throws: RuntimeError.inputLength(expected: 13 * batch, actual: count)) {
                    _ = try codes.withUnsafeBufferPointer {
                        try runtime.infer(codes: $0, step: FixedPointScale(0.01)!, batch: batch)
                    }
                }
            }
            #expect(
                "\(RuntimeError.inputLength(expected: 13, actual: 12))" == "input has 12 values, expected 13")
            try expectStillRuns(&runtime, baked: baked)
        }
    }

    /// The index of the first NaN or infinity of the whole batch is reported.
    @Test func nonFiniteInput() throws {
        let baked = try Self.baked()
        try baked.withRuntime(maximumBatch: 3) { runtime in
            for bad in [Float.nan, .infinity, -.infinity, .signalingNaN] {
                for index in [0, 12, 13, 30, 38] {
                    var floats = [Float](repeating: 0.25, count: 39)
                    floats[index] = bad
                    if index < 38 { floats[38] = .nan }
                    #expect(throws: RuntimeError.nonFiniteInput(index: index)) {
                        _ = try floats.withUnsafeBufferPointer { try runtime.infer($0, batch: 3) }
                    }
                }
            }
            #expect("\(RuntimeError.nonFiniteInput(index: 30))" == "input value 30 is NaN or infinite")
            try expectStillRuns(&runtime, baked: baked)
        }
    }

    @Test func batchOutOfRange() throws {
        let baked = try Self.baked()
        try baked.withRuntime(maximumBatch: 3) { runtime in
            for batch in [0, -1, 4, Int.max, Int.min] {
                #expect(throws: RuntimeError.batchOutOfRange(batch: batch, maximum: 3)) {
                    _ = try [Float]().withUnsafeBufferPointer { try runtime.infer($0, batch: batch) }
                }
                #expect(throws: RuntimeError.batchOutOfRange(batch: batch, maximum: 3)) {
                    _ = try [Int8]().withUnsafeBufferPointer {
                        try runtime.infer(codes: $0, step: FixedPointScale(0.01)!, batch: batch)
                    }
                }
            }
            #expect(throws: RuntimeError.batchOutOfRange(batch: 4, maximum: 3)) {
                _ = try runtime.run(TestInputs.matrix(rows: 8, features: 13, seed: 1), batch: 4)
            }
            #expect("\(RuntimeError.batchOutOfRange(batch: 4, maximum: 3))" == "batch 4 is outside 1 ... 3")
            try expectStillRuns(&runtime, baked: baked)
        }
    }

    @Test func maximumBatchBelowOne() throws {
        let baked = try Self.baked()
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 64)
        defer { arena.deallocate() }
        for maximumBatch in [0, -3] {
            #expect(throws: RuntimeError.batchOutOfRange(batch: maximumBatch, maximum: Int.max)) {
                _ = try BitMLPRuntime(model: baked.model, arena: arena, maximumBatch: maximumBatch)
            }
        }
    }

    /// Only a CPU without AVX2 or AVX-512 VNNI (or a non-x86 build) has a kernel to refuse.
    @Test(.enabled(if: TernaryKernel.allCases.contains { !$0.isSupported }, "this CPU runs every kernel"))
    func unsupportedKernel() throws {
        let baked = try Self.baked()
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: baked.model.arenaBytes(batch: 1)!, alignment: 64)
        defer { arena.deallocate() }
        for kernel in TernaryKernel.allCases where !kernel.isSupported {
            #expect(throws: RuntimeError.kernel(.unsupportedKernel(name: kernel.name))) {
                _ = try BitMLPRuntime(model: baked.model, arena: arena, kernel: kernel)
            }
        }
    }

    /// After a refusal the next call still gives the simulation's outputs.
    func expectStillRuns(_ runtime: inout BitMLPRuntime, baked: BakedTestModel) throws {
        let inputs = TestInputs.matrix(rows: 6, features: 13, seed: 3)
        #expect(try runtime.run(inputs, batch: runtime.maximumBatch) == baked.simulate(inputs))
    }
}
