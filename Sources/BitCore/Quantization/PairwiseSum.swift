/// Float32 summation in exactly NumPy's order, so absmean scales match NumPy bit for bit.
///
/// NumPy reduces a contiguous float32 array with pairwise summation in float32: runs of at most
/// 128 values go through eight interleaved accumulators that are combined as
/// `((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))`, then the remainder is added in order;
/// longer runs split in two (the first half rounded down to a multiple of 8) and recurse. Fewer than
/// eight values are added left to right. The result is float32 throughout: no wider accumulator.
/// PyTorch's CPU reduction uses a different cascade, so its mean can differ in the last bit; a code
/// changes only when `W * s` sits within that bit of a rounding boundary.
enum PairwiseSum {
    /// The NumPy float32 sum of `|values[i]|`.
    static func sumOfMagnitudes(_ values: UnsafeBufferPointer<Float>) -> Float {
        guard let base = values.baseAddress else { return 0 }
        return sum(base, count: values.count)
    }

    private static let blockSize = 128

    private static func sum(_ base: UnsafePointer<Float>, count: Int) -> Float {
        if count < 8 {
            var total: Float = 0
            for index in 0..<count { total += base[index].magnitude }
            return total
        }
        if count <= blockSize {
            var r0 = base[0].magnitude, r1 = base[1].magnitude
            var r2 = base[2].magnitude, r3 = base[3].magnitude
            var r4 = base[4].magnitude, r5 = base[5].magnitude
            var r6 = base[6].magnitude, r7 = base[7].magnitude
            var index = 8
            let unrolledEnd = count - count % 8
            while index < unrolledEnd {
                r0 += base[index].magnitude
                r1 += base[index + 1].magnitude
                r2 += base[index + 2].magnitude
                r3 += base[index + 3].magnitude
                r4 += base[index + 4].magnitude
                r5 += base[index + 5].magnitude
                r6 += base[index + 6].magnitude
                r7 += base[index + 7].magnitude
                index += 8
            }
            var total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while index < count {
                total += base[index].magnitude
                index += 1
            }
            return total
        }
        var half = count / 2
        half -= half % 8
        return sum(base, count: half) + sum(base + half, count: count - half)
    }
}
