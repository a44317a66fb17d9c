import ArgumentParser
import BitBake
import BitModels
import Foundation

private let fineTune = QuantizationAwareTraining.fineTuningOptions
private let train = QuantizationAwareTraining.trainingOptions

/// The data and recipe options that `finetune` and `train` share.
struct TrainingArguments: ParsableArguments {
    @Option(help: "Labelled training data (.safetensors, .npz, .npy).")
    var data: String

    @Option(help: "The input tensor in every data file.")
    var x: String = "x"

    @Option(help: "The label tensor in every data file.")
    var y: String = "y"

    @Option(help: "Labelled validation data to keep the best epoch on (default: hold out part of --data).")
    var val: String?

    @Option(help: "The share of --data held out for validation when --val is not given; 0 keeps the last epoch.")
    var validationSplit: Double = 0.1

    @Option(help: "Labelled test data, only measured in the summary.")
    var test: String?

    @Option(help: "Passes over the training rows (default: finetune \(fineTune.epochs), train \(train.epochs)).")
    var epochs: Int?

    @Option(help: "Adam's learning rate (default: finetune \(fineTune.learningRate), train \(train.learningRate)).")
    var lr: Float?

    @Option(help: "Rows per optimizer step (default: \(fineTune.batchSize)).")
    var batchSize: Int?

    @Option(help: "Seeds the held-out split, the shuffles and (train) the initial weights; the same seed writes the same file.")
    var seed: UInt64 = 0

    @Option(help: "Adam's L2 weight decay (default: \(fineTune.weightDecay)).")
    var weightDecay: Float?

    @Option(help: "Learning-rate schedule: cosine (decay to zero over the run) or constant (default: \(fineTune.schedule.rawValue)).")
    var schedule: LearningRateSchedule?

    @Option(name: .shortAndLong, help: "Where to write the trained latent float weights (.safetensors, PyTorch naming).")
    var output: String

    /// The recipe: `defaults` with every option given on the command line applied.
    func options(defaults: TrainingOptions) -> TrainingOptions {
        var options = defaults
        options.seed = seed
        options.validationSplit = validationSplit
        if let epochs { options.epochs = epochs }
        if let lr { options.learningRate = lr }
        if let batchSize { options.batchSize = batchSize }
        if let weightDecay { options.weightDecay = weightDecay }
        if let schedule { options.schedule = schedule }
        return options
    }

    /// Checks the recipe before any file is read: options out of range are usage errors.
    func check(_ options: TrainingOptions) throws {
        do {
            try options.check()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Reads the data files for a model of `features` inputs and `classes` outputs.
    func splits(features: Int, classes: Int) throws -> TrainingSplits {
        try TrainingSplits(
            training: URL(fileURLWithPath: data), validation: val.map(URL.init(fileURLWithPath:)),
            test: test.map(URL.init(fileURLWithPath:)), x: x, y: y, heldOutFraction: validationSplit, seed: seed,
            features: features, classes: classes)
    }

    /// Prints each epoch's line on stdout (flushed, for logs) and draws `progress` on a terminal.
    func epochPrinter(_ progress: ProgressBar) -> (EpochReport) -> Void {
        { report in
            progress.finish()
            print(report.text)
            fflush(nil)    // stdout: epoch lines reach a log as they happen
            progress.update(report.epoch)
        }
    }

    /// Writes the trained model and prints what was kept.
    func write(_ file: ModelFile, run: QuantizationAwareTraining.Run) throws {
        try file.writeSafetensors(to: URL(fileURLWithPath: output))
        print(run.keptText)
        print("wrote \(output)")
    }
}

extension LearningRateSchedule: ExpressibleByArgument {}
