import BitLayers

extension BitMLP {
    /// Trains the model on `data` with Adam and mini-batch cross-entropy, then keeps the weights of
    /// the epoch with the best validation accuracy.
    ///
    /// `BitLinear` layers train with fake quantization and the straight-through estimator
    /// (quantization-aware training); float `Linear` layers train as usual. A seeded shuffle sets
    /// aside `options.validationSplit` of the data, and reshuffles the rest every epoch. Models
    /// with `per_tensor` activations are calibrated on the training split before each validation,
    /// so the kept model carries calibrated scales.
    ///
    /// ```swift
    /// var model = try BitMLP(layerSizes: [64, 256, 256, 10])
    /// let history = try model.fit(data, options: TrainingOptions(epochs: 50, seed: 1)) { report in
    ///     print("epoch \(report.epoch)/\(report.epochCount): loss \(report.training.loss)")
    /// }
    /// print("kept epoch \(history.bestEpoch), validation accuracy \(history.best.validation!.accuracy)")
    /// ```
    ///
    /// - Parameter onEpoch: called after every epoch, on the calling thread.
    /// - Throws: `BitModelsError` for an option out of range, data that does not fit the model, or
    ///   too few samples for the split. Nothing is trained then.
    @discardableResult
    public mutating func fit(
        _ data: Dataset, options: TrainingOptions = TrainingOptions(),
        onEpoch: (EpochReport) -> Void = { _ in }
    ) throws(BitModelsError) -> TrainingHistory {
        try options.check()
        try data.check(featureCount: inFeatures, classCount: classCount)
        var generator = SplitMix64(seed: options.seed)
        let (training, validation) = try Self.split(data, fraction: options.validationSplit, using: &generator)

        var optimizer = Adam(learningRate: options.learningRate, weightDecay: options.weightDecay)
        let clock = ContinuousClock()
        var reports: [EpochReport] = []
        var best: (model: BitMLP, epoch: Int, accuracy: Double)?
        for epoch in 1...options.epochs {
            let start = clock.now
            let trainingResult = trainEpoch(
                on: training, batchSize: options.batchSize, optimizer: &optimizer, using: &generator)
            if needsCalibration { calibrate(on: training.inputs) }
            let validationResult = try validation.map { (split) throws(BitModelsError) in try evaluate(split) }
            let accuracy = validationResult?.accuracy ?? 0
            let isBest = best.map { validationResult == nil || accuracy > $0.accuracy } ?? true
            if isBest { best = (self, epoch, accuracy) }
            let report = EpochReport(
                epoch: epoch, epochCount: options.epochs, training: trainingResult, validation: validationResult,
                isBest: isBest, duration: clock.now - start)
            reports.append(report)
            onEpoch(report)
        }
        if let best { self = best.model }
        return TrainingHistory(epochs: reports, bestEpoch: best?.epoch ?? options.epochs)
    }

    /// One pass over `data` in shuffled mini-batches; the running loss and accuracy.
    private mutating func trainEpoch(
        on data: Dataset, batchSize: Int, optimizer: inout Adam, using generator: inout SplitMix64
    ) -> Evaluation {
        var order = Array(0..<data.count)
        order.shuffle(using: &generator)
        var lossSum: Double = 0
        var correct = 0
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let batch = data.subset(order[start ..< min(start + batchSize, order.count)])
            let step = gradients(inputs: batch.inputs, labels: batch.labels)
            lossSum += Double(step.loss) * Double(batch.count)
            correct += step.correctCount
            var parameters = self.parameters
            optimizer.update(&parameters, along: step.parameters)
            self.parameters = parameters
        }
        return Evaluation(
            loss: lossSum / Double(data.count), accuracy: Double(correct) / Double(data.count), count: data.count)
    }

    /// A seeded shuffle of `data`, cut into a training part and a validation part of `fraction`
    /// (rounded to whole samples; nil when `fraction` is 0).
    private static func split(
        _ data: Dataset, fraction: Double, using generator: inout SplitMix64
    ) throws(BitModelsError) -> (training: Dataset, validation: Dataset?) {
        var order = Array(0..<data.count)
        order.shuffle(using: &generator)
        let validationCount = Int((Double(data.count) * fraction).rounded())
        guard validationCount < data.count, fraction == 0 || validationCount > 0 else {
            throw .tooFewSamples(samples: data.count, validationSplit: fraction)
        }
        let validation = validationCount > 0 ? data.subset(order[..<validationCount]) : nil
        return (data.subset(order[validationCount...]), validation)
    }
}
