import BitCore

extension BitLinear {
    /// The fake-quantized weight `w_fq = q_w / s_w`, with the codes and scales of BitCore's
    /// `AbsmeanQuantizer` at `config.weightGranularity`.
    public func forwardWeight() -> Matrix {
        let quantized: (codes: [Int8], scales: [Float])
        do {
            quantized = try AbsmeanQuantizer.quantize(
                weight.values, rows: weight.rows, columns: weight.columns, granularity: config.weightGranularity)
        } catch {
            preconditionFailure("BitLinear weight of \(weight.rows) x \(weight.columns): \(error)")
        }
        let columns = weight.columns
        let perChannel = config.weightGranularity == .perChannel
        var values = [Float](repeating: 0, count: quantized.codes.count)
        for row in 0..<weight.rows {
            let scale = quantized.scales[perChannel ? row : 0]
            for index in row * columns ..< (row + 1) * columns {
                values[index] = Float(quantized.codes[index]) / scale
            }
        }
        return Matrix(rows: weight.rows, columns: columns, values: values)
    }

    /// The fake-quantized input `x_fq = q_x / s_x`, with the int8 codes of BitCore's
    /// `AbsmaxQuantizer`; the input itself for `float32` activations.
    ///
    /// `s_x` is one scale per row for `per_token`; for `per_tensor` it is `staticInputScale` at
    /// inference when calibrated, and otherwise the absmax scale of the whole batch.
    public func forwardInput(_ input: Matrix, mode: ForwardMode) -> Matrix {
        guard config.activationDType == .int8 else { return input }
        var output = input
        let columns = input.columns
        input.values.withUnsafeBufferPointer { values in
            output.values.withUnsafeMutableBufferPointer { quantized in
                switch config.activationGranularity {
                case .perToken:
                    for row in 0..<input.rows {
                        let range = row * columns ..< (row + 1) * columns
                        let scale = AbsmaxQuantizer.dynamicScale(of: UnsafeBufferPointer(rebasing: values[range]))
                        fakeQuantize(values, range: range, scale: scale, into: quantized)
                    }
                case .perTensor:
                    let scale = mode == .inference ? staticInputScale : nil
                    fakeQuantize(
                        values, range: values.indices, scale: scale ?? AbsmaxQuantizer.dynamicScale(of: values),
                        into: quantized)
                }
            }
        }
        return output
    }
}

/// Writes `code(x) / scale` for the values in `range`.
private func fakeQuantize(
    _ values: UnsafeBufferPointer<Float>, range: Range<Int>, scale: Float,
    into output: UnsafeMutableBufferPointer<Float>
) {
    for index in range {
        output[index] = Float(AbsmaxQuantizer.code(values[index], scale: scale)) / scale
    }
}
