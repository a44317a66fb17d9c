import Foundation
import Testing
@testable import BitCore
import BitLayers

@Suite struct IntegerLayerTests {
    /// Runs `requantize` on arrays; returns the output values and their scale.
    private func requantize(
        _ accumulators: [Int32], step: Double, weights: [Float], bias: [Float], relu: Bool
    ) throws -> ([Int32], IntegerVectorScale) {
        var values = accumulators
        let w = FixedPointVector.encode(weights.withUnsafeBufferPointer { $0 })!
        let b = FixedPointVector.encode(bias.withUnsafeBufferPointer { $0 })!
        let scale = try w.mantissas.withUnsafeBufferPointer { wm in
            try b.mantissas.withUnsafeBufferPointer { bm in
                try values.withUnsafeMutableBufferPointer { v in
                    try IntegerLayer.requantize(
                        v, inputStep: FixedPointScale(step)!,
                        weights: FixedPointVector(mantissas: wm, shift: w.shift),
                        bias: FixedPointVector(mantissas: bm, shift: b.shift), relu: relu)
                }
            }
        }
        return (values, scale)
    }

    private func real(_ values: [Int32], _ scale: IntegerVectorScale) -> [Double] {
        values.map { Double($0) * Foundation.pow(2.0, Double(scale.exponent)) }
    }

