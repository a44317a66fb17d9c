/// The `PROV` section of a validated blob: where the model came from, as views into the file.
public struct BitBlobProvenanceView {
    /// The source model's file name, UTF-8.
    public let sourceNameBytes: UnsafeRawBufferPointer
    /// The SHA-256 of the source model file, 32 bytes.
    public let sourceSHA256: UnsafeRawBufferPointer
    /// The bake tool's version, UTF-8.
    public let toolVersionBytes: UnsafeRawBufferPointer
    /// The bake options, one `key=value` per line, UTF-8.
    public let bakeOptionsBytes: UnsafeRawBufferPointer

    init(bytes: UnsafeRawBufferPointer, record: ProvenanceRecord) {
        sourceNameBytes = UnsafeRawBufferPointer(rebasing: bytes[record.sourceName])
        sourceSHA256 = UnsafeRawBufferPointer(rebasing: bytes[record.sourceSHA256])
        toolVersionBytes = UnsafeRawBufferPointer(rebasing: bytes[record.toolVersion])
        bakeOptionsBytes = UnsafeRawBufferPointer(rebasing: bytes[record.bakeOptions])
    }

    /// The source model's file name (allocates a String).
    public var sourceName: String { String(decoding: sourceNameBytes, as: UTF8.self) }
    /// The bake tool's version (allocates a String).
    public var toolVersion: String { String(decoding: toolVersionBytes, as: UTF8.self) }
    /// The bake options (allocates a String).
    public var bakeOptions: String { String(decoding: bakeOptionsBytes, as: UTF8.self) }

    /// An owned copy, as the writer took it (allocates).
    public var contents: BitBlobProvenance {
        BitBlobProvenance(
            sourceName: sourceName, sourceSHA256: Array(sourceSHA256), toolVersion: toolVersion,
            bakeOptions: bakeOptions)
    }
}
