import BitLayers

/// How well a model does on a data set.
public struct Evaluation: Hashable, Sendable {
    /// The mean cross-entropy loss.
    public let loss: Double
    /// The fraction of samples whose argmax equals the label, in 0...1.
    public let accuracy: Double
    /// The number of samples.
    public let count: Int

    public init(loss: Double, accuracy: Double, count: Int) {
        self.loss = loss
        self.accuracy = accuracy
        self.count = count
    }
}

extension BitMLP {
    /// The logits (`batch x classCount`) for `inputs` (`batch x inFeatures`), in inference mode:
    /// `BitLinear` layers with `per_tensor` activations use their calibrated scales.
    ///
    /// - Precondition: `inputs` has `inFeatures` columns.
    public func callAsFunction(_ inputs: Matrix) -> Matrix {
        forward(inputs, mode: .inference).logits
    }

    /// The predicted class of each row of `inputs`: the first index of the largest logit.
    ///
    /// ```swift
    /// let classes = model.predict(testInputs)    // [3, 0, 9, ...]
    /// ```
    public func predict(_ inputs: Matrix) -> [Int] {
        self(inputs).argmaxOfRows()
    }

    /// The mean loss and the accuracy on `data`, in inference mode.
    ///
    /// - Throws: `BitModelsError.featureCount` or `labelOutOfRange` when `data` does not fit the model.
    public func evaluate(_ data: Dataset) throws(BitModelsError) -> Evaluation {
        try data.check(featureCount: inFeatures, classCount: classCount)
        let logits = self(data.inputs)
        let correct = zip(logits.argmaxOfRows(), data.labels).count { $0 == $1 }
        return Evaluation(
            loss: Double(CrossEntropy.loss(logits: logits, labels: data.labels)),
            accuracy: data.count == 0 ? 0 : Double(correct) / Double(data.count),
            count: data.count)
    }
}
