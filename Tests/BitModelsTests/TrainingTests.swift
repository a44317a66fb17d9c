import BitCore
import BitLayers
import BitModels
import Testing

@Suite struct TrainingTests {
    private static let options = TrainingOptions(epochs: 12, learningRate: 0.01, batchSize: 16, seed: 3, validationSplit: 0.25)

    @Test(arguments: [
        BitQuantConfig(),
        BitQuantConfig(weightGranularity: .perChannel, activationGranularity: .perTensor),
    ])
    func quantizationAwareTrainingLearnsSeparableClusters(config: BitQuantConfig) throws {
        let data = try TestData.clusters(count: 160, features: 6, classes: 4, noise: 0.6, seed: 1)
        var model = try BitMLP(layerSizes: [6, 16, 4], config: config, seed: 2)
        let before = try model.evaluate(data).accuracy
        var reports: [EpochReport] = []
        let history = try model.fit(data, options: Self.options) { reports.append($0) }

        #expect(reports == history.epochs)
        #expect(reports.map(\.epoch) == Array(1...12))
        #expect(reports.allSatisfy { $0.epochCount == 12 && $0.training.count == 120 && $0.validation?.count == 40 })
        #expect(history.best.validation!.accuracy >= 0.95)
        #expect(try model.evaluate(data).accuracy >= 0.95)
        #expect(before < 0.6)
        // The kept model is the best epoch's: no epoch has a higher validation accuracy, or the
        // same accuracy at a lower loss.
        let best = history.best.validation!
        #expect(reports.allSatisfy { report in
            let validation = report.validation!
            return validation.accuracy < best.accuracy || (validation.accuracy == best.accuracy && validation.loss >= best.loss)
        })
        #expect(reports.filter(\.isBest).last?.epoch == history.bestEpoch)
        if config.activationGranularity == .perTensor {
            #expect(model.layers.allSatisfy { ($0 as? BitLinear)?.staticInputScale != nil })
        }
    }

    @Test func sameSeedSameRun() throws {
        let data = try TestData.clusters(count: 48, features: 3, classes: 3, noise: 1, seed: 4)
        var options = Self.options
        options.epochs = 3
        var first = try BitMLP(layerSizes: [3, 8, 3], seed: 5)
        var second = first
        let firstHistory = try first.fit(data, options: options)
        let secondHistory = try second.fit(data, options: options)
        #expect(firstHistory.epochs.map(\.training) == secondHistory.epochs.map(\.training))
        #expect(first.parameters == second.parameters)
        options.seed += 1
        var third = try BitMLP(layerSizes: [3, 8, 3], seed: 5)
        try third.fit(data, options: options)
        #expect(third.parameters != first.parameters)
    }

    @Test func floatBaselineThenQuantizedFineTuning() throws {
        let data = try TestData.clusters(count: 120, features: 4, classes: 3, noise: 0.5, seed: 6)
        var float = try BitMLP(layerSizes: [4, 12, 3], quantized: false, seed: 7)
        try float.fit(data, options: Self.options)
        var bit = float.quantized()
        var options = Self.options
        options.epochs = 4
        options.validationSplit = 0   // no validation: the last epoch is kept
        let history = try bit.fit(data, options: options)
        #expect(history.bestEpoch == 4)
        #expect(history.epochs.allSatisfy { $0.validation == nil && $0.isBest })
        #expect(try bit.evaluate(data).accuracy >= 0.95)
    }

    @Test func rejectsBadOptionsAndData() throws {
        let data = try TestData.clusters(count: 4, features: 2, classes: 2, noise: 0.1, seed: 8)
        var model = try BitMLP(layerSizes: [2, 2])
        func fit(_ change: (inout TrainingOptions) -> Void) throws(BitModelsError) {
            var options = TrainingOptions(epochs: 1)
            change(&options)
            try model.fit(data, options: options)
        }
        #expect(throws: BitModelsError.invalidOption(name: "epochs", value: "0", expected: "at least 1")) {
            try fit { $0.epochs = 0 }
        }
        #expect(throws: BitModelsError.invalidOption(name: "batch size", value: "0", expected: "at least 1")) {
            try fit { $0.batchSize = 0 }
        }
        #expect(throws: BitModelsError.self) { try fit { $0.learningRate = -1 } }
        #expect(throws: BitModelsError.self) { try fit { $0.validationSplit = 1 } }
        #expect(throws: BitModelsError.tooFewSamples(samples: 4, validationSplit: 0.1)) {
            try fit { $0.validationSplit = 0.1 }   // 0.4 samples round to none
        }
        #expect(throws: BitModelsError.featureCount(expected: 3, actual: 2)) {
            var wide = try BitMLP(layerSizes: [3, 2])
            try wide.fit(data)
        }
        #expect(throws: BitModelsError.invalidOption(name: "distillation weight", value: "1.5", expected: "a fraction in 0...1")) {
            try fit { $0.distillationWeight = 1.5 }
        }
        #expect(throws: BitModelsError.self) { try fit { $0.distillationTemperature = 0 } }
        #expect(throws: BitModelsError.teacherShape(teacher: [2, 3], student: [2, 2])) {
            try model.fit(data, validation: nil, options: TrainingOptions(epochs: 1), teacher: try BitMLP(layerSizes: [2, 3]))
        }
        #expect(throws: BitModelsError.labelOutOfRange(sample: 1, label: 2, classCount: 2)) {
            let validation = try Dataset(inputs: Matrix(rows: 2, columns: 2), labels: [0, 2])
            try model.fit(data, validation: validation, options: TrainingOptions(epochs: 1))
        }
        #expect(throws: BitModelsError.tooFewSamples(samples: 0, validationSplit: 0.1)) {
            try model.fit(try Dataset(inputs: Matrix(rows: 0, columns: 2), labels: []), validation: nil)
        }
    }

    /// `fit(_:validation:options:teacher:)` is Adam on batches of a seeded shuffle, at the rate
    /// the schedule gives each step, on the loss mixed with the teacher's soft targets: the same
    /// run written out by hand with the public API gives the same weights, bit for bit.
    @Test func fitIsAdamOnShuffledBatchesAtTheScheduledRate() throws {
        let training = try TestData.clusters(count: 40, features: 3, classes: 3, noise: 1, seed: 9)
        let float = try BitMLP(layerSizes: [3, 8, 3], quantized: false, seed: 10)
        var student = float.quantized()
        let options = TrainingOptions(
            epochs: 3, learningRate: 0.01, batchSize: 16, seed: 11, schedule: .cosine, distillationWeight: 0.25,
            distillationTemperature: 2)
        let history = try student.fit(training, validation: nil, options: options, teacher: float)
        #expect(history.bestEpoch == 3)

        var manual = float.quantized()
        var optimizer = Adam(learningRate: 0.01)
        var generator = SplitMix64(seed: 11)
        let teacherLogits = float(training.inputs)
        func rows(_ matrix: Matrix, _ indices: [Int]) -> Matrix {
            Matrix(rows: indices.count, columns: matrix.columns, values: indices.flatMap { matrix.row($0) })
        }
        for _ in 0..<3 {
            var order = Array(0..<40)
            order.shuffle(using: &generator)
            for start in stride(from: 0, to: 40, by: 16) {
                let batch = Array(order[start ..< min(start + 16, 40)])
                let step = manual.gradients(
                    inputs: rows(training.inputs, batch), labels: batch.map { training.labels[$0] },
                    teacher: SoftTargets(logits: rows(teacherLogits, batch), temperature: 2, weight: 0.25))
                optimizer.learningRate = LearningRateSchedule.cosine.learningRate(0.01, step: optimizer.stepCount, of: 9)
                var parameters = manual.parameters
                optimizer.update(&parameters, along: step.parameters)
                manual.parameters = parameters
            }
        }
        #expect(optimizer.learningRate < 0.01 * 0.1)
        #expect(student.parameters == manual.parameters)
    }

    /// A validation set given explicitly is what the epochs are chosen on; all of `training` is
    /// trained on.
    @Test func explicitValidationSetChoosesTheEpoch() throws {
        let training = try TestData.clusters(count: 60, features: 4, classes: 3, noise: 0.5, seed: 13)
        let validation = try TestData.clusters(count: 21, features: 4, classes: 3, noise: 0.5, seed: 13)
        var model = try BitMLP(layerSizes: [4, 12, 3], seed: 14)
        let history = try model.fit(training, validation: validation, options: TrainingOptions(epochs: 5, learningRate: 0.01))
        #expect(history.epochs.allSatisfy { $0.training.count == 60 && $0.validation?.count == 21 })
        #expect(try model.evaluate(validation) == history.best.validation)
    }

    @Test func splitHoldsOutASeededShare() throws {
        let data = try TestData.clusters(count: 50, features: 2, classes: 5, noise: 0.1, seed: 12)
        var first = SplitMix64(seed: 3), second = SplitMix64(seed: 3), other = SplitMix64(seed: 4)
        let (training, validation) = try data.split(validationFraction: 0.2, using: &first)
        let again = try data.split(validationFraction: 0.2, using: &second)
        let reseeded = try data.split(validationFraction: 0.2, using: &other)
        #expect(training.count == 40 && validation?.count == 10)
        #expect(again.training.inputs == training.inputs && again.validation?.labels == validation?.labels)
        #expect(reseeded.training.inputs != training.inputs)
        // Every sample lands in exactly one part.
        let allRows = (0..<50).map { Array(data.inputs.row($0)) + [Float(data.labels[$0])] }
        let parts = [training, validation!].flatMap { part in
            (0..<part.count).map { Array(part.inputs.row($0)) + [Float(part.labels[$0])] }
        }
        #expect(parts.sorted { $0.lexicographicallyPrecedes($1) } == allRows.sorted { $0.lexicographicallyPrecedes($1) })

        var generator = SplitMix64(seed: 0)
        #expect(try data.split(validationFraction: 0, using: &generator).validation == nil)
        #expect(throws: BitModelsError.tooFewSamples(samples: 50, validationSplit: 0.999)) {
            try data.split(validationFraction: 0.999, using: &generator)
        }
        #expect(throws: BitModelsError.invalidOption(name: "validation split", value: "-0.5", expected: "a fraction in 0..<1")) {
            try data.split(validationFraction: -0.5, using: &generator)
        }
    }
}
