@testable import BitBake
import BitBlob
import BitCore
import Foundation
import Testing

/// `finetune` and `train` through the real binary, on slices of the digits example (a debug
/// build trains slowly: a couple of epochs on a few hundred rows).
@Suite struct TrainingCommandTests {
    /// The first rows of the digits splits, written to a fresh folder: `train.safetensors`
    /// (240 rows), `test.safetensors` (90 rows), and `narrow.safetensors` (the test rows without
    /// their last feature).
    struct DigitsSlices {
        let folder: URL
        var train: String { folder.appendingPathComponent("train.safetensors").path }
        var test: String { folder.appendingPathComponent("test.safetensors").path }
        var narrow: String { folder.appendingPathComponent("narrow.safetensors").path }
        func output(_ name: String) -> String { folder.appendingPathComponent(name).path }

        init() throws {
            folder = try BitBakeModel.temporaryFolder()
            try Self.slice(Repository.digitsTrain, rows: 240, columns: 64, to: train)
            try Self.slice(Repository.digitsTest, rows: 90, columns: 64, to: test)
            try Self.slice(Repository.digitsTest, rows: 90, columns: 63, to: narrow)
        }

        private static func slice(_ path: String, rows: Int, columns: Int, to output: String) throws {
            let data = try DataFile(contentsOf: URL(fileURLWithPath: path), requireLabels: true)
            let x = (0..<rows).flatMap { data.inputs.row($0).prefix(columns) }
            let y = data.labels!.prefix(rows).map(Int64.init)
            try ModelFile(tensors: [
                ModelFile.Tensor(name: "x", shape: [rows, columns], values: .float(x)),
                ModelFile.Tensor(name: "y", shape: [rows], values: .integer(y)),
            ]).writeSafetensors(to: URL(fileURLWithPath: output))
        }
    }

    /// The integer runtime's accuracy on `data` of the blob `bake` makes from `model`.
    static func bakedAccuracy(_ model: String, on data: String, in slices: DigitsSlices) throws -> Double {
        let blob = slices.output(UUID().uuidString + ".bitblob")
        expectSuccess(try BitBakeModel.run(["bake", model, "-o", blob]))
        let eval = try BitBakeModel.run(["eval", blob, "--data", data, "--engine", "runtime", "--json"])
        expectSuccess(eval)
        return try JSONDecoder().decode(EvaluationReport.self, from: Data(eval.stdout.utf8)).accuracy
    }

    static func percent(_ fraction: Double) -> String { Formatting.accuracy(fraction) }

    @Test func finetuneWritesLatentWeightsThatBake() throws {
        let slices = try DigitsSlices()
        defer { try? FileManager.default.removeItem(at: slices.folder) }
        let output = slices.output("qat.safetensors")
        let result = try BitBakeModel.run([
            "finetune", Repository.digitsModel, "--data", slices.train, "--test", slices.test, "--epochs", "2",
            "--seed", "3", "-o", output,
        ])
        expectSuccess(result)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.prefix(3) == [
            "model: digits-mlp.safetensors (0.weight [256, 64] + 0.bias -> relu -> 2.weight [256, 256] + 2.bias -> relu"
                + " -> 4.weight [10, 256] + 4.bias)",
            "train: train.safetensors (216 rows), validation: held out 10% of train.safetensors (24 rows)",
            "config: weights=per_tensor activations=int8/per_token",
        ])
        #expect(lines[3].hasPrefix("epoch 1/2  loss ") && lines[3].contains("  val accuracy "))
        #expect(lines[4].hasPrefix("epoch 2/2  loss "))
        #expect(lines[5].hasPrefix("kept epoch "))
        #expect(lines[6] == "wrote \(output)")

