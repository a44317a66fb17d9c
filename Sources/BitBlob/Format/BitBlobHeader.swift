/// The 64-byte header of a `.bitblob` (docs/bitblob.md, "Header").
///
/// `init(validating:)` performs the spec's first check; `BitBlobModel(validating:)` calls it, and
/// `inspect`-style tools can call it alone to show a blob whose later checks fail.
public struct BitBlobHeader: Hashable, Sendable {
    public let majorVersion: UInt16
    /// Any minor version of the major this reader reads is accepted.
    public let minorVersion: UInt16
    /// The whole file's size, equal to the buffer's.
    public let fileSize: Int
    /// Entries in the section table, not yet range-checked (`BitBlobSectionTable` checks it).
    public let sectionCount: UInt32
    /// The CRC-32 of the section table.
    public let tableCRC: UInt32
    /// The CRC-32 of header bytes `0 ..< 32`.
    public let headerCRC: UInt32

    /// Bytes the header CRC covers.
    static let checkedSize = 32

    /// Reads and checks the header of the blob in `bytes` (check 1 of docs/bitblob.md): the size,
    /// the buffer's alignment, magic, major version, header size, header CRC, file size, and that
    /// the reserved bytes are zero.
    ///
    /// - Throws: `BitBlobError.truncatedHeader`, `.misalignedBuffer`, `.badMagic`,
    ///   `.unsupportedMajorVersion`, `.headerSize`, `.headerCRC`, `.fileSize` or `.nonZeroReserved`.
    public init(validating bytes: UnsafeRawBufferPointer) throws(BitBlobError) {
        guard bytes.count >= BitBlobFormat.headerSize, let base = bytes.baseAddress else {
            throw .truncatedHeader(size: bytes.count)
        }
        let address = UInt(bitPattern: base)
        guard address % UInt(BitBlobFormat.bufferAlignment) == 0 else {
            throw .misalignedBuffer(address: address, alignment: BitBlobFormat.bufferAlignment)
        }
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[0..<BitBlobFormat.headerSize]), fileOffset: 0)
        let magic = reader.read(UInt64.self)
        guard magic == BitBlobFormat.magic else { throw .badMagic(found: magic) }
        majorVersion = reader.read()
        guard majorVersion == BitBlobFormat.majorVersion else {
            throw .unsupportedMajorVersion(found: majorVersion, supported: BitBlobFormat.majorVersion)
        }
        minorVersion = reader.read()
        let headerSize = reader.read(UInt32.self)
        guard headerSize == BitBlobFormat.headerSize else {
            throw .headerSize(found: headerSize, expected: BitBlobFormat.headerSize)
        }
        let declaredFileSize = reader.read(UInt64.self)
        sectionCount = reader.read()
        tableCRC = reader.read()
        headerCRC = reader.read()
        reader.skipReserved(BitBlobFormat.headerSize - reader.position)
        let computed = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<Self.checkedSize]))
        guard computed == headerCRC else { throw .headerCRC(stored: headerCRC, computed: computed) }
        guard declaredFileSize == UInt64(bytes.count) else {
            throw .fileSize(declared: declaredFileSize, actual: bytes.count)
        }
        fileSize = bytes.count
        if let (offset, value) = reader.nonZeroReserved {
            throw .nonZeroReserved(field: "header reserved bytes", offset: offset, value: value)
        }
    }

    /// The header bytes for a blob with these figures.
    static func encode(fileSize: Int, sectionCount: Int, tableCRC: UInt32) -> [UInt8] {
        var writer = ByteWriter(capacity: BitBlobFormat.headerSize)
        writer.write(BitBlobFormat.magic)
        writer.write(BitBlobFormat.majorVersion)
        writer.write(BitBlobFormat.minorVersion)
        writer.write(UInt32(BitBlobFormat.headerSize))
        writer.write(UInt64(fileSize))
        writer.write(UInt32(sectionCount))
        writer.write(tableCRC)
        writer.write(CRC32.checksum(writer.bytes))
        writer.writeZeros(BitBlobFormat.headerSize - writer.bytes.count)
        return writer.bytes
    }
}
