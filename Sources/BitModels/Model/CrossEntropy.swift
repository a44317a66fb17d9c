import BitLayers
import Foundation

/// Softmax cross-entropy over class logits, as PyTorch's `nn.CrossEntropyLoss` (mean reduction).
///
/// ```swift
/// let (loss, gradient) = CrossEntropy.lossAndGradient(logits: logits, labels: [3, 0, 9])
/// ```
///
/// Numerically stable: the log-softmax subtracts each row's maximum before exponentiating, so
/// logits of any magnitude give finite losses.
public enum CrossEntropy {
    /// `log softmax` of each row of `logits` (`batch x classes`).
    public static func logSoftmax(_ logits: Matrix) -> Matrix {
        var result = logits
        let classes = logits.columns
        result.values.withUnsafeMutableBufferPointer { values in
            for row in 0..<logits.rows {
                let rowValues = UnsafeMutableBufferPointer(rebasing: values[row * classes ..< (row + 1) * classes])
                let maximum = rowValues.max() ?? 0
                var sum: Float = 0
                for value in rowValues { sum += exp(value - maximum) }
                let logSum = log(sum)
                // (x - max) - log Σ, not x - (max + log Σ): the latter loses log Σ next to a huge max.
                for index in rowValues.indices { rowValues[index] = (rowValues[index] - maximum) - logSum }
            }
        }
        return result
    }

    /// The mean over the batch of `-log softmax(logits)[label]`.
    ///
    /// - Precondition: one label per row, each in `0..<logits.columns`.
    public static func loss(logits: Matrix, labels: [Int]) -> Float {
        lossAndLogProbabilities(logits: logits, labels: labels).loss
    }

    /// The mean loss and its gradient with respect to the logits, `(softmax - onehot) / batch`.
    ///
    /// - Precondition: one label per row, each in `0..<logits.columns`.
    public static func lossAndGradient(logits: Matrix, labels: [Int]) -> (loss: Float, gradient: Matrix) {
        let (loss, logProbabilities) = lossAndLogProbabilities(logits: logits, labels: labels)
        var gradient = logProbabilities
        let scale = 1 / Float(max(logits.rows, 1))
        for (row, label) in labels.enumerated() {
            for column in 0..<logits.columns {
                let index = row * logits.columns + column
                let target: Float = column == label ? 1 : 0
                gradient.values[index] = (exp(logProbabilities.values[index]) - target) * scale
            }
        }
        return (loss, gradient)
    }

    private static func lossAndLogProbabilities(logits: Matrix, labels: [Int]) -> (loss: Float, logProbabilities: Matrix) {
        precondition(labels.count == logits.rows, "\(logits.rows) rows of logits but \(labels.count) labels")
        let logProbabilities = logSoftmax(logits)
        var total: Double = 0
        for (row, label) in labels.enumerated() {
            precondition(label >= 0 && label < logits.columns, "label \(label) is outside 0..<\(logits.columns)")
            total -= Double(logProbabilities[row, label])
        }
        return (Float(total / Double(max(logits.rows, 1))), logProbabilities)
    }
}
