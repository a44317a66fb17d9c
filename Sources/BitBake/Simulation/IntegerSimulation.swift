import BitBlob
import BitCore
import BitLayers

/// The bake tool's integer simulation of a blob: the reference the on-device runtime must match
/// bit for bit.
///
/// It runs one vector at a time over plain arrays with the same BitCore kernels and requantization
/// (`IntegerLayer`) as `BitMLPRuntime`, which batches vectors in one arena; agreement between the two
/// checks the runtime's buffer handling, batching and padding.
public struct IntegerSimulation {
    public let model: BitBlobModel
    public let kernel: TernaryKernel

    public init(model: BitBlobModel, kernel: TernaryKernel = .best) {
        self.model = model
        self.kernel = kernel
    }

    /// Runs every row of `inputs` (`model.inputFeatures` columns).
    ///
    /// - Throws: `BakeError` for a wrong column count or a non-finite value.
    public func run(_ inputs: Matrix, progress: (Int) -> Void = { _ in }) throws(BakeError) -> IntegerOutputs {
        guard inputs.columns == model.inputFeatures else {
            throw BakeError("rows have \(inputs.columns) features, the model takes \(model.inputFeatures)")
        }
        var outputs = IntegerOutputs(classCount: model.outputFeatures)
        outputs.logits.reserveCapacity(inputs.rows * model.outputFeatures)
        for row in 0..<inputs.rows {
            let vector = Array(inputs.row(row))
            if let column = vector.firstIndex(where: { !$0.isFinite }) {
                throw BakeError("input row \(row), column \(column) is NaN or infinite")
            }
            let (logits, exponent) = try run(vector)
            outputs.logits.append(contentsOf: logits)
            outputs.exponents.append(exponent)
            outputs.classes.append(logits.withUnsafeBufferPointer(IntegerLayer.argmax) ?? 0)
            progress(row + 1)
        }
        return outputs
    }

    /// One vector through every layer: its integer logits and their exponent.
    private func run(_ input: [Float]) throws(BakeError) -> ([Int32], Int) {
        do {
            let first = model.layer(0)
            var codes = [Int8](repeating: 0, count: first.layout.paddedColumns)
            let scale = first.staticInputScaleValue
                ?? input.withUnsafeBufferPointer(AbsmaxQuantizer.dynamicScale(of:))
            try input.withUnsafeBufferPointer { (values) throws(BitCoreError) in
                try codes.withUnsafeMutableBufferPointer { (output) throws(BitCoreError) in
                    try AbsmaxQuantizer.quantize(values, scale: scale, into: output)
                }
            }
            guard var step = first.staticInputStep ?? FixedPointScale(1 / Double(scale)) else {
                throw BakeError("input scale \(scale) is not positive")
            }
            for index in 0..<model.layerCount {
                let layer = model.layer(index)
                var values = [Int32](repeating: 0, count: layer.layout.rows)
                try codes.withUnsafeBufferPointer { (activations) throws(BitCoreError) in
                    try values.withUnsafeMutableBufferPointer { (output) throws(BitCoreError) in
                        try kernel.multiply(
                            weights: layer.weights, layout: layer.layout, activations: activations, batch: 1,
                            output: output)
                    }
                }
                let vectorScale = try values.withUnsafeMutableBufferPointer { (output) throws(BitCoreError) in
                    try IntegerLayer.requantize(
                        output, inputStep: step, weights: layer.weightMultipliers, bias: layer.bias,
                        relu: layer.activation == .relu)
                }
                guard index + 1 < model.layerCount else { return (values, vectorScale.exponent) }
                let next = model.layer(index + 1)
                codes = [Int8](repeating: 0, count: next.layout.paddedColumns)
                try values.withUnsafeBufferPointer { (output) throws(BitCoreError) in
                    try codes.withUnsafeMutableBufferPointer { (nextCodes) throws(BitCoreError) in
                        if let staticScale = next.staticInputScale, let staticStep = next.staticInputStep {
                            try IntegerLayer.quantizeStatic(
                                output, scale: vectorScale, staticScale: staticScale, into: nextCodes)
                            step = staticStep
                        } else {
                            step = try IntegerLayer.quantizeDynamic(output, scale: vectorScale, into: nextCodes)
                        }
                    }
                }
            }
            throw BakeError("the model has no layers")
        } catch let error as BakeError {
            throw error
        } catch {
            throw BakeError("integer simulation failed: \(error)")
        }
    }
}

/// Integer outputs for a batch of rows.
public struct IntegerOutputs: Hashable, Sendable {
    public let classCount: Int
    /// `rows x classCount` integer logits, row-major.
    public var logits: [Int32] = []
    /// Per row, the power of two of one logit unit.
    public var exponents: [Int] = []
    /// Per row, the first index of the largest logit.
    public var classes: [Int] = []

    public init(classCount: Int) { self.classCount = classCount }

    /// The logits as float32 (`logit * 2^exponent`), `rows x classCount`.
    public var floatLogits: [Float] {
        logits.enumerated().map { index, logit in
            Float(sign: .plus, exponent: exponents[index / classCount], significand: Float(logit))
        }
    }
}
