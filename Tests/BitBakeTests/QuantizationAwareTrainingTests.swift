import BitBlob
import BitCore
import BitLayers
import BitModels
import Foundation
import Testing
@testable import BitBake

/// The library behind `finetune` and `train`: the splits, the written file, and the summary's
/// accuracies against the numbers the digits example is known for.
@Suite struct QuantizationAwareTrainingTests {
    @Test func splitsHoldOutAShareOrTakeTheGivenFiles() throws {
        let train = DigitsExample.url("digits-train.safetensors"), test = DigitsExample.url("digits-test.safetensors")
        let heldOut = try TrainingSplits(
            training: train, validation: nil, test: test, heldOutFraction: 0.25, seed: 1, features: 64, classes: 10)
        #expect(heldOut.training.count == 1078 && heldOut.validation?.count == 359 && heldOut.test?.count == 360)
        #expect(heldOut.validationSource == "held out 25% of digits-train.safetensors (359 rows)")
        #expect(heldOut.trainingSource == "digits-train.safetensors" && heldOut.testSource == "digits-test.safetensors")

        let given = try TrainingSplits(
            training: train, validation: test, test: nil, heldOutFraction: 0.25, seed: 1, features: 64, classes: 10)
        #expect(given.training.count == 1437 && given.validation?.count == 360 && given.test == nil)
        #expect(given.validationSource == "digits-test.safetensors" && given.testSource == "none")

        let none = try TrainingSplits(
            training: train, validation: nil, test: nil, heldOutFraction: 0, seed: 1, features: 64, classes: 10)
        #expect(none.validation == nil && none.validationSource == "none")

        #expect(throws: BakeError("\(train.path): label 9 at row 1 is not below the model's 9 classes")) {
            try TrainingSplits(training: train, validation: nil, test: nil, heldOutFraction: 0, seed: 1, features: 64, classes: 9)
        }
    }

    /// One epoch on 90 rows, written and read back; the summary on the whole test split shows
    /// the float model's 352/360 and its plain bake's 342/360 (reference.py's numbers), and for
    /// the fine-tuned model what `Evaluator` measures on the written file's bake.
    @Test func fineTunedFileBakesAndTheSummaryMeasuresIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("QAT-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let full = try DataFile(contentsOf: DigitsExample.url("digits-train.safetensors"), requireLabels: true)
        let slice = folder.appendingPathComponent("slice.safetensors")
        try ModelFile(tensors: [
            .init(name: "x", shape: [100, 64], values: .float(Array(full.inputs.values.prefix(6400)))),
            .init(name: "y", shape: [100], values: .integer(full.labels!.prefix(100).map(Int64.init))),
        ]).writeSafetensors(to: slice)
        let splits = try TrainingSplits(
            training: slice, validation: nil, test: DigitsExample.url("digits-test.safetensors"), heldOutFraction: 0.1,
            seed: 2, features: 64, classes: 10)
        let source = try DigitsExample.model()
        var options = QuantizationAwareTraining.fineTuningOptions
        options.epochs = 1
        let run = try QuantizationAwareTraining.fineTune(source.model, config: BitQuantConfig(), splits: splits, options: options)
        #expect(run.history.epochs.count == 1 && run.history.best.training.count == 90)

        let metadata = QuantizationAwareTraining.metadata(
            run, config: BitQuantConfig(), options: options, splits: splits,
            source: ("digits-mlp.safetensors", source.sha256), distilled: true)
        let output = folder.appendingPathComponent("qat.safetensors")
        try ModelFile(network: run.model, metadata: metadata).writeSafetensors(to: output)
        let written = try FloatModelFile(url: output, spec: nil)
        #expect(written.file.metadata == metadata)
        #expect(written.model.weights.map(\.values) == run.model.layers.map(\.weight.values))
        #expect(written.model.biases == run.model.layers.map(\.bias))
        #expect(metadata["kept_epoch"] == "1 of 1")
        #expect(metadata["quantization"] == "weight_granularity=per_tensor activation_dtype=int8 activation_granularity=per_token")

        let summary = try QuantizationAwareTraining.summarize(
            trained: written, float: source, splits: splits, bakeOptions: BakeOptions())
        #expect(summary.splits.map(\.name) == ["validation", "test"])
        #expect(summary.splits.map(\.rows) == [10, 360])
        let test = summary.splits[1]
        #expect(test.float == 352.0 / 360 && test.postTrainingQuantized == 342.0 / 360)
        let baked = try Baker.bake(written.model, options: BakeOptions(), sourceName: "qat", sourceSHA256: written.sha256)
        let expected = try Evaluator.evaluate(
            BlobBuffer(fileBytes: baked.blob, name: "qat"), data: DigitsExample.testSet(), engine: .runtime, float: nil)
        #expect(test.trained == expected.accuracy)
        #expect(summary.text.contains(
            "\n  test        360 rows  float 97.78%  bake 95.00%  finetune + bake "
                + Formatting.fixed(expected.accuracy * 100, 2) + "%  (digits-test.safetensors)"))
    }

    /// The committed example (`Targets/examples/digits/make_digits_qat.sh`): its bake keeps the
    /// float model's accuracy on the test split within one row (351/360 against 352/360), where
    /// the plain bake gets 342/360; the on-device runtime agrees with the simulation.
    @Test func committedFineTunedDigitsModelKeepsTheFloatAccuracy() throws {
        let tuned = try FloatModelFile(url: DigitsExample.url("digits-mlp-qat.safetensors"), spec: nil)
        #expect(tuned.model.description == (try DigitsExample.model()).model.description)
        let baked = try Baker.bake(tuned.model, options: BakeOptions(), sourceName: "qat", sourceSHA256: tuned.sha256)
        let blob = try BlobBuffer(fileBytes: baked.blob, name: "digits-mlp-qat.bitblob")
        for engine in Engine.allCases {
            let report = try Evaluator.evaluate(blob, data: DigitsExample.testSet(), engine: engine, float: tuned)
            #expect(report.accuracy == 351.0 / 360)
            #expect(report.float?.agreementWithFakeQuant == 1)
        }
        #expect(tuned.file.metadata["source"] == "digits-mlp.safetensors sha256 \(Hex.string(try DigitsExample.model().sha256))")
    }
}
