import BitCore
import BitLayers
import Testing

/// The backward pass against central finite differences of the layer's own forward pass, for
/// `L = Σ r·y + ½ Σ y²` (a quadratic, so central differences are exact up to rounding).
@Suite struct DenseGradientTests {
    private static func loss(_ output: Matrix, weights r: Matrix) -> Double {
        zip(output.values, r.values).reduce(0) { $0 + Double($1.0) * Double($1.1) + 0.5 * Double($1.0 * $1.0) }
    }

    /// `∂L/∂y = r + y`.
    private static func lossGradient(_ output: Matrix, weights r: Matrix) -> Matrix {
        Matrix(rows: output.rows, columns: output.columns, values: zip(output.values, r.values).map { $0 + $1 })
    }

    /// Central differences of `loss(parameters)` around `values[index]`, for every index.
    private static func numericGradient(
        of values: [Float], step: Float = 1e-2, loss: ([Float]) -> Double
    ) -> [Double] {
        values.indices.map { index in
            var plus = values, minus = values
            plus[index] += step
            minus[index] -= step
            return (loss(plus) - loss(minus)) / Double(plus[index] - minus[index])
        }
    }

    private static func expectClose(_ analytic: [Float], _ numeric: [Double], _ label: String) {
        #expect(analytic.count == numeric.count)
        for (index, (a, n)) in zip(analytic, numeric).enumerated() {
            #expect(abs(Double(a) - n) <= 1e-3 * max(1, abs(n)), "\(label)[\(index)]: \(a) vs \(n)")
        }
    }

    @Test(arguments: [(1, 1, 1), (3, 5, 2), (4, 7, 3)])
    func linearMatchesFiniteDifferences(shape: (batch: Int, inFeatures: Int, outFeatures: Int)) {
        var generator = SplitMix64(seed: 3)
        let layer = Linear(inFeatures: shape.inFeatures, outFeatures: shape.outFeatures, using: &generator)
        let input = Matrix.random(rows: shape.batch, columns: shape.inFeatures, using: &generator)
        let r = Matrix.random(rows: shape.batch, columns: shape.outFeatures, using: &generator)
        let pass = layer.forward(input, mode: .training)
        let gradients = layer.backward(Self.lossGradient(pass.output, weights: r), through: pass)

        Self.expectClose(gradients.input?.values ?? [], Self.numericGradient(of: input.values) { values in
            Self.loss(layer(Matrix(rows: input.rows, columns: input.columns, values: values)), weights: r)
        }, "dx")
        Self.expectClose(gradients.weight.values, Self.numericGradient(of: layer.weight.values) { values in
            var probe = layer
            probe.weight.values = values
            return Self.loss(probe(input), weights: r)
        }, "dW")
        Self.expectClose(gradients.bias ?? [], Self.numericGradient(of: layer.bias ?? []) { values in
            var probe = layer
            probe.bias = values
            return Self.loss(probe(input), weights: r)
        }, "db")
    }

    /// With float32 activations the fake-quantized weight is constant near the master weight, so
    /// the layer is differentiable in its input and bias, and the gradients are exact there.
    @Test(arguments: [BitQuantConfig.WeightGranularity.perTensor, .perChannel])
    func bitLinearFloatPathMatchesFiniteDifferences(granularity: BitQuantConfig.WeightGranularity) {
        var generator = SplitMix64(seed: 4)
        let config = BitQuantConfig(weightGranularity: granularity, activationDType: .float32)
        let layer = BitLinear(inFeatures: 6, outFeatures: 4, config: config, using: &generator)
        let input = Matrix.random(rows: 3, columns: 6, using: &generator)
        let r = Matrix.random(rows: 3, columns: 4, using: &generator)
        let pass = layer.forward(input, mode: .training)
        let gradients = layer.backward(Self.lossGradient(pass.output, weights: r), through: pass)

        Self.expectClose(gradients.input?.values ?? [], Self.numericGradient(of: input.values) { values in
            Self.loss(layer(Matrix(rows: input.rows, columns: input.columns, values: values)), weights: r)
        }, "dx")
        Self.expectClose(gradients.bias ?? [], Self.numericGradient(of: layer.bias ?? []) { values in
            var probe = layer
            probe.bias = values
            return Self.loss(probe(input), weights: r)
        }, "db")
    }

    @Test func inputGradientCanBeSkippedAndBiasIsOptional() {
        let layer = Linear(inFeatures: 3, outFeatures: 2, bias: false, seed: 1)
        #expect(layer.bias == nil)
        let pass = layer.forward(Matrix(rows: 2, columns: 3, repeating: 1), mode: .training)
        let gradients = layer.backward(Matrix(rows: 2, columns: 2, repeating: 1), through: pass, needsInputGradient: false)
        #expect(gradients.input == nil)
        #expect(gradients.bias == nil)
        #expect(gradients.weight == Matrix(rows: 2, columns: 3, repeating: 2))
    }
}
