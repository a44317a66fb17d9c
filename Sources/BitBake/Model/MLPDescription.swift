import BitBlob
import BitCore

/// The layer chain of a float MLP: which tensors are each layer's weight and bias, in order, with
/// the activation after each layer. Inferred from tensor names and shapes (`MLPDescription.infer`)
/// or given by a bake spec (`BakeSpec`).
public struct MLPDescription: Hashable, Sendable {
    /// One linear layer.
    public struct Layer: Hashable, Sendable {
        /// The weight tensor's name, e.g. `0.weight`.
        public var weightName: String
        /// The bias tensor's name, if the layer has a bias.
        public var biasName: String?
        /// Input features (the weight's second dimension).
        public var inputs: Int
        /// Output features (the weight's first dimension).
        public var outputs: Int
        /// The activation after the layer.
        public var activation: LayerActivation
    }

    public var layers: [Layer]

    /// Input features of the first layer.
    public var inputFeatures: Int { layers.first?.inputs ?? 0 }
    /// Output features of the last layer.
    public var outputFeatures: Int { layers.last?.outputs ?? 0 }

    /// The chain in one line: `0.weight [256, 64] + 0.bias -> relu -> 2.weight [256, 256] ...`.
    public var summary: String {
        layers.map { layer in
            var text = "\(layer.weightName) [\(layer.outputs), \(layer.inputs)]"
            if let bias = layer.biasName { text += " + \(bias)" }
            if layer.activation == .relu { text += " -> relu" }
            return text
        }.joined(separator: " -> ")
    }
}

extension MLPDescription {
    /// Infers the chain from tensor names: every 2-D tensor named `<key>.weight` is a linear layer
    /// (PyTorch's `[out, in]`), `<key>.bias` its bias; layers run in natural order of `<key>`
    /// (`0 < 2 < 10`, `fc1 < fc2`, `layers.2 < layers.10`). ReLU follows every layer but the last.
    ///
    /// - Throws: `BakeError` when there is no layer, a bias does not match its weight, a
    ///   tensor looks like a layer type BitLab does not bake (batch norm, embeddings, convolutions),
    ///   or one layer's inputs differ from the previous layer's outputs.
    public static func infer(from tensors: [(name: String, shape: [Int])]) throws(BakeError) -> MLPDescription {
        var weights: [(key: String, shape: [Int])] = []
        var biases: [String: [Int]] = [:]
        for tensor in tensors {
            if tensor.name.hasSuffix(".running_mean") || tensor.name.hasSuffix(".running_var") {
                throw BakeError(
                    "tensor '\(tensor.name)' belongs to a batch-norm layer, which BitLab does not bake; "
                        + "fold it into the neighbouring linear layer's weight and bias first")
            }
            if tensor.name.hasSuffix(".weight") {
                let key = String(tensor.name.dropLast(".weight".count))
                guard tensor.shape.count == 2 else {
                    throw BakeError(
                        "tensor '\(tensor.name)' has shape \(tensor.shape); linear weights are 2-D [out, in] "
                            + "(convolutions, embeddings and norms are not baked). Name the layers in a --spec file "
                            + "to leave it out")
                }
                weights.append((key, tensor.shape))
            } else if tensor.name.hasSuffix(".bias") {
                biases[String(tensor.name.dropLast(".bias".count))] = tensor.shape
            }
        }
        guard !weights.isEmpty else {
            let names = tensors.prefix(8).map(\.name).joined(separator: ", ")
            throw BakeError(
                "no tensor named '<layer>.weight' (found: \(names)); name the layers in a --spec file")
        }
        weights.sort { NaturalOrder.precedes($0.key, $1.key) }
        var layers: [Layer] = []
        for (index, weight) in weights.enumerated() {
            let biasName: String?
            if let biasShape = biases.removeValue(forKey: weight.key) {
                guard biasShape == [weight.shape[0]] else {
                    throw BakeError(
                        "tensor '\(weight.key).bias' has shape \(biasShape) but '\(weight.key).weight' has "
                            + "\(weight.shape[0]) outputs")
                }
                biasName = weight.key + ".bias"
            } else {
                biasName = nil
            }
            layers.append(
                Layer(
                    weightName: weight.key + ".weight", biasName: biasName, inputs: weight.shape[1],
                    outputs: weight.shape[0], activation: index == weights.count - 1 ? .none : .relu))
        }
        if let orphan = biases.keys.sorted().first {
            throw BakeError("tensor '\(orphan).bias' has no matching '\(orphan).weight'")
        }
        let description = MLPDescription(layers: layers)
        try description.checkChain()
        return description
    }

    /// Checks that each layer's inputs equal the previous layer's outputs.
    ///
    /// - Parameter howToFix: the advice the error ends with.
    public func checkChain(
        howToFix: String = "if the order is wrong, list the layers in a --spec file"
    ) throws(BakeError) {
        guard !layers.isEmpty else { throw BakeError("the model has no layers") }
        for index in 1..<max(1, layers.count) {
            let previous = layers[index - 1], layer = layers[index]
            guard layer.inputs == previous.outputs else {
                throw BakeError(
                    "layer chain broken: '\(previous.weightName)' outputs \(previous.outputs) features but "
                        + "'\(layer.weightName)' takes \(layer.inputs) (layer order: "
                        + layers.map(\.weightName).joined(separator: ", ")
                        + "); \(howToFix)")
            }
        }
    }
}

/// Natural order of names: digit runs compare as numbers, so `layers.2` precedes `layers.10`.
enum NaturalOrder {
    static func precedes(_ a: String, _ b: String) -> Bool {
        let left = chunks(a), right = chunks(b)
        for (x, y) in zip(left, right) where x != y {
            switch (x, y) {
            case (.number(let m), .number(let n)): return m < n
            case (.text(let s), .text(let t)): return s < t
            case (.number, .text): return true
            case (.text, .number): return false
            }
        }
        return left.count < right.count
    }

    private enum Chunk: Equatable {
        case text(String)
        case number(Int)
    }

    private static func chunks(_ name: String) -> [Chunk] {
        var result: [Chunk] = []
        var current = ""
        var inDigits = false
        func flush() {
            guard !current.isEmpty else { return }
            result.append(inDigits ? .number(Int(current) ?? Int.max) : .text(current))
            current = ""
        }
        for character in name {
            let isDigit = character.isASCII && character.isNumber
            if isDigit != inDigits { flush(); inDigits = isDigit }
            current.append(character)
        }
        flush()
        return result
    }
}
