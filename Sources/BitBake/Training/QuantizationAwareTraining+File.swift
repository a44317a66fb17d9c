import BitBlob
import BitCore
import BitModels

extension ModelFile {
    /// `network`'s state dict as float32 tensors in PyTorch `nn.Sequential` naming (`0.weight`,
    /// `0.bias`, `2.weight`, ...; `BitMLP.stateDict()`), with `metadata`: the file `finetune` and
    /// `train` write and `bake` reads.
    public init(network: BitMLP, metadata: [String: String]) {
        self.init(
            tensors: network.stateDict().map { Tensor(name: $0.name, shape: $0.shape, values: .float($0.values)) },
            metadata: metadata)
    }
}

extension QuantizationAwareTraining {
    /// The `__metadata__` a trained model file carries: what it is, the quantization, the recipe,
    /// the data and the kept epoch. File names only, no paths, times or host details, so the same
    /// run writes the same bytes anywhere.
    ///
    /// - Parameters:
    ///   - source: the float model fine-tuned from (name and SHA-256), nil for training from scratch.
    ///   - distilled: whether the float model's outputs were distilled.
    public static func metadata(
        _ run: Run, config: BitQuantConfig, options: TrainingOptions, splits: TrainingSplits,
        source: (name: String, sha256: [UInt8])?, distilled: Bool
    ) -> [String: String] {
        var recipe = [
            "epochs=\(options.epochs)", "learning_rate=\(options.learningRate)", "schedule=\(options.schedule.rawValue)",
            "batch_size=\(options.batchSize)", "weight_decay=\(options.weightDecay)", "seed=\(options.seed)",
        ]
        if distilled {
            recipe += [
                "distillation_weight=\(options.distillationWeight)",
                "distillation_temperature=\(options.distillationTemperature)",
            ]
        }
        var metadata = [
            "description": "BitLab quantization-aware training: latent float32 weights of a BitNet b1.58 MLP "
                + "\(run.model.layerSizes), \(run.model.activation.rawValue) between layers; PyTorch nn.Sequential "
                + "naming. Bake with: bitbake-model bake FILE -o MODEL.bitblob"
                + " --weight-granularity \(config.weightGranularity.name)"
                + " --activation-granularity \(config.activationGranularity.name)",
            "quantization": "weight_granularity=\(config.weightGranularity.name) "
                + "activation_dtype=\(config.activationDType.name) "
                + "activation_granularity=\(config.activationGranularity.name)",
            "recipe": (source == nil ? "train " : "finetune ") + recipe.joined(separator: " "),
            "data": "train=\(splits.trainingSource) (\(splits.training.count) rows) validation=\(splits.validationSource)",
            "kept_epoch": "\(run.history.bestEpoch) of \(options.epochs)",
            "tool": Baker.toolVersion,
        ]
        if let validation = run.history.best.validation {
            metadata["validation_accuracy"] = "\(validation.accuracy) (fake quantization)"
        }
        if let source {
            metadata["source"] = "\(source.name) sha256 \(Hex.string(source.sha256))"
        }
        return metadata
    }
}
