import BitLayers

/// Labelled samples for classification: one input row per sample and its class index.
///
/// ```swift
/// let data = try Dataset(inputs: Matrix(rows: 3, columns: 2, values: [0, 1, 1, 0, 1, 1]), labels: [1, 0, 1])
/// ```
public struct Dataset: Sendable {
    /// The samples, `count x featureCount`.
    public let inputs: Matrix
    /// The class of each sample.
    public let labels: [Int]

    /// Creates a data set; labels are checked against a model's class count when it is used.
    ///
    /// - Throws: `BitModelsError.labelCount` when there is not one label per input row.
    public init(inputs: Matrix, labels: [Int]) throws(BitModelsError) {
        guard inputs.rows == labels.count else { throw .labelCount(samples: inputs.rows, labels: labels.count) }
        self.inputs = inputs
        self.labels = labels
    }

    /// The number of samples.
    public var count: Int { labels.count }

    /// The number of features per sample.
    public var featureCount: Int { inputs.columns }

    /// The samples at `indices`, in that order.
    func subset(_ indices: some Collection<Int>) -> Dataset {
        Dataset(validInputs: inputs.gatheringRows(indices), labels: indices.map { labels[$0] })
    }

    private init(validInputs: Matrix, labels: [Int]) {
        self.inputs = validInputs
        self.labels = labels
    }

    /// A shuffle of the samples drawn from `generator`, cut into a training part and a validation
    /// part of `validationFraction` of the samples (rounded to whole samples; nil when the
    /// fraction is 0): how `BitMLP.fit(_:options:)` holds out its validation split.
    ///
    /// ```swift
    /// var generator = SplitMix64(seed: 7)
    /// let (training, validation) = try data.split(validationFraction: 0.1, using: &generator)
    /// ```
    ///
    /// - Throws: `BitModelsError.invalidOption` for a fraction outside `0..<1`, `tooFewSamples`
    ///   when either part would be empty.
    public func split(
        validationFraction: Double, using generator: inout some RandomNumberGenerator
    ) throws(BitModelsError) -> (training: Dataset, validation: Dataset?) {
        guard validationFraction >= 0, validationFraction < 1 else {
            throw .invalidOption(
                name: "validation split", value: "\(validationFraction)", expected: "a fraction in 0..<1")
        }
        var order = Array(0..<count)
        order.shuffle(using: &generator)
        let validationCount = Int((Double(count) * validationFraction).rounded())
        guard validationCount < count, validationFraction == 0 || validationCount > 0 else {
            throw .tooFewSamples(samples: count, validationSplit: validationFraction)
        }
        let validation = validationCount > 0 ? subset(order[..<validationCount]) : nil
        return (subset(order[validationCount...]), validation)
    }

    /// Throws unless every sample has `featureCount` features and a label in `0..<classCount`.
    func check(featureCount expected: Int, classCount: Int) throws(BitModelsError) {
        guard featureCount == expected else { throw .featureCount(expected: expected, actual: featureCount) }
        if let sample = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw .labelOutOfRange(sample: sample, label: labels[sample], classCount: classCount)
        }
    }
}
