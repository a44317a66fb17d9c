import BitCore
import BitRuntime
import BitRuntimeTestSupport
import Testing

extension FootprintTests {
    /// `infer` allocates nothing after load: counted for real by malloc-interposer, for every config
    /// and kernel, with a control that shows the count sees an allocation in the same place.
    @Suite struct ZeroAllocation {
        @Test(arguments: RuntimeConfiguration.all)
        func randomModels(_ configuration: RuntimeConfiguration) throws {
            let baked = try BakedTestModel(randomFeatures: [45, 23, 7], configuration: configuration, seed: 41)
            for kernel in TernaryKernel.supported {
                let count = try countAllocations(baked, maximumBatch: 8, kernel: kernel)
                #expect(count.allocations == 0, "\(configuration), kernel \(kernel.name): \(count)")
            }
        }

        @Test func digitsExample() throws {
            let baked = try DigitsExample.baked()
            for kernel in TernaryKernel.supported {
                let count = try countAllocations(baked, maximumBatch: 16, kernel: kernel)
                #expect(count.allocations == 0, "digits, kernel \(kernel.name): \(count)")
            }
        }

        /// The control: an allocation added next to `infer` in the measured region (one per
        /// exercised batch size, so two) is counted, exactly.
        @Test func anAddedAllocationIsCounted() throws {
            let baked = try DigitsExample.baked()
            let count = try countAllocations(baked, maximumBatch: 16, kernel: .best) { result in
                let copy = UnsafeMutablePointer<Int32>.allocate(capacity: result.outputCount)
                copy.update(from: result.logits(0).baseAddress!, count: result.outputCount)
                defer { copy.deallocate() }
                return Int(copy[0])
            }
            #expect(count.allocations == 2)
            #expect(count.bytes == 2 * 40)
        }

        /// Loads `baked` into a runtime, runs everything a device calls once to warm up (first calls
        /// may instantiate type metadata), then again with counting on; `extra` runs on the last
        /// result inside the counted region.
        func countAllocations(
            _ baked: BakedTestModel, maximumBatch: Int, kernel: TernaryKernel,
            extra: (borrowing InferenceResult) -> Int = { _ in 0 }
        ) throws -> AllocationCounter.Count {
            let inputCount = baked.model.inputFeatures
            let floats = TestInputs.matrix(rows: maximumBatch + 4, features: inputCount, seed: 42).values
            let codes = floats.indices.map { Int8(truncatingIfNeeded: $0 &* 37) }
            let step = try #require(FixedPointScale(0.0078125))
            var logits = [Float](repeating: 0, count: baked.model.outputFeatures)
            return try baked.withRuntime(maximumBatch: maximumBatch, kernel: kernel) { runtime in
                try floats.withUnsafeBufferPointer { floats in
                    try codes.withUnsafeBufferPointer { codes in
                        try logits.withUnsafeMutableBufferPointer { logits in
                            var checksum = try Self.exercise(
                                &runtime, floats: floats, codes: codes, step: step, logits: logits, extra: extra)
                            let count = try AllocationCounter.count {
                                checksum &+= try Self.exercise(
                                    &runtime, floats: floats, codes: codes, step: step, logits: logits, extra: extra)
                            }
                            #expect(checksum != Int.min)
                            return count
                        }
                    }
                }
            }
        }

        /// Every call a device makes after load: float and int8 input at batch 1 and at the largest
        /// batch, and every accessor of the results. Returns a checksum so that nothing is
        /// optimized away.
        ///
        /// Refused inputs are counted by the probe (`ResidentMemory`) instead: Swift Testing
        /// records a backtrace of every thrown error, on the throwing thread, which would be
        /// counted here although the runtime allocates nothing to throw.
        static func exercise(
            _ runtime: inout BitMLPRuntime, floats: UnsafeBufferPointer<Float>, codes: UnsafeBufferPointer<Int8>,
            step: FixedPointScale, logits: UnsafeMutableBufferPointer<Float>, extra: (borrowing InferenceResult) -> Int
        ) throws -> Int {
            // No array literals or capturing local functions here: in a debug build they would be
            // the test's own allocations.
            try exercise(&runtime, batch: 1, floats: floats, codes: codes, step: step, logits: logits, extra: extra)
                &+ exercise(
                    &runtime, batch: runtime.maximumBatch, floats: floats, codes: codes, step: step, logits: logits,
                    extra: extra)
        }

        static func exercise(
            _ runtime: inout BitMLPRuntime, batch: Int, floats: UnsafeBufferPointer<Float>,
            codes: UnsafeBufferPointer<Int8>, step: FixedPointScale, logits: UnsafeMutableBufferPointer<Float>,
            extra: (borrowing InferenceResult) -> Int
        ) throws -> Int {
            let inputCount = runtime.inputCount
            var checksum = 0
            let result = try runtime.infer(UnsafeBufferPointer(rebasing: floats[0 ..< batch * inputCount]), batch: batch)
            for vector in 0..<batch {
                checksum &+= result.predictedClass(vector) &+ result.exponent(vector) &+ Int(result.logits(vector)[0])
                result.floatLogits(vector, into: logits)
                checksum &+= Int(logits[0].bitPattern)
            }
            let integer = try runtime.infer(
                codes: UnsafeBufferPointer(rebasing: codes[0 ..< batch * inputCount]), step: step, batch: batch)
            return checksum &+ integer.predictedClass(batch - 1) &+ extra(integer)
        }
    }
}
