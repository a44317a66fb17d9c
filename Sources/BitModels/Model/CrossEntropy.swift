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

    /// Knowledge distillation: the mean over the batch of `T² · KL(softmax(t/T) ‖ softmax(s/T))`
    /// for student logits `s` and teacher logits `t` at temperature `T`, and its gradient with
    /// respect to `s`, `T · (softmax(s/T) − softmax(t/T)) / batch` (Hinton et al., 2015; the `T²`
    /// keeps the gradient's size independent of `T`).
    ///
    /// ```swift
    /// let (loss, gradient) = CrossEntropy.distillationLossAndGradient(
    ///     logits: student, teacherLogits: teacher, temperature: 2)
    /// ```
    ///
    /// - Precondition: both matrices have the same shape; `temperature > 0`.
    public static func distillationLossAndGradient(
        logits: Matrix, teacherLogits: Matrix, temperature: Float
    ) -> (loss: Float, gradient: Matrix) {
        precondition(
            logits.rows == teacherLogits.rows && logits.columns == teacherLogits.columns,
            "student logits are \(logits.rows) x \(logits.columns), teacher logits \(teacherLogits.rows) x \(teacherLogits.columns)")
        precondition(temperature > 0, "the temperature must be positive, got \(temperature)")
        func softened(_ matrix: Matrix) -> Matrix {
            var scaled = matrix
            scaled.values = matrix.values.map { $0 / temperature }
            return logSoftmax(scaled)
        }
        let student = softened(logits), teacher = softened(teacherLogits)
        var gradient = student
        var total: Double = 0
        let scale = temperature / Float(max(logits.rows, 1))
        for index in gradient.values.indices {
            let (q, p) = (exp(student.values[index]), exp(teacher.values[index]))
            if p > 0 { total += Double(p) * Double(teacher.values[index] - student.values[index]) }
            gradient.values[index] = (q - p) * scale
        }
        let loss = Double(temperature * temperature) * total / Double(max(logits.rows, 1))
        return (Float(loss), gradient)
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
