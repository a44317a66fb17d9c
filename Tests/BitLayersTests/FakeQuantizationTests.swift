import BitCore
import BitLayers
import Testing

/// The forward pass quantizes exactly as BitCore's quantizers (and so the bake tool) do.
@Suite struct FakeQuantizationTests {
    @Test(arguments: BitQuantConfig.WeightGranularity.allCases)
    func weightIsCodesOverAbsmeanScales(granularity: BitQuantConfig.WeightGranularity) throws {
        var generator = SplitMix64(seed: 5)
        let layer = BitLinear(
            inFeatures: 37, outFeatures: 11, config: BitQuantConfig(weightGranularity: granularity), using: &generator)
        let (codes, scales) = try AbsmeanQuantizer.quantize(
            layer.weight.values, rows: 11, columns: 37, granularity: granularity)
        let expected = codes.indices.map { index in
            Float(codes[index]) / scales[granularity == .perChannel ? index / 37 : 0]
        }
        #expect(layer.forwardWeight().values == expected)
        #expect(Set(codes) == [-1, 0, 1])
    }

    @Test func perTokenInputUsesOneAbsmaxScalePerRow() {
        var generator = SplitMix64(seed: 6)
        let layer = BitLinear(inFeatures: 19, outFeatures: 3, using: &generator)
        var input = Matrix.random(rows: 5, columns: 19, in: -4...4, using: &generator)
        input.values.replaceSubrange(19..<38, with: repeatElement(0, count: 19))   // an all-zero row: epsilon scale
        let expected = (0..<5).flatMap { row in
            let values = Array(input.row(row))
            let scale = values.withUnsafeBufferPointer { AbsmaxQuantizer.dynamicScale(of: $0) }
            return values.map { Float(AbsmaxQuantizer.code($0, scale: scale)) / scale }
        }
        #expect(layer.forwardInput(input, mode: .training).values == expected)
        #expect(layer.forwardInput(input, mode: .inference).values == expected)
    }

    @Test func perTensorInputUsesTheBatchWhileTrainingAndTheCalibratedScaleAtInference() {
        var generator = SplitMix64(seed: 7)
        var layer = BitLinear(
            inFeatures: 8, outFeatures: 2, config: BitQuantConfig(activationGranularity: .perTensor), using: &generator)
        let input = Matrix.random(rows: 4, columns: 8, in: -2...2, using: &generator)
        func fakeQuantized(_ scale: Float) -> [Float] {
            input.values.map { Float(AbsmaxQuantizer.code($0, scale: scale)) / scale }
        }
        let batchScale = input.values.withUnsafeBufferPointer { AbsmaxQuantizer.dynamicScale(of: $0) }
        #expect(layer.forwardInput(input, mode: .training).values == fakeQuantized(batchScale))
        #expect(layer.forwardInput(input, mode: .inference).values == fakeQuantized(batchScale))   // uncalibrated

        layer.calibrate(on: Matrix([[0.5, -1]]))
        #expect(layer.staticInputScale == 127)
        #expect(layer.forwardInput(input, mode: .inference).values == fakeQuantized(127))   // clamps at ±1
        #expect(layer.forwardInput(input, mode: .training).values == fakeQuantized(batchScale))
    }

    @Test func float32ActivationsPassUnchanged() {
        let layer = BitLinear(inFeatures: 3, outFeatures: 2, config: BitQuantConfig(activationDType: .float32))
        let input = Matrix([[0.123, -4.56, 7.89e-7]])
        #expect(layer.forwardInput(input, mode: .training) == input)
    }

    /// `y = (q_x · q_w) / (s_x s_w) + b`, the integer engine's formula, to float rounding.
    @Test(arguments: BitQuantConfig.WeightGranularity.allCases)
    func outputIsTheScaledIntegerProduct(granularity: BitQuantConfig.WeightGranularity) throws {
        var generator = SplitMix64(seed: 8)
        let layer = BitLinear(
            inFeatures: 33, outFeatures: 9, config: BitQuantConfig(weightGranularity: granularity), using: &generator)
        let input = Matrix.random(rows: 3, columns: 33, in: -3...3, using: &generator)
        let (codes, scales) = try AbsmeanQuantizer.quantize(
            layer.weight.values, rows: 9, columns: 33, granularity: granularity)
        let output = layer(input)
        for row in 0..<3 {
            let values = Array(input.row(row))
            let inputScale = values.withUnsafeBufferPointer { AbsmaxQuantizer.dynamicScale(of: $0) }
            let inputCodes = values.map { AbsmaxQuantizer.code($0, scale: inputScale) }
            for column in 0..<9 {
                let accumulator = (0..<33).reduce(0) { $0 + Int(inputCodes[$1]) * Int(codes[column * 33 + $1]) }
                let weightScale = scales[granularity == .perChannel ? column : 0]
                let expected = Double(accumulator) / (Double(inputScale) * Double(weightScale))
                    + Double(layer.bias![column])
                #expect(abs(Double(output[row, column]) - expected) <= 1e-5 * max(1, abs(expected)))
            }
        }
    }
}
