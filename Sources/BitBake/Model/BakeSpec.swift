import BitBlob
import BitCore

/// An optional JSON file that says how to bake a model when names and defaults are not enough:
/// which tensors form the layers, the activation, the quant config and the packing. Every key is
/// optional; command-line options override the quant keys (see ``BakeOptions/init(spec:weightGranularity:activationGranularity:packing:)``).
///
/// ```json
/// {
///   "layers": [
///     {"weight": "encoder.fc.weight", "bias": "encoder.fc.bias"},
///     {"weight": "head.weight", "activation": "none"}
///   ],
///   "activation": "relu",
///   "weight_granularity": "per_channel",
///   "activation_granularity": "per_token",
///   "packing": "t3"
/// }
/// ```
///
/// `activation` is the one after every layer but the last (default `relu`); a layer's own
/// `activation` overrides it, and the last layer has none unless it says so. Reading refuses
/// unknown or repeated keys and unknown values; every error names the file and the key
/// (`spec.json: layers[1].weight: no tensor named 'head.weight' in the model`). docs/cli.md
/// documents the format.
public struct BakeSpec: Hashable, Sendable {
    /// One linear layer, as the spec names it.
    public struct Layer: Hashable, Sendable {
        /// The weight tensor, `[out, in]`.
        public var weight: String
        /// The bias tensor, `[out]`, if the layer has one.
        public var bias: String?
        /// The activation after this layer, overriding the spec's default.
        public var activation: LayerActivation?

        public init(weight: String, bias: String? = nil, activation: LayerActivation? = nil) {
            self.weight = weight
            self.bias = bias
            self.activation = activation
        }
    }

    /// The file the spec was read from, as errors name it.
    public var fileName: String
    /// The layers in order; nil to infer them from the tensor names.
    public var layers: [Layer]?
    /// The activation after every layer but the last; nil means relu.
    public var activation: LayerActivation?
    public var weightGranularity: BitQuantConfig.WeightGranularity?
    public var activationDType: BitQuantConfig.ActivationDType?
    public var activationGranularity: BitQuantConfig.ActivationGranularity?
    public var packing: TernaryPacking?

    /// A spec built in code; `fileName` is what its errors call it.
    public init(
        fileName: String = "spec", layers: [Layer]? = nil, activation: LayerActivation? = nil,
        weightGranularity: BitQuantConfig.WeightGranularity? = nil,
        activationDType: BitQuantConfig.ActivationDType? = nil,
        activationGranularity: BitQuantConfig.ActivationGranularity? = nil, packing: TernaryPacking? = nil
    ) {
        self.fileName = fileName
        self.layers = layers
        self.activation = activation
        self.weightGranularity = weightGranularity
        self.activationDType = activationDType
        self.activationGranularity = activationGranularity
        self.packing = packing
    }

    /// The activation after every layer but the last: the spec's `activation`, else relu.
    public var hiddenActivation: LayerActivation { activation ?? .relu }

    /// The layer chain this spec names, checked against the model's tensor shapes, or nil when the
    /// spec names no layers (then the chain is inferred and only ``hiddenActivation`` applies).
    ///
    /// - Throws: `BakeError` naming this file and the key (`layers[1].bias`) when a tensor is
    ///   missing, has the wrong shape, or the layers do not chain.
    public func description(for tensors: [(name: String, shape: [Int])]) throws(BakeError) -> MLPDescription? {
        guard let layers else { return nil }
        var shapes: [String: [Int]] = [:]
        for tensor in tensors { shapes[tensor.name] = tensor.shape }
        var result: [MLPDescription.Layer] = []
        for (index, layer) in layers.enumerated() {
            let key = "layers[\(index)]"
            guard let shape = shapes[layer.weight] else {
                throw error("\(key).weight", "no tensor named '\(layer.weight)' in the model")
            }
            guard shape.count == 2 else {
                throw error("\(key).weight", "'\(layer.weight)' has shape \(shape), expected [out, in]")
            }
            if let bias = layer.bias {
                guard let biasShape = shapes[bias] else {
                    throw error("\(key).bias", "no tensor named '\(bias)' in the model")
                }
                guard biasShape == [shape[0]] else {
                    throw error(
                        "\(key).bias",
                        "'\(bias)' has shape \(biasShape), expected [\(shape[0])] (the outputs of '\(layer.weight)')")
                }
            }
            let isLast = index == layers.count - 1
            result.append(
                MLPDescription.Layer(
                    weightName: layer.weight, biasName: layer.bias, inputs: shape[1], outputs: shape[0],
                    activation: layer.activation ?? (isLast ? .none : hiddenActivation)))
        }
        let description = MLPDescription(layers: result)
        do {
            try description.checkChain(howToFix: "list the layers under 'layers' in the order they run")
        } catch {
            throw self.error("layers", error.message)
        }
        return description
    }

    /// An error about `key` in this spec: `file: key: message`.
    func error(_ key: String, _ message: String) -> BakeError {
        BakeError("\(fileName): \(key): \(message)")
    }
}
