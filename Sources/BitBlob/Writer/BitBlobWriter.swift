import BitCore

/// Encodes a baked model as a `.bitblob` (docs/bitblob.md).
///
/// ```swift
/// let blob = try BitBlobWriter.write(contents)
/// try blob.write(to: url)              // Foundation, on the build machine
/// ```
///
/// The writer derives every fixed-point field from the float values (weight multipliers from
/// `1 / Double(s_w)`, bias mantissas, the static input scale and its step) and the arena figures
/// from `ArenaPlan`, checks the contents first, and is deterministic: the same contents give the
/// same bytes. The blob it returns passes `BitBlobModel(validating:)`.
public enum BitBlobWriter {
    /// The blob for `contents`.
    ///
    /// - Throws: `BitBlobError` naming the layer, field and value the writer refuses:
    ///   `.unbakeableActivationDType`, `.layerCount`, `.layerDimension`, `.chainBreak`,
    ///   `.invalidWeights`, `.valueCount`, `.invalidValue`, `.multiplierUnderflow`,
    ///   `.staticInputScale`, `.provenanceDigestLength` or `.provenanceFieldTooLong`.
    public static func write(_ contents: BitBlobContents) throws(BitBlobError) -> [UInt8] {
        assemble(try encodeSections(contents))
    }

    /// A section's kind, index and bytes, before it is placed.
    struct EncodedSection {
        var kind: BitBlobSectionKind
        var index: Int
        var bytes: [UInt8]
    }

    /// The checked contents as sections in file order: `MODL`, each layer's `LAYR`, `WGHT`,
    /// `WSCL` (and `BIAS`), then `PROV`.
    static func encodeSections(_ contents: BitBlobContents) throws(BitBlobError) -> [EncodedSection] {
        guard contents.config.activationDType == .int8 else {
            throw .unbakeableActivationDType(contents.config.activationDType)
        }
        let layers = contents.layers
        guard !layers.isEmpty, layers.count <= BitBlobFormat.maximumLayerCount else {
            throw .layerCount(layers.count, maximum: BitBlobFormat.maximumLayerCount)
        }
        try check(contents.provenance)

        var sections: [EncodedSection] = []
        var plan = ArenaPlan()
        for (index, layer) in layers.enumerated() {
            let previousOutputs = index > 0 ? layers[index - 1].outputs : nil
            let layout = try encode(
                layer, index: index, previousOutputs: previousOutputs, config: contents.config,
                packing: contents.packing, into: &sections)
            plan.include(layout)
        }
        let model = ModelRecord(
            config: contents.config, packing: contents.packing, layerCount: layers.count,
            inputFeatures: layers[0].inputs, outputFeatures: layers[layers.count - 1].outputs, arenaPlan: plan)
        sections.insert(EncodedSection(kind: .model, index: 0, bytes: model.encoded()), at: 0)
        sections.append(
            EncodedSection(kind: .provenance, index: 0, bytes: ProvenanceRecord.encode(contents.provenance)))
        return sections
    }

    private static func check(_ provenance: BitBlobProvenance) throws(BitBlobError) {
        guard provenance.sourceSHA256.count == BitBlobFormat.digestSize else {
            throw .provenanceDigestLength(provenance.sourceSHA256.count)
        }
        for (name, length) in [
            ("source name", provenance.sourceName.utf8.count), ("tool version", provenance.toolVersion.utf8.count),
            ("bake options", provenance.bakeOptions.utf8.count),
        ] where length > UInt32.max {
            throw .provenanceFieldTooLong(field: name, length: length)
        }
    }

