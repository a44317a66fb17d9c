import BitLayers
import BitModels
import Foundation

/// The labelled rows a quantization-aware training run uses: rows to train on, rows to choose the
/// epoch to keep on, and optional test rows that only the summary reads.
///
/// ```swift
/// let splits = try TrainingSplits(
///     training: URL(fileURLWithPath: "train.safetensors"), validation: nil, test: nil,
///     heldOutFraction: 0.1, seed: 0, features: 64, classes: 10)
/// print(splits.validationSource)     // "held out 10% of train.safetensors (144 rows)"
/// ```
public struct TrainingSplits: Sendable {
    /// The rows training steps run on.
    public let training: Dataset
    /// The rows the kept epoch is chosen on; nil trains without validation (the last epoch is kept).
    public let validation: Dataset?
    /// Where the validation rows came from, for reports and metadata.
    public let validationSource: String
    /// Rows for the summary only; never seen by training or epoch selection.
    public let test: Dataset?
    /// The test file's name ("none" without one).
    public let testSource: String
    /// The training file's name, for reports and metadata.
    public let trainingSource: String

    /// Reads the data files (input tensor `x`, label tensor `y` in each) and checks them against
    /// the model's `features` and `classes`. Without a validation file, a seeded shuffle holds out
    /// `heldOutFraction` of the training rows (none when it is 0).
    ///
    /// - Throws: `ModelFileError` for a file that cannot be read; `BakeError` naming the file for
    ///   missing tensors or labels, rows of the wrong width, labels outside `0..<classes`, or a
    ///   held-out fraction that leaves no rows on one side.
    public init(
        training: URL, validation: URL?, test: URL?, x: String = "x", y: String = "y",
        heldOutFraction: Double, seed: UInt64, features: Int, classes: Int
    ) throws {
        func load(_ url: URL) throws -> Dataset {
            let file = try DataFile(contentsOf: url, x: x, y: y, requireLabels: true)
            try file.check(features: features, classes: classes, file: url.relativePath)
            // requireLabels guarantees labels; one per row is checked by DataFile.
            return try Self.dataset(file, name: url.relativePath)
        }
        let all = try load(training)
        trainingSource = training.lastPathComponent
        self.test = try test.map(load)
        testSource = test?.lastPathComponent ?? "none"
        if let validation {
            self.training = all
            self.validation = try load(validation)
            validationSource = validation.lastPathComponent
            return
        }
        var generator = SplitMix64(seed: seed)
        do {
            (self.training, self.validation) = try all.split(validationFraction: heldOutFraction, using: &generator)
        } catch {
            throw BakeError("\(training.relativePath): \(error); choose another --validation-split or pass --val")
        }
        let percent = heldOutFraction * 100
        let percentText = Formatting.fixed(percent, percent == percent.rounded() ? 0 : 1)
        let name = trainingSource
        validationSource = self.validation.map { "held out \(percentText)% of \(name) (\($0.count) rows)" } ?? "none"
    }

    private static func dataset(_ file: DataFile, name: String) throws(BakeError) -> Dataset {
        do {
            return try Dataset(inputs: file.inputs, labels: file.labels ?? [])
        } catch {
            throw BakeError("\(name): \(error)")
        }
    }
}
