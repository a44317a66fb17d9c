import BitBlob

/// The structure of a ZIP archive (PKWARE APPNOTE 6.3), read from its central directory and
/// checked against the file before any member is extracted.
///
/// - The end-of-central-directory record is found by scanning back from the end; a zip64 locator
///   right before it switches to the zip64 end record's 64-bit counts and offsets.
/// - Zip64 extra fields are read in central and local headers. Multi-disk archives are refused.
/// - The central directory is authoritative for CRC and sizes, as in Python's `zipfile`; local
///   headers must agree with it unless they defer to a data descriptor (flag bit 3), which is then
///   not needed.
/// - Members must not overlap one another or the central directory, and names must be unique.
/// - Extraction (``withContents(of:limits:context:_:)``) bounds the uncompressed size by
///   ``ImportLimits/maximumArchiveMemberBytes`` and by deflate's maximum ratio, then checks the CRC.
///
/// The archive refers to `file` without copying it: use it only while `file` is valid.
struct ZipArchive {
    let members: [ZipMember]
    private let file: UnsafeRawBufferPointer

    private static let endRecordSignature: UInt32 = 0x0605_4B50
    private static let endRecordSize = 22
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let zip64LocatorSize = 20
    private static let zip64EndRecordSignature: UInt32 = 0x0606_4B50
    private static let zip64EndRecordSize = 56
    /// Deflate emits at most 258 bytes per 2 bits of input: 1032 bytes out per byte in.
    private static let deflateMaximumRatio = 1032

    init(_ file: UnsafeRawBufferPointer, context: ErrorContext) throws(ModelFileError) {
        self.file = file
        let directory = try Self.locateCentralDirectory(file, context: context)
        guard let entries = file.checkedSlice(offset: directory.offset, count: directory.size),
              directory.offset + directory.size <= directory.recordsStart
        else {
            throw context.error(.inconsistent, "central directory of \(directory.size) bytes at offset \(directory.offset) runs past the end records at \(directory.recordsStart)")
        }
        let (minimumSize, overflow) = directory.entryCount.multipliedReportingOverflow(by: ZipMember.centralEntryFixedSize)
        guard !overflow, minimumSize <= directory.size else {
            throw context.error(.inconsistent, "end record claims \(directory.entryCount) members, more than a central directory of \(directory.size) bytes holds")
        }

        var members: [ZipMember] = []
        var names: Set<String> = []
        var entryOffset = 0
        for index in 0..<directory.entryCount {
            var entrySize = 0
            let member = try ZipMember(
                centralEntry: UnsafeRawBufferPointer(rebasing: entries[entryOffset...]), entrySize: &entrySize,
                file: file, centralDirectoryOffset: directory.offset, index: index, context: context)
            guard names.insert(member.name).inserted else {
                throw context.error(.inconsistent, "member '\(member.name)' appears twice")
            }
            members.append(member)
            entryOffset += entrySize
        }
        try Self.checkNoOverlap(members, context: context)
        self.members = members
    }

    /// Calls `body` with the member's uncompressed bytes, after checking size limits and CRC-32.
    func withContents<Value>(
        of member: ZipMember, limits: ImportLimits, context: ErrorContext,
        _ body: (UnsafeRawBufferPointer) throws(ModelFileError) -> Value
    ) throws(ModelFileError) -> Value {
        guard member.uncompressedSize <= limits.maximumArchiveMemberBytes else {
            throw context.error(.limitExceeded, "uncompressed size \(member.uncompressedSize) exceeds the limit of \(limits.maximumArchiveMemberBytes) bytes")
        }
        let compressed = UnsafeRawBufferPointer(rebasing: file[member.dataRange])
        switch member.compression {
        case .stored:
            guard member.compressedSize == member.uncompressedSize else {
                throw context.error(.inconsistent, "stored member has compressed size \(member.compressedSize) but uncompressed size \(member.uncompressedSize)")
            }
            try Self.checkCRC(compressed, member: member, context: context)
            return try body(compressed)
        case .deflated:
            // One byte of allowance covers the stream's block headers; compressedSize fits in the file.
            let (ratioBound, overflow) = (member.compressedSize + 1).multipliedReportingOverflow(by: Self.deflateMaximumRatio)
            guard overflow || member.uncompressedSize <= ratioBound else {
                throw context.error(.inconsistent, "declares \(member.uncompressedSize) bytes inflated from \(member.compressedSize), more than deflate can produce")
            }
            let inflated = try Inflater.inflate(compressed, expectedCount: member.uncompressedSize, context: context)
            // Array.withUnsafeBytes rethrows untyped errors; carry the typed one out in a Result.
            let outcome = inflated.withUnsafeBytes { bytes in
                Result { () throws(ModelFileError) -> Value in
                    try Self.checkCRC(bytes, member: member, context: context)
                    return try body(bytes)
                }
            }
            return try outcome.get()
        }
    }

