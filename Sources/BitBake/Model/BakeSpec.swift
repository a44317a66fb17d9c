import BitBlob
import BitCore
import Foundation

/// An optional JSON file that says how to bake a model when names and defaults are not enough:
/// which tensors form the layers, the activation, the quant config and the packing. Every key is
/// optional; command-line options override it.
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
/// `activation` overrides it, and the last layer has none unless it says so.
public struct BakeSpec: Hashable, Sendable, Decodable {
    public struct Layer: Hashable, Sendable, Decodable {
        public var weight: String
        public var bias: String?
        public var activation: String?
    }

    public var layers: [Layer]?
    public var activation: String?
    public var weightGranularity: String?
    public var activationDType: String?
    public var activationGranularity: String?
    public var packing: String?

    enum CodingKeys: String, CodingKey {
        case layers, activation, packing
        case weightGranularity = "weight_granularity"
        case activationDType = "activation_dtype"
        case activationGranularity = "activation_granularity"
    }

    public init(
        layers: [Layer]? = nil, activation: String? = nil, weightGranularity: String? = nil,
        activationDType: String? = nil, activationGranularity: String? = nil, packing: String? = nil
    ) {
        self.layers = layers
        self.activation = activation
        self.weightGranularity = weightGranularity
        self.activationDType = activationDType
        self.activationGranularity = activationGranularity
        self.packing = packing
    }

    /// Reads a spec file, with errors that name the file and the key.
    public init(contentsOf url: URL) throws(BakeError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw BakeError("\(url.path): cannot read the spec: \(error.localizedDescription)")
        }
        do {
            self = try JSONDecoder().decode(BakeSpec.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw BakeError("\(url.path): \(Self.path(context)): \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw BakeError("\(url.path): \(Self.path(context)): missing key '\(key.stringValue)'")
        } catch {
            throw BakeError("\(url.path): not a valid JSON spec (\(error.localizedDescription))")
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return path.isEmpty ? "top level" : path
    }

    /// The layer chain this spec names, checked against the model's tensor shapes, or nil when the
    /// spec names no layers (then the chain is inferred and only the activation default applies).
    public func description(for tensors: [(name: String, shape: [Int])]) throws(BakeError) -> MLPDescription? {
        let hidden = try Self.activation(activation ?? "relu", field: "activation")
        guard let layers, !layers.isEmpty else { return nil }
        var shapes: [String: [Int]] = [:]
        for tensor in tensors { shapes[tensor.name] = tensor.shape }
        var result: [MLPDescription.Layer] = []
        for (index, layer) in layers.enumerated() {
            guard let shape = shapes[layer.weight] else {
                throw BakeError("spec layer \(index): no tensor named '\(layer.weight)' in the model")
            }
            guard shape.count == 2 else {
                throw BakeError("spec layer \(index): '\(layer.weight)' has shape \(shape), expected [out, in]")
            }
            if let bias = layer.bias {
                guard let biasShape = shapes[bias] else {
                    throw BakeError("spec layer \(index): no tensor named '\(bias)' in the model")
                }
                guard biasShape == [shape[0]] else {
                    throw BakeError(
                        "spec layer \(index): bias '\(bias)' has shape \(biasShape), expected [\(shape[0])]")
                }
            }
            let isLast = index == layers.count - 1
            let activation = try layer.activation.map { (name) throws(BakeError) in
                try Self.activation(name, field: "layers[\(index)].activation")
            } ?? (isLast ? .none : hidden)
            result.append(
                MLPDescription.Layer(
                    weightName: layer.weight, biasName: layer.bias, inputs: shape[1], outputs: shape[0],
                    activation: activation))
        }
        let description = MLPDescription(layers: result)
        try description.checkChain()
        return description
    }

    /// The hidden-layer activation this spec asks for (default relu), applied to an inferred chain.
    public func hiddenActivation() throws(BakeError) -> LayerActivation {
        try Self.activation(activation ?? "relu", field: "activation")
    }

    private static func activation(_ name: String, field: String) throws(BakeError) -> LayerActivation {
        switch name {
        case "relu": return .relu
        case "none", "identity", "linear": return .none
        default: throw BakeError("spec \(field): unknown activation '\(name)' (expected relu or none)")
        }
    }
}
