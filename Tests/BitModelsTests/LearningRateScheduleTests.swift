import BitModels
import Foundation
import Testing

@Suite struct LearningRateScheduleTests {
    @Test func constantKeepsTheRate() {
        #expect([0, 7, 99, 100].map { LearningRateSchedule.constant.learningRate(3e-3, step: $0, of: 100) } == [3e-3, 3e-3, 3e-3, 3e-3])
    }

    /// `rate · (1 + cos(π · step / steps)) / 2`: the full rate first, half at mid-run, a quarter
    /// of the way down at a quarter of the run... and zero after the last step.
    @Test func cosineDecaysFromTheRateToZero() {
        let cosine = LearningRateSchedule.cosine
        #expect(cosine.learningRate(1e-3, step: 0, of: 100) == 1e-3)
        #expect(cosine.learningRate(1e-3, step: 50, of: 100) == 5e-4)
        #expect(cosine.learningRate(1e-3, step: 100, of: 100) == 0)
        let quarter = cosine.learningRate(1, step: 25, of: 100)
        #expect(abs(Double(quarter) - (1 + 0.5.squareRoot()) / 2) < 1e-7)
        let rates = (0...100).map { cosine.learningRate(2e-3, step: $0, of: 100) }
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 > $1 })
        // Out-of-range steps clamp instead of rising again; a zero-step run does not divide by zero.
        #expect(cosine.learningRate(1e-3, step: 150, of: 100) == 0)
        #expect(cosine.learningRate(1e-3, step: -5, of: 100) == 1e-3)
        #expect(cosine.learningRate(1e-3, step: 0, of: 0) == 1e-3)
    }
}
