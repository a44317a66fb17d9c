import BitModels
import Foundation
import Testing

@Suite struct AdamTests {
    /// Two steps by hand. With m̂ = m / (1 - β1^t) and v̂ = v / (1 - β2^t), the first step moves
    /// every parameter by lr · g / (|g| + ε) ≈ lr · sign(g), and not at all where g = 0.
    @Test func matchesHandComputedSteps() {
        var optimizer = Adam(learningRate: 0.1)
        var parameters: [[Float]] = [[1, -2, 0.5], [3]]
        let first: [[Float]] = [[0.5, -4, 0], [2]]
        optimizer.update(&parameters, along: first)
        #expect(optimizer.stepCount == 1)
        // t = 1: m = 0.1 g, v = 0.001 g², step = lr/0.1 · m / (sqrt(v)/sqrt(0.001) + ε) = lr · g / (|g| + ε).
        expectClose(parameters, [[1 - 0.1, -2 + 0.1, 0.5], [3 - 0.1]])

        let second: [[Float]] = [[0.25, 1, 2], [2]]
        optimizer.update(&parameters, along: second)
        // t = 2, first element: m = 0.9·0.05 + 0.1·0.25 = 0.07, v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225,
        // p = 0.9 - (0.1 / 0.19) · 0.07 / (sqrt(0.00031225) / sqrt(1 - 0.998001) + 1e-8).
        let expected0 = 0.9 - (0.1 / 0.19) * 0.07 / ((0.00031225).squareRoot() / (1 - 0.998001).squareRoot() + 1e-8)
        #expect(abs(Double(parameters[0][0]) - expected0) < 1e-6)
        // A constant gradient keeps m̂ = sqrt(v̂) = g, so the step stays lr.
        #expect(abs(parameters[1][0] - 2.8) < 1e-6)
    }

    @Test func weightDecayAddsTheL2Gradient() {
        var decayed = Adam(learningRate: 0.01, weightDecay: 0.5)
        var plain = Adam(learningRate: 0.01)
        var a: [[Float]] = [[2, -2]]
        var b: [[Float]] = [[2, -2]]
        decayed.update(&a, along: [[0, 0]])   // gradient 0 + 0.5 · p: moves towards zero
        plain.update(&b, along: [[0, 0]])
        expectClose(a, [[1.99, -1.99]])
        #expect(b == [[2, -2]])
    }

    @Test func longArraysUseTheSameRuleAsTheirTail() {
        // 19 values: two full vectors and a tail of three.
        var optimizer = Adam(learningRate: 0.5)
        var parameters: [[Float]] = [(0..<19).map(Float.init)]
        optimizer.update(&parameters, along: [(0..<19).map { $0 % 2 == 0 ? 1 : -1 }])
        expectClose(parameters, [(0..<19).map { Float($0) + ($0 % 2 == 0 ? -0.5 : 0.5) }])
    }

    private func expectClose(_ actual: [[Float]], _ expected: [[Float]], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.map(\.count) == expected.map(\.count), sourceLocation: sourceLocation)
        for (a, e) in zip(actual.joined(), expected.joined()) {
            #expect(abs(a - e) <= 1e-6 * max(1, abs(e)), "\(a) vs \(e)", sourceLocation: sourceLocation)
        }
    }
}
