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

    /// The mantissas and shift for float values, computed exactly in Double: the shift puts the
    /// largest magnitude in `2^30 ... 2^31 - 1`, every value rounds half away from zero. All zeros
    /// (or no values) give shift 0.
    ///
    /// - Returns: nil when a value is not finite.
    public static func encode(_ values: UnsafeBufferPointer<Float>) -> (mantissas: [Int32], shift: Int)? {
        var largest: Float = 0
        for value in values {
            guard value.isFinite else { return nil }
            largest = max(largest, value.magnitude)
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
