import BitLayers
import BitModels
import Foundation
import Testing

@Suite struct DistillationTests {
    static func randomLogits(rows: Int, columns: Int, seed: UInt64) -> Matrix {
        var generator = SplitMix64(seed: seed)
        return Matrix(rows: rows, columns: columns, values: (0..<rows * columns).map { _ in
            Float.random(in: -4...4, using: &generator)
        })
    }

    @Test(arguments: [Float(1), 2, 4])
    func gradientMatchesFiniteDifferences(temperature: Float) {
        let student = Self.randomLogits(rows: 3, columns: 5, seed: 1)
        let teacher = Self.randomLogits(rows: 3, columns: 5, seed: 2)
        let (_, gradient) = CrossEntropy.distillationLossAndGradient(
            logits: student, teacherLogits: teacher, temperature: temperature)
        let step: Float = 1e-2
        func loss(_ logits: Matrix) -> Double {
            Double(CrossEntropy.distillationLossAndGradient(logits: logits, teacherLogits: teacher, temperature: temperature).loss)
        }
        for index in student.values.indices {
            var plus = student, minus = student
            plus.values[index] += step
            minus.values[index] -= step
            let numeric = (loss(plus) - loss(minus)) / Double(2 * step)
            #expect(abs(numeric - Double(gradient.values[index])) <= 3e-3 * max(1, abs(numeric)), "logit \(index)")
        }
    }

    /// KL divergence: zero exactly when the softened distributions agree (also for logits that
    /// differ by a constant per row), positive otherwise.
    @Test func vanishesOnlyWhenStudentMatchesTeacher() {
        let teacher = Self.randomLogits(rows: 2, columns: 4, seed: 3)
        var shifted = teacher
        for column in 0..<4 { shifted[1, column] += 10 }
        let same = CrossEntropy.distillationLossAndGradient(logits: shifted, teacherLogits: teacher, temperature: 2)
        #expect(abs(same.loss) < 1e-6)
        #expect(same.gradient.values.allSatisfy { abs($0) < 1e-6 })
        let other = CrossEntropy.distillationLossAndGradient(
            logits: Self.randomLogits(rows: 2, columns: 4, seed: 4), teacherLogits: teacher, temperature: 2)
        #expect(other.loss > 0.01)
    }

    /// `gradients(teacher:)` mixes `(1 - w) · cross-entropy + w · distillation`: with weight 0 it
    /// is plain cross-entropy, with weight 1 the labels no longer matter.
    @Test func batchGradientsMixLabelsAndTeacher() throws {
        let model = try BitMLP(layerSizes: [3, 6, 4], seed: 5)
        let inputs = Self.randomLogits(rows: 5, columns: 3, seed: 6)
        let teacher = Self.randomLogits(rows: 5, columns: 4, seed: 7)
        let plain = model.gradients(inputs: inputs, labels: [0, 1, 2, 3, 0])
        let none = model.gradients(
            inputs: inputs, labels: [0, 1, 2, 3, 0], teacher: SoftTargets(logits: teacher, temperature: 2, weight: 0))
        #expect(none.parameters == plain.parameters && none.loss == plain.loss)

        let onlyTeacher = SoftTargets(logits: teacher, temperature: 3, weight: 1)
        let a = model.gradients(inputs: inputs, labels: [0, 1, 2, 3, 0], teacher: onlyTeacher)
        let b = model.gradients(inputs: inputs, labels: [3, 3, 1, 0, 2], teacher: onlyTeacher)
        #expect(a.parameters == b.parameters && a.loss == b.loss)

        let half = model.gradients(
            inputs: inputs, labels: [0, 1, 2, 3, 0], teacher: SoftTargets(logits: teacher, temperature: 3, weight: 0.5))
        #expect(abs(half.loss - (plain.loss + a.loss) / 2) < 1e-5)
        for (mixed, (p, t)) in zip(half.parameters.joined(), zip(plain.parameters.joined(), a.parameters.joined())) {
            #expect(abs(mixed - (p + t) / 2) < 1e-5)
        }
    }
}
