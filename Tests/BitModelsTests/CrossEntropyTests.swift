import BitLayers
import BitModels
import Foundation
import Testing

@Suite struct CrossEntropyTests {
    @Test func uniformLogitsCostLogOfClassCount() {
        let loss = CrossEntropy.loss(logits: Matrix(rows: 2, columns: 4), labels: [0, 3])
        #expect(abs(loss - log(4)) < 1e-6)
    }

    @Test func hugeLogitsStayFinite() {
        let logits = Matrix([[1e30, -1e30, 0], [-3e38, 3e38, 3e38]])
        let (loss, gradient) = CrossEntropy.lossAndGradient(logits: logits, labels: [0, 1])
        #expect(loss.isFinite)
        #expect(gradient.values.allSatisfy { $0.isFinite })
        #expect(abs(loss - log(2) / 2) < 1e-6)   // row 0 costs 0, row 1 log 2
    }

    @Test func gradientMatchesFiniteDifferences() {
        var generator = SplitMix64(seed: 11)
        let logits = Matrix(rows: 3, columns: 5, values: (0..<15).map { _ in Float.random(in: -3...3, using: &generator) })
        let labels = [4, 0, 2]
        let (_, gradient) = CrossEntropy.lossAndGradient(logits: logits, labels: labels)
        let step: Float = 1e-2
        for index in logits.values.indices {
            var plus = logits, minus = logits
            plus.values[index] += step
            minus.values[index] -= step
            let numeric = (Double(CrossEntropy.loss(logits: plus, labels: labels))
                - Double(CrossEntropy.loss(logits: minus, labels: labels))) / Double(2 * step)
            #expect(abs(numeric - Double(gradient.values[index])) <= 2e-3 * max(1, abs(numeric)), "logit \(index)")
        }
    }

    @Test func gradientRowsSumToZero() {
        let (_, gradient) = CrossEntropy.lossAndGradient(logits: Matrix([[1, 2, 3], [0, -1, 5]]), labels: [1, 2])
        for row in 0..<2 { #expect(abs(gradient.row(row).reduce(0, +)) < 1e-6) }
    }
}
