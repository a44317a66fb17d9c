import BitCore
import BitLayers
import BitModels

/// Quantization-aware training for `bitbake-model finetune` and `train`: BitNet b1.58 fake
/// quantization in the forward pass, the straight-through estimator in the backward pass, Adam on
/// the latent float weights, and the epoch kept that does best on the validation rows.
///
/// ```swift
/// let source = try FloatModelFile(url: modelURL, spec: nil)
/// let options = QuantizationAwareTraining.fineTuningOptions
/// let run = try QuantizationAwareTraining.fineTune(
///     source.model, config: BitQuantConfig(), splits: splits, options: options) { print($0.text) }
/// let metadata = QuantizationAwareTraining.metadata(
///     run, config: BitQuantConfig(), options: options, splits: splits,
///     source: (source.url.lastPathComponent, source.sha256), distilled: true)
/// try ModelFile(network: run.model, metadata: metadata).writeSafetensors(to: outputURL)
/// ```
public enum QuantizationAwareTraining {
    /// What a run produced: the kept model (latent float weights in `BitLinear` layers) and every
    /// epoch's report.
    public struct Run: Sendable {
        public let model: BitMLP
        public let history: TrainingHistory
    }

    /// The fine-tuning recipe's defaults: 60 epochs of Adam at 3e-3 with cosine decay, batches
    /// of 32, half the loss distilled from the float model at temperature 2. Chosen on held-out
    /// slices of the training splits of six real data sets and measured on their test splits
    /// (Targets/examples/qat/README.md).
    public static let fineTuningOptions = TrainingOptions(
        epochs: 60, learningRate: 3e-3, batchSize: 32, seed: 0, validationSplit: 0.1, schedule: .cosine,
        distillationWeight: 0.5, distillationTemperature: 2)

    /// The from-scratch recipe's defaults: 50 epochs of Adam at 3e-3 with cosine decay, batches
    /// of 32 (3e-3 beat 1e-3 on held-out digits slices: 97.0% against 96.6%, three seeds).
    public static let trainingOptions = TrainingOptions(
        epochs: 50, learningRate: 3e-3, batchSize: 32, seed: 0, validationSplit: 0.1, schedule: .cosine)

    /// Fine-tunes the float model's weights under ternary fake quantization per `config`.
    ///
    /// - Parameter distill: also learn from the float model's own outputs on the training rows
    ///   (knowledge distillation, `options.distillationWeight` and `distillationTemperature`).
    /// - Throws: `BakeError` for a layer chain BitMLP cannot model; `BitModelsError` for options
    ///   out of range or data that does not fit the model.
    public static func fineTune(
        _ float: FloatMLP, config: BitQuantConfig, splits: TrainingSplits, options: TrainingOptions,
        distill: Bool = true, onEpoch: (EpochReport) -> Void = { _ in }
    ) throws -> Run {
        let teacher = try float.network(quantizedWith: nil)
        var model = teacher.quantized(config: config)
        let history = try model.fit(
            splits.training, validation: splits.validation, options: options, teacher: distill ? teacher : nil,
            onEpoch: onEpoch)
        return Run(model: model, history: history)
    }

    /// Trains a `BitMLP` of `layerSizes` (inputs, hidden sizes, classes) from PyTorch's
    /// initialization, drawn from `options.seed`: the same seed gives the same weights.
    ///
    /// - Throws: `BitModelsError` for bad layer sizes, options out of range, or data that does not
    ///   fit the model.
    public static func train(
        layerSizes: [Int], config: BitQuantConfig, splits: TrainingSplits, options: TrainingOptions,
        onEpoch: (EpochReport) -> Void = { _ in }
    ) throws -> Run {
        var model = try BitMLP(layerSizes: layerSizes, config: config, seed: options.seed)
        let history = try model.fit(splits.training, validation: splits.validation, options: options, onEpoch: onEpoch)
        return Run(model: model, history: history)
    }
}
