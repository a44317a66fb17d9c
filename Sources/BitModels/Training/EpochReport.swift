/// What one epoch of `BitMLP.fit` achieved, handed to its progress callback.
public struct EpochReport: Hashable, Sendable {
    /// The epoch, from 1.
    public let epoch: Int
    /// The number of epochs the run will train.
    public let epochCount: Int
    /// The mean loss and accuracy over the epoch's training batches, as they were trained on
    /// (weights changing between batches, training-mode quantization).
    public let training: Evaluation
    /// Loss and accuracy on the validation split at the end of the epoch; nil without one.
    public let validation: Evaluation?
    /// Whether this epoch is the best so far (highest validation accuracy, earliest on ties; the
    /// latest epoch without a validation split): the one `fit` keeps if none beats it.
    public let isBest: Bool
    /// The time the epoch took, validation included.
    public let duration: Duration
}

/// The record of a `BitMLP.fit` run.
public struct TrainingHistory: Hashable, Sendable {
    /// One report per epoch, in order.
    public let epochs: [EpochReport]
    /// The epoch whose weights the model kept, from 1.
    public let bestEpoch: Int

    /// The report of the kept epoch.
    public var best: EpochReport { epochs[bestEpoch - 1] }
}
