import BitLayers

extension BitMLP {
    /// Trains the model on `data` with Adam and mini-batch cross-entropy, then keeps the weights of
    /// the epoch with the best validation accuracy.
    ///
    /// `BitLinear` layers train with fake quantization and the straight-through estimator
    /// (quantization-aware training); float `Linear` layers train as usual. A seeded shuffle sets
    /// aside `options.validationSplit` of the data, and reshuffles the rest every epoch; then
    /// training runs as `fit(_:validation:options:teacher:onEpoch:)` does.
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
        _ data: Dataset, options: TrainingOptions = TrainingOptions(), teacher: BitMLP? = nil,
        onEpoch: (EpochReport) -> Void = { _ in }
    ) throws(BitModelsError) -> TrainingHistory {
        try options.check()
        try data.check(featureCount: inFeatures, classCount: classCount)
        var generator = SplitMix64(seed: options.seed)
        let (training, validation) = try data.split(validationFraction: options.validationSplit, using: &generator)
        return try fit(training, validation: validation, options: options, teacher: teacher, using: &generator, onEpoch: onEpoch)
    }

    /// Trains the model on `training`, choosing the epoch to keep on `validation`: the highest
    /// accuracy, and on equal accuracy the lowest loss (the last epoch without validation data).
    ///
    /// Adam's learning rate follows `options.schedule` step by step; `options.validationSplit` is
    /// not used. Models with `per_tensor` activations are calibrated on `training` before each
    /// validation, so the kept model carries calibrated scales. With a `teacher` (typically the
    /// float model a `BitMLP` was quantized from), the loss mixes in knowledge distillation from
    /// the teacher's logits on `training` (`options.distillationWeight`, `distillationTemperature`).
    ///
    /// ```swift
    /// var bit = float.quantized()
    /// let options = TrainingOptions(epochs: 30, learningRate: 1e-3, schedule: .cosine)
    /// try bit.fit(trainingData, validation: validationData, options: options, teacher: float)
    /// ```
    ///
    /// - Throws: `BitModelsError` for an option out of range, data or a teacher that does not fit
    ///   the model, or no training samples. Nothing is trained then.
    @discardableResult
    public mutating func fit(
        _ training: Dataset, validation: Dataset?, options: TrainingOptions = TrainingOptions(),
        teacher: BitMLP? = nil, onEpoch: (EpochReport) -> Void = { _ in }
    ) throws(BitModelsError) -> TrainingHistory {
        try options.check()
        var generator = SplitMix64(seed: options.seed)
        return try fit(training, validation: validation, options: options, teacher: teacher, using: &generator, onEpoch: onEpoch)
    }

    private mutating func fit(
        _ training: Dataset, validation: Dataset?, options: TrainingOptions, teacher: BitMLP?,
        using generator: inout SplitMix64, onEpoch: (EpochReport) -> Void
    ) throws(BitModelsError) -> TrainingHistory {
        try training.check(featureCount: inFeatures, classCount: classCount)
        try validation?.check(featureCount: inFeatures, classCount: classCount)
        guard training.count > 0 else { throw .tooFewSamples(samples: 0, validationSplit: options.validationSplit) }
        if let teacher, teacher.inFeatures != inFeatures || teacher.classCount != classCount {
            throw .teacherShape(teacher: teacher.layerSizes, student: layerSizes)
        }
        let teacherLogits = teacher.map { $0(training.inputs) }

        var optimizer = Adam(learningRate: options.learningRate, weightDecay: options.weightDecay)
        let batchesPerEpoch = (training.count + options.batchSize - 1) / options.batchSize
        let schedule = { (step: Int) in
            options.schedule.learningRate(options.learningRate, step: step, of: options.epochs * batchesPerEpoch)
        }
        let clock = ContinuousClock()
        var reports: [EpochReport] = []
        var best: (model: BitMLP, epoch: Int, validation: Evaluation?)?
        for epoch in 1...options.epochs {
            let start = clock.now
            let trainingResult = trainEpoch(
                on: training, teacher: teacherLogits.map { ($0, options) }, batchSize: options.batchSize,
                optimizer: &optimizer, schedule: schedule, using: &generator)
            if needsCalibration { calibrate(on: training.inputs) }
            let validationResult = try validation.map { (split) throws(BitModelsError) in try evaluate(split) }
            let isBest = best.map { Self.improves(validationResult, on: $0.validation) } ?? true
            if isBest { best = (self, epoch, validationResult) }
            let report = EpochReport(
                epoch: epoch, epochCount: options.epochs, training: trainingResult, validation: validationResult,
                isBest: isBest, duration: clock.now - start)
            reports.append(report)
            onEpoch(report)
        }
        if let best { self = best.model }
        return TrainingHistory(epochs: reports, bestEpoch: best?.epoch ?? options.epochs)
    }

    /// Whether an epoch with `candidate` validation results beats the best so far: higher accuracy,
    /// or equal accuracy and lower loss; always, without validation data.
    private static func improves(_ candidate: Evaluation?, on best: Evaluation?) -> Bool {
        guard let candidate, let best else { return true }
        return candidate.accuracy > best.accuracy || (candidate.accuracy == best.accuracy && candidate.loss < best.loss)
    }

    /// One pass over `data` in shuffled mini-batches; the running loss and accuracy.
    private mutating func trainEpoch(
        on data: Dataset, teacher: (logits: Matrix, options: TrainingOptions)?, batchSize: Int,
        optimizer: inout Adam, schedule: (Int) -> Float, using generator: inout SplitMix64
    ) -> Evaluation {
        var order = Array(0..<data.count)
        order.shuffle(using: &generator)
        var lossSum: Double = 0
        var correct = 0
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let indices = order[start ..< min(start + batchSize, order.count)]
            let batch = data.subset(indices)
            let softTargets = teacher.map {
                SoftTargets(
                    logits: $0.logits.gatheringRows(indices), temperature: $0.options.distillationTemperature,
                    weight: $0.options.distillationWeight)
            }
            let step = gradients(inputs: batch.inputs, labels: batch.labels, teacher: softTargets)
            lossSum += Double(step.loss) * Double(batch.count)
            correct += step.correctCount
            var parameters = self.parameters
            optimizer.learningRate = schedule(optimizer.stepCount)
            optimizer.update(&parameters, along: step.parameters)
            self.parameters = parameters
        }
        return Evaluation(
            loss: lossSum / Double(data.count), accuracy: Double(correct) / Double(data.count), count: data.count)
    }
}
