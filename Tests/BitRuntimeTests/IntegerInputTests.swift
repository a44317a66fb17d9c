import BitBake
import BitCore
import BitLayers
import BitRuntime
import BitRuntimeTestSupport
import Testing

/// The int8 entry point and the float conversion of the outputs.
@Suite struct IntegerInputTests {
    static let features = [37, 19, 5]

    /// `infer(codes:step:)` given the codes and step of the float boundary (docs/integer-inference.md:
    /// the first layer's codes and `T = 1/s` rounded to 31 bits) gives exactly what the float input does.
    @Test(arguments: RuntimeConfiguration.all)
    func codesEqualFloatInput(_ configuration: RuntimeConfiguration) throws {
        let baked = try BakedTestModel(randomFeatures: Self.features, configuration: configuration, seed: 11)
        let inputs = TestInputs.matrix(rows: 16, features: Self.features[0], seed: 12)
        let first = baked.model.layer(0)
        let expected = try baked.simulate(inputs)
        var codes = [Int8](repeating: 0, count: inputs.values.count)
        var steps: [FixedPointScale] = []
        for row in 0..<inputs.rows {
            let values = Array(inputs.row(row))
            let scale = first.staticInputScaleValue ?? values.withUnsafeBufferPointer(AbsmaxQuantizer.dynamicScale(of:))
            try values.withUnsafeBufferPointer { values in
                try codes.withUnsafeMutableBufferPointer { codes in
                    let start = row * inputs.columns
                    try AbsmaxQuantizer.quantize(
                        values, scale: scale,
                        into: UnsafeMutableBufferPointer(rebasing: codes[start ..< start + inputs.columns]))
                }
            }
            steps.append(try #require(first.staticInputStep ?? FixedPointScale(1 / Double(scale))))
        }
        try baked.withRuntime(maximumBatch: inputs.rows) { runtime in
            for row in 0..<inputs.rows {
                let result = try codes.withUnsafeBufferPointer { codes in
                    try runtime.infer(
                        codes: UnsafeBufferPointer(rebasing: codes[row * inputs.columns ..< (row + 1) * inputs.columns]),
                        step: steps[row])
                }
                #expect(Array(result.logits(0)) == Array(expected.logits[row * 5 ..< (row + 1) * 5]))
                #expect(result.exponent(0) == expected.exponents[row])
                #expect(result.predictedClass(0) == expected.classes[row])
            }
            // per_tensor: one static step serves every vector, so the whole batch goes in one call.
            guard configuration.activations == .perTensor else { return }
            let result = try codes.withUnsafeBufferPointer { codes in
                try runtime.infer(codes: codes, step: steps[0], batch: inputs.rows)
            }
            for row in 0..<inputs.rows {
                #expect(Array(result.logits(row)) == Array(expected.logits[row * 5 ..< (row + 1) * 5]))
                #expect(result.exponent(row) == expected.exponents[row])
                #expect(result.predictedClass(row) == expected.classes[row])
            }
        }
    }

    /// `floatLogits` converts each logit once, `logit * 2^exponent`, as the simulation reports them,
    /// and writes no further than the output buffer or the logit count.
    @Test func floatLogits() throws {
        let baked = try DigitsExample.baked()
        let inputs = try DigitsExample.testInputs()
        let expected = try baked.simulate(inputs).floatLogits
        try baked.withRuntime(maximumBatch: 8) { runtime in
            let result = try inputs.values.withUnsafeBufferPointer { values in
                try runtime.infer(UnsafeBufferPointer(rebasing: values[0 ..< 8 * 64]), batch: 8)
            }
            for vector in 0..<8 {
                var logits = [Float](repeating: .nan, count: 12)
                logits.withUnsafeMutableBufferPointer { result.floatLogits(vector, into: $0) }
                #expect(Array(logits[0..<10]) == Array(expected[vector * 10 ..< (vector + 1) * 10]))
                #expect(logits[10].isNaN && logits[11].isNaN)
                var short = [Float](repeating: .nan, count: 3)
                short.withUnsafeMutableBufferPointer { result.floatLogits(vector, into: $0) }
                #expect(short == Array(expected[vector * 10 ..< vector * 10 + 3]))
            }
        }
    }
}
