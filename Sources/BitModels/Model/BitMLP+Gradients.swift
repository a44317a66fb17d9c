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

/// A teacher's logits for a batch, and how much the student should follow them.
public struct SoftTargets: Sendable {
    /// The teacher's logits, `batch x classCount`.
    public var logits: Matrix
    /// The softmax temperature of the distillation term.
    public var temperature: Float
    /// The distillation term's share of the loss, in 0...1.
    public var weight: Float

    public init(logits: Matrix, temperature: Float, weight: Float) {
        self.logits = logits
        self.temperature = temperature
        self.weight = weight
    }
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
    /// With `teacher` (a teacher model's logits for the same rows), the loss is
    /// `(1 − weight) · cross-entropy + weight · distillation` (`CrossEntropy.distillationLossAndGradient`
    /// at `teacher.temperature`): the student learns the labels and the teacher's soft outputs.
    ///
    /// - Precondition: `inputs` has `inFeatures` columns and one row per label, and every label is
    ///   in `0..<classCount`; teacher logits are `batch x classCount`.
    public func gradients(inputs: Matrix, labels: [Int], teacher: SoftTargets? = nil) -> BatchGradients {
        let trace = forward(inputs, mode: .training)
        var (loss, logitGradient) = CrossEntropy.lossAndGradient(logits: trace.logits, labels: labels)
        if let teacher, teacher.weight > 0 {
            let (softLoss, softGradient) = CrossEntropy.distillationLossAndGradient(
                logits: trace.logits, teacherLogits: teacher.logits, temperature: teacher.temperature)
            loss = (1 - teacher.weight) * loss + teacher.weight * softLoss
            for index in logitGradient.values.indices {
                logitGradient.values[index] = (1 - teacher.weight) * logitGradient.values[index]
                    + teacher.weight * softGradient.values[index]
            }
        }
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
