/// The `LAYR` section (docs/bitblob.md): one layer's shape, activation, shifts and static input
/// scale. Fields are kept as stored; `BitBlobModel` range-checks them.
struct LayerRecord {
    var inputs: UInt32
    var outputs: UInt32
    var activation: UInt8
    var hasBias: UInt8
    var weightShift: Int32
    var biasShift: Int32
    /// The float32 bit pattern of the static input scale `s` (0 unless per_tensor).
    var staticScaleBits: UInt32
    var staticScaleMultiplier: Int32
    var staticScaleShift: Int32
    var staticStepMultiplier: Int32
    var staticStepShift: Int32
    /// The first non-zero reserved byte (file offset and value), if any.
    private(set) var nonZeroReserved: (offset: Int, value: UInt8)?

    init(
        inputs: Int, outputs: Int, activation: LayerActivation, hasBias: Bool, weightShift: Int, biasShift: Int,
        staticScale: Float, staticScaleMultiplier: Int32, staticScaleShift: Int, staticStepMultiplier: Int32,
        staticStepShift: Int
    ) {
        self.inputs = UInt32(inputs)
        self.outputs = UInt32(outputs)
        self.activation = activation.rawValue
        self.hasBias = hasBias ? 1 : 0
        self.weightShift = Int32(weightShift)
        self.biasShift = Int32(biasShift)
        staticScaleBits = staticScale.bitPattern
        self.staticScaleMultiplier = staticScaleMultiplier
        self.staticScaleShift = Int32(staticScaleShift)
        self.staticStepMultiplier = staticStepMultiplier
        self.staticStepShift = Int32(staticStepShift)
    }

    /// Decodes a section of exactly `BitBlobFormat.recordSize` bytes at `fileOffset`.
    init(decoding section: UnsafeRawBufferPointer, fileOffset: Int) {
        var reader = ByteReader(section, fileOffset: fileOffset)
        inputs = reader.read()
        outputs = reader.read()
        activation = reader.read()
        hasBias = reader.read()
        reader.skipReserved(2)
        weightShift = reader.read()
        biasShift = reader.read()
        staticScaleBits = reader.read()
        staticScaleMultiplier = reader.read()
        staticScaleShift = reader.read()
        staticStepMultiplier = reader.read()
        staticStepShift = reader.read()
        reader.skipReserved(BitBlobFormat.recordSize - reader.position)
        nonZeroReserved = reader.nonZeroReserved
    }

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: BitBlobFormat.recordSize)
        writer.write(inputs)
        writer.write(outputs)
        writer.write(activation)
        writer.write(hasBias)
        writer.writeZeros(2)
        writer.write(weightShift)
        writer.write(biasShift)
        writer.write(staticScaleBits)
        writer.write(staticScaleMultiplier)
        writer.write(staticScaleShift)
        writer.write(staticStepMultiplier)
        writer.write(staticStepShift)
        writer.writeZeros(BitBlobFormat.recordSize - writer.bytes.count)
        return writer.bytes
    }
}
