import ArgumentParser
import BitBake
import BitModels
import Foundation

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a ternary BitMLP from scratch with quantization-aware training, for baking.",
        discussion: """
            Builds an MLP of --layers (inputs, hidden sizes, classes; ReLU between layers), \
            initialized as PyTorch's nn.Linear from --seed, and trains it with the BitNet b1.58 \
            forward pass and the straight-through estimator (Adam, cosine learning-rate decay), \
            keeping the epoch that does best on the validation rows. The same seed and data write \
            a byte-identical file: latent float weights in PyTorch naming, for `bake`.
            """)

    @Option(help: "Layer sizes: inputs, hidden sizes, classes, comma-separated (e.g. 64,256,256,10).")
    var layers: String

    @OptionGroup var training: TrainingArguments

    @OptionGroup var quant: QuantOptions

    func validate() throws {
        _ = try layerSizes()
        try training.check(training.options(defaults: QuantizationAwareTraining.trainingOptions))
    }

    /// `--layers` as numbers: at least two, all positive.
    func layerSizes() throws -> [Int] {
        let sizes = layers.split(separator: ",", omittingEmptySubsequences: false).map {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard sizes.count >= 2, let sizes = sizes as? [Int], sizes.allSatisfy({ $0 > 0 }) else {
            throw ValidationError(
                "--layers '\(layers)' must list at least an input and an output size, positive integers separated "
                    + "by commas (e.g. 64,256,256,10)")
        }
        return sizes
    }

    mutating func run() throws {
        let sizes = try layerSizes()
        try reportingInputErrors {
            let bakeOptions = try quant.bakeOptions(spec: try quant.loadSpec())
            let splits = try training.splits(features: sizes[0], classes: sizes[sizes.count - 1])
            print("layers: \(sizes)")
            print("train: \(splits.trainingSource) (\(splits.training.count) rows), validation: \(splits.validationSource)")
            print("config: \(bakeOptions.config)")
            let options = training.options(defaults: QuantizationAwareTraining.trainingOptions)
            let progress = ProgressBar("train", total: options.epochs)
            let run = try QuantizationAwareTraining.train(
                layerSizes: sizes, config: bakeOptions.config, splits: splits, options: options,
                onEpoch: training.epochPrinter(progress))
            progress.finish()
            let metadata = QuantizationAwareTraining.metadata(
                run, config: bakeOptions.config, options: options, splits: splits, source: nil, distilled: false)
            try training.write(ModelFile(network: run.model, metadata: metadata), run: run)
            print("")
            let trained = try FloatModelFile(url: URL(fileURLWithPath: training.output), spec: nil)
            print(try QuantizationAwareTraining.summarize(
                trained: trained, float: nil, splits: splits, bakeOptions: bakeOptions).text)
        }
    }
}
