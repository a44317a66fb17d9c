/// `FixedPointScale.roundingShiftRight(_:by:)` for one shift, prepared once and applied to many
/// values: the integer engine's inner loops divide every element by the same power of two.
///
/// For shifts -61...62 and values below 2^62 in magnitude (every value the engine forms: see
/// docs/integer-inference.md) it is one branch-free expression,
/// `((x << left) + half - [x < 0 and right > 0]) >> right` with `left = max(0, -shift)` and
/// `right = max(0, shift)`: for `right > 0` it floors `x / 2^s + 1/2` for positive `x` and
/// `x / 2^s + 1/2 - 2^-s` for negative `x`, which is rounding half away from zero. Left shifts are
/// taken only when the product stays below 2^62. Anything else takes the general path, so the
/// result always equals `roundingShiftRight`. Masking shifts (`&<<`, `&>>`) avoid the range checks
/// of Swift's smart shifts; the amounts are in range by construction.
struct RoundingShift {
    let shift: Int
    private let left: Int64
    private let right: Int64
    private let half: Int64
    private let negativeAdjustment: Int64
    /// Values below this magnitude take the fast path.
    private let fastLimit: UInt64

    @inline(__always)
    init(_ shift: Int) {
        self.shift = shift
        guard shift >= -61, shift <= 62 else {
            (left, right, half, negativeAdjustment, fastLimit) = (0, 0, 0, 0, 0)
            return
        }
        left = Int64(max(0, -shift))
        right = Int64(max(0, shift))
        half = right > 0 ? 1 &<< (right - 1) : 0
        negativeAdjustment = right > 0 ? 1 : 0
        fastLimit = 1 &<< UInt64(62 - left)
    }

    @inline(__always)
    func callAsFunction(_ value: Int64) -> Int64 {
        guard _fastPath(value.magnitude < fastLimit) else { return general(value) }
        return ((value &<< left) &+ half &- ((value &>> 63) & negativeAdjustment)) &>> right
    }

    @inline(never)
    private func general(_ value: Int64) -> Int64 {
        FixedPointScale.roundingShiftRight(value, by: shift)
    }
}
