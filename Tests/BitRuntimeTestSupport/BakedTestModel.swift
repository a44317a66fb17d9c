import BitBake
import BitBlob
import BitCore
import BitLayers
import BitRuntime

/// A float model baked into a `.bitblob` for a test: the blob's bytes and the validated model,
/// held in 64-byte aligned memory.
public struct BakedTestModel: Sendable {
    public let float: FloatMLP
    public let configuration: RuntimeConfiguration
    /// The blob as the bake tool wrote it.
    public let bytes: [UInt8]
    /// The same bytes, aligned and validated.
    public let blob: BlobBuffer

    /// The validated model (a view into `blob`, which this value keeps alive).
    public var model: BitBlobModel { blob.model }

    /// Bakes `float` with `configuration`'s quant config and packing; per_tensor activations are
    /// calibrated on `calibration`. The source name and hash go into the blob's provenance.
    public init(
        _ float: FloatMLP, configuration: RuntimeConfiguration, calibration: Matrix, sourceName: String? = nil,
        sourceSHA256: [UInt8] = [UInt8](repeating: 0, count: 32)
    ) throws {
        let options = BakeOptions(
            config: configuration.config, packing: configuration.packing,
            calibration: configuration.activations == .perTensor ? calibration : nil,
            calibrationSource: "test calibration")
        let baked = try Baker.bake(
            float, options: options, sourceName: sourceName ?? "\(configuration)", sourceSHA256: sourceSHA256)
        self.float = float
        self.configuration = configuration
        self.bytes = baked.blob
        self.blob = try BlobBuffer(fileBytes: baked.blob, name: "\(configuration)")
    }

    /// A random float MLP of shape `features` baked with `configuration`, calibrated on random rows.
    public init(randomFeatures features: [Int], configuration: RuntimeConfiguration, seed: UInt64) throws {
        try self.init(
            RandomModel.float(features: features, bias: configuration.bias, hidden: configuration.hidden, seed: seed),
            configuration: configuration,
            calibration: TestInputs.calibration(rows: 32, features: features[0], seed: seed &+ 1))
    }

    /// The bake tool's integer simulation of every row, one vector at a time: the outputs the
    /// runtime must reproduce bit for bit. (Its kernel is the fastest; BitCoreTests prove every
    /// kernel equal to the reference.)
    public func simulate(_ inputs: Matrix) throws -> IntegerOutputs {
        try IntegerSimulation(model: model).run(inputs)
    }

    /// Runs `body` with a runtime for this model in a freshly allocated arena of exactly the size
    /// the blob asks for.
    public func withRuntime<Result>(
        maximumBatch: Int = 1, kernel: TernaryKernel = .best, _ body: (inout BitMLPRuntime) throws -> Result
    ) throws -> Result {
        let arena = UnsafeMutableRawBufferPointer.allocate(
            byteCount: model.arenaBytes(batch: maximumBatch)!, alignment: 64)
        defer { arena.deallocate() }
        var runtime = try BitMLPRuntime(model: model, arena: arena, maximumBatch: maximumBatch, kernel: kernel)
        return try body(&runtime)
    }
}

extension IntegerOutputs {
    /// The outputs of the first `rows` rows.
    public func prefix(_ rows: Int) -> IntegerOutputs {
        var outputs = IntegerOutputs(classCount: classCount)
        outputs.logits = Array(logits[0 ..< rows * classCount])
        outputs.exponents = Array(exponents[0 ..< rows])
        outputs.classes = Array(classes[0 ..< rows])
        return outputs
    }
}