        // The file: the digits model's tensors in Sequential naming, and the recipe.
        let file = try ModelFile(contentsOf: URL(fileURLWithPath: output))
        #expect(file.tensors.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"])
        #expect(file.tensors.map(\.shape) == [[256, 64], [256], [256, 256], [256], [10, 256], [10]])
        #expect(file.metadata["recipe"] == "finetune epochs=2 learning_rate=0.003 schedule=cosine batch_size=32"
            + " weight_decay=0.0 seed=3 distillation_weight=0.5 distillation_temperature=2.0")
        let source = try FloatModelFile(url: URL(fileURLWithPath: Repository.digitsModel), spec: nil)
        #expect(file.metadata["source"] == "digits-mlp.safetensors sha256 \(Hex.string(source.sha256))")
        #expect(file.metadata["data"] == "train=train.safetensors (216 rows) validation=held out 10% of train.safetensors (24 rows)")

        // The summary's numbers are what baking the written file and running it give: the float
        // model, its plain bake, and the fine-tuned bake on the 90 test rows.
        let float = try source.model.network(quantizedWith: nil)
        let test = try DataFile(contentsOf: URL(fileURLWithPath: slices.test), requireLabels: true)
        let floatAccuracy = Evaluator.fraction(float.predict(test.inputs), test.labels!)
        let plain = try Self.bakedAccuracy(Repository.digitsModel, on: slices.test, in: slices)
        let tuned = try Self.bakedAccuracy(output, on: slices.test, in: slices)
        #expect(lines.contains(
            "  test        90 rows  float \(Self.percent(floatAccuracy))  bake \(Self.percent(plain))"
                + "  finetune + bake \(Self.percent(tuned))  (test.safetensors)"))
        #expect(lines.contains { $0.hasPrefix("  validation  24 rows  float ") })
    }

    /// The promise: the same seed writes the same bytes; another seed other weights.
    @Test func trainIsDeterministicPerSeed() throws {
        let slices = try DigitsSlices()
        defer { try? FileManager.default.removeItem(at: slices.folder) }
        func train(seed: Int, to name: String) throws -> (CommandResult, [UInt8]) {
            let result = try BitBakeModel.run([
                "train", "--layers", "64,24,10", "--data", slices.train, "--val", slices.test, "--epochs", "3",
                "--seed", "\(seed)", "-o", slices.output(name),
            ])
            expectSuccess(result)
            return (result, Array(try Data(contentsOf: URL(fileURLWithPath: slices.output(name)))))
        }
        let (first, firstBytes) = try train(seed: 7, to: "a.safetensors")
        let (second, secondBytes) = try train(seed: 7, to: "b.safetensors")
        let (_, otherBytes) = try train(seed: 8, to: "c.safetensors")
        #expect(firstBytes == secondBytes)
        #expect(first.stdout.replacingOccurrences(of: "a.safetensors", with: "b.safetensors") == second.stdout)
        #expect(otherBytes != firstBytes)

        #expect(first.stdout.hasPrefix(
            "layers: [64, 24, 10]\ntrain: train.safetensors (240 rows), validation: test.safetensors\n"))
        let file = try ModelFile(contentsOf: URL(fileURLWithPath: slices.output("a.safetensors")))
        #expect(file.tensors.map(\.shape) == [[24, 64], [24], [10, 24], [10]])
        #expect(file.metadata["recipe"] == "train epochs=3 learning_rate=0.003 schedule=cosine batch_size=32"
            + " weight_decay=0.0 seed=7")
        #expect(file.metadata["source"] == nil)
        let accuracy = try Self.bakedAccuracy(slices.output("a.safetensors"), on: slices.test, in: slices)
        #expect(first.stdout.contains("\n  validation  90 rows  train + bake \(Self.percent(accuracy))  (test.safetensors)\n"))
    }

    @Test func usageErrorsExit64() throws {
        for layers in ["64", "64,0,10", "64,abc,10", "64,,10"] {
            expectUsageError(
                try BitBakeModel.run(["train", "--layers", layers, "--data", "train.safetensors", "-o", "out.safetensors"]),
                mentioning: "--layers '\(layers)' must list at least an input and an output size")
        }
        let finetune = ["finetune", Repository.digitsModel, "--data", Repository.digitsTrain, "-o", "out.safetensors"]
        expectUsageError(try BitBakeModel.run(finetune + ["--epochs", "0"]), mentioning: "epochs 0 is invalid (expected at least 1)")
        expectUsageError(try BitBakeModel.run(finetune + ["--lr", "0"]), mentioning: "learning rate 0.0 is invalid")
        expectUsageError(try BitBakeModel.run(finetune + ["--batch-size", "0"]), mentioning: "batch size 0 is invalid")
        expectUsageError(
            try BitBakeModel.run(finetune + ["--distillation-weight", "2"]), mentioning: "distillation weight 2.0 is invalid")
        expectUsageError(try BitBakeModel.run(finetune + ["--validation-split", "1"]), mentioning: "validation split 1.0 is invalid")
        expectUsageError(try BitBakeModel.run(finetune + ["--schedule", "linear"]), mentioning: "--schedule")
        expectUsageError(try BitBakeModel.run(["finetune", Repository.digitsModel, "--data", Repository.digitsTrain]), mentioning: "--output")
    }

    @Test func badDataExits2NamingTheFile() throws {
        let slices = try DigitsSlices()
        defer { try? FileManager.default.removeItem(at: slices.folder) }
        let output = slices.output("never.safetensors")
        func train(_ layers: String, _ extra: [String] = []) throws -> CommandResult {
            try BitBakeModel.run(["train", "--layers", layers, "--data", slices.train, "--epochs", "1", "-o", output] + extra)
        }
        #expect(expectInputError(try train("16,8,10"), naming: slices.train) == "rows have 64 features, the model takes 16")
        #expect(expectInputError(try train("64,8,5"), naming: slices.train).hasSuffix("is not below the model's 5 classes"))
        #expect(expectInputError(try train("64,8,10", ["--y", "labels"]), naming: slices.train)
            .hasPrefix("no label tensor 'labels' (the file has: x, y)"))
        #expect(expectInputError(try train("64,8,10", ["--val", slices.narrow]), naming: slices.narrow)
            == "rows have 63 features, the model takes 64")
        #expect(expectInputError(try train("64,8,10", ["--validation-split", "0.999"]), naming: slices.train)
            .hasSuffix("choose another --validation-split or pass --val"))
        let finetune = try BitBakeModel.run([
            "finetune", Repository.digitsModel, "--data", slices.train, "--test", slices.narrow, "-o", output,
        ])
        #expect(expectInputError(finetune, naming: slices.narrow) == "rows have 63 features, the model takes 64")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
