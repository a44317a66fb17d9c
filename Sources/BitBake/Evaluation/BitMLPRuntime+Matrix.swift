import BitLayers
import BitRuntime

extension BitMLPRuntime {
    /// Runs every row of `inputs` through the runtime in batches of `batch` vectors (the last batch
    /// takes what is left) and collects the outputs as the simulation reports them.
    ///
    /// This is how `bitbake-model eval --engine runtime` drives the on-device engine; tests use it to
    /// compare batch sizes and kernels with `IntegerSimulation`.
    ///
    /// - Parameter batch: vectors per `infer` call, `1 ... maximumBatch`.
    /// - Throws: `RuntimeError`: `.batchOutOfRange` for a batch outside `1 ... maximumBatch`,
    ///   `.inputLength` when the rows do not have `inputCount` columns, `.nonFiniteInput` naming the
    ///   value's index within its batch.
    public mutating func run(
        _ inputs: Matrix, batch: Int, progress: (Int) -> Void = { _ in }
    ) throws(RuntimeError) -> IntegerOutputs {
        guard batch >= 1, batch <= maximumBatch else { throw .batchOutOfRange(batch: batch, maximum: maximumBatch) }
        var outputs = IntegerOutputs(classCount: outputCount)
        outputs.logits.reserveCapacity(inputs.rows * outputCount)
        try inputs.values.withUnsafeBufferPointer { (values) throws(RuntimeError) in
            var start = 0
            while start < inputs.rows {
                let count = min(batch, inputs.rows - start)
                let slice = UnsafeBufferPointer(
                    rebasing: values[start * inputs.columns ..< (start + count) * inputs.columns])
                let result = try infer(slice, batch: count)
                for vector in 0..<count {
                    outputs.logits.append(contentsOf: result.logits(vector))
                    outputs.exponents.append(result.exponent(vector))
                    outputs.classes.append(result.predictedClass(vector))
                }
                start += count
                progress(start)
            }
        }
        return outputs
    }
}
