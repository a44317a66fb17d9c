import Foundation

/// The Adam optimizer, as PyTorch's `torch.optim.Adam` computes it.
///
/// For each parameter `p` with gradient `g`, at step `t` (from 1):
/// ```
/// g = g + weightDecay * p                      (only when weightDecay != 0: L2, not AdamW)
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g * g
/// p = p - (learningRate / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
/// ```
///
/// ```swift
/// var optimizer = Adam(learningRate: 1e-3)
/// var parameters = model.parameters
/// optimizer.update(&parameters, along: model.gradients(inputs: batch, labels: labels).parameters)
/// model.parameters = parameters
/// ```
///
/// The moments are kept per array, by position: pass the same arrays in the same order every step.
public struct Adam: Sendable {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    /// The L2 penalty added to the gradient (PyTorch's `weight_decay`); 0 turns it off.
    public var weightDecay: Float
    /// The number of updates applied so far.
    public private(set) var stepCount = 0
    private var firstMoments: [[Float]] = []
    private var secondMoments: [[Float]] = []

    /// Creates an optimizer with PyTorch's defaults.
    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = 0
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// Applies one step to every array of `parameters`, given their `gradients`.
    ///
    /// - Precondition: `gradients` matches `parameters` array by array, and both match the arrays
    ///   of earlier steps.
    public mutating func update(_ parameters: inout [[Float]], along gradients: [[Float]]) {
        precondition(parameters.count == gradients.count, "\(parameters.count) parameter arrays, \(gradients.count) gradients")
        if stepCount == 0 {
            firstMoments = parameters.map { [Float](repeating: 0, count: $0.count) }
            secondMoments = firstMoments
        }
        precondition(
            parameters.map(\.count) == firstMoments.map(\.count) && gradients.map(\.count) == firstMoments.map(\.count),
            "the parameter or gradient shapes changed between steps")
        stepCount += 1
        let step = Double(stepCount)
        let stepSize = learningRate / Float(1 - pow(Double(beta1), step))
        let secondCorrection = Float(sqrt(1 - pow(Double(beta2), step)))
        for index in parameters.indices {
            update(&parameters[index], gradient: gradients[index], first: &firstMoments[index],
                   second: &secondMoments[index], stepSize: stepSize, secondCorrection: secondCorrection)
        }
    }

    private func update(
        _ parameter: inout [Float], gradient: [Float], first: inout [Float], second: inout [Float],
        stepSize: Float, secondCorrection: Float
    ) {
        let (beta1, beta2, epsilon, weightDecay) = (beta1, beta2, epsilon, weightDecay)
        parameter.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in
                first.withUnsafeMutableBufferPointer { m in
                    second.withUnsafeMutableBufferPointer { v in
                        for i in p.indices {
                            let grad = weightDecay == 0 ? g[i] : g[i] + weightDecay * p[i]
                            m[i] = beta1 * m[i] + (1 - beta1) * grad
                            v[i] = beta2 * v[i] + (1 - beta2) * grad * grad
                            p[i] -= stepSize * m[i] / (v[i].squareRoot() / secondCorrection + epsilon)
                        }
                    }
                }
            }
        }
    }
}
