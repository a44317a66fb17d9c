import BitCore
import BitLayers

/// A multilayer perceptron of `BitLinear` (or float `Linear`) layers with an activation between
/// layers and none after the last: PyTorch's `nn.Sequential(Linear, ReLU, Linear, ..., Linear)`.
///
/// ```swift
/// var model = try BitMLP(layerSizes: [64, 256, 256, 10], activation: .relu, config: BitQuantConfig())
/// let history = try model.fit(trainingData, options: TrainingOptions(epochs: 50))
/// let accuracy = try model.evaluate(testData).accuracy
/// let tensors = model.stateDict()            // "0.weight", "0.bias", "2.weight", ...
/// ```
///
/// To quantize a trained float model, train `BitMLP(layerSizes:quantized: false)` and fine-tune
/// `model.quantized(config:)`. A BitMLP is a value: copying one snapshots its weights.
public struct BitMLP: Sendable {
    /// The layers in order; layer `i` is `Sequential` module `2 * i`.
    public internal(set) var layers: [any DenseLayer]
    /// The activation between layers.
    public let activation: Activation

    /// Creates a model with freshly initialized layers (PyTorch's `nn.Linear` initialization, in
    /// layer order, from one `SplitMix64` seeded with `seed`).
    ///
    /// - Parameters:
    ///   - layerSizes: the input size, the hidden sizes, and the output size (the class count).
    ///   - quantized: `BitLinear` layers quantized per `config` if true, float `Linear` if false.
    ///   - bias: whether every layer has a bias.
    /// - Throws: `BitModelsError.invalidLayerSizes` for fewer than two sizes or a size below 1.
    public init(
        layerSizes: [Int], activation: Activation = .relu, quantized: Bool = true,
        config: BitQuantConfig = BitQuantConfig(), bias: Bool = true, seed: UInt64 = 0
    ) throws(BitModelsError) {
        guard layerSizes.count >= 2, layerSizes.allSatisfy({ $0 > 0 }) else {
            throw .invalidLayerSizes(layerSizes)
        }
        var generator = SplitMix64(seed: seed)
        var layers: [any DenseLayer] = []
        for (inFeatures, outFeatures) in zip(layerSizes, layerSizes.dropFirst()) {
            if quantized {
                layers.append(BitLinear(
                    inFeatures: inFeatures, outFeatures: outFeatures, bias: bias, config: config, using: &generator))
            } else {
                layers.append(Linear(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias, using: &generator))
            }
        }
        self.layers = layers
        self.activation = activation
    }

    /// Creates a model from existing layers, for example a mix of float and `BitLinear` layers.
    ///
    /// - Throws: `BitModelsError.invalidLayerSizes` for no layers, `layerMismatch` when a layer's
    ///   input size is not the previous layer's output size.
    public init(layers: [any DenseLayer], activation: Activation = .relu) throws(BitModelsError) {
        guard let first = layers.first else { throw .invalidLayerSizes([]) }
        var previousOutFeatures = first.outFeatures
        for (index, layer) in layers.enumerated().dropFirst() {
            guard layer.inFeatures == previousOutFeatures else {
                throw .layerMismatch(index: index, inFeatures: layer.inFeatures, expected: previousOutFeatures)
            }
            previousOutFeatures = layer.outFeatures
        }
        self.layers = layers
        self.activation = activation
    }

    /// The input size, then each layer's output size.
    public var layerSizes: [Int] { [layers[0].inFeatures] + layers.map(\.outFeatures) }

    /// The number of input features.
    public var inFeatures: Int { layers[0].inFeatures }

    /// The number of classes (the last layer's output size).
    public var classCount: Int { layers[layers.count - 1].outFeatures }

    /// The same weights and biases in `BitLinear` layers quantized per `config`: the start of
    /// quantization-aware fine-tuning of a trained float model.
    public func quantized(config: BitQuantConfig = BitQuantConfig()) -> BitMLP {
        var copy = self
        copy.layers = layers.map { BitLinear(weight: $0.weight, bias: $0.bias, config: config) }
        return copy
    }
}
