import ArgumentParser
import BitBake
import BitModels
import Foundation

struct FineTune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Fine-tune a float MLP under ternary fake quantization (QAT), for baking.",
        discussion: """
            Starts from MODEL's float weights (any naming `bake` accepts), trains them with the \
            BitNet b1.58 forward pass (ternary weights, int8 activations, as `bake` quantizes) and \
            the straight-through estimator, and keeps the epoch that does best on the validation \
            rows. The recipe: Adam with a cosine learning-rate decay, and the float model's own \
            outputs distilled into the ternary one (--distillation-weight 0 turns that off).

            Writes latent float weights in PyTorch naming (0.weight, 0.bias, 2.weight, ...) with \
            the recipe in the metadata; bake them with `bitbake-model bake OUT -o MODEL.bitblob` \
            and the same --weight-granularity and --activation-granularity. Prints one line per \
            epoch, then the accuracy of the float model, its plain bake, and the fine-tuned bake \
            (integer simulation; per_tensor activations calibrate on --calibration or the \
            training rows).
            """)

    @Argument(help: "The float model (.safetensors, .npz, .npy).")
    var model: String

    @OptionGroup var training: TrainingArguments

    @Option(help: "The share of the loss that follows the float model's softened outputs, 0 to 1 (default: \(QuantizationAwareTraining.fineTuningOptions.distillationWeight)).")
    var distillationWeight: Float?

    @Option(help: "The softmax temperature of the distillation term (default: \(QuantizationAwareTraining.fineTuningOptions.distillationTemperature)).")
    var temperature: Float?

    @OptionGroup var quant: QuantOptions

    func validate() throws {
        try training.check(options)
    }

    var options: TrainingOptions {
        var options = training.options(defaults: QuantizationAwareTraining.fineTuningOptions)
        if let distillationWeight { options.distillationWeight = distillationWeight }
        if let temperature { options.distillationTemperature = temperature }
        return options
    }

    mutating func run() throws {
        try reportingInputErrors {
            let spec = try quant.loadSpec()
            let bakeOptions = try quant.bakeOptions(spec: spec)
            let source = try FloatModelFile(url: URL(fileURLWithPath: model), spec: spec)
            let description = source.model.description
            let splits = try training.splits(features: description.inputFeatures, classes: description.outputFeatures)
            print("model: \(source.url.lastPathComponent) (\(description.summary))")
            print("train: \(splits.trainingSource) (\(splits.training.count) rows), validation: \(splits.validationSource)")
            print("config: \(bakeOptions.config)")
            let options = self.options
            let distill = options.distillationWeight > 0
            let progress = ProgressBar("finetune", total: options.epochs)
            let run = try QuantizationAwareTraining.fineTune(
                source.model, config: bakeOptions.config, splits: splits, options: options, distill: distill,
                onEpoch: training.epochPrinter(progress))
            progress.finish()
            let metadata = QuantizationAwareTraining.metadata(
                run, config: bakeOptions.config, options: options, splits: splits,
                source: (source.url.lastPathComponent, source.sha256), distilled: distill)
            try training.write(ModelFile(network: run.model, metadata: metadata), run: run)
            print("")
            let trained = try FloatModelFile(url: URL(fileURLWithPath: training.output), spec: nil)
            print(try QuantizationAwareTraining.summarize(
                trained: trained, float: source, splits: splits, bakeOptions: bakeOptions).text)
        }
    }
}