    @Test func outputsMatchExactArithmeticWithinTheDocumentedBound() throws {
        var generator = SplitMix64(seed: 11)
        for trial in 0..<300 {
            let count = Int.random(in: 1...40, using: &generator)
            let accumulators = (0..<count).map { _ in Int32.random(in: -(1 << 20) ... (1 << 20), using: &generator) }
            let perChannel = trial % 2 == 0
            let weights = (0..<(perChannel ? count : 1)).map { _ in Float.random(in: 0.001...0.1, using: &generator) }
            let withBias = trial % 3 != 0
            let bias = withBias ? (0..<count).map { _ in Float.random(in: -2...2, using: &generator) } : []
            let step = Double(Float.random(in: 1e-4...1, using: &generator))
            let relu = trial % 5 != 0
            let (values, scale) = try requantize(accumulators, step: step, weights: weights, bias: bias, relu: relu)
            let exact = (0..<count).map { o -> Double in
                let y = Double(accumulators[o]) * step * Double(weights[perChannel ? o : 0]) + (withBias ? Double(bias[o]) : 0)
                return relu ? max(y, 0) : y
            }
            let largest = exact.map(abs).max()!
            let smallestWeight = Double(weights.min()!), largestWeight = Double(weights.max()!)
            // One unit of v is at most 2^-22 of the largest output here (the normalization shift
            // comes from a bound of max|w|, loose by the bias and per-channel factors).
            let unit = Foundation.pow(2.0, Double(scale.exponent))
            if largest > 0 { #expect(unit <= largest * 0x1p-22, "trial \(trial): unit \(unit), largest \(largest)") }
            let bound = unit / 2 + largest * 0x1p-28
                + Double(1 << 20) * step * largestWeight * 0x1p-31 * largestWeight / smallestWeight
            for (got, want) in zip(real(values, scale), exact) {
                #expect(abs(got - want) <= bound, "trial \(trial): \(got) vs \(want)")
            }
            #expect(scale.maximumMagnitude == values.map { $0.magnitude }.max().map(Int32.init))
            #expect(scale.maximumMagnitude <= 1 << 30)
        }
    }

    /// With power-of-two scales nothing rounds, so the result is exact.
    @Test func powerOfTwoScalesAreExact() throws {
        let (values, scale) = try requantize([3, -5, 0, 7], step: 0.25, weights: [0.5], bias: [1, 0, -1, 0.125], relu: true)
        #expect(real(values, scale) == [1.375, 0, 0, 1])
        let (noRelu, noReluScale) = try requantize([3, -5], step: 0.25, weights: [0.5], bias: [], relu: false)
        #expect(real(noRelu, noReluScale) == [0.375, -0.625])
    }

    @Test func allZeroOutputs() throws {
        let (values, scale) = try requantize([0, 0, 5], step: 1, weights: [1], bias: [0, 0, -100], relu: true)
        #expect(values == [0, 0, 0])
        #expect(scale.maximumMagnitude == 0)
        var codes = [Int8](repeating: 9, count: 3)
        let step = try values.withUnsafeBufferPointer { v in
            try codes.withUnsafeMutableBufferPointer { c in try IntegerLayer.quantizeDynamic(v, scale: scale, into: c) }
        }
        #expect(codes == [0, 0, 0])
        #expect(abs(step.doubleValue - Double(Float(1e-5)) / 127) <= 1e-5 / 127 * 0x1p-30)
    }

    @Test func dynamicQuantizationFollowsTheFloatRule() throws {
        var generator = SplitMix64(seed: 12)
        var differences = 0
        var total = 0
        for _ in 0..<200 {
            let count = Int.random(in: 1...64, using: &generator)
            let values = (0..<count).map { _ in Int32.random(in: -(1 << 30) ... (1 << 30), using: &generator) }
            let maximum = values.map { $0.magnitude }.max()!
            let scale = IntegerVectorScale(exponent: Int.random(in: -60 ... -20, using: &generator), maximumMagnitude: Int32(maximum))
            var codes = [Int8](repeating: 0, count: count)
            let step = try values.withUnsafeBufferPointer { v in
                try codes.withUnsafeMutableBufferPointer { c in try IntegerLayer.quantizeDynamic(v, scale: scale, into: c) }
            }
            let unit = Foundation.pow(2.0, Double(scale.exponent))
            let realMax = Double(maximum) * unit
            if realMax >= 1e-5 {
                #expect(abs(step.doubleValue - realMax / 127) <= realMax / 127 * 0x1p-30)
            }
            for (value, code) in zip(values, codes) {
                let exact = (Double(value) * unit * 127 / max(realMax, Double(Float(1e-5)))).rounded(.toNearestOrAwayFromZero)
                total += 1
                if Double(code) != exact { differences += 1 }
            }
        }
        // Codes differ from exact rational rounding only at ties, which random values almost never hit.
        #expect(differences == 0, "\(differences) of \(total) codes differ")
    }

    @Test func epsilonClampMatchesTheFloatRule() throws {
        // Real values 2e-6 and -4e-6: below 1e-5, so s = 127 / 1e-5 and codes = round(x * 1.27e7).
        let exponent = -40
        let unit = Foundation.pow(2.0, Double(exponent))
        let values: [Int32] = [Int32((2e-6 / unit).rounded()), Int32((-4e-6 / unit).rounded())]
        let scale = IntegerVectorScale(exponent: exponent, maximumMagnitude: Int32(values[1].magnitude))
        var codes = [Int8](repeating: 0, count: 2)
        let step = try values.withUnsafeBufferPointer { v in
            try codes.withUnsafeMutableBufferPointer { c in try IntegerLayer.quantizeDynamic(v, scale: scale, into: c) }
        }
        #expect(codes == [25, -51])   // 25.4 -> 25, -50.8 -> -51
        #expect(abs(step.doubleValue - 1e-5 / 127) < 1e-5 / 127 * 1e-6)
    }

    @Test func epsilonConstantIsFloat32Epsilon() {
        #expect(IntegerLayer.epsilon == FixedPointScale(Float(1e-5)))
        #expect(abs(IntegerLayer.inverseEpsilonTimes127.doubleValue - 127 / Double(Float(1e-5))) <= 127 / 1e-5 * 0x1p-31)
    }

    @Test func staticQuantizationClamps() throws {
        let values: [Int32] = [1 << 20, -(1 << 21), 3 << 19, 0]
        let scale = IntegerVectorScale(exponent: -20, maximumMagnitude: 1 << 21)   // reals 1, -2, 1.5, 0
        var codes = [Int8](repeating: 0, count: 4)
        try values.withUnsafeBufferPointer { v in
            try codes.withUnsafeMutableBufferPointer { c in
                try IntegerLayer.quantizeStatic(v, scale: scale, staticScale: FixedPointScale(100.0)!, into: c)
            }
        }
        #expect(codes == [100, -128, 127, 0])
    }

    @Test func refusesMismatchedConstants() {
        var values: [Int32] = [1, 2, 3]
        let two: [Int32] = [1 << 30, 1 << 30]
        two.withUnsafeBufferPointer { multipliers in
            values.withUnsafeMutableBufferPointer { v in
                #expect(throws: BitCoreError.bufferSize(name: "weight multipliers", expected: 3, actual: 2)) {
                    try IntegerLayer.requantize(
                        v, inputStep: FixedPointScale(1.0)!, weights: FixedPointVector(mantissas: multipliers, shift: 30),
                        bias: .empty, relu: false)
                }
                #expect(throws: BitCoreError.bufferSize(name: "bias", expected: 3, actual: 2)) {
                    try IntegerLayer.requantize(
                        v, inputStep: FixedPointScale(1.0)!,
                        weights: FixedPointVector(mantissas: UnsafeBufferPointer(rebasing: multipliers[0..<1]), shift: 30),
                        bias: FixedPointVector(mantissas: multipliers, shift: 0), relu: false)
                }
            }
        }
    }

    @Test func argmaxTakesTheFirstLargest() {
        #expect([Int32]([3, 9, 9, -1]).withUnsafeBufferPointer(IntegerLayer.argmax) == 1)
        #expect([Int32]().withUnsafeBufferPointer(IntegerLayer.argmax) == nil)
    }

    @Test func encodingFloatVectors() {
        let (mantissas, shift) = [Float](arrayLiteral: 0.5, -0.25, 0).withUnsafeBufferPointer { FixedPointVector.encode($0)! }
        #expect(shift == 31)
        #expect(mantissas == [1 << 30, -(1 << 29), 0])
        #expect([Float](arrayLiteral: 1, .nan).withUnsafeBufferPointer { FixedPointVector.encode($0) } == nil)
        let zeros = [Float](arrayLiteral: 0, 0).withUnsafeBufferPointer { FixedPointVector.encode($0)! }
        #expect(zeros.mantissas == [0, 0] && zeros.shift == 0)
    }
}

