import BitCore

/// One layer as the bake tool hands it to `BitBlobWriter`: shapes, packed weights and the float
/// values the writer turns into fixed point.
public struct BitBlobLayerContents: Hashable, Sendable {
    /// Input features (`K`), 1 ... 2^20.
    public var inputs: Int
    /// Output features (`N`), 1 ... 2^24.
    public var outputs: Int
    public var activation: LayerActivation
    /// `outputs x ceil(inputs / P)` bytes in the model's packing (`TernaryMatrixLayout.pack`).
    public var packedWeights: [UInt8]
    /// The absmean quantizer's scales `s_w`: one value (per_tensor) or `outputs` (per_channel).
    public var weightScales: [Float]
    /// Float biases, `outputs` values, or nil for a layer without bias.
    public var biases: [Float]?
    /// The calibrated static input scale `s` (per_tensor activations only; nil for per_token).
    public var staticInputScale: Float?

    public init(
        inputs: Int, outputs: Int, activation: LayerActivation, packedWeights: [UInt8], weightScales: [Float],
        biases: [Float]? = nil, staticInputScale: Float? = nil
    ) {
        self.inputs = inputs
        self.outputs = outputs
        self.activation = activation
        self.packedWeights = packedWeights
        self.weightScales = weightScales
        self.biases = biases
        self.staticInputScale = staticInputScale
    }
}

/// Where a baked model came from (the `PROV` section). Informational: the runtime never reads it.
public struct BitBlobProvenance: Hashable, Sendable {
    /// The source model's file name.
    public var sourceName: String
    /// The SHA-256 of the source model file (32 bytes).
    public var sourceSHA256: [UInt8]
    /// The bake tool's version.
    public var toolVersion: String
    /// The bake options, one `key=value` per line.
    public var bakeOptions: String

    public init(sourceName: String, sourceSHA256: [UInt8], toolVersion: String, bakeOptions: String) {
        self.sourceName = sourceName
        self.sourceSHA256 = sourceSHA256
        self.toolVersion = toolVersion
        self.bakeOptions = bakeOptions
    }
}

/// Everything a `.bitblob` holds, as owned values: what `BitBlobWriter.write` encodes.
public struct BitBlobContents: Hashable, Sendable {
    /// The quantization settings; activations must be int8 (float32 is not bakeable).
    public var config: BitQuantConfig
    public var packing: TernaryPacking
    /// The layers, first to last; each one's inputs are the previous one's outputs.
    public var layers: [BitBlobLayerContents]
    public var provenance: BitBlobProvenance

    public init(
        config: BitQuantConfig, packing: TernaryPacking, layers: [BitBlobLayerContents],
        provenance: BitBlobProvenance
    ) {
        self.config = config
        self.packing = packing
        self.layers = layers
        self.provenance = provenance
    }
}
