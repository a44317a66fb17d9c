import BitBlob
import BitCore

/// One combination of everything a baked BitMLP can vary: quantization granularities, packing,
/// biases and the hidden activation.
public struct RuntimeConfiguration: Hashable, Sendable, CustomStringConvertible {
    public var weights: BitQuantConfig.WeightGranularity
    public var activations: BitQuantConfig.ActivationGranularity
    public var packing: TernaryPacking
    public var bias: Bool
    /// The activation after every layer but the last (which has none).
    public var hidden: LayerActivation

    public init(
        weights: BitQuantConfig.WeightGranularity = .perTensor,
        activations: BitQuantConfig.ActivationGranularity = .perToken, packing: TernaryPacking = .t3,
        bias: Bool = true, hidden: LayerActivation = .relu
    ) {
        self.weights = weights
        self.activations = activations
        self.packing = packing
        self.bias = bias
        self.hidden = hidden
    }

    /// The quant config with int8 activations.
    public var config: BitQuantConfig {
        BitQuantConfig(weightGranularity: weights, activationDType: .int8, activationGranularity: activations)
    }

    /// Every combination: 2 weight granularities x 2 activation granularities x 2 packings x
    /// bias or not x ReLU or none, 32 in all.
    public static let all: [RuntimeConfiguration] = BitQuantConfig.WeightGranularity.allCases.flatMap { weights in
        BitQuantConfig.ActivationGranularity.allCases.flatMap { activations in
            TernaryPacking.allCases.flatMap { packing in
                [true, false].flatMap { bias in
                    LayerActivation.allCases.map { hidden in
                        RuntimeConfiguration(
                            weights: weights, activations: activations, packing: packing, bias: bias, hidden: hidden)
                    }
                }
            }
        }
    }

    /// `per_channel/per_token/i2/bias/relu`.
    public var description: String {
        "\(weights.name)/\(activations.name)/\(packing.name)/\(bias ? "bias" : "no-bias")/\(hidden == .relu ? "relu" : "none")"
    }
}