    private static func checkCRC(_ bytes: UnsafeRawBufferPointer, member: ZipMember, context: ErrorContext) throws(ModelFileError) {
        let actual = CRC32.checksum(bytes)
        guard actual == member.crc32 else {
            throw context.error(.inconsistent, "CRC-32 of the contents is \(actual.crcDescription), the archive declares \(member.crc32.crcDescription)")
        }
    }

    /// Each member's local header and data must end before the next member's local header begins.
    private static func checkNoOverlap(_ members: [ZipMember], context: ErrorContext) throws(ModelFileError) {
        let ordered = members.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
        for (first, second) in zip(ordered, ordered.dropFirst()) where first.dataRange.upperBound > second.localHeaderOffset {
            throw context.error(.inconsistent, "members '\(first.name)' (bytes \(first.localHeaderOffset)..<\(first.dataRange.upperBound)) and '\(second.name)' (from byte \(second.localHeaderOffset)) overlap")
        }
    }

    /// Where the central directory is, how many entries it has, and where the end records begin.
    private static func locateCentralDirectory(
        _ file: UnsafeRawBufferPointer, context: ErrorContext
    ) throws(ModelFileError) -> (offset: Int, size: Int, entryCount: Int, recordsStart: Int) {
        guard let endOffset = findEndRecord(file) else {
            throw context.error(.malformed, "no end-of-central-directory record: not a ZIP archive, or truncated")
        }
        let end = UnsafeRawBufferPointer(rebasing: file[endOffset...])
        if let locator = file.checkedSlice(offset: endOffset - zip64LocatorSize, count: zip64LocatorSize),
           locator.littleEndian(UInt32.self, at: 0) == zip64LocatorSignature {
            return try readZip64EndRecord(file, locator: locator, locatorOffset: endOffset - zip64LocatorSize, context: context)
        }
        guard end.littleEndian(UInt16.self, at: 4) == 0, end.littleEndian(UInt16.self, at: 6) == 0,
              end.littleEndian(UInt16.self, at: 8) == end.littleEndian(UInt16.self, at: 10)
        else {
            throw context.error(.unsupported, "multi-disk (split) archives are not supported")
        }
        return (offset: Int(end.littleEndian(UInt32.self, at: 16)), size: Int(end.littleEndian(UInt32.self, at: 12)),
                entryCount: Int(end.littleEndian(UInt16.self, at: 10)), recordsStart: endOffset)
    }

    private static func readZip64EndRecord(
        _ file: UnsafeRawBufferPointer, locator: UnsafeRawBufferPointer, locatorOffset: Int, context: ErrorContext
    ) throws(ModelFileError) -> (offset: Int, size: Int, entryCount: Int, recordsStart: Int) {
        guard locator.littleEndian(UInt32.self, at: 4) == 0, locator.littleEndian(UInt32.self, at: 16) == 1 else {
            throw context.error(.unsupported, "multi-disk (split) archives are not supported")
        }
        let recordOffset = locator.littleEndian(UInt64.self, at: 8)
        guard let offset = Int(exactly: recordOffset),
              let record = file.checkedSlice(offset: offset, count: zip64EndRecordSize),
              offset + zip64EndRecordSize <= locatorOffset,
              record.littleEndian(UInt32.self, at: 0) == zip64EndRecordSignature
        else {
            throw context.error(.malformed, "zip64 locator points to offset \(recordOffset), where there is no zip64 end record")
        }
        guard record.littleEndian(UInt32.self, at: 16) == 0, record.littleEndian(UInt32.self, at: 20) == 0,
              record.littleEndian(UInt64.self, at: 24) == record.littleEndian(UInt64.self, at: 32)
        else {
            throw context.error(.unsupported, "multi-disk (split) archives are not supported")
        }
        let count = record.littleEndian(UInt64.self, at: 32)
        let size = record.littleEndian(UInt64.self, at: 40)
        let directoryOffset = record.littleEndian(UInt64.self, at: 48)
        guard let entryCount = Int(exactly: count), let directorySize = Int(exactly: size),
              let directoryStart = Int(exactly: directoryOffset)
        else {
            throw context.error(.inconsistent, "zip64 end record values (\(count) members, \(size) bytes at \(directoryOffset)) are out of range")
        }
        return (offset: directoryStart, size: directorySize, entryCount: entryCount, recordsStart: offset)
    }

    /// The end record is the last 22 bytes plus a comment of up to 65535 bytes; it is the record
    /// whose comment length reaches exactly to the end of the file.
    private static func findEndRecord(_ file: UnsafeRawBufferPointer) -> Int? {
        guard file.count >= endRecordSize else { return nil }
        let lowest = max(0, file.count - endRecordSize - Int(UInt16.max))
        for offset in stride(from: file.count - endRecordSize, through: lowest, by: -1)
        where file.littleEndian(UInt32.self, at: offset) == endRecordSignature
            && Int(file.littleEndian(UInt16.self, at: offset + 20)) == file.count - offset - endRecordSize {
            return offset
        }
        return nil
    }
}

extension UInt32 {
    /// A CRC-32 as messages show it: `0x` and eight hex digits.
    var crcDescription: String {
        let digits = String(self, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
