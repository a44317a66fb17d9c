import BitBlob
import BitModels

/// How accurate the baked result of a training run is, next to the float model it started from
/// and that model's plain (post-training) bake, on the validation and test rows: what
/// `bitbake-model finetune` and `train` print at the end.
public struct TrainingSummary: Hashable, Sendable {
    /// Accuracies on one set of rows, each a fraction in 0...1.
    public struct Split: Hashable, Sendable {
        /// `validation` or `test`.
        public var name: String
        /// Where the rows came from.
        public var source: String
        public var rows: Int
        /// The float model (fine-tuning only).
        public var float: Double?
        /// The float model baked as it is, without training (fine-tuning only).
        public var postTrainingQuantized: Double?
        /// The trained model, baked.
        public var trained: Double
    }

    public var splits: [Split]
    /// The integer engine that ran the baked models.
    public var engine: Engine
}

extension QuantizationAwareTraining {
    /// Bakes the trained model file (as written) and the float model it started from, when given,
    /// with `bakeOptions`, and measures both, and the float model itself, on the validation and
    /// test rows of `splits`. `per_tensor` activations are calibrated on `bakeOptions.calibration`,
    /// or on the training rows when it is nil.
    ///
    /// ```swift
    /// let trained = try FloatModelFile(url: outputURL, spec: nil)
    /// print(try QuantizationAwareTraining.summarize(trained: trained, float: source, splits: splits,
    ///                                               bakeOptions: BakeOptions()).text)
    /// ```
    ///
    /// - Throws: `BakeError` when a model cannot be baked or run.
    public static func summarize(
        trained: FloatModelFile, float: FloatModelFile?, splits: TrainingSplits, bakeOptions: BakeOptions,
        engine: Engine = .simulation
    ) throws -> TrainingSummary {
        var options = bakeOptions
        if options.calibration == nil {
            options.calibration = splits.training.inputs
            options.calibrationSource = splits.trainingSource
        }
        func baked(_ file: FloatModelFile) throws -> BlobBuffer {
            let bake = try Baker.bake(
                file.model, options: options, sourceName: file.url.lastPathComponent, sourceSHA256: file.sha256)
            return try BlobBuffer(fileBytes: bake.blob, name: file.url.path)
        }
        let trainedBlob = try baked(trained)
        let postTrainingBlob = try float.map(baked)
        let floatNetwork = try float?.model.network(quantizedWith: nil)
        let named = [("validation", splits.validation, splits.validationSource), ("test", splits.test, splits.testSource)]
        var summary = TrainingSummary(splits: [], engine: engine)
        for case let (name, data?, source) in named {
            func accuracy(_ blob: BlobBuffer) throws -> Double {
                Evaluator.fraction(try engine.run(blob, inputs: data.inputs).classes, data.labels)
            }
            summary.splits.append(
                TrainingSummary.Split(
                    name: name, source: source, rows: data.count,
                    float: floatNetwork.map { Evaluator.fraction($0.predict(data.inputs), data.labels) },
                    postTrainingQuantized: try postTrainingBlob.map(accuracy), trained: try accuracy(trainedBlob)))
        }
        return summary
    }
}
