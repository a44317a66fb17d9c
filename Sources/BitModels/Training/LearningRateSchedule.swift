import Foundation

/// How `BitMLP.fit` sets Adam's learning rate at each optimizer step.
///
/// ```swift
/// let options = TrainingOptions(epochs: 30, learningRate: 1e-3, schedule: .cosine)
/// LearningRateSchedule.cosine.learningRate(1e-3, step: 0, of: 100)     // 1e-3
/// LearningRateSchedule.cosine.learningRate(1e-3, step: 50, of: 100)    // 5e-4
/// ```
public enum LearningRateSchedule: String, Hashable, Sendable, CaseIterable {
    /// The same rate at every step.
    case constant
    /// Cosine decay from the rate at the first step towards zero after the last,
    /// `rate · (1 + cos(π · step / steps)) / 2` (SGDR without restarts). Late steps are small, so
    /// ternary codes stop flipping back and forth across rounding boundaries as training ends.
    case cosine

    /// The rate for optimizer step `step` (from 0) of a run of `steps` steps, given the base `rate`.
    public func learningRate(_ rate: Float, step: Int, of steps: Int) -> Float {
        switch self {
        case .constant:
            return rate
        case .cosine:
            let progress = Double(min(max(step, 0), steps)) / Double(max(steps, 1))
            return rate * Float((1 + cos(Double.pi * progress)) / 2)
        }
    }
}
