/// `FixedPointScale.roundingShiftRight(_:by:)` for one shift, prepared once and applied to many
/// values: the integer engine's inner loops divide every element by the same power of two.
///
/// Values below 2^62 in magnitude (every value the engine forms: see docs/integer-inference.md)
/// take a branch-free path: for shifts 1...62, `(x + 2^(s-1) - [x < 0]) >> s` floors
/// `x / 2^s + 1/2` for positive `x` and `x / 2^s + 1/2 - 2^-s` for negative `x`, which is rounding
/// half away from zero; shift 0 is the identity; shifts -61...-1 multiply when the product stays
/// below 2^62. Everything else takes the general path. The result always equals
/// `roundingShiftRight`.
struct RoundingShift {
    let shift: Int
    private let half: Int64
    /// Values below this magnitude take the fast path.
    private let fastLimit: UInt64

    @inline(__always)
    init(_ shift: Int) {
        self.shift = shift
        switch shift {
        case 1...62:
            half = Int64(1) << (shift - 1)
            fastLimit = 1 << 62
        case 0:
            half = 0
            fastLimit = 1 << 62
        case -61 ... -1:
            half = 0
            fastLimit = 1 << (62 + shift)
        default:
            half = 0
            fastLimit = 0
        }
    }

    @inline(__always)
    func callAsFunction(_ value: Int64) -> Int64 {
        guard _fastPath(value.magnitude < fastLimit) else { return general(value) }
        if shift > 0 { return (value &+ half &- ((value >> 63) & 1)) >> shift }
        return value << -shift
    }

    @inline(never)
    private func general(_ value: Int64) -> Int64 {
        FixedPointScale.roundingShiftRight(value, by: shift)
    }
}
