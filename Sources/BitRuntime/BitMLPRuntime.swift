import BitBlob
import BitCore

/// The integer-only BitMLP engine: runs a validated `.bitblob` in one caller-provided arena.
///
/// Weights stay where the blob is (a read-only mapping or the binary's read-only data) and are never
/// copied. All working memory comes from the arena given at start-up, laid out as `ArenaPlan`
/// describes; `infer` allocates nothing, and between input quantization and output it performs no
/// floating-point operation (docs/integer-inference.md). Results are bit-identical to
/// `bitbake-model`'s simulation of the same blob.
///
/// ```swift
/// let file = try MappedFile(path: "digits.bitblob")
/// let model = try BitBlobModel(validating: file.bytes)
/// let arena = UnsafeMutableRawBufferPointer.allocate(
///     byteCount: BitMLPRuntime.arenaBytes(for: model, batch: 1)!, alignment: 64)
/// var runtime = try BitMLPRuntime(model: model, arena: arena)
/// let result = try runtime.infer(pixels)          // [Float] of model.inputFeatures values
/// print(result.predictedClass(0))
/// ```
///
/// The runtime keeps pointers into the blob and the arena: both must outlive it. It is
/// non-copyable because two copies would share one arena.
public struct BitMLPRuntime: ~Copyable {
    /// The model's quantization settings.
    public let config: BitQuantConfig
    /// Values per input vector.
    public let inputCount: Int
    /// Logits per output vector.
    public let outputCount: Int
    /// The most vectors one `infer` call takes.
    public let maximumBatch: Int
    /// The kernel variant every layer uses, chosen once.
    public let kernel: TernaryKernel

    let layers: [RuntimeLayer]
    let plan: ArenaPlan
    let codes: UnsafeMutablePointer<Int8>
    let values: UnsafeMutablePointer<Int32>
    let records: UnsafeMutablePointer<VectorRecord>

    /// The arena bytes `model` needs for batches of up to `batch` vectors; nil on overflow.
    public static func arenaBytes(for model: BitBlobModel, batch: Int) -> Int? {
        model.arenaPlan.bytes(batch: batch)
    }

    /// Prepares to run `model` in `arena`.
    ///
    /// - Parameters:
    ///   - arena: at least `arenaBytes(for: model, batch: maximumBatch)` bytes at any alignment.
    ///   - maximumBatch: the largest batch `infer` will be given.
    ///   - kernel: the kernel variant; the fastest this CPU runs by default.
    /// - Throws: `RuntimeError.arenaTooSmall` (also for one byte less than needed),
    ///   `.batchOutOfRange`, `.kernel` for a variant this CPU cannot run.
    public init(
        model: BitBlobModel, arena: UnsafeMutableRawBufferPointer, maximumBatch: Int = 1,
        kernel: TernaryKernel = .best
    ) throws(RuntimeError) {
        guard maximumBatch >= 1 else { throw .batchOutOfRange(batch: maximumBatch, maximum: Int.max) }
        guard kernel.isSupported else { throw .kernel(.unsupportedKernel(name: kernel.name)) }
        let plan = model.arenaPlan
        guard let required = plan.bytes(batch: maximumBatch), arena.count >= required else {
            throw .arenaTooSmall(
                required: plan.bytes(batch: maximumBatch) ?? Int.max, provided: arena.count, batch: maximumBatch)
        }
        // The regions are carved in the order ArenaPlan documents; the size check above makes
        // every allocation succeed, and a failure would still be reported, not trapped.
        var allocator = Arena(arena)
        guard let codes = try? allocator.allocate(Int8.self, count: plan.codeBytesPerVector * maximumBatch).baseAddress,
            let values = try? allocator.allocate(Int32.self, count: plan.valueBytesPerVector / 4 * maximumBatch).baseAddress,
            let records = try? allocator.allocate(VectorRecord.self, count: maximumBatch).baseAddress
        else {
            throw .arenaTooSmall(required: required, provided: arena.count, batch: maximumBatch)
        }
        self.codes = codes
        self.values = values
        self.records = records
        var layers: [RuntimeLayer] = []
        layers.reserveCapacity(model.layerCount)
        for index in 0..<model.layerCount { layers.append(RuntimeLayer(model.layer(index))) }
        self.layers = layers
        self.plan = plan
        self.config = model.config
        self.inputCount = model.inputFeatures
        self.outputCount = model.outputFeatures
        self.maximumBatch = maximumBatch
        self.kernel = kernel
    }
}

/// One layer as the engine uses it: views into the blob, nothing copied.
struct RuntimeLayer {
    let layout: TernaryMatrixLayout
    let relu: Bool
    let weights: UnsafeRawBufferPointer
    let weightMultipliers: FixedPointVector
    let bias: FixedPointVector
    /// per_tensor activations: the static scale of this layer's input and its step `1/s`.
    let staticScale: FixedPointScale?
    let staticStep: FixedPointScale?
    let staticScaleValue: Float?

    init(_ layer: BitBlobLayer) {
        layout = layer.layout
        relu = layer.activation == .relu
        weights = layer.weights
        weightMultipliers = layer.weightMultipliers
        bias = layer.bias
        staticScale = layer.staticInputScale
        staticStep = layer.staticInputStep
        staticScaleValue = layer.staticInputScaleValue
    }
}

/// Per-vector bookkeeping kept in the arena (within `ArenaPlan.scaleRecordBytes` per vector): the
/// current input step, the output exponent and the predicted class.
struct VectorRecord: BitwiseCopyable {
    var step: FixedPointScale
    var exponent: Int
    var predictedClass: Int
}
