/// A positive real scale as a 31-bit mantissa and a power of two: `multiplier * 2^-shift`, with
/// `multiplier` normalized to `2^30 ... 2^31 - 1`.
///
/// This is how the integer engine carries weight scales, activation scales and their products
/// without floating point (the gemmlowp / TensorFlow Lite idea). Unlike gemmlowp's two roundings
/// (a doubling high multiply, then a rounding shift), `multiply(_:)` forms the exact 64-bit product
/// and rounds once, half away from zero, so the only errors are:
///
/// - representation: `|multiplier * 2^-shift - value| <= 2^-31 * value` (`init(_:)`, product `*`);
/// - application: `|multiply(x) - x * multiplier * 2^-shift| <= 1/2`.
///
/// ```swift
/// let scale = FixedPointScale(0.0123)!     // multiplier 1_690_543_947 (approx.), shift 37
/// scale.multiply(1000)                     // 12
/// ```
public struct FixedPointScale: Hashable, Sendable {
    /// The mantissa, in `minimumMultiplier ... Int32.max`.
    public let multiplier: Int32
    /// The power of two: the scale is `multiplier * 2^-shift`.
    public let shift: Int32

    /// The smallest normalized mantissa, `2^30`.
    public static let minimumMultiplier: Int32 = 1 << 30
    /// Shifts outside this range describe scales no float32 or product of two float32 values needs;
    /// `init(multiplier:shift:)` refuses them so that corrupted data cannot ask for absurd shifts.
    public static let shiftRange: ClosedRange<Int32> = -256...512

    /// Makes a scale from its parts, checking that they are normalized.
    ///
    /// - Throws: `FixedPointError` naming the part that is out of range.
    public init(multiplier: Int32, shift: Int32) throws(FixedPointError) {
        guard multiplier >= Self.minimumMultiplier else { throw .multiplierNotNormalized(multiplier) }
        guard Self.shiftRange.contains(shift) else { throw .shiftOutOfRange(shift) }
        self.multiplier = multiplier
        self.shift = shift
    }

    /// The nearest scale to a positive finite `value` (ties of the mantissa round away from zero),
    /// or nil for zero, negative, infinite or NaN values and values whose shift is out of range.
    public init?(_ value: Double) {
        guard value > 0, value.isFinite else { return nil }
        // value = significand * 2^exponent with significand in [1, 2).
        var exponent = Int(value.exponent)
        var mantissa = (value.significand * Double(1 << 30)).rounded(.toNearestOrAwayFromZero)
        if mantissa >= Double(1 << 31) {
            mantissa /= 2
            exponent += 1
        }
        let shift = 30 - exponent
        guard shift >= Int(Self.shiftRange.lowerBound), shift <= Int(Self.shiftRange.upperBound) else {
            return nil
        }
        self.multiplier = Int32(mantissa)
        self.shift = Int32(shift)
    }

    /// The exact scale of a positive finite float32 (its 24-bit significand fits the mantissa).
    public init?(_ value: Float) {
        self.init(Double(value))
    }

    /// The scale as a Double (exact: the mantissa has 31 bits).
    public var doubleValue: Double {
        Double(sign: .plus, exponent: -Int(shift), significand: Double(multiplier))
    }

    /// `round(x * scale)`, rounding half away from zero, saturated to the Int64 range.
    @inline(__always)
    public func multiply(_ x: Int32) -> Int64 {
        FixedPointScale.roundingShiftRight(Int64(x) * Int64(multiplier), by: Int(shift))
    }

    /// The product of two scales, rounded to a 31-bit mantissa (relative error at most 2^-31 beyond
    /// the factors' own). Nil when the product's shift leaves `shiftRange`.
    public func multiplied(by other: FixedPointScale) -> FixedPointScale? {
        // Both mantissas are in [2^30, 2^31), so the product is in [2^60, 2^62).
        let product = Int64(multiplier) * Int64(other.multiplier)
        var drop = product >= 1 << 61 ? 31 : 30
        var mantissa = FixedPointScale.roundingShiftRight(product, by: drop)
        if mantissa >= 1 << 31 {
            mantissa >>= 1  // exactly 2^31: halving is exact
            drop += 1
        }
        let shift = Int(self.shift) + Int(other.shift) - drop
        guard shift >= Int(Self.shiftRange.lowerBound), shift <= Int(Self.shiftRange.upperBound) else {
            return nil
        }
        return try? FixedPointScale(multiplier: Int32(mantissa), shift: Int32(shift))
    }

    /// `round(value / 2^shift)`, rounding half away from zero. A negative `shift` multiplies by
    /// `2^-shift`, saturating to `Int64.min ... Int64.max`; a shift of 64 or more gives 0 or ±1.
    @inline(__always)
    public static func roundingShiftRight(_ value: Int64, by shift: Int) -> Int64 {
        if shift <= 0 {
            let left = -shift
            guard left < 63, value.magnitude <= UInt64(Int64.max) >> UInt64(left) else {
                return value == 0 ? 0 : (value < 0 ? Int64.min : Int64.max)
            }
            return value << left
        }
        // Swift's `>>` is a smart shift: shifting by the bit width or more gives 0.
        let magnitude = value.magnitude
        let rounded = (magnitude >> shift) + ((magnitude >> (shift - 1)) & 1)
        return value < 0 ? -Int64(rounded) : Int64(rounded)
    }
}

/// Fixed-point parts that do not describe a normalized positive scale.
public enum FixedPointError: Error, Hashable, Sendable, CustomStringConvertible {
    case multiplierNotNormalized(Int32)
    case shiftOutOfRange(Int32)

    public var description: String {
        switch self {
        case .multiplierNotNormalized(let multiplier):
            return "fixed-point multiplier \(multiplier) is not in 2^30 ... 2^31 - 1"
        case .shiftOutOfRange(let shift):
            return "fixed-point shift \(shift) is outside \(FixedPointScale.shiftRange.lowerBound)"
                + " ... \(FixedPointScale.shiftRange.upperBound)"
        }
    }
}
