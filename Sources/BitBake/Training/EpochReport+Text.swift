import BitModels

extension EpochReport {
    /// The epoch as `finetune` and `train` print it:
    /// `epoch 3/60  loss 0.2431  accuracy 98.30%  val loss 0.0985  val accuracy 97.22%  *`
    /// (the validation fields only with validation rows; `*` when the epoch is the best so far).
    public var text: String {
        var line = "epoch \(epoch)/\(epochCount)  loss \(Formatting.fixed(training.loss, 4))"
            + "  accuracy \(Formatting.accuracy(training.accuracy))"
        if let validation {
            line += "  val loss \(Formatting.fixed(validation.loss, 4))  val accuracy \(Formatting.accuracy(validation.accuracy))"
        }
        return isBest ? line + "  *" : line
    }
}

extension QuantizationAwareTraining.Run {
    /// Which epoch the model kept: `kept epoch 49 (validation accuracy 99.31% with fake quantization)`.
    public var keptText: String {
        let kept = "kept epoch \(history.bestEpoch)"
        guard let validation = history.best.validation else { return kept }
        return kept + " (validation accuracy \(Formatting.accuracy(validation.accuracy)) with fake quantization)"
    }
}