/// The AVX-512 loops equal the Swift loops, value for value, wherever this CPU runs them.
@Suite struct IntegerLayerVectorTests {
    @Test func requantizeLoopsAgree() throws {
        guard IntegerLayer.hasAVX512 else { return }
        var generator = SplitMix64(seed: 31)
        for trial in 0..<2000 {
            let count = Int.random(in: 1...41, using: &generator)
            let accumulators = (0..<count).map { _ in
                Int32.random(in: -(1 << Int.random(in: 0...28, using: &generator)) ... (1 << 27), using: &generator)
            }
            let perChannel = trial % 2 == 0
            let multipliers = (0..<(perChannel ? count : 1)).map { _ in Int32.random(in: 1 ... .max, using: &generator) }
            let bias = trial % 3 == 0 ? [] : (0..<count).map { _ in Int32.random(in: .min + 1 ... .max, using: &generator) }
            let step = try FixedPointScale(
                multiplier: Int32.random(in: FixedPointScale.minimumMultiplier ... .max, using: &generator),
                shift: Int.random(in: 20...60, using: &generator))
            let weightShift = Int.random(in: 20...45, using: &generator)
            let biasShift = Int.random(in: 0...70, using: &generator)
            let relu = trial % 5 != 0
            var vector = accumulators, scalar = accumulators
            let results = try multipliers.withUnsafeBufferPointer { m in
                try bias.withUnsafeBufferPointer { b in
                    let weights = FixedPointVector(mantissas: m, shift: weightShift)
                    let biasVector = FixedPointVector(mantissas: b, shift: biasShift)
                    let fast = try vector.withUnsafeMutableBufferPointer { v in
                        try IntegerLayer.requantize(v, inputStep: step, weights: weights, bias: biasVector, relu: relu, vectorized: true)
                    }
                    let slow = try scalar.withUnsafeMutableBufferPointer { v in
                        try IntegerLayer.requantize(v, inputStep: step, weights: weights, bias: biasVector, relu: relu, vectorized: false)
                    }
                    return (fast, slow)
                }
            }
            #expect(vector == scalar, "trial \(trial)")
            #expect(results.0 == results.1, "trial \(trial)")
        }
    }

    @Test func codeLoopsAgree() throws {
        guard IntegerLayer.hasAVX512 else { return }
        var generator = SplitMix64(seed: 32)
        for trial in 0..<2000 {
            let count = Int.random(in: 1...41, using: &generator)
            let values = (0..<count).map { _ in Int32.random(in: -(1 << 30) ... (1 << 30), using: &generator) }
            let scale = IntegerVectorScale(
                exponent: Int.random(in: -80 ... 10, using: &generator),
                maximumMagnitude: Int32(values.map(\.magnitude).max()!))
            var fast = [Int8](repeating: 0, count: count), slow = fast
            let steps = try values.withUnsafeBufferPointer { v in
                (try fast.withUnsafeMutableBufferPointer { c in try IntegerLayer.quantizeDynamic(v, scale: scale, into: c, vectorized: true) },
                 try slow.withUnsafeMutableBufferPointer { c in try IntegerLayer.quantizeDynamic(v, scale: scale, into: c, vectorized: false) })
            }
            #expect(fast == slow, "trial \(trial)")
            #expect(steps.0 == steps.1)
        }
    }
}
