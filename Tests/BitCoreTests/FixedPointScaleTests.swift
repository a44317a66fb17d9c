import Foundation
import Testing
import BitCore
import BitLayers

@Suite struct FixedPointScaleTests {
    /// `round(x * scale)` half away from zero by exact 128-bit division: an independent reference
    /// for the shift-based `multiply`.
    private func exactProduct(_ x: Int32, _ scale: FixedPointScale) -> Int64 {
        let product = Int128(x) * Int128(scale.multiplier)
        let shift = Int(scale.shift)
        if shift <= 0 { return Int64(clamping: product << -shift) }
        guard shift < 126 else { return 0 }
        let divisor = Int128(1) << shift
        let magnitude = product.magnitude
        var quotient = magnitude / UInt128(divisor)
        if 2 * (magnitude % UInt128(divisor)) >= UInt128(divisor) { quotient += 1 }
        return product < 0 ? -Int64(quotient) : Int64(quotient)
    }

    @Test func representsValuesWithin2ToTheMinus31() {
        var generator = SplitMix64(seed: 3)
        var values: [Double] = [1, 0.5, 2, 1e-30, 1e30, 0.0123, 127, 1.0 / 127, .ulpOfOne, 3.4e38, 1.4e-45]
        for _ in 0..<2000 { values.append(exp2(Double.random(in: -40...40, using: &generator))) }
        for value in values {
            let scale = FixedPointScale(value)!
            #expect(scale.multiplier >= FixedPointScale.minimumMultiplier)
            let error = abs(scale.doubleValue - value) / value
            #expect(error <= 0x1p-31, "\(value): relative error \(error)")
        }
    }

    @Test func float32ScalesAreExact() {
        var generator = SplitMix64(seed: 4)
        for _ in 0..<2000 {
            let value = Float.random(in: 1e-6...1e6, using: &generator)
            #expect(FixedPointScale(value)!.doubleValue == Double(value))
        }
        #expect(FixedPointScale(Float.leastNonzeroMagnitude)!.doubleValue == Double(Float.leastNonzeroMagnitude))
        #expect(FixedPointScale(Float.greatestFiniteMagnitude)!.doubleValue == Double(Float.greatestFiniteMagnitude))
    }

