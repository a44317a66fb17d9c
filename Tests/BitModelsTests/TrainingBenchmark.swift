import BitCore
import BitLayers
import BitModels
import Foundation
import Testing

/// The training-speed budget: a 64-256-256-10 BitMLP (the digits model) trained with QAT for 50
/// epochs on 1,437 samples. Too slow for a debug build, so it runs only when asked, in release:
///
///     BITLAB_TRAINING_BENCHMARK=1 swift test -c release --filter TrainingBenchmark
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["BITLAB_TRAINING_BENCHMARK"] != nil))
struct TrainingBenchmark {
    @Test(arguments: [false, true])
    func digitsSizedModelTrainsFiftyEpochsWellUnderAMinute(quantized: Bool) throws {
        let data = try TestData.clusters(count: 1437, features: 64, classes: 10, noise: 2, seed: 1)
        var model = try BitMLP(layerSizes: [64, 256, 256, 10], quantized: quantized, seed: 2)
        let clock = ContinuousClock()
        let start = clock.now
        let history = try model.fit(data, options: TrainingOptions(epochs: 50, seed: 3))
        let elapsed = clock.now - start
        print("\(quantized ? "BitLinear (QAT)" : "float Linear"): 50 epochs in \(elapsed),"
            + " best validation accuracy \(history.best.validation!.accuracy)")
        #expect(elapsed < .seconds(60))
    }
}
