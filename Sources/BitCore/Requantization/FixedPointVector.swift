/// Real numbers sharing one power of two: `mantissas[i] * 2^-shift`, with the largest magnitude
/// in `2^30 ... 2^31 - 1`. Weight absmean values and biases are baked this way
/// (docs/integer-inference.md). A view: the mantissas live in a blob or an array owned elsewhere.
public struct FixedPointVector {
    public var mantissas: UnsafeBufferPointer<Int32>
    public var shift: Int

    public init(mantissas: UnsafeBufferPointer<Int32>, shift: Int) {
        self.mantissas = mantissas
        self.shift = shift
    }

    /// No values (a layer without bias).
    public static var empty: FixedPointVector {
        FixedPointVector(mantissas: UnsafeBufferPointer(start: nil, count: 0), shift: 0)
    }

    /// The mantissas and shift for float32 or float64 values, computed in Double (exactly for
    /// float32): the shift puts the largest magnitude in `2^30 ... 2^31 - 1`, every value rounds
    /// half away from zero. All zeros (or no values) give shift 0.
    ///
    /// Biases are encoded from their float32 values; weight multipliers from the Double values
    /// `1 / Double(s_w)`, so the absmean is not rounded to float32 on the way.
    ///
    /// - Returns: nil when a value is not finite.
    public static func encode<Value: BinaryFloatingPoint>(
        _ values: UnsafeBufferPointer<Value>
    ) -> (mantissas: [Int32], shift: Int)? {
        var largest = 0.0
        for value in values {
            guard value.isFinite else { return nil }
            largest = max(largest, Double(value.magnitude))
        }
        guard let scale = FixedPointScale(largest) else {
            return ([Int32](repeating: 0, count: values.count), 0)
        }
        let mantissas = values.map { value in
            Int32(Double(sign: .plus, exponent: scale.shift, significand: Double(value))
                .rounded(.toNearestOrAwayFromZero))
        }
        return (mantissas, scale.shift)
    }
}
