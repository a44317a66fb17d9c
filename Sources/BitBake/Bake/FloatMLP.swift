import BitBlob
import BitCore
import BitLayers
import BitModels

/// A float MLP resolved from a model file: its description and each layer's weight and bias.
public struct FloatMLP: Sendable {
    public let description: MLPDescription
    /// Layer weights, `[out, in]` row-major.
    public let weights: [Matrix]
    /// Layer biases (nil for a layer without one).
    public let biases: [[Float]?]

    /// Resolves `description` against the tensors of `file`.
    ///
    /// - Throws: `BakeError` when a tensor is missing, is not floating point, or holds NaN or
    ///   infinity.
    public init(file: ModelFile, description: MLPDescription) throws(BakeError) {
        var weights: [Matrix] = []
        var biases: [[Float]?] = []
        for layer in description.layers {
            let weight = try Self.values(of: layer.weightName, in: file)
            weights.append(Matrix(rows: layer.outputs, columns: layer.inputs, values: weight))
            biases.append(try layer.biasName.map { (name) throws(BakeError) in try Self.values(of: name, in: file) })
        }
        self.description = description
        self.weights = weights
        self.biases = biases
    }

    private static func values(of name: String, in file: ModelFile) throws(BakeError) -> [Float] {
        guard let tensor = file[name] else { throw BakeError("tensor '\(name)' is not in the model") }
        guard case .float(let values) = tensor.values else {
            throw BakeError("tensor '\(name)' holds \(tensor.storedType.rawValue) integers, not float weights")
        }
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw BakeError("tensor '\(name)' holds \(values[index]) at index \(index); weights must be finite")
        }
        return values
    }

    /// The model as a BitModels `BitMLP`: float `Linear` layers, or `BitLinear` layers quantized
    /// per `config` (the float fake-quant reference).
    ///
    /// - Throws: `BakeError` when the hidden layers do not share one activation or the last layer
    ///   has one: BitMLP models `Linear, act, Linear, ..., Linear` only.
    public func network(quantizedWith config: BitQuantConfig?) throws(BakeError) -> BitMLP {
        let activations = description.layers.map(\.activation)
        let hidden = activations.dropLast()
        guard activations.last == LayerActivation.none, Set(hidden).count <= 1 else {
            throw BakeError(
                "float evaluation and calibration need one activation between all layers and none after the "
                    + "last; this model has \(activations.map(\.name))")
        }
        let layers: [any DenseLayer] = zip(weights, biases).map { weight, bias in
            if let config { return BitLinear(weight: weight, bias: bias, config: config) }
            return Linear(weight: weight, bias: bias)
        }
        do {
            return try BitMLP(layers: layers, activation: hidden.first == LayerActivation.none ? .identity : .relu)
        } catch {
            throw BakeError("the layer chain does not fit together: \(error)")
        }
    }
}
