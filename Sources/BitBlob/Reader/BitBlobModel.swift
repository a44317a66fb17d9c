import BitCore

/// A validated `.bitblob`, used in place: the zero-copy reader of docs/bitblob.md.
///
/// ```swift
/// let file = try MappedFile(path: "digits.bitblob")          // BitRuntime
/// let model = try BitBlobModel(validating: file.bytes)        // every check, before any use
/// let arena = model.arenaBytes(batch: 1)!
/// for index in 0..<model.layerCount {
///     let layer = model.layer(index)                          // views into the file
///     print(layer.layout.rows, layer.layout.columns, layer.activation)
/// }
/// ```
///
/// The model keeps the buffer's address and copies nothing: the bytes must stay alive and
/// unchanged while the model or any `BitBlobLayer` from it is used. Validation allocates nothing in
/// optimized builds (debug builds box some locals); its cost is one CRC pass and one packed-weight
/// check over the file (about 0.4 ms for a 52 KB three-layer blob on x86-64).
public struct BitBlobModel {
    /// The whole file.
    public let bytes: UnsafeRawBufferPointer
    public let header: BitBlobHeader
    /// The section table, in file order (for tools such as `bitbake-model inspect`).
    public let sections: BitBlobSectionTable
    public let config: BitQuantConfig
    public let packing: TernaryPacking
    /// Layers, 1 ... 64.
    public let layerCount: Int
    /// Values per input vector (the first layer's inputs).
    public let inputFeatures: Int
    /// Logits per output vector (the last layer's outputs).
    public let outputFeatures: Int
    /// The arena the runtime needs, recomputed from the layer shapes and equal to the blob's figures.
    public let arenaPlan: ArenaPlan
    private let index: SectionIndex
    private let provenanceRecord: ProvenanceRecord?

    /// Checks everything docs/bitblob.md lists under "What the reader checks", in its order, and
    /// keeps `bytes` for use in place.
    ///
    /// - Parameter bytes: the whole file, aligned to `BitBlobFormat.bufferAlignment` (a page-aligned
    ///   `mmap` is); it must outlive the model.
    /// - Throws: the first `BitBlobError` found; no byte of a section is handed out before every
    ///   check has passed.
    public init(validating bytes: UnsafeRawBufferPointer) throws(BitBlobError) {
        let header = try BitBlobHeader(validating: bytes)
        let sections = try BitBlobSectionTable(validating: bytes, header: header)
        try sections.validateSections()
        let index = try SectionIndex(sections)
        let fields = try Self.validateFields(index)
        self.bytes = bytes
        self.header = header
        self.sections = sections
        self.index = index
        config = fields.config
        packing = fields.packing
        layerCount = index.layerCount
        inputFeatures = fields.inputFeatures
        outputFeatures = fields.outputFeatures
        arenaPlan = fields.arenaPlan
        provenanceRecord = fields.provenance
    }

    /// The arena bytes for batches of up to `batch` vectors, or nil when the batch is not
    /// positive or the size overflows.
    public func arenaBytes(batch: Int) -> Int? {
        arenaPlan.bytes(batch: batch)
    }

    /// Layer `index` (0 ..< `layerCount`) as views into the file.
    public func layer(_ index: Int) -> BitBlobLayer {
        precondition(index >= 0 && index < layerCount, "layer \(index) is outside 0 ..< \(layerCount)")
        let section = self.index.section(layer: index, kind: .layer)!
        let record = LayerRecord(decoding: self.index.bytes(of: section), fileOffset: Int(section.offset))
        return BitBlobLayer(
            index: index, record: record, config: config, packing: packing,
            weights: self.index.bytes(of: self.index.section(layer: index, kind: .weights)!),
            scales: self.index.bytes(of: self.index.section(layer: index, kind: .weightScales)!),
            bias: self.index.section(layer: index, kind: .bias).map { self.index.bytes(of: $0) })
    }

    /// The `PROV` section, if the blob has one.
    public var provenance: BitBlobProvenanceView? {
        guard let section = index.provenance, let provenanceRecord else { return nil }
        return BitBlobProvenanceView(bytes: index.bytes(of: section), record: provenanceRecord)
    }
}
