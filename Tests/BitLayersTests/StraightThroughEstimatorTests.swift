import BitCore
import BitLayers
import Testing

/// The STE: BitLinear's gradients are the float layer's gradients at the fake-quantized operands,
/// `∂L/∂W = ∂L/∂w_fq` and `∂L/∂x = ∂L/∂x_fq`, clamped values included.
@Suite struct StraightThroughEstimatorTests {
    @Test(arguments: [
        BitQuantConfig(),
        BitQuantConfig(weightGranularity: .perChannel, activationGranularity: .perTensor),
        BitQuantConfig(activationDType: .float32),
    ])
    func gradientsPassThroughRoundAndClamp(config: BitQuantConfig) {
        var generator = SplitMix64(seed: 9)
        var layer = BitLinear(inFeatures: 12, outFeatures: 5, config: config, using: &generator)
        layer.weight[0, 0] = 40   // far past the clamp: code 1, while W * s is far above 1.5
        layer.weight[3, 7] = -40
        let input = Matrix.random(rows: 4, columns: 12, in: -1...1, using: &generator)
        if config.activationGranularity == .perTensor {
            layer.calibrate(on: Matrix([[0.25]]))   // inputs beyond ±0.25 clamp to ±127
        }
        let outputGradient = Matrix.random(rows: 4, columns: 5, using: &generator)

        for mode in [ForwardMode.training, .inference] {
            let pass = layer.forward(input, mode: mode)
            let gradients = layer.backward(outputGradient, through: pass)

            let quantizedWeight = layer.forwardWeight()
            let quantizedInput = layer.forwardInput(input, mode: mode)
            let reference = Linear(weight: quantizedWeight, bias: layer.bias)
            let referencePass = reference.forward(quantizedInput, mode: mode)
            let expected = reference.backward(outputGradient, through: referencePass)

            #expect(pass.output == referencePass.output)
            #expect(gradients.weight == expected.weight)
            #expect(gradients.input == expected.input)
            #expect(gradients.bias == expected.bias)
            // The clamped weights get the full upstream gradient, not zero.
            #expect(gradients.weight[0, 0] != 0 && gradients.weight[3, 7] != 0)
        }
    }

    /// The rule itself: the gradient of `x ↦ x_fq` is the identity, so `∂L/∂x` equals `∂L/∂x_fq`
    /// for every element, including those the int8 range clamps.
    @Test func clampedActivationsGetTheUpstreamGradient() {
        var layer = BitLinear(
            inFeatures: 3, outFeatures: 3, bias: false, config: BitQuantConfig(activationGranularity: .perTensor))
        layer.weight = Matrix([[3, 0, 0], [0, 3, 0], [0, 0, 3]])   // mean 1, codes I: w_fq = I, y = x_fq
        layer.calibrate(on: Matrix([[1]]))
        let input = Matrix([[5, -7, 0.5]])                         // 5 and -7 clamp to ±127/127
        let pass = layer.forward(input, mode: .inference)
        #expect(pass.output == Matrix([[1, -128.0 / 127, 64.0 / 127]]))
        let upstream = Matrix([[0.3, -2, 1.5]])
        #expect(layer.backward(upstream, through: pass).input == upstream)
    }
}
