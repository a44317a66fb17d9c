/// Which section holds what: the model record, the provenance, and each layer's four per-layer
/// sections, found once (check 4 of docs/bitblob.md) and kept in a fixed-size table, so looking
/// a layer up allocates nothing and does not scan.
struct SectionIndex {
    let table: BitBlobSectionTable
    let model: BitBlobSection
    let provenance: BitBlobSection?
    let layerCount: Int
    /// Table positions by `layer * perLayerKindCount + slot`; `absent` where there is none.
    private var positions: InlineArray<256, UInt16> = InlineArray(repeating: absent)

    private static let absent = UInt16.max

    /// Finds exactly one `MODL`, at most one `PROV` (both index 0), the layer count, and for each
    /// layer exactly one `LAYR`, `WGHT` and `WSCL`, and one `BIAS` exactly when its `LAYR` says it
    /// has a bias.
    ///
    /// - Throws: `BitBlobError.missingSection`, `.duplicateSection`, `.sectionIndex`,
    ///   `.unexpectedBias`, `.sectionLength` (a `MODL` or `LAYR` that is not 64 bytes),
    ///   `.fieldOutOfRange` (the layer count, a has-bias flag).
    init(_ table: BitBlobSectionTable) throws(BitBlobError) {
        self.table = table
        var model: BitBlobSection?
        var provenance: BitBlobSection?
        for section in table where section.kind == .model || section.kind == .provenance {
            guard section.index == 0 else { throw .sectionIndex(section, expected: "0 (a model-wide section)") }
            let first = section.kind == .model ? model : provenance
            if let first { throw .duplicateSection(section, first: first) }
            if section.kind == .model { model = section } else { provenance = section }
        }
        guard let model else { throw .missingSection(kind: .model, index: 0) }
        let record = try ModelRecord(decoding: Self.record(model, in: table), fileOffset: Int(model.offset))
        guard record.layerCount >= 1, record.layerCount <= BitBlobFormat.maximumLayerCount else {
            throw .fieldOutOfRange(
                model, field: "layer count", value: Int64(record.layerCount),
                expected: "1 ... \(BitBlobFormat.maximumLayerCount)")
        }
        self.model = model
        self.provenance = provenance
        layerCount = Int(record.layerCount)

        for section in table {
            guard let slot = section.kind.perLayerSlot else { continue }
            guard section.index < layerCount else {
                throw .sectionIndex(section, expected: "below the layer count \(layerCount)")
            }
            let key = Int(section.index) * BitBlobSectionKind.perLayerKindCount + slot
            guard positions[key] == Self.absent else {
                throw .duplicateSection(section, first: table[Int(positions[key])])
            }
            positions[key] = UInt16(section.position)
        }
        for layer in 0..<layerCount {
            for slot in 0..<3 where section(layer: layer, kind: BitBlobSectionKind(perLayerSlot: slot)) == nil {
                throw .missingSection(kind: BitBlobSectionKind(perLayerSlot: slot), index: layer)
            }
            let layerSection = section(layer: layer, kind: .layer)!
            let hasBias = try LayerRecord(
                decoding: Self.record(layerSection, in: table), fileOffset: Int(layerSection.offset)
            ).hasBias
            switch (hasBias, section(layer: layer, kind: .bias)) {
            case (0, nil), (1, _?): break
            case (0, let bias?): throw .unexpectedBias(bias)
            case (1, nil): throw .missingSection(kind: .bias, index: layer)
            default:
                throw .fieldOutOfRange(layerSection, field: "has bias", value: Int64(hasBias), expected: "0 or 1")
            }
        }
    }

    /// The section of a per-layer `kind` for `layer`, if the blob has one.
    func section(layer: Int, kind: BitBlobSectionKind) -> BitBlobSection? {
        let position = positions[layer * BitBlobSectionKind.perLayerKindCount + kind.perLayerSlot!]
        return position == Self.absent ? nil : table[Int(position)]
    }

    /// The bytes of a section.
    func bytes(of section: BitBlobSection) -> UnsafeRawBufferPointer {
        table.bytes(of: section)
    }

    /// The bytes of a `MODL` or `LAYR` section, which must be exactly one record long.
    private static func record(
        _ section: BitBlobSection, in table: BitBlobSectionTable
    ) throws(BitBlobError) -> UnsafeRawBufferPointer {
        guard section.length == BitBlobFormat.recordSize else {
            throw .sectionLength(section, expected: BitBlobFormat.recordSize, reason: "a \(section.kind) record")
        }
        return table.bytes(of: section)
    }
}
