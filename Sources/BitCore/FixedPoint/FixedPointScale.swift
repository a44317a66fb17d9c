/// A positive real scale as a 31-bit mantissa and a power of two: `multiplier * 2^-shift`, with
/// `multiplier` normalized to `2^30 ... 2^31 - 1`.
///
/// This is how the integer engine carries weight scales, activation steps and their products
/// without floating point (the gemmlowp / TensorFlow Lite idea; docs/integer-inference.md). Unlike
/// gemmlowp's two roundings (a doubling high multiply, then a rounding shift), `multiply(_:)` forms
/// the exact 64-bit product and rounds once, half away from zero, so the only errors are:
///
/// - representation: `|multiplier * 2^-shift - value| <= 2^-31 * value` (`init(_:)`, `ratio`,
///   `multiplied(by:)`); float32 values convert exactly;
/// - application: `|multiply(x) - x * multiplier * 2^-shift| <= 1/2`.
///
/// ```swift
/// let scale = FixedPointScale(0.0123)!     // multiplier 1_690_499_314, shift 37
/// scale.multiply(1000)                     // 12
/// ```
///
/// Shifts are kept within `±maximumShift`; arithmetic that would leave that range clamps, which
/// only moves a scale that is already below 2^-1000000 or above 2^1000000.
public struct FixedPointScale: Hashable, Sendable, BitwiseCopyable {
    /// The mantissa, in `minimumMultiplier ... Int32.max`.
    public let multiplier: Int32
    /// The power of two: the scale is `multiplier * 2^-shift`.
    public let shift: Int

    /// The smallest normalized mantissa, `2^30`.
    public static let minimumMultiplier: Int32 = 1 << 30
    /// The largest shift magnitude a scale carries.
    public static let maximumShift = 1 << 20

    /// Makes a scale from its parts, checking that they are normalized.
    ///
    /// - Throws: `FixedPointError` naming the part that is out of range.
    public init(multiplier: Int32, shift: Int) throws(FixedPointError) {
        guard multiplier >= Self.minimumMultiplier else { throw .multiplierNotNormalized(multiplier) }
        guard shift.magnitude <= UInt(Self.maximumShift) else { throw .shiftOutOfRange(shift) }
        self.multiplier = multiplier
        self.shift = shift
    }

    /// Makes a scale from a normalized mantissa and any shift (clamped).
    init(normalized multiplier: Int32, clampingShift shift: Int) {
        self.multiplier = multiplier
        self.shift = min(max(shift, -Self.maximumShift), Self.maximumShift)
    }

    /// The nearest scale to a positive finite `value` (mantissa ties round away from zero), or nil
    /// for zero, negative, infinite or NaN values.
    public init?(_ value: Double) {
        guard value > 0, value.isFinite else { return nil }
        // value = significand * 2^exponent with significand in [1, 2).
        var exponent = Int(value.exponent)
        var mantissa = (value.significand * Double(1 << 30)).rounded(.toNearestOrAwayFromZero)
        if mantissa >= Double(1 << 31) {
            mantissa /= 2
            exponent += 1
        }
        self.init(normalized: Int32(mantissa), clampingShift: 30 - exponent)
    }

    /// The exact scale of a positive finite float32 (its 24-bit significand fits the mantissa).
    public init?(_ value: Float) {
        self.init(Double(value))
    }

    /// The scale as a Double (exact when the shift is within Double's exponent range).
    public var doubleValue: Double {
        Double(sign: .plus, exponent: -shift, significand: Double(multiplier))
    }

    /// `round(x * scale)`, rounding half away from zero, saturated to the Int64 range.
    @inline(__always)
    public func multiply(_ x: Int32) -> Int64 {
        FixedPointScale.roundingShiftRight(Int64(x) * Int64(multiplier), by: shift)
    }

    /// The scale times `2^exponent`.
    public func timesPowerOfTwo(_ exponent: Int) -> FixedPointScale {
        let clamped = min(max(exponent, -Self.maximumShift), Self.maximumShift)
        return FixedPointScale(normalized: multiplier, clampingShift: shift - clamped)
    }

    /// The product of two scales, rounded to a 31-bit mantissa (relative error at most 2^-31 beyond
    /// the factors' own).
    public func multiplied(by other: FixedPointScale) -> FixedPointScale {
        // Both mantissas are in [2^30, 2^31), so the product is in [2^60, 2^62).
        let product = Int64(multiplier) * Int64(other.multiplier)
        var drop = product >= 1 << 61 ? 31 : 30
        var mantissa = FixedPointScale.roundingShiftRight(product, by: drop)
        if mantissa >= 1 << 31 {
            mantissa >>= 1  // exactly 2^31: halving is exact
            drop += 1
        }
        return FixedPointScale(normalized: Int32(mantissa), clampingShift: shift + other.shift - drop)
    }

    /// The scale nearest `numerator / denominator` for positive integers (one 128-bit division,
    /// rounded half up), or nil when either is not positive.
    public static func ratio(_ numerator: Int64, _ denominator: Int64) -> FixedPointScale? {
        guard numerator > 0, denominator > 0 else { return nil }
        let a = UInt128(numerator), b = UInt128(denominator)
        // a / b is in (2^(la-lb-1), 2^(la-lb+1)); scaling by 2^shift puts it in (2^30, 2^32).
        var shift = 31 - (numerator.bitWidth - numerator.leadingZeroBitCount)
            + (denominator.bitWidth - denominator.leadingZeroBitCount)
        func quotient(_ shift: Int) -> (UInt128, UInt128) {
            shift >= 0
                ? (a << shift).quotientAndRemainder(dividingBy: b)
                : a.quotientAndRemainder(dividingBy: b << -shift)
        }
        var (q, r) = quotient(shift)
        if q >= 1 << 31 {
            shift -= 1
            (q, r) = quotient(shift)
        }
        let divisor = shift >= 0 ? b : b << -shift
        if 2 * r >= divisor { q += 1 }
        if q == 1 << 31 {
            q = 1 << 30
            shift -= 1
        }
        return FixedPointScale(normalized: Int32(q), clampingShift: shift)
    }

    /// `round(value / 2^shift)`, rounding half away from zero. A negative `shift` multiplies by
    /// `2^-shift`, saturating to `Int64.min ... Int64.max`; a shift of 64 or more gives 0 or ±1.
    @inline(__always)
    public static func roundingShiftRight(_ value: Int64, by shift: Int) -> Int64 {
        if shift <= 0 {
            let left = 0 &- shift
            guard left >= 0, left < 63, value.magnitude <= UInt64(Int64.max) >> UInt64(left) else {
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
    case shiftOutOfRange(Int)

    public var description: String {
        switch self {
        case .multiplierNotNormalized(let multiplier):
            return "fixed-point multiplier \(multiplier) is not in 2^30 ... 2^31 - 1"
        case .shiftOutOfRange(let shift):
            return "fixed-point shift \(shift) is outside ±\(FixedPointScale.maximumShift)"
        }
    }
}
