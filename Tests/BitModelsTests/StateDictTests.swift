import BitCore
import BitLayers
import BitModels
import Testing

@Suite struct StateDictTests {
    @Test func usesSequentialNamesAndShapes() throws {
        let model = try BitMLP(layerSizes: [64, 256, 256, 10], seed: 1)
        let tensors = model.stateDict()
        #expect(tensors.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"])
        #expect(tensors.map(\.shape) == [[256, 64], [256], [256, 256], [256], [10, 256], [10]])
        #expect(tensors.map(\.values) == model.parameters)
    }

    @Test(arguments: [true, false])
    func roundTripsInAnyOrder(quantized: Bool) throws {
        let config = BitQuantConfig(weightGranularity: .perChannel, activationGranularity: .perTensor)
        var layers: [any DenseLayer] = [Linear(inFeatures: 3, outFeatures: 4, seed: 1)]
        layers.append(Linear(inFeatures: 4, outFeatures: 2, bias: false, seed: 2))
        let model = try BitMLP(layers: layers)
        let loaded = try BitMLP(stateDict: model.stateDict().reversed(), quantized: quantized, config: config)
        #expect(loaded.stateDict() == model.stateDict())
        #expect(loaded.layers[1].bias == nil)
        #expect(loaded.layers.allSatisfy { quantized ? ($0 as? BitLinear)?.config == config : $0 is Linear })
    }

    @Test func reportsWhatIsWrong() {
        let weight0 = NamedTensor(name: "0.weight", shape: [2, 3], values: Array(repeating: 0.5, count: 6))
        let bias0 = NamedTensor(name: "0.bias", shape: [2], values: [0, 0])
        let weight2 = NamedTensor(name: "2.weight", shape: [1, 2], values: [1, 1])
        func load(_ tensors: [NamedTensor]) throws(BitModelsError) { _ = try BitMLP(stateDict: tensors) }

        #expect(throws: BitModelsError.missingTensor(name: "0.weight")) { try load([]) }
        #expect(throws: BitModelsError.missingTensor(name: "2.weight")) {
            try load([weight0, NamedTensor(name: "4.weight", shape: [1, 2], values: [1, 1])])
        }
        for name in ["1.weight", "0.gamma", "00.weight", "+2.weight", "0.weight.x", "model.0.weight", "-2.bias"] {
            #expect(throws: BitModelsError.unexpectedTensor(name: name)) {
                try load([weight0, NamedTensor(name: name, shape: [1], values: [0])])
            }
        }
        #expect(throws: BitModelsError.duplicateTensor(name: "0.weight")) { try load([weight0, weight0]) }
        #expect(throws: BitModelsError.tensorValueCount(name: "0.bias", shape: [2], count: 3)) {
            try load([weight0, NamedTensor(name: "0.bias", shape: [2], values: [0, 0, 0])])
        }
        #expect(throws: BitModelsError.tensorShape(name: "0.bias", shape: [3], expected: "[2]")) {
            try load([weight0, NamedTensor(name: "0.bias", shape: [3], values: [0, 0, 0])])
        }
        #expect(throws: BitModelsError.tensorShape(name: "0.weight", shape: [6], expected: "[out, in] with positive sizes")) {
            try load([NamedTensor(name: "0.weight", shape: [6], values: weight0.values)])
        }
        let wrongInputs = NamedTensor(name: "2.weight", shape: [1, 3], values: [1, 1, 1])
        #expect(throws: BitModelsError.tensorShape(
            name: "2.weight", shape: [1, 3], expected: "[out, 2] (layer 0 has 2 outputs)")) {
            try load([weight0, bias0, wrongInputs])
        }
        #expect(throws: Never.self) { try load([weight2, bias0, weight0]) }
    }

    @Test func errorMessagesNameTheTensor() {
        let error = BitModelsError.tensorShape(name: "2.weight", shape: [1, 3], expected: "[out, 2]")
        #expect(error.description == "tensor '2.weight' has shape [1, 3], expected [out, 2]")
    }
}
