import BitCore

/// The `MODL` section (docs/bitblob.md): the layer count, the model's features, its quantization
/// settings and its arena figures. Fields are kept as stored; `BitBlobModel` range-checks them.
struct ModelRecord {
    var layerCount: UInt32
    var inputFeatures: UInt32
    var outputFeatures: UInt32
    var weightGranularity: UInt8
    var activationDType: UInt8
    var activationGranularity: UInt8
    var packing: UInt8
    var arenaBaseBytes: UInt64
    var arenaBytesPerVector: UInt64
    /// The first non-zero reserved byte (file offset and value), if any.
    private(set) var nonZeroReserved: (offset: Int, value: UInt8)?

    /// The record of a model with these settings, layer shapes and arena plan.
    init(
        config: BitQuantConfig, packing: TernaryPacking, layerCount: Int, inputFeatures: Int,
        outputFeatures: Int, arenaPlan: ArenaPlan
    ) {
        self.layerCount = UInt32(layerCount)
        self.inputFeatures = UInt32(inputFeatures)
        self.outputFeatures = UInt32(outputFeatures)
        weightGranularity = config.weightGranularity.rawValue
        activationDType = config.activationDType.rawValue
        activationGranularity = config.activationGranularity.rawValue
        self.packing = packing.rawValue
        arenaBaseBytes = UInt64(ArenaPlan.baseBytes)
        arenaBytesPerVector = UInt64(arenaPlan.bytesPerVector)
    }

    /// Decodes a section of exactly `BitBlobFormat.recordSize` bytes at `fileOffset`.
    init(decoding section: UnsafeRawBufferPointer, fileOffset: Int) {
        var reader = ByteReader(section, fileOffset: fileOffset)
        layerCount = reader.read()
        inputFeatures = reader.read()
        outputFeatures = reader.read()
        weightGranularity = reader.read()
        activationDType = reader.read()
        activationGranularity = reader.read()
        packing = reader.read()
        arenaBaseBytes = reader.read()
        arenaBytesPerVector = reader.read()
        reader.skipReserved(BitBlobFormat.recordSize - reader.position)
        nonZeroReserved = reader.nonZeroReserved
    }

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: BitBlobFormat.recordSize)
        writer.write(layerCount)
        writer.write(inputFeatures)
        writer.write(outputFeatures)
        writer.write(weightGranularity)
        writer.write(activationDType)
        writer.write(activationGranularity)
        writer.write(packing)
        writer.write(arenaBaseBytes)
        writer.write(arenaBytesPerVector)
        writer.writeZeros(BitBlobFormat.recordSize - writer.bytes.count)
        return writer.bytes
    }
}
