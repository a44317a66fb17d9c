/// A fully connected layer `y = op_x(x) · op_w(W)ᵀ + b` with float master weights.
///
/// A conforming type says what the forward pass multiplies (`forwardInput`, `forwardWeight`):
/// `Linear` uses its operands as they are, `BitLinear` their fake quantization. The forward and
/// backward passes are shared: the backward pass differentiates through the multiplied operands
/// and hands their gradients to the master weights and the input unchanged. For `BitLinear` that
/// is the straight-through estimator; for `Linear` it is the exact gradient.
///
/// ```swift
/// var layer = BitLinear(inFeatures: 64, outFeatures: 10, seed: 1)
/// let pass = layer.forward(batch, mode: .training)                // pass.output: batch x 10
/// let gradients = layer.backward(outputGradient, through: pass)
/// layer.weight.values[0] -= 0.01 * gradients.weight.values[0]
/// ```
public protocol DenseLayer: Sendable {
    /// The master weight, `outFeatures x inFeatures` (PyTorch's layout).
    var weight: Matrix { get set }
    /// The bias, `outFeatures` values, or nil for a layer without one.
    var bias: [Float]? { get set }
    /// The weight the forward pass multiplies by.
    func forwardWeight() -> Matrix
    /// The input the forward pass multiplies, given the batch `input` (`batch x inFeatures`).
    func forwardInput(_ input: Matrix, mode: ForwardMode) -> Matrix
}

/// Whether a forward pass trains or infers; it matters only where statistics are taken from the
/// batch (`BitLinear`'s per-tensor activation scale).
public enum ForwardMode: Hashable, Sendable {
    case training
    case inference
}

/// One forward pass: its output and the operands the backward pass needs.
public struct DenseForward: Sendable {
    /// The layer's output, `batch x outFeatures`.
    public let output: Matrix
    /// The input as multiplied (`forwardInput`), `batch x inFeatures`.
    public let input: Matrix
    /// The weight as multiplied (`forwardWeight`), `outFeatures x inFeatures`.
    public let weight: Matrix
}

/// The gradients of a loss with respect to a layer's input and parameters.
public struct DenseGradients: Sendable {
    /// `∂L/∂x`, `batch x inFeatures`; nil when not requested (the first layer needs none).
    public let input: Matrix?
    /// `∂L/∂W`, `outFeatures x inFeatures`.
    public let weight: Matrix
    /// `∂L/∂b`, `outFeatures` values; nil for a layer without bias.
    public let bias: [Float]?
}

extension DenseLayer {
    /// The number of input features (columns of `weight`).
    public var inFeatures: Int { weight.columns }
    /// The number of output features (rows of `weight`).
    public var outFeatures: Int { weight.rows }

    /// The output for a batch `input` (`batch x inFeatures`), in inference mode.
    public func callAsFunction(_ input: Matrix) -> Matrix {
        forward(input, mode: .inference).output
    }

    /// Runs the forward pass and keeps what `backward` needs.
    ///
    /// - Precondition: `input.columns == inFeatures` and the bias, if any, has `outFeatures` values.
    public func forward(_ input: Matrix, mode: ForwardMode) -> DenseForward {
        precondition(
            input.columns == inFeatures, "the layer takes \(inFeatures) features, the input has \(input.columns)")
        let x = forwardInput(input, mode: mode)
        let w = forwardWeight()
        var output = Matrix.product(x, w, transposeB: true)
        if let bias {
            precondition(bias.count == outFeatures, "the bias has \(bias.count) values, expected \(outFeatures)")
            let rows = output.rows
            output.values.withUnsafeMutableBufferPointer { values in
                for row in 0..<rows {
                    for column in 0..<bias.count { values[row * bias.count + column] += bias[column] }
                }
            }
        }
        return DenseForward(output: output, input: x, weight: w)
    }

    /// The gradients for `outputGradient` (`∂L/∂y`, `batch x outFeatures`) after the forward pass
    /// `pass`: `∂L/∂x = ∂L/∂y · W_op`, `∂L/∂W = (∂L/∂y)ᵀ · x_op`, `∂L/∂b = Σ_batch ∂L/∂y`, where
    /// `x_op` and `W_op` are the operands the pass multiplied.
    ///
    /// - Parameter needsInputGradient: false skips `∂L/∂x` (one product fewer).
    public func backward(
        _ outputGradient: Matrix, through pass: DenseForward, needsInputGradient: Bool = true
    ) -> DenseGradients {
        precondition(
            outputGradient.rows == pass.output.rows && outputGradient.columns == pass.output.columns,
            "the output gradient is \(outputGradient.rows) x \(outputGradient.columns),"
                + " the output \(pass.output.rows) x \(pass.output.columns)")
        let weightGradient = Matrix.product(outputGradient, pass.input, transposeA: true)
        let inputGradient = needsInputGradient ? Matrix.product(outputGradient, pass.weight) : nil
        let biasGradient = bias.map { _ in columnSums(of: outputGradient) }
        return DenseGradients(input: inputGradient, weight: weightGradient, bias: biasGradient)
    }
}

/// The sum of each column of `matrix`.
private func columnSums(of matrix: Matrix) -> [Float] {
    var sums = [Float](repeating: 0, count: matrix.columns)
    for row in 0..<matrix.rows {
        for column in 0..<matrix.columns { sums[column] += matrix.values[row * matrix.columns + column] }
    }
    return sums
}
