import BitBlob
import BitCore

extension BitMLPRuntime {
    /// Runs `batch` float vectors (`batch * inputCount` values, vector after vector).
    ///
    /// Each vector is quantized at the boundary exactly as the float reference does
    /// (`AbsmaxQuantizer`: per_token, or the first layer's calibrated scale for per_tensor); from
    /// there on everything is integer.
    ///
    /// - Returns: a view of the outputs, valid until the next `infer`.
    /// - Throws: `RuntimeError.inputLength`, `.batchOutOfRange`, `.nonFiniteInput`.
    public mutating func infer(
        _ input: UnsafeBufferPointer<Float>, batch: Int = 1
    ) throws(RuntimeError) -> InferenceResult {
        try checkInput(count: input.count, batch: batch)
        for index in 0..<input.count where !input[index].isFinite { throw .nonFiniteInput(index: index) }
        let first = layers[0]
        for vector in 0..<batch {
            let values = UnsafeBufferPointer(rebasing: input[vector * inputCount ..< (vector + 1) * inputCount])
            let scale = first.staticScaleValue ?? AbsmaxQuantizer.dynamicScale(of: values)
            // The step 1/s of the float scale, rounded once to 31 bits (the boundary's last float op).
            guard let step = first.staticStep ?? FixedPointScale(1 / Double(scale)) else { throw .invalidInputStep }
            let codeRow = codeRow(vector, layout: first.layout)
            do throws(BitCoreError) {
                try AbsmaxQuantizer.quantize(values, scale: scale, into: codeRow)
            } catch {
                throw .kernel(error)
            }
            records[vector].step = step
        }
        return try run(batch: batch)
    }

    /// Runs `batch` int8 vectors already quantized with one common `step` (the real value of one
    /// code), the fully integer entry point.
    ///
    /// - Throws: `RuntimeError.inputLength`, `.batchOutOfRange`.
    public mutating func infer(
        codes input: UnsafeBufferPointer<Int8>, step: FixedPointScale, batch: Int = 1
    ) throws(RuntimeError) -> InferenceResult {
        try checkInput(count: input.count, batch: batch)
        let first = layers[0]
        for vector in 0..<batch {
            let row = codeRow(vector, layout: first.layout)
            for index in 0..<inputCount { row[index] = input[vector * inputCount + index] }
            records[vector].step = step
        }
        return try run(batch: batch)
    }

    private func checkInput(count: Int, batch: Int) throws(RuntimeError) {
        guard batch >= 1, batch <= maximumBatch else {
            throw .batchOutOfRange(batch: batch, maximum: maximumBatch)
        }
        guard count == batch * inputCount else { throw .inputLength(expected: batch * inputCount, actual: count) }
    }

    /// Vector `vector`'s codes for a layer: `paddedColumns` entries, the padding zeroed.
    private func codeRow(_ vector: Int, layout: TernaryMatrixLayout) -> UnsafeMutableBufferPointer<Int8> {
        let row = UnsafeMutableBufferPointer(start: codes + vector * layout.paddedColumns, count: layout.paddedColumns)
        for index in layout.columns..<layout.paddedColumns { row[index] = 0 }
        return row
    }

    /// Every layer for the batch whose first-layer codes and steps are in place.
    private func run(batch: Int) throws(RuntimeError) -> InferenceResult {
        for index in 0..<layers.count {
            let layer = layers[index]
            let rows = layer.layout.rows
            do throws(BitCoreError) {
                try kernel.multiply(
                    weights: layer.weights, layout: layer.layout,
                    activations: UnsafeBufferPointer(start: codes, count: batch * layer.layout.paddedColumns),
                    batch: batch, output: UnsafeMutableBufferPointer(start: values, count: batch * rows))
                let next = index + 1 < layers.count ? layers[index + 1] : nil
                for vector in 0..<batch {
                    let output = UnsafeMutableBufferPointer(start: values + vector * rows, count: rows)
                    let scale = try IntegerLayer.requantize(
                        output, inputStep: records[vector].step, weights: layer.weightMultipliers,
                        bias: layer.bias, relu: layer.relu)
                    guard let next else {
                        records[vector].exponent = scale.exponent
                        records[vector].predictedClass = IntegerLayer.argmax(UnsafeBufferPointer(output)) ?? 0
                        continue
                    }
                    let nextCodes = codeRow(vector, layout: next.layout)
                    if let staticScale = next.staticScale, let staticStep = next.staticStep {
                        try IntegerLayer.quantizeStatic(
                            UnsafeBufferPointer(output), scale: scale, staticScale: staticScale, into: nextCodes)
                        records[vector].step = staticStep
                    } else {
                        records[vector].step = try IntegerLayer.quantizeDynamic(
                            UnsafeBufferPointer(output), scale: scale, into: nextCodes)
                    }
                }
            } catch {
                throw .kernel(error)
            }
        }
        return InferenceResult(batch: batch, outputCount: outputCount, values: values, records: records)
    }
}

/// The outputs of one `infer` call: views into the runtime's arena, valid until the next call.
public struct InferenceResult {
    /// Vectors in the batch.
    public let batch: Int
    /// Logits per vector.
    public let outputCount: Int
    private let values: UnsafePointer<Int32>
    private let records: UnsafePointer<VectorRecord>

    init(batch: Int, outputCount: Int, values: UnsafeMutablePointer<Int32>, records: UnsafeMutablePointer<VectorRecord>) {
        self.batch = batch
        self.outputCount = outputCount
        self.values = UnsafePointer(values)
        self.records = UnsafePointer(records)
    }

    /// Vector `vector`'s integer logits; the real logit `o` is `logits[o] * 2^exponent(vector)`.
    public func logits(_ vector: Int) -> UnsafeBufferPointer<Int32> {
        precondition(vector >= 0 && vector < batch, "vector index out of range")
        return UnsafeBufferPointer(start: values + vector * outputCount, count: outputCount)
    }

    /// The power of two of one logit unit for vector `vector`.
    public func exponent(_ vector: Int) -> Int {
        precondition(vector >= 0 && vector < batch, "vector index out of range")
        return records[vector].exponent
    }

    /// The index of the largest logit of vector `vector` (the first on ties), found in integers.
    public func predictedClass(_ vector: Int) -> Int {
        precondition(vector >= 0 && vector < batch, "vector index out of range")
        return records[vector].predictedClass
    }

    /// Converts vector `vector`'s logits to float (`logits[o] * 2^exponent`, one rounding each)
    /// into the first `outputCount` entries of `output`.
    public func floatLogits(_ vector: Int, into output: UnsafeMutableBufferPointer<Float>) {
        let integers = logits(vector)
        let exponent = exponent(vector)
        for index in 0..<min(output.count, outputCount) {
            output[index] = Float(sign: .plus, exponent: exponent, significand: Float(integers[index]))
        }
    }
}
