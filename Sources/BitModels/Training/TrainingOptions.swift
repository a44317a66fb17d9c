/// How `BitMLP.fit` trains.
///
/// ```swift
/// let options = TrainingOptions(epochs: 50, learningRate: 1e-3, batchSize: 32, seed: 7, validationSplit: 0.1)
/// ```
public struct TrainingOptions: Hashable, Sendable {
    /// Passes over the training split; at least 1.
    public var epochs: Int
    /// Adam's learning rate; positive.
    public var learningRate: Float
    /// Samples per mini-batch; at least 1 (the last batch of an epoch may be smaller).
    public var batchSize: Int
    /// Seeds the validation split and every epoch's shuffle; the same seed gives the same run.
    public var seed: UInt64
    /// The fraction of the data held out to pick the best epoch on, in `0..<1`; 0 trains on
    /// everything and keeps the last epoch.
    public var validationSplit: Double
    /// Adam's L2 weight decay; 0 (the default) turns it off.
    public var weightDecay: Float
    /// How the learning rate changes from step to step.
    public var schedule: LearningRateSchedule
    /// With a teacher: the share of the loss that matches the teacher's softened outputs, in 0...1
    /// (the rest is cross-entropy against the labels).
    public var distillationWeight: Float
    /// With a teacher: the softmax temperature of the distillation term; at least 1 softens.
    public var distillationTemperature: Float

    public init(
        epochs: Int = 50, learningRate: Float = 1e-3, batchSize: Int = 32, seed: UInt64 = 0,
        validationSplit: Double = 0.1, weightDecay: Float = 0, schedule: LearningRateSchedule = .constant,
        distillationWeight: Float = 0.5, distillationTemperature: Float = 2
    ) {
        self.epochs = epochs
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.seed = seed
        self.validationSplit = validationSplit
        self.weightDecay = weightDecay
        self.schedule = schedule
        self.distillationWeight = distillationWeight
        self.distillationTemperature = distillationTemperature
    }

    /// Throws unless every option is in range (`BitMLP.fit` checks this first).
    ///
    /// - Throws: `BitModelsError.invalidOption` naming the first option out of range.
    public func check() throws(BitModelsError) {
        guard epochs >= 1 else { throw .invalidOption(name: "epochs", value: "\(epochs)", expected: "at least 1") }
        guard learningRate > 0, learningRate.isFinite else {
            throw .invalidOption(name: "learning rate", value: "\(learningRate)", expected: "a positive number")
        }
        guard batchSize >= 1 else {
            throw .invalidOption(name: "batch size", value: "\(batchSize)", expected: "at least 1")
        }
        guard validationSplit >= 0, validationSplit < 1 else {
            throw .invalidOption(name: "validation split", value: "\(validationSplit)", expected: "a fraction in 0..<1")
        }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw .invalidOption(name: "weight decay", value: "\(weightDecay)", expected: "0 or a positive number")
        }
        guard distillationWeight >= 0, distillationWeight <= 1 else {
            throw .invalidOption(
                name: "distillation weight", value: "\(distillationWeight)", expected: "a fraction in 0...1")
        }
        guard distillationTemperature > 0, distillationTemperature.isFinite else {
            throw .invalidOption(
                name: "distillation temperature", value: "\(distillationTemperature)", expected: "a positive number")
        }
    }
}
