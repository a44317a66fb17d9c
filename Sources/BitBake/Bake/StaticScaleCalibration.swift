import BitBlob
import BitCore
import BitLayers

/// Static `per_tensor` input scales, calibrated exactly as the NumPy reference does
/// (Targets/examples/digits/reference.py, docs/cli.md "Calibration").
///
/// Layer by layer, `s_x = 127 / max(max|x|, 1e-5)` over every element of the layer's input across
/// all calibration rows. Layer 0's input is the data; each later layer's input is the fake-quant
/// network's own output of the layer before, already on its static scale:
/// `y = Float(q_x · q_w) / (s_x * s_w) + b` in float32, then the layer's activation. The dot
/// products are exact integers (BitCore's ternary kernel over the packed weights), so the scales
/// equal NumPy's bit for bit, which a float product of dequantized operands does not.
struct StaticScaleCalibration {
    /// One quantized layer, as the baker has it before writing the blob.
    struct Layer {
        var layout: TernaryMatrixLayout
        var packedWeights: [UInt8]
        /// `s_w`: one scale, or one per output row.
        var weightScales: [Float]
        var bias: [Float]?
        var activation: LayerActivation
    }

    var layers: [Layer]
    var kernel: TernaryKernel = .best
    /// Rows quantized and multiplied at a time; only the float activations of all rows are kept.
    var chunkRows = 256

    /// The static input scale of every layer for `inputs` (rows of the first layer's inputs).
    func scales(for inputs: Matrix) throws(BakeError) -> [Float] {
        var hidden = inputs.values
        var columns = inputs.columns
        var scales: [Float] = []
        for layer in layers {
            let scale = hidden.withUnsafeBufferPointer(AbsmaxQuantizer.dynamicScale(of:))
            scales.append(scale)
            hidden = try output(of: layer, inputs: hidden, columns: columns, scale: scale)
            columns = layer.layout.rows
        }
        return scales
    }

    /// The float32 outputs of one fake-quant layer for `inputs` (`rows x columns`) at input scale `scale`.
    private func output(of layer: Layer, inputs: [Float], columns: Int, scale: Float) throws(BakeError) -> [Float] {
        let rows = inputs.count / columns
        let layout = layer.layout
        let outputs = layout.rows
        let stepScales = layer.weightScales.map { scale * $0 }   // s_x * s_w in float32, as NumPy
        var result = [Float](repeating: 0, count: rows * outputs)
        var codes = [Int8](repeating: 0, count: chunkRows * layout.paddedColumns)
        var accumulators = [Int32](repeating: 0, count: chunkRows * outputs)
        var start = 0
        while start < rows {
            let count = min(chunkRows, rows - start)
            do {
                try inputs.withUnsafeBufferPointer { values in
                    try codes.withUnsafeMutableBufferPointer { codeBuffer in
                        for row in 0..<count {
                            let source = start + row
                            try AbsmaxQuantizer.quantize(
                                UnsafeBufferPointer(rebasing: values[source * columns ..< (source + 1) * columns]),
                                scale: scale,
                                into: UnsafeMutableBufferPointer(
                                    rebasing: codeBuffer[row * layout.paddedColumns ..< (row + 1) * layout.paddedColumns]))
                        }
                    }
                }
                try layer.packedWeights.withUnsafeBufferPointer { weights in
                    try codes.withUnsafeBufferPointer { codeBuffer in
                        try accumulators.withUnsafeMutableBufferPointer { output in
                            try kernel.multiply(
                                weights: UnsafeRawBufferPointer(weights), layout: layout,
                                activations: UnsafeBufferPointer(rebasing: codeBuffer[0 ..< count * layout.paddedColumns]),
                                batch: count, output: UnsafeMutableBufferPointer(rebasing: output[0 ..< count * outputs]))
                        }
                    }
                }
            } catch {
                throw BakeError("calibration: \(error)")
            }
            for row in 0..<count {
                for column in 0..<outputs {
                    var value = Float(accumulators[row * outputs + column])
                        / stepScales[stepScales.count == 1 ? 0 : column]
                    if let bias = layer.bias { value += bias[column] }
                    if layer.activation == .relu { value = max(value, 0) }
                    result[(start + row) * outputs + column] = value
                }
            }
            start += count
        }
        return result
    }
}
