import CBitKernels

/// The integer steps between two kernels of a BitMLP: turning int32 accumulators into the layer's
/// output vector, and that vector into the next layer's int8 codes, with no floating point.
///
/// docs/integer-inference.md is the defining description, with the error bound. The bake tool's
/// simulation and the on-device runtime both call these functions, so they agree bit for bit.
///
/// A layer's output is an int32 vector `v` with one power-of-two exponent `e` (real value
/// `v[o] * 2^e`), described by `IntegerVectorScale`.
public enum IntegerLayer {
    /// Turns accumulators into the layer's output, in place (steps 2-6 of the spec).
    ///
    /// - Parameters:
    ///   - values: on entry `acc[o]` from a kernel; on return the output `v[o]`.
    ///   - inputStep: the real value of one input code step (`1 / s_x`).
    ///   - weights: the layer's absmean multipliers `M` and shift `Sw` (one multiplier, or one per
    ///     output).
    ///   - bias: the layer's bias mantissas `B` and shift `Sb` (no values, or one per output).
    ///   - relu: whether ReLU follows the layer.
    /// - Returns: the exponent of `v` and `max |v|`.
    /// - Throws: `BitCoreError.bufferSize` when `weights` or `bias` has a count that is neither
    ///   allowed option.
    public static func requantize(
        _ values: UnsafeMutableBufferPointer<Int32>, inputStep: FixedPointScale,
        weights: FixedPointVector, bias: FixedPointVector, relu: Bool
    ) throws(BitCoreError) -> IntegerVectorScale {
        try requantize(values, inputStep: inputStep, weights: weights, bias: bias, relu: relu, vectorized: true)
    }

    /// `requantize`, with the AVX-512 loop allowed or not (tests compare the two).
    static func requantize(
        _ values: UnsafeMutableBufferPointer<Int32>, inputStep: FixedPointScale,
        weights: FixedPointVector, bias: FixedPointVector, relu: Bool, vectorized: Bool
    ) throws(BitCoreError) -> IntegerVectorScale {
        let count = values.count
        let perChannel = weights.mantissas.count != 1
        guard !perChannel || weights.mantissas.count == count else {
            throw .bufferSize(name: "weight multipliers", expected: count, actual: weights.mantissas.count)
        }
        let hasBias = !bias.mantissas.isEmpty
        guard !hasBias || bias.mantissas.count == count else {
            throw .bufferSize(name: "bias", expected: count, actual: bias.mantissas.count)
        }
        // acc * C[o] carries `fraction` fractional bits; bring it and the bias to `common` bits.
        let fraction = weights.shift + inputStep.shift - 31
        var common = fraction
        if hasBias && fraction - bias.shift > 31 { common = bias.shift + 31 }
        let toCommon = RoundingShift(fraction - common)
        let alignBias = RoundingShift(bias.shift - common)
        let stepMantissa = Int64(inputStep.multiplier)
        let high31 = RoundingShift(31)
        let sharedCombined = perChannel ? 0 : high31(Int64(weights.mantissas[0]) * stepMantissa)

        // Step 6 needs its shift before the outputs exist: an upper bound of max|w| from the
        // largest accumulator and bias that can end up in the output (with ReLU only positive
        // ones) and the largest multiplier gives it, so one pass over the outputs suffices.
        var largestAccumulator: UInt32 = 0
        var largestBias: UInt32 = 0
        for index in 0..<count {
            let accumulator = values[index]
            largestAccumulator = max(largestAccumulator, relu ? UInt32(max(accumulator, 0)) : accumulator.magnitude)
            if hasBias {
                let mantissa = bias.mantissas[index]
                largestBias = max(largestBias, relu ? UInt32(max(mantissa, 0)) : mantissa.magnitude)
            }
        }
        let largestCombined = perChannel ? high31(Int64(Int32.max) * stepMantissa) : sharedCombined
        let bound = toCommon(Int64(largestAccumulator) * Int64(largestCombined)).magnitude
            + (hasBias ? alignBias(Int64(largestBias)).magnitude : 0)
        let normalization = max(0, (64 - bound.leadingZeroBitCount) - 30)
        let normalize = RoundingShift(normalization)

        #if arch(x86_64)
        if vectorized, Self.hasAVX512, (0...62).contains(toCommon.shift), !hasBias || (-30...62).contains(alignBias.shift),
            normalization <= 62, let base = values.baseAddress
        {
            let largest = bitk_requantize_avx512(
                base, count, stepMantissa, weights.mantissas.baseAddress, perChannel ? 1 : 0, sharedCombined,
                Int32(toCommon.shift), hasBias ? bias.mantissas.baseAddress : nil, Int32(alignBias.shift),
                relu ? 1 : 0, Int32(normalization))
            return IntegerVectorScale(
                exponent: normalization - common, maximumMagnitude: Int32(truncatingIfNeeded: largest))
        }
        #endif
        var largest: UInt32 = 0
        for index in 0..<count {
            let combined = perChannel ? high31(Int64(weights.mantissas[index]) * stepMantissa) : sharedCombined
            var value = toCommon(Int64(values[index]) &* combined)
            if hasBias { value &+= alignBias(Int64(bias.mantissas[index])) }
            if relu && value < 0 { value = 0 }
            let normalized = Int32(truncatingIfNeeded: normalize(value))
            values[index] = normalized
            largest = max(largest, normalized.magnitude)
        }
        return IntegerVectorScale(exponent: normalization - common, maximumMagnitude: Int32(truncatingIfNeeded: largest))
    }