    /// Checks one layer, appends its `LAYR`, `WGHT`, `WSCL` and `BIAS` sections, and returns its
    /// layout.
    private static func encode(
        _ layer: BitBlobLayerContents, index: Int, previousOutputs: Int?, config: BitQuantConfig,
        packing: TernaryPacking, into sections: inout [EncodedSection]
    ) throws(BitBlobError) -> TernaryMatrixLayout {
        guard layer.inputs >= 1, layer.inputs <= BitBlobFormat.maximumInputs else {
            throw .layerDimension(layer: index, field: "inputs", value: layer.inputs, maximum: BitBlobFormat.maximumInputs)
        }
        guard layer.outputs >= 1, layer.outputs <= BitBlobFormat.maximumOutputs else {
            throw .layerDimension(
                layer: index, field: "outputs", value: layer.outputs, maximum: BitBlobFormat.maximumOutputs)
        }
        if let previousOutputs, layer.inputs != previousOutputs {
            throw .chainBreak(layer: index, inputs: layer.inputs, previousOutputs: previousOutputs)
        }
        let layout: TernaryMatrixLayout
        do {
            layout = try TernaryMatrixLayout(packing: packing, rows: layer.outputs, columns: layer.inputs)
            try layer.packedWeights.withUnsafeBufferPointer { (bytes) throws(BitCoreError) in
                try layout.validate(UnsafeRawBufferPointer(bytes))
            }
        } catch {
            throw .invalidWeights(layer: index, error)
        }

        let scaleCount = config.weightGranularity == .perTensor ? 1 : layer.outputs
        guard layer.weightScales.count == scaleCount else {
            throw .valueCount(layer: index, field: "weight scales", count: layer.weightScales.count, expected: scaleCount)
        }
        for (position, scale) in layer.weightScales.enumerated() where !(scale.isFinite && scale > 0) {
            throw .invalidValue(
                layer: index, field: "weight scale", index: position, bitPattern: scale.bitPattern,
                expected: "finite and positive")
        }
        // The absmean values m = 1/s_w in Double: finite for every finite positive float32 s_w.
        let absmeans = layer.weightScales.map { 1 / Double($0) }
        let weights = absmeans.withUnsafeBufferPointer { FixedPointVector.encode($0)! }
        if let output = weights.mantissas.firstIndex(where: { $0 <= 0 }) {
            let scale = layer.weightScales[scaleCount == 1 ? 0 : output]
            throw .multiplierUnderflow(layer: index, output: output, scaleBits: scale.bitPattern)
        }

        var bias: (mantissas: [Int32], shift: Int)?
        if let biases = layer.biases {
            guard biases.count == layer.outputs else {
                throw .valueCount(layer: index, field: "biases", count: biases.count, expected: layer.outputs)
            }
            if let position = biases.firstIndex(where: { !$0.isFinite }) {
                throw .invalidValue(
                    layer: index, field: "bias", index: position, bitPattern: biases[position].bitPattern,
                    expected: "finite")
            }
            bias = biases.withUnsafeBufferPointer { FixedPointVector.encode($0)! }
        }

        var staticScale: (value: Float, scale: FixedPointScale, step: FixedPointScale)?
        switch (config.activationGranularity, layer.staticInputScale) {
        case (.perTensor, let value?):
            // A finite positive float32 and its finite positive reciprocal always convert.
            guard value.isFinite, value > 0 else {
                throw .invalidValue(
                    layer: index, field: "static input scale", index: 0, bitPattern: value.bitPattern,
                    expected: "finite and positive")
            }
            staticScale = (value, FixedPointScale(value)!, FixedPointScale(1 / Double(value))!)
        case (.perToken, nil):
            staticScale = nil
        case (let granularity, let value):
            throw .staticInputScale(layer: index, granularity: granularity, present: value != nil)
        }

        let record = LayerRecord(
            inputs: layer.inputs, outputs: layer.outputs, activation: layer.activation, hasBias: bias != nil,
            weightShift: weights.shift, biasShift: bias?.shift ?? 0, staticScale: staticScale?.value ?? 0,
            staticScaleMultiplier: staticScale?.scale.multiplier ?? 0, staticScaleShift: staticScale?.scale.shift ?? 0,
            staticStepMultiplier: staticScale?.step.multiplier ?? 0, staticStepShift: staticScale?.step.shift ?? 0)
        sections.append(EncodedSection(kind: .layer, index: index, bytes: record.encoded()))
        sections.append(EncodedSection(kind: .weights, index: index, bytes: layer.packedWeights))

        var scales = ByteWriter(capacity: 8 * scaleCount)
        for multiplier in weights.mantissas { scales.write(multiplier) }
        for scale in layer.weightScales { scales.write(scale.bitPattern) }
        sections.append(EncodedSection(kind: .weightScales, index: index, bytes: scales.bytes))

        if let bias {
            var mantissas = ByteWriter(capacity: 4 * layer.outputs)
            for mantissa in bias.mantissas { mantissas.write(mantissa) }
            sections.append(EncodedSection(kind: .bias, index: index, bytes: mantissas.bytes))
        }
        return layout
    }

    /// Lays the sections out after the header and table, each at the next multiple of 64.
    static func assemble(_ sections: [EncodedSection]) -> [UInt8] {
        let tableEnd = BitBlobSection.entryOffset(position: sections.count)
        var table = ByteWriter(capacity: tableEnd - BitBlobFormat.headerSize)
        var offset = BitBlobFormat.alignedOffset(tableEnd)
        var fileSize = tableEnd
        for section in sections {
            BitBlobSection.encode(
                kind: section.kind, index: section.index, offset: offset, length: section.bytes.count,
                crc: CRC32.checksum(section.bytes), into: &table)
            fileSize = offset + section.bytes.count
            offset = BitBlobFormat.alignedOffset(fileSize)
        }
        var file = ByteWriter(capacity: fileSize)
        file.write(BitBlobHeader.encode(
            fileSize: fileSize, sectionCount: sections.count, tableCRC: CRC32.checksum(table.bytes)))
        file.write(table.bytes)
        for section in sections {
            file.writeZeros(BitBlobFormat.alignedOffset(file.bytes.count) - file.bytes.count)
            file.write(section.bytes)
        }
        return file.bytes
    }
}
