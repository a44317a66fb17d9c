/// One entry of the section table (docs/bitblob.md, "Section table entry"): what a section holds
/// and where it is. Errors about a section carry its entry, so messages name it.
public struct BitBlobSection: Hashable, Sendable, CustomStringConvertible {
    /// The entry's position in the table (file order).
    public let position: Int
    public let kind: BitBlobSectionKind
    /// The layer a per-layer section belongs to; 0 for model-wide sections.
    public let index: UInt32
    /// Bytes from the start of the file.
    public let offset: UInt64
    public let length: UInt64
    /// The stored CRC-32 of the section's bytes.
    public let crc: UInt32
    /// The entry's reserved field (zero in a valid blob).
    let reserved: UInt32

    /// Bytes of an entry before its reserved field.
    static let reservedFieldOffset = 28

    /// The file offset of entry `position` (the table follows the header).
    static func entryOffset(position: Int) -> Int {
        BitBlobFormat.headerSize + position * BitBlobFormat.sectionEntrySize
    }

    /// Decodes entry `position` of the table in `file`.
    init(decoding file: UnsafeRawBufferPointer, position: Int) {
        let start = Self.entryOffset(position: position)
        var reader = ByteReader(
            UnsafeRawBufferPointer(rebasing: file[start..<start + BitBlobFormat.sectionEntrySize]), fileOffset: start)
        self.position = position
        kind = BitBlobSectionKind(rawValue: reader.read())
        index = reader.read()
        offset = reader.read()
        length = reader.read()
        crc = reader.read()
        reserved = reader.read()
    }

    /// Appends the entry for a section of `kind` and `index` at `offset`.
    static func encode(
        kind: BitBlobSectionKind, index: Int, offset: Int, length: Int, crc: UInt32, into writer: inout ByteWriter
    ) {
        writer.write(kind.rawValue)
        writer.write(UInt32(index))
        writer.write(UInt64(offset))
        writer.write(UInt64(length))
        writer.write(crc)
        writer.write(UInt32(0))
    }

    /// `section #3 WGHT[1] at offset 4160`.
    public var description: String {
        "section #\(position) \(kind)[\(index)] at offset \(offset)"
    }
}
