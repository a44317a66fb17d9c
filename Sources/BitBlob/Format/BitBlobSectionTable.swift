/// The section table of a blob whose header has been checked: a collection of its entries, read
/// in place (nothing is copied or allocated).
///
/// ```swift
/// let header = try BitBlobHeader(validating: bytes)
/// let table = try BitBlobSectionTable(validating: bytes, header: header)
/// for section in table { print(section.kind, section.index, section.length) }
/// ```
public struct BitBlobSectionTable: RandomAccessCollection {
    /// The whole file.
    let file: UnsafeRawBufferPointer
    public let startIndex = 0
    public let endIndex: Int

    /// The file offset just past the table.
    public var tableEnd: Int { BitBlobSection.entryOffset(position: count) }

    /// Checks the section count, that the table fits in the file, and the table CRC (check 2 of
    /// docs/bitblob.md).
    ///
    /// - Parameter bytes: the same buffer `header` was read from.
    /// - Throws: `BitBlobError.sectionCount`, `.tableOutOfBounds` or `.tableCRC`.
    public init(validating bytes: UnsafeRawBufferPointer, header: BitBlobHeader) throws(BitBlobError) {
        guard header.sectionCount >= 1, header.sectionCount <= BitBlobFormat.maximumSectionCount else {
            throw .sectionCount(found: header.sectionCount, maximum: BitBlobFormat.maximumSectionCount)
        }
        let count = Int(header.sectionCount)
        let tableEnd = BitBlobSection.entryOffset(position: count)
        guard tableEnd <= bytes.count else {
            throw .tableOutOfBounds(sectionCount: count, tableEnd: tableEnd, fileSize: bytes.count)
        }
        let computed = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[BitBlobFormat.headerSize..<tableEnd]))
        guard computed == header.tableCRC else { throw .tableCRC(stored: header.tableCRC, computed: computed) }
        file = bytes
        endIndex = count
    }

    public subscript(position: Int) -> BitBlobSection {
        precondition(indices.contains(position), "section position out of range")
        return BitBlobSection(decoding: file, position: position)
    }

    /// The bytes of a section that `validateSections()` has placed within the file.
    func bytes(of section: BitBlobSection) -> UnsafeRawBufferPointer {
        let start = Int(section.offset)
        return UnsafeRawBufferPointer(rebasing: file[start..<start + Int(section.length)])
    }

    /// Check 3 of docs/bitblob.md. First the placement of every section, in file order: reserved
    /// field zero, offset aligned, after the table and the previous section, end within the file.
    /// Then the bytes: padding before each section (and after the last) zero, each section's CRC.
    ///
    /// - Throws: `BitBlobError.nonZeroReserved`, `.sectionMisaligned`, `.sectionInsideTable`,
    ///   `.sectionOverlap`, `.sectionOutOfBounds`, `.nonZeroPadding` or `.sectionCRC`.
    public func validateSections() throws(BitBlobError) {
        let fileSize = UInt64(file.count)
        var previousEnd = tableEnd
        for section in self {
            if section.reserved != 0 {
                let byte = section.reserved.trailingZeroBitCount / 8
                throw .nonZeroReserved(
                    field: "\(section) reserved field",
                    offset: BitBlobSection.entryOffset(position: section.position) + BitBlobSection.reservedFieldOffset
                        + byte,
                    value: UInt8(truncatingIfNeeded: section.reserved >> UInt32(8 * byte)))
            }
            guard section.offset % UInt64(BitBlobFormat.sectionAlignment) == 0 else {
                throw .sectionMisaligned(section)
            }
            guard section.offset >= UInt64(tableEnd) else { throw .sectionInsideTable(section, tableEnd: tableEnd) }
            guard section.offset >= UInt64(previousEnd) else { throw .sectionOverlap(section, previousEnd: previousEnd) }
            guard section.offset <= fileSize, section.length <= fileSize - section.offset else {
                throw .sectionOutOfBounds(section, fileSize: file.count)
            }
            previousEnd = Int(section.offset + section.length)
        }
        previousEnd = tableEnd
        for section in self {
            try checkPadding(previousEnd..<Int(section.offset))
            let computed = CRC32.checksum(bytes(of: section))
            guard computed == section.crc else { throw .sectionCRC(section, computed: computed) }
            previousEnd = Int(section.offset + section.length)
        }
        try checkPadding(previousEnd..<file.count)
    }

    private func checkPadding(_ range: Range<Int>) throws(BitBlobError) {
        if let offset = file.firstNonZero(in: range) {
            throw .nonZeroPadding(offset: offset, value: file[offset])
        }
    }
}
