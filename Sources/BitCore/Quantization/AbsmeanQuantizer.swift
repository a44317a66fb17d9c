/// BitNet b1.58 weight quantization: absmean scale, ternary codes.
///
/// `s = 1 / max(mean(|W|), 1e-5)` and `q = clamp(round(W * s), -1, 1)`, in float32 with rounding
/// half to even, as PyTorch and NumPy compute it. `per_tensor` takes one mean over the whole matrix,
/// `per_channel` one mean per output row. The mean is a float32 sum in NumPy's pairwise order
/// divided by the element count in float32 (see `PairwiseSum`), so scales equal NumPy's bit for bit.
///
/// The dequantized weight is `q / s`; `1 / s` (the clamped mean) is what the integer engine
/// multiplies accumulators by.
public enum AbsmeanQuantizer {
    /// The lower clamp on `mean(|W|)`, so an all-zero matrix gets a finite scale.
    public static let epsilon: Float = 1e-5

    /// The absmean scale `1 / max(mean(|values|), 1e-5)` of a row or a whole matrix.
    ///
    /// An empty buffer gets the epsilon scale `1e5`. NaN in `values` makes the mean NaN, and the
    /// clamp then picks `1e-5`, as `torch.clamp` does not; callers reject non-finite weights first.
    public static func scale(of values: UnsafeBufferPointer<Float>) -> Float {
        let mean = values.isEmpty ? 0 : PairwiseSum.sumOfMagnitudes(values) / Float(values.count)
        return 1 / max(mean, epsilon)
    }

    /// The ternary code of one weight: `clamp(round(weight * scale), -1, 1)`, NaN to 0.
    @inline(__always)
    public static func code(_ weight: Float, scale: Float) -> Int8 {
        let scaled = (weight * scale).roundedToNearestEven
        if scaled >= 1 { return 1 }
        if scaled <= -1 { return -1 }
        return 0
    }

    /// Quantizes a row-major `rows x columns` matrix into codes and scales.
    ///
    /// - Parameters:
    ///   - weights: `rows * columns` float32 values, row-major (`[out, in]`, as PyTorch stores them).
    ///   - codes: receives `rows * columns` codes in -1...1, row-major.
    ///   - scales: receives one scale (`per_tensor`) or `rows` scales (`per_channel`).
    /// - Throws: `BitCoreError.bufferSize` when a buffer has the wrong length.
    public static func quantize(
        _ weights: UnsafeBufferPointer<Float>, rows: Int, columns: Int,
        granularity: BitQuantConfig.WeightGranularity,
        codes: UnsafeMutableBufferPointer<Int8>, scales: UnsafeMutableBufferPointer<Float>
    ) throws(BitCoreError) {
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard rows > 0, columns > 0, !overflow else { throw .sizeOverflow(rows: rows, columns: columns) }
        guard weights.count == count else {
            throw .bufferSize(name: "weights", expected: count, actual: weights.count)
        }
        guard codes.count == count else {
            throw .bufferSize(name: "codes", expected: count, actual: codes.count)
        }
        let scaleCount = granularity == .perTensor ? 1 : rows
        guard scales.count == scaleCount else {
            throw .bufferSize(name: "scales", expected: scaleCount, actual: scales.count)
        }
        if granularity == .perTensor { scales[0] = scale(of: weights) }
        for row in 0..<rows {
            let rowValues = UnsafeBufferPointer(rebasing: weights[row * columns ..< (row + 1) * columns])
            let rowScale: Float
            if granularity == .perChannel {
                rowScale = scale(of: rowValues)
                scales[row] = rowScale
            } else {
                rowScale = scales[0]
            }
            for column in 0..<columns {
                codes[row * columns + column] = code(rowValues[column], scale: rowScale)
            }
        }
    }

    /// Quantizes a row-major matrix held in an array; see the buffer-based overload.
    public static func quantize(
        _ weights: [Float], rows: Int, columns: Int, granularity: BitQuantConfig.WeightGranularity
    ) throws(BitCoreError) -> (codes: [Int8], scales: [Float]) {
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard rows > 0, columns > 0, !overflow else { throw .sizeOverflow(rows: rows, columns: columns) }
        guard weights.count == count else {
            throw .bufferSize(name: "weights", expected: count, actual: weights.count)
        }
        var codes = [Int8](repeating: 0, count: count)
        var scales = [Float](repeating: 0, count: granularity == .perTensor ? 1 : rows)
        try weights.withUnsafeBufferPointer { (values) throws(BitCoreError) in
            try codes.withUnsafeMutableBufferPointer { (codeBuffer) throws(BitCoreError) in
                try scales.withUnsafeMutableBufferPointer { (scaleBuffer) throws(BitCoreError) in
                    try quantize(
                        values, rows: rows, columns: columns, granularity: granularity,
                        codes: codeBuffer, scales: scaleBuffer)
                }
            }
        }
        return (codes, scales)
    }
}
