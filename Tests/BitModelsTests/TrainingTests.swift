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
        // The kept model is the best epoch's: no later epoch beat it, no earlier one matched it.
        let bestAccuracy = history.best.validation!.accuracy
        #expect(reports.allSatisfy { $0.validation!.accuracy <= bestAccuracy })
        #expect(reports.prefix(history.bestEpoch - 1).allSatisfy { $0.validation!.accuracy < bestAccuracy })
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
    }
}