    @Test func refusesValuesThatAreNotPositiveFiniteScales() {
        for value in [0.0, -1.0, .infinity, -.infinity, .nan] {
            #expect(FixedPointScale(value) == nil, "\(value)")
        }
        #expect(throws: FixedPointError.multiplierNotNormalized(5)) { try FixedPointScale(multiplier: 5, shift: 3) }
        #expect(throws: FixedPointError.shiftOutOfRange(2_000_000)) {
            try FixedPointScale(multiplier: 1 << 30, shift: 2_000_000)
        }
    }

    /// `multiply` rounds the exact product once: equal to Double where Double is exact (products
    /// below 2^53), and to exact 128-bit division everywhere.
    @Test func multiplyRoundsOnceHalfAwayFromZero() throws {
        var generator = SplitMix64(seed: 5)
        let xs: [Int32] = [0, 1, -1, 2, -2, 3, -3, 127, -128, .max, .min, .max - 1, .min + 1]
        for _ in 0..<5000 {
            let scale = try FixedPointScale(
                multiplier: Int32.random(in: FixedPointScale.minimumMultiplier ... .max, using: &generator),
                shift: Int.random(in: -20...100, using: &generator))
            let small = Int32.random(in: -(1 << 21) ... (1 << 21), using: &generator)
            let reference = (Double(small) * scale.doubleValue).rounded(.toNearestOrAwayFromZero)
            if abs(reference) < 0x1p62 {
                #expect(Double(scale.multiply(small)) == reference, "\(small) * \(scale)")
            }
            for x in xs + [small, Int32.random(in: .min ... .max, using: &generator)] {
                #expect(scale.multiply(x) == exactProduct(x, scale), "\(x) * \(scale)")
            }
        }
    }

    @Test func tiesRoundAwayFromZero() throws {
        let half = try FixedPointScale(multiplier: 1 << 30, shift: 31)  // 0.5
        #expect(half.multiply(1) == 1)
        #expect(half.multiply(-1) == -1)
        #expect(half.multiply(3) == 2)
        #expect(half.multiply(-3) == -2)
        #expect(half.multiply(4) == 2)
        let quarter = try FixedPointScale(multiplier: 1 << 30, shift: 32)
        #expect(quarter.multiply(1) == 0)
        #expect(quarter.multiply(-1) == 0)
        #expect(quarter.multiply(2) == 1)
        #expect(quarter.multiply(-2) == -1)
    }

    @Test func extremeShifts() throws {
        #expect(FixedPointScale.roundingShiftRight(Int64.min, by: 64) == -1)  // exactly -1/2
        #expect(FixedPointScale.roundingShiftRight(Int64.min, by: 65) == 0)
        #expect(FixedPointScale.roundingShiftRight(Int64.max, by: 64) == 0)
        #expect(FixedPointScale.roundingShiftRight(Int64.max, by: 63) == 1)
        #expect(FixedPointScale.roundingShiftRight(Int64.max, by: 1000) == 0)
        #expect(FixedPointScale.roundingShiftRight(5, by: 0) == 5)
        #expect(FixedPointScale.roundingShiftRight(5, by: -3) == 40)
        #expect(FixedPointScale.roundingShiftRight(1, by: -62) == 1 << 62)
        #expect(FixedPointScale.roundingShiftRight(2, by: -62) == Int64.max)   // saturates
        #expect(FixedPointScale.roundingShiftRight(-2, by: -62) == Int64.min)
        #expect(FixedPointScale.roundingShiftRight(1, by: -300) == Int64.max)
        #expect(FixedPointScale.roundingShiftRight(0, by: -300) == 0)
        // A scale above 2^31 multiplies Int32.max without wrapping.
        #expect(FixedPointScale(0x1p20)!.multiply(.max) == Int64(Int32.max) << 20)
        #expect(FixedPointScale(0x1p70)!.multiply(.min) == Int64.min)
    }

    @Test func productsOfScales() {
        var generator = SplitMix64(seed: 6)
        for _ in 0..<5000 {
            let a = exp2(Double.random(in: -60...60, using: &generator))
            let b = exp2(Double.random(in: -60...60, using: &generator))
            let sa = FixedPointScale(a)!, sb = FixedPointScale(b)!
            let product = sa.multiplied(by: sb)
            #expect(product.multiplier >= FixedPointScale.minimumMultiplier)
            let exact = sa.doubleValue * sb.doubleValue
            #expect(abs(product.doubleValue - exact) / exact <= 0x1p-31)
        }
        // Mantissas that round up to 2^31 renormalize.
        let nearlyTwo = FixedPointScale(2 - 0x1p-31)!
        let squared = nearlyTwo.multiplied(by: nearlyTwo)
        #expect(squared.multiplier >= FixedPointScale.minimumMultiplier)
        #expect(abs(squared.doubleValue - 4) <= 4 * 0x1p-30)
        // Far beyond any real scale, shifts clamp instead of overflowing.
        var tiny = FixedPointScale(1e-300)!
        for _ in 0..<20 { tiny = tiny.multiplied(by: tiny) }
        #expect(tiny.shift == FixedPointScale.maximumShift)
        #expect(tiny.multiply(.max) == 0)
    }

    @Test func ratiosOfIntegers() {
        var generator = SplitMix64(seed: 8)
        var pairs: [(Int64, Int64)] = [(1, 1), (127, 1), (1, 127), (127, 1 << 30), (1 << 30, 127),
                                       (Int64.max, 1), (1, Int64.max), (Int64.max, Int64.max - 1), (3, 2), (2, 3)]
        for _ in 0..<5000 {
            pairs.append((Int64.random(in: 1...Int64.max >> Int.random(in: 0...62, using: &generator), using: &generator),
                          Int64.random(in: 1...Int64.max >> Int.random(in: 0...62, using: &generator), using: &generator)))
        }
        for (numerator, denominator) in pairs {
            let scale = FixedPointScale.ratio(numerator, denominator)!
            #expect(scale.multiplier >= FixedPointScale.minimumMultiplier)
            // Exact check in 128 bits: |multiplier * 2^-shift - n/d| <= 2^-31 * n/d, i.e.
            // |multiplier * d - n * 2^shift| <= 2^-31 * n * 2^shift (scaled to integers).
            let exact = Double(numerator) / Double(denominator)
            #expect(abs(scale.doubleValue - exact) / exact <= 0x1p-31 + 0x1p-52, "\(numerator)/\(denominator)")
        }
        #expect(FixedPointScale.ratio(0, 5) == nil)
        #expect(FixedPointScale.ratio(5, -1) == nil)
        #expect(FixedPointScale.ratio(127, 1 << 29)!.multiply(1 << 29) == 127)
    }

    @Test func powersOfTwo() {
        let half = FixedPointScale(0.5)!
        #expect(half.timesPowerOfTwo(3).doubleValue == 4)
        #expect(half.timesPowerOfTwo(-3).doubleValue == 0.0625)
        #expect(half.timesPowerOfTwo(Int.min).shift == FixedPointScale.maximumShift)
        #expect(half.timesPowerOfTwo(Int.max).shift == half.shift - FixedPointScale.maximumShift)
        #expect(FixedPointScale.roundingShiftRight(5, by: Int.min) == Int64.max)
    }
}
