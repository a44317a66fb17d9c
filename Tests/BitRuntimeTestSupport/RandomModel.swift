import BitBake
import BitBlob
import BitLayers

/// Float MLPs with reproducible random weights, as a PyTorch model would save them.
public enum RandomModel {
    /// A float MLP whose layer `l` maps `features[l]` inputs to `features[l + 1]` outputs, with
    /// weights and biases drawn from PyTorch's `nn.Linear` range `±1/sqrt(inputs)`.
    ///
    /// - Parameter activations: the activation after each layer; by default `hidden` after every
    ///   layer but the last.
    public static func float(
        features: [Int], bias: Bool = true, hidden: LayerActivation = .relu, activations: [LayerActivation]? = nil,
        seed: UInt64
    ) -> FloatMLP {
        var generator = SplitMix64(seed: seed)
        var tensors: [ModelFile.Tensor] = []
        for (index, (inputs, outputs)) in zip(features, features.dropFirst()).enumerated() {
            let bound = 1 / Float(inputs).squareRoot()
            tensors.append(
                ModelFile.Tensor(
                    name: "\(2 * index).weight", shape: [outputs, inputs],
                    values: .float(uniform(count: outputs * inputs, bound: bound, using: &generator))))
            if bias {
                tensors.append(
                    ModelFile.Tensor(
                        name: "\(2 * index).bias", shape: [outputs],
                        values: .float(uniform(count: outputs, bound: bound, using: &generator))))
            }
        }
        var description = try! MLPDescription.infer(from: tensors.map { ($0.name, $0.shape) })
        for index in description.layers.indices {
            description.layers[index].activation =
                activations?[index] ?? (index == description.layers.count - 1 ? .none : hidden)
        }
        return try! FloatMLP(file: ModelFile(tensors: tensors), description: description)
    }

    /// `count` values spread evenly over `-bound ..< bound`, two per 64 random bits, in a plain loop:
    /// `Float.random(in:using:)` is generic and, unoptimized, takes seconds for a 16M-weight model.
    static func uniform(count: Int, bound: Float, using generator: inout SplitMix64) -> [Float] {
        let step = 2 * bound / Float(1 << 24)
        return [Float](unsafeUninitializedCapacity: count) { values, initialized in
            var index = 0
            while index < count {
                let bits = generator.next()
                values[index] = Float(Int(truncatingIfNeeded: bits >> 40)) * step - bound
                if index + 1 < count {
                    values[index + 1] = Float(Int(truncatingIfNeeded: (bits >> 8) & 0xFF_FFFF)) * step - bound
                }
                index += 2
            }
            initialized = count
        }
    }
}
