import BitCore
import BitLayers
import BitModels
import Testing

@Suite struct BitMLPTests {
    @Test func buildsBitLinearOrFloatLayers() throws {
        let bit = try BitMLP(layerSizes: [4, 8, 3], config: BitQuantConfig(weightGranularity: .perChannel), seed: 2)
        #expect(bit.layerSizes == [4, 8, 3])
        #expect(bit.layers.allSatisfy { ($0 as? BitLinear)?.config.weightGranularity == .perChannel })
        let float = try BitMLP(layerSizes: [4, 8, 3], quantized: false, seed: 2)
        #expect(float.layers.allSatisfy { $0 is Linear })
        // The same seed draws the same master weights, whatever the layer type.
        #expect(float.parameters == bit.parameters)
        #expect(float.quantized().parameters == float.parameters)
        #expect(float.quantized().layers.allSatisfy { $0 is BitLinear })
    }

    @Test func rejectsBadSizesAndChains() {
        #expect(throws: BitModelsError.invalidLayerSizes([4])) { try BitMLP(layerSizes: [4]) }
        #expect(throws: BitModelsError.invalidLayerSizes([4, 0, 2])) { try BitMLP(layerSizes: [4, 0, 2]) }
        #expect(throws: BitModelsError.layerMismatch(index: 1, inFeatures: 5, expected: 8)) {
            try BitMLP(layers: [Linear(inFeatures: 4, outFeatures: 8), BitLinear(inFeatures: 5, outFeatures: 2)])
        }
        #expect(throws: BitModelsError.invalidLayerSizes([])) { try BitMLP(layers: []) }
    }

    @Test func forwardAppliesReLUBetweenLayersOnly() throws {
        let first = Linear(weight: Matrix([[1], [-1]]), bias: [0, 0])
        let last = Linear(weight: Matrix([[1, 1]]), bias: [-5])
        let relu = try BitMLP(layers: [first, last], activation: .relu)
        let identity = try BitMLP(layers: [first, last], activation: .identity)
        let input = Matrix([[2], [-3]])
        #expect(relu(input) == Matrix([[-3], [-2]]))        // relu(2, -2) = (2, 0); relu(-3, 3) = (0, 3); minus 5, no relu
        #expect(identity(input) == Matrix([[-5], [-5]]))
        #expect(relu.predict(Matrix([[1]])) == [0])
    }

    @Test func calibrationSetsEveryBitLinearScaleLayerByLayer() throws {
        var model = try BitMLP(
            layerSizes: [3, 5, 2], config: BitQuantConfig(activationGranularity: .perTensor), seed: 4)
        #expect(model.needsCalibration)
        #expect(try BitMLP(layerSizes: [3, 2]).needsCalibration == false)
        let inputs = Matrix([[0.5, -2, 1], [1, 1, 0.25]])
        model.calibrate(on: inputs)
        let scales = model.layers.map { ($0 as? BitLinear)?.staticInputScale }
        #expect(scales[0] == Float(127) / 2)
        // The second layer's scale comes from the first layer's calibrated output after ReLU.
        var hidden = model.layers[0](inputs)
        hidden.values = hidden.values.map { max($0, 0) }
        let expected = 127 / max(hidden.values.map(abs).max() ?? 0, 1e-5)
        #expect(scales[1] == expected)
    }

    @Test func evaluationChecksTheData() throws {
        let model = try BitMLP(layerSizes: [2, 3])
        #expect(throws: BitModelsError.featureCount(expected: 2, actual: 1)) {
            try model.evaluate(Dataset(inputs: Matrix([[1]]), labels: [0]))
        }
        #expect(throws: BitModelsError.labelOutOfRange(sample: 1, label: 3, classCount: 3)) {
            try model.evaluate(Dataset(inputs: Matrix([[1, 2], [3, 4]]), labels: [2, 3]))
        }
        #expect(throws: BitModelsError.labelCount(samples: 2, labels: 1)) {
            try Dataset(inputs: Matrix([[1, 2], [3, 4]]), labels: [0])
        }
    }

    /// The whole network's backward pass against central differences, for a float model (the
    /// quantized one is piecewise constant in its weights; its rule is tested in BitLayersTests).
    @Test func floatModelGradientsMatchFiniteDifferences() throws {
        var model = try BitMLP(layerSizes: [3, 4, 3], quantized: false, seed: 5)
        let inputs = Matrix([[0.5, -1, 2], [1.5, 0.25, -0.75]])
        let labels = [2, 0]
        let analytic = model.gradients(inputs: inputs, labels: labels).parameters
        let parameters = model.parameters
        let step: Float = 1e-2
        for (array, values) in parameters.enumerated() {
            for index in values.indices {
                var shifted = parameters
                shifted[array][index] += step
                model.parameters = shifted
                let plus = Double(CrossEntropy.loss(logits: model(inputs), labels: labels))
                shifted[array][index] -= 2 * step
                model.parameters = shifted
                let minus = Double(CrossEntropy.loss(logits: model(inputs), labels: labels))
                let numeric = (plus - minus) / Double(2 * step)
                #expect(abs(numeric - Double(analytic[array][index])) <= 2e-3, "parameter \(array)[\(index)]")
            }
        }
    }
}
