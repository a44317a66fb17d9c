import Testing
@testable import BitCore
import BitLayers

@Suite struct RoundingTests {
    /// The prepared shift equals the general definition for every shift and edge value.
    @Test func preparedShiftsEqualTheGeneralRoundingShift() {
        var generator = SplitMix64(seed: 21)
        var values: [Int64] = [0, 1, -1, 2, -2, 3, -3, .max, .min, .max - 1, .min + 1, 1 << 62, -(1 << 62),
                               (1 << 62) - 1, -(1 << 62) + 1, 1 << 31, -(1 << 31)]
        for _ in 0..<2000 {
            let bits = Int.random(in: 0...63, using: &generator)
            values.append(Int64.random(in: .min ... .max, using: &generator) >> bits)
        }
        for shift in -70...70 {
            let prepared = RoundingShift(shift)
            for value in values {
                #expect(prepared(value) == FixedPointScale.roundingShiftRight(value, by: shift), "\(value) by \(shift)")
            }
            // Every half-way value rounds away from zero.
            if (1...62).contains(shift) {
                let half = Int64(1) << (shift - 1)
                #expect(prepared(half) == 1)
                #expect(prepared(-half) == -1)
                #expect(prepared(3 * half) == 2)
                #expect(prepared(-3 * half) == -2)
            }
        }
    }

    /// The libm-free rounding equals `rounded(.toNearestOrEven)` on ties, edges and random values.
    @Test func roundToNearestEvenWithoutLibm() {
        var generator = SplitMix64(seed: 22)
        var values: [Float] = [0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, 126.5, 127.5, -128.5,
                               0x1p22 - 0.5, 0x1p22 + 0.5, -0x1p22 - 0.5, 0x1p23 - 0.5, 0x1p23, 0x1p23 + 1,
                               .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
                               .infinity, -.infinity]
        for k in stride(from: -5_000_000, through: 5_000_000, by: 997) { values.append(Float(k) + 0.5) }
        for _ in 0..<200_000 {
            values.append(Float(bitPattern: UInt32.random(in: 0 ... .max, using: &generator)))
        }
        for value in values {
            let expected = value.rounded(.toNearestOrEven)
            let actual = value.roundedToNearestEven
            #expect(actual == expected || (actual.isNaN && expected.isNaN), "\(value)")
        }
    }
}
