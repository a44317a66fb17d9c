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

    /// Updates one array eight values at a time; the tail goes through zero-padded vectors.
    private func update(
        _ parameter: inout [Float], gradient: [Float], first: inout [Float], second: inout [Float],
        stepSize: Float, secondCorrection: Float
    ) {
        typealias Vector = SIMD8<Float>
        let (beta1, beta2) = (Vector(repeating: beta1), Vector(repeating: beta2))
        let (epsilon, weightDecay) = (Vector(repeating: epsilon), Vector(repeating: weightDecay))
        let (stepSize, secondCorrection) = (Vector(repeating: stepSize), Vector(repeating: secondCorrection))
        /// One Adam step on eight values of each of the four arrays.
        @inline(__always)
        func step(_ p: inout Vector, _ g: Vector, _ m: inout Vector, _ v: inout Vector) {
            let g = g + weightDecay * p
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            p = p - stepSize * m / (v.squareRoot() / secondCorrection + epsilon)
        }
        let count = parameter.count
        guard count > 0 else { return }
        let fullEnd = count - count % Vector.scalarCount
        parameter.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in
                first.withUnsafeMutableBufferPointer { m in
                    second.withUnsafeMutableBufferPointer { v in
                        // Non-empty buffers: every base address exists.
                        let (rawP, rawG) = (UnsafeMutableRawPointer(p.baseAddress!), UnsafeRawPointer(g.baseAddress!))
                        let (rawM, rawV) = (UnsafeMutableRawPointer(m.baseAddress!), UnsafeMutableRawPointer(v.baseAddress!))
                        for offset in stride(from: 0, to: fullEnd * MemoryLayout<Float>.stride, by: MemoryLayout<Vector>.stride) {
                            var pv = rawP.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                            var mv = rawM.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                            var vv = rawV.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                            step(&pv, rawG.loadUnaligned(fromByteOffset: offset, as: Vector.self), &mv, &vv)
                            rawP.storeBytes(of: pv, toByteOffset: offset, as: Vector.self)
                            rawM.storeBytes(of: mv, toByteOffset: offset, as: Vector.self)
                            rawV.storeBytes(of: vv, toByteOffset: offset, as: Vector.self)
                        }
                        var (pv, gv, mv, vv) = (Vector(), Vector(), Vector(), Vector())
                        for lane in 0..<(count - fullEnd) {
                            (pv[lane], gv[lane]) = (p[fullEnd + lane], g[fullEnd + lane])
                            (mv[lane], vv[lane]) = (m[fullEnd + lane], v[fullEnd + lane])
                        }
                        step(&pv, gv, &mv, &vv)
                        for lane in 0..<(count - fullEnd) {
                            (p[fullEnd + lane], m[fullEnd + lane], v[fullEnd + lane]) = (pv[lane], mv[lane], vv[lane])
                        }
                    }
                }
            }
        }
    }
}