    /// Quantizes a layer output to int8 codes with its own absmax scale (per_token), following the
    /// float rule `s = 127 / max(max|x|, 1e-5)`; returns the codes' step `1 / s`.
    ///
    /// - Throws: `BitCoreError.bufferSize` when `codes` is shorter than `values`.
    public static func quantizeDynamic(
        _ values: UnsafeBufferPointer<Int32>, scale: IntegerVectorScale,
        into codes: UnsafeMutableBufferPointer<Int8>
    ) throws(BitCoreError) -> FixedPointScale {
        try quantizeDynamic(values, scale: scale, into: codes, vectorized: true)
    }

    /// `quantizeDynamic`, with the AVX-512 loop allowed or not (tests compare the two).
    static func quantizeDynamic(
        _ values: UnsafeBufferPointer<Int32>, scale: IntegerVectorScale,
        into codes: UnsafeMutableBufferPointer<Int8>, vectorized: Bool
    ) throws(BitCoreError) -> FixedPointScale {
        guard codes.count >= values.count else {
            throw .bufferSize(name: "codes", expected: values.count, actual: codes.count)
        }
        let maximum = Int64(scale.maximumMagnitude)
        // 1e-5 in units of 2^exponent.
        let epsilonUnits = FixedPointScale.roundingShiftRight(
            Int64(epsilon.multiplier), by: epsilon.shift + scale.exponent)
        let codeScale: FixedPointScale
        let step: FixedPointScale
        if maximum > 0, maximum >= epsilonUnits,
            let ratio = FixedPointScale.ratio(127, maximum), let inverse = FixedPointScale.ratio(maximum, 127)
        {
            codeScale = ratio
            step = inverse.timesPowerOfTwo(scale.exponent)
        } else {
            codeScale = inverseEpsilonTimes127.timesPowerOfTwo(scale.exponent)
            step = epsilonOver127
        }
        codeScale.writeCodes(of: values, into: codes, vectorized: vectorized)
        return step
    }

    /// Quantizes a layer output to int8 codes with a static calibrated scale (per_tensor):
    /// `clamp(round(v * 2^e * s), -128, 127)`.
    ///
    /// - Throws: `BitCoreError.bufferSize` when `codes` is shorter than `values`.
    public static func quantizeStatic(
        _ values: UnsafeBufferPointer<Int32>, scale: IntegerVectorScale, staticScale: FixedPointScale,
        into codes: UnsafeMutableBufferPointer<Int8>
    ) throws(BitCoreError) {
        guard codes.count >= values.count else {
            throw .bufferSize(name: "codes", expected: values.count, actual: codes.count)
        }
        staticScale.timesPowerOfTwo(scale.exponent).writeCodes(of: values, into: codes, vectorized: true)
    }

    /// The index of the first largest value (integer comparison); nil for an empty vector.
    public static func argmax(_ values: UnsafeBufferPointer<Int32>) -> Int? {
        guard !values.isEmpty else { return nil }
        var best = 0
        for index in 1..<values.count where values[index] > values[best] { best = index }
        return best
    }

    /// Whether the AVX-512 versions of the loops run on this CPU (they compute the same values).
    static var hasAVX512: Bool { TernaryKernel.avx512VNNI.isSupported }

    /// Float32 `1e-5` (the quantizers' epsilon) as fixed point: `0x53E2D600 * 2^-47`, exact.
    static let epsilon = FixedPointScale(normalized: 0x53E2_D600, clampingShift: 47)
    /// `127 / 1e-5` and `1e-5 / 127` for the epsilon-clamped case, computed from `epsilon` in
    /// integers (`1 / epsilon = 2^47 / 0x53E2D600`).
    static let inverseEpsilonTimes127 = FixedPointScale.ratio(127, 0x53E2_D600)!.timesPowerOfTwo(47)
    static let epsilonOver127 = epsilon.multiplied(by: FixedPointScale.ratio(1, 127)!)
}

extension FixedPointScale {
    /// `codes[i] = code(values[i])` for every value, with the shift prepared once.
    @inline(__always)
    fileprivate func writeCodes(
        of values: UnsafeBufferPointer<Int32>, into codes: UnsafeMutableBufferPointer<Int8>, vectorized: Bool
    ) {
        #if arch(x86_64)
        if vectorized, IntegerLayer.hasAVX512, (0...62).contains(shift), let source = values.baseAddress,
            let destination = codes.baseAddress
        {
            bitk_quantize_codes_avx512(source, values.count, Int64(multiplier), Int32(shift), destination)
            return
        }
        #endif
        let shifted = RoundingShift(shift)
        let mantissa = Int64(multiplier)
        for index in 0..<values.count {
            codes[index] = Int8(clamping: shifted(Int64(values[index]) * mantissa))
        }
    }
}

/// The scale of an integer layer output: real values are `v[o] * 2^exponent`.
public struct IntegerVectorScale: Hashable, Sendable {
    /// The power of two of one unit of `v`.
    public var exponent: Int
    /// `max |v[o]|`, at most `2^30`.
    public var maximumMagnitude: Int32

    public init(exponent: Int, maximumMagnitude: Int32) {
        self.exponent = exponent
        self.maximumMagnitude = maximumMagnitude
    }
}
