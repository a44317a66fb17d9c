import BitCore
import BitLayers

extension BitMLP {
    /// The weights and biases under PyTorch `nn.Sequential` names: layer `i` is module `2 * i`
    /// (activation modules sit at the odd indices), so `0.weight` `[out, in]`, `0.bias` `[out]`,
    /// `2.weight`, ... in that order. The master (float) weights, not their quantization.
    ///
    /// ```swift
    /// for tensor in model.stateDict() { print(tensor.name, tensor.shape) }   // 0.weight [256, 64] ...
    /// ```
    public func stateDict() -> [NamedTensor] {
        layers.enumerated().flatMap { index, layer in
            var tensors = [
                NamedTensor(
                    name: "\(2 * index).weight", shape: [layer.outFeatures, layer.inFeatures],
                    values: layer.weight.values),
            ]
            if let bias = layer.bias {
                tensors.append(NamedTensor(name: "\(2 * index).bias", shape: [bias.count], values: bias))
            }
            return tensors
        }
    }

    /// Creates a model from a state dict in `stateDict()`'s naming, in any order, taking the layer
    /// sizes from the weights' shapes. Biases are optional, layer by layer.
    ///
    /// ```swift
    /// let float = try BitMLP(stateDict: tensors, quantized: false)
    /// let bit = try BitMLP(stateDict: tensors, config: BitQuantConfig(weightGranularity: .perChannel))
    /// ```
    ///
    /// - Throws: `BitModelsError.unexpectedTensor` for a name that is not `<even index>.weight` or
    ///   `.bias`, `duplicateTensor`, `missingTensor` for a gap in the layers, `tensorValueCount`
    ///   when values and shape disagree, `tensorShape` when a weight is not 2-D or does not take
    ///   the previous layer's outputs, or a bias does not match its weight.
    public init(
        stateDict: [NamedTensor], activation: Activation = .relu, quantized: Bool = true,
        config: BitQuantConfig = BitQuantConfig()
    ) throws(BitModelsError) {
        var weights: [Int: NamedTensor] = [:]
        var biases: [Int: NamedTensor] = [:]
        for tensor in stateDict {
            let (module, isWeight) = try Self.parseName(tensor.name)
            guard Self.elementCount(of: tensor.shape) == tensor.values.count else { throw .tensorValueCount(name: tensor.name, shape: tensor.shape, count: tensor.values.count) }
            if isWeight {
                guard weights.updateValue(tensor, forKey: module / 2) == nil else { throw .duplicateTensor(name: tensor.name) }
            } else {
                guard biases.updateValue(tensor, forKey: module / 2) == nil else { throw .duplicateTensor(name: tensor.name) }
            }
        }
        let layerCount = (Array(weights.keys) + Array(biases.keys)).max().map { $0 + 1 } ?? 1
        var layers: [any DenseLayer] = []
        for index in 0..<layerCount {
            guard let weight = weights[index] else { throw .missingTensor(name: "\(2 * index).weight") }
            let expectedInputs = layers.last?.outFeatures
            guard weight.shape.count == 2, weight.shape[0] > 0, weight.shape[1] > 0,
                expectedInputs == nil || weight.shape[1] == expectedInputs
            else {
                throw .tensorShape(
                    name: weight.name, shape: weight.shape,
                    expected: expectedInputs.map { "[out, \($0)] (layer \(index - 1) has \($0) outputs)" }
                        ?? "[out, in] with positive sizes")
            }
            let matrix = Matrix(rows: weight.shape[0], columns: weight.shape[1], values: weight.values)
            if let bias = biases[index], bias.shape != [matrix.rows] {
                throw .tensorShape(name: bias.name, shape: bias.shape, expected: "[\(matrix.rows)]")
            }
            let biasValues = biases[index]?.values
            layers.append(
                quantized
                    ? BitLinear(weight: matrix, bias: biasValues, config: config)
                    : Linear(weight: matrix, bias: biasValues))
        }
        try self.init(layers: layers, activation: activation)
    }

    /// The module index and kind of `<index>.weight` or `<index>.bias` with an even index.
    private static func parseName(_ name: String) throws(BitModelsError) -> (module: Int, isWeight: Bool) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let module = Int(parts[0]), String(module) == parts[0], module >= 0,
            module % 2 == 0, parts[1] == "weight" || parts[1] == "bias"
        else { throw .unexpectedTensor(name: name) }
        return (module, parts[1] == "weight")
    }

    /// The product of `shape`, or nil for a negative dimension or an overflowing product.
    private static func elementCount(of shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }
}
