/// BitNet b1.58 activation quantization: absmax scale, int8 codes.
///
/// `s = 127 / max(max(|x|), 1e-5)` and `q = clamp(round(x * s), -128, 127)`, in float32 with rounding
/// half to even. `per_token` computes one scale per input vector at run time
/// (`dynamicScale(of:)`); `per_tensor` uses one static scale per layer input, calibrated at bake
/// time, and passes it to `quantize(_:scale:into:)`.
public enum AbsmaxQuantizer {
    /// The lower clamp on `max(|x|)`, so an all-zero vector gets a finite scale.
    public static let epsilon: Float = 1e-5

    /// The largest magnitude in `values`, ignoring NaN; 0 for an empty buffer.
    public static func maximumMagnitude(of values: UnsafeBufferPointer<Float>) -> Float {
        var maximum: Float = 0
        for value in values where value.magnitude > maximum { maximum = value.magnitude }
        return maximum
    }

    /// The per-token scale `127 / max(max(|values|), 1e-5)`.
    public static func dynamicScale(of values: UnsafeBufferPointer<Float>) -> Float {
        127 / max(maximumMagnitude(of: values), epsilon)
    }

    /// The int8 code of one value: `clamp(round(value * scale), -128, 127)`, NaN to 0.
    @inline(__always)
    public static func code(_ value: Float, scale: Float) -> Int8 {
        let scaled = (value * scale).roundedToNearestEven
        if scaled >= 127 { return 127 }
        if scaled <= -128 { return -128 }
        if scaled.isNaN { return 0 }
        return Int8(scaled)
    }

    /// Writes the codes of `values` at `scale` into the first `values.count` entries of `codes`
    /// (a longer `codes` buffer, such as a kernel's padded activation row, keeps its tail).
    ///
    /// - Throws: `BitCoreError.bufferSize` when `codes` is shorter than `values`.
    public static func quantize(
        _ values: UnsafeBufferPointer<Float>, scale: Float, into codes: UnsafeMutableBufferPointer<Int8>
    ) throws(BitCoreError) {
        guard codes.count >= values.count else {
            throw .bufferSize(name: "codes", expected: values.count, actual: codes.count)
        }
        for index in 0..<values.count {
            codes[index] = code(values[index], scale: scale)
        }
    }

    /// Quantizes one vector with its own dynamic scale and returns that scale.
    @discardableResult
    public static func quantizeDynamic(
        _ values: UnsafeBufferPointer<Float>, into codes: UnsafeMutableBufferPointer<Int8>
    ) throws(BitCoreError) -> Float {
        let scale = dynamicScale(of: values)
        try quantize(values, scale: scale, into: codes)
        return scale
    }
}
