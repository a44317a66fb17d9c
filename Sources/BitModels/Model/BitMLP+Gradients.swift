import BitLayers

/// The result of one training forward and backward pass over a batch.
public struct BatchGradients: Sendable {
    /// The mean cross-entropy loss over the batch.
    public let loss: Float
    /// How many samples the batch's logits classify correctly (argmax equals the label).
    public let correctCount: Int
    /// `∂loss/∂p` for every array of `BitMLP.parameters`, in the same order.
    public let parameters: [[Float]]
}

extension BitMLP {
    /// Runs the training forward pass (fake quantization with batch statistics) on `inputs`
    /// (`batch x inFeatures`) and backpropagates the mean cross-entropy against `labels`, through
    /// the straight-through estimator in `BitLinear` layers.
    ///
    /// ```swift
    /// var optimizer = Adam(learningRate: 1e-3)
    /// let step = model.gradients(inputs: batch, labels: batchLabels)
    /// var parameters = model.parameters
    /// optimizer.update(&parameters, along: step.parameters)
    /// model.parameters = parameters
    /// ```
    ///
    /// - Precondition: `inputs` has `inFeatures` columns and one row per label, and every label is
    ///   in `0..<classCount`.
    public func gradients(inputs: Matrix, labels: [Int]) -> BatchGradients {
        let trace = forward(inputs, mode: .training)
        let (loss, logitGradient) = CrossEntropy.lossAndGradient(logits: trace.logits, labels: labels)
        let correctCount = zip(trace.logits.argmaxOfRows(), labels).count { $0 == $1 }

        var upstream = logitGradient
        var reversedGradients: [[Float]] = []
        for index in layers.indices.reversed() {
            let gradients = layers[index].backward(upstream, through: trace.passes[index], needsInputGradient: index > 0)
            if let bias = gradients.bias { reversedGradients.append(bias) }
            reversedGradients.append(gradients.weight.values)
            if index > 0, let input = gradients.input {
                upstream = input
                activation.backpropagate(&upstream, output: trace.activations[index - 1])
            }
        }
        return BatchGradients(loss: loss, correctCount: correctCount, parameters: reversedGradients.reversed())
    }
}
