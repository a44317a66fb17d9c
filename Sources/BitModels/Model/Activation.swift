import BitLayers

/// The function a BitMLP applies between its layers (never after the last).
public enum Activation: String, Hashable, Sendable, CaseIterable {
    /// `max(x, 0)`, PyTorch's `nn.ReLU`.
    case relu
    /// No activation: consecutive layers compose linearly.
    case identity

    /// Applies the activation to every element.
    func apply(to matrix: inout Matrix) {
        switch self {
        case .relu:
            matrix.values.withUnsafeMutableBufferPointer { values in
                for index in values.indices where values[index] < 0 { values[index] = 0 }
            }
        case .identity:
            break
        }
    }

    /// Turns `gradient` (`∂L/∂output`) into `∂L/∂input`, given the activation's `output`.
    func backpropagate(_ gradient: inout Matrix, output: Matrix) {
        switch self {
        case .relu:
            gradient.values.withUnsafeMutableBufferPointer { values in
                output.values.withUnsafeBufferPointer { outputs in
                    for index in values.indices where !(outputs[index] > 0) { values[index] = 0 }
                }
            }
        case .identity:
            break
        }
    }
}
