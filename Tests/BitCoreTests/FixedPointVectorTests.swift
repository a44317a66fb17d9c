import Testing
import BitCore

@Suite struct FixedPointVectorTests {
    /// Weight multipliers are encoded from `1 / Double(s_w)`: the Double path keeps bits a float32
    /// absmean would lose, and rounds every mantissa half away from zero.
    @Test func encodingDoubleVectors() {
        let third = 1.0 / 3.0
        let values: [Double] = [third, -third / 2, 0]
        let (mantissas, shift) = values.withUnsafeBufferPointer { FixedPointVector.encode($0)! }
        // 1/3 = 0.0101...b, so the shift that puts it in [2^30, 2^31) is 32.
        #expect(shift == 32)
        #expect(mantissas == [1_431_655_765, -715_827_883, 0])
        // A float32 1/3 differs from the Double one in the mantissa's low bits.
        let fromFloat = [Float(third)].withUnsafeBufferPointer { FixedPointVector.encode($0)! }
        #expect(fromFloat.shift == 32 && fromFloat.mantissas != [1_431_655_765])
    }

    @Test func largestMantissaStaysBelowTwoToThe31() {
        // Rounds up to 2^31 at shift 31, so the encoding drops to shift 30 and mantissa 2^30.
        let nearlyOne = [1.0 - 0x1p-40]
        let (mantissas, shift) = nearlyOne.withUnsafeBufferPointer { FixedPointVector.encode($0)! }
        #expect(shift == 30 && mantissas == [1 << 30])
    }

    @Test func refusesNonFiniteDoubles() {
        for bad in [Double.nan, .infinity, -.infinity] {
            #expect([1, bad].withUnsafeBufferPointer { FixedPointVector.encode($0) } == nil)
        }
    }
}
