/// One member of a ZIP archive, as its central directory entry and local header describe it,
/// with the two checked against each other and against the file.
struct ZipMember: Sendable {
    enum Compression: UInt16, Sendable {
        case stored = 0
        case deflated = 8
    }

    let name: String
    let compression: Compression
    let crc32: UInt32
    let compressedSize: Int
    let uncompressedSize: Int
    let localHeaderOffset: Int
    /// Where the compressed bytes lie in the file.
    let dataRange: Range<Int>

    static let centralEntrySignature: UInt32 = 0x0201_4B50
    static let localHeaderSignature: UInt32 = 0x0403_4B50
    static let centralEntryFixedSize = 46
    private static let localHeaderFixedSize = 30
    private static let zip64Sentinel: UInt32 = 0xFFFF_FFFF

    /// Reads the central directory entry at the start of `entry`, then the member's local header.
    ///
    /// - Parameters:
    ///   - entry: the central directory from this entry's first byte to its end.
    ///   - entrySize: set to the entry's size, to find the next one.
    ///   - centralDirectoryOffset: where member data must end at the latest.
    init(
        centralEntry entry: UnsafeRawBufferPointer, entrySize: inout Int, file: UnsafeRawBufferPointer,
        centralDirectoryOffset: Int, index: Int, context: ErrorContext
    ) throws(ModelFileError) {
        guard let fixed = entry.checkedSlice(offset: 0, count: Self.centralEntryFixedSize) else {
            throw context.error(.truncated, "central directory entry \(index) is cut off")
        }
        guard fixed.littleEndian(UInt32.self, at: 0) == Self.centralEntrySignature else {
            throw context.error(.malformed, "central directory entry \(index) has no valid signature")
        }
        let flags = fixed.littleEndian(UInt16.self, at: 8)
        let method = fixed.littleEndian(UInt16.self, at: 10)
        let nameLength = Int(fixed.littleEndian(UInt16.self, at: 28))
        let extraLength = Int(fixed.littleEndian(UInt16.self, at: 30))
        let commentLength = Int(fixed.littleEndian(UInt16.self, at: 32))
        entrySize = Self.centralEntryFixedSize + nameLength + extraLength + commentLength
        guard let nameBytes = entry.checkedSlice(offset: Self.centralEntryFixedSize, count: nameLength),
              let extra = entry.checkedSlice(offset: Self.centralEntryFixedSize + nameLength, count: extraLength),
              entry.count >= entrySize
        else {
            throw context.error(.truncated, "central directory entry \(index) runs past the end of the central directory")
        }
        let name = try Self.decodeName(nameBytes, isUTF8: flags & 0x0800 != 0, index: index, context: context)
        let context = context.narrowed(to: "member '\(name)'")

        // Bit 0: encrypted; bit 6: strong encryption.
        guard flags & 0x0041 == 0 else {
            throw context.error(.unsupported, "is encrypted; BitBake reads unencrypted archives")
        }
        guard let compression = Compression(rawValue: method) else {
            throw context.error(.unsupported, "compression method \(method); BitBake reads stored (0) and deflated (8) members")
        }
        let values = try Self.resolveZip64(
            [fixed.littleEndian(UInt32.self, at: 24), fixed.littleEndian(UInt32.self, at: 20), fixed.littleEndian(UInt32.self, at: 42)],
            extra: extra, context: context)
        let sizes = (uncompressed: try Self.int(values[0], "uncompressed size", context),
                     compressed: try Self.int(values[1], "compressed size", context))
        let localHeaderOffset = try Self.int(values[2], "local header offset", context)
        let crc32 = fixed.littleEndian(UInt32.self, at: 16)

        let dataOffset = try Self.checkLocalHeader(
            at: localHeaderOffset, in: file, name: nameBytes, method: method, crc32: crc32,
            uncompressedSize: sizes.uncompressed, compressedSize: sizes.compressed, context: context)
        guard file.checkedSlice(offset: dataOffset, count: sizes.compressed) != nil,
              dataOffset + sizes.compressed <= centralDirectoryOffset
        else {
            throw context.error(.inconsistent, "\(sizes.compressed) compressed bytes from offset \(dataOffset) run into the central directory at \(centralDirectoryOffset)")
        }

        self.name = name
        self.compression = compression
        self.crc32 = crc32
        self.compressedSize = sizes.compressed
        self.uncompressedSize = sizes.uncompressed
        self.localHeaderOffset = localHeaderOffset
        self.dataRange = dataOffset..<(dataOffset + sizes.compressed)
    }

    /// Checks that the local header repeats the central directory's name and method, and (unless
    /// it defers to a data descriptor, flag bit 3) its CRC and sizes; returns where the data begins.
    private static func checkLocalHeader(
        at offset: Int, in file: UnsafeRawBufferPointer, name: UnsafeRawBufferPointer, method: UInt16,
        crc32: UInt32, uncompressedSize: Int, compressedSize: Int, context: ErrorContext
    ) throws(ModelFileError) -> Int {
        guard let local = file.checkedSlice(offset: offset, count: localHeaderFixedSize),
              local.littleEndian(UInt32.self, at: 0) == localHeaderSignature
        else {
            throw context.error(.malformed, "no local header at offset \(offset)")
        }
        let nameLength = Int(local.littleEndian(UInt16.self, at: 26))
        let extraLength = Int(local.littleEndian(UInt16.self, at: 28))
        guard let localName = file.checkedSlice(offset: offset + localHeaderFixedSize, count: nameLength),
              let localExtra = file.checkedSlice(offset: offset + localHeaderFixedSize + nameLength, count: extraLength),
              localName.elementsEqual(name), local.littleEndian(UInt16.self, at: 8) == method
        else {
            throw context.error(.inconsistent, "local header at offset \(offset) disagrees with the central directory on name or compression method")
        }
        let hasDataDescriptor = local.littleEndian(UInt16.self, at: 6) & 0x0008 != 0
        if !hasDataDescriptor {
            let localSizes = try resolveZip64(
                [local.littleEndian(UInt32.self, at: 22), local.littleEndian(UInt32.self, at: 18)],
                extra: localExtra, context: context)
            let localCRC = local.littleEndian(UInt32.self, at: 14)
            guard localCRC == crc32, localSizes == [UInt64(uncompressedSize), UInt64(compressedSize)] else {
                throw context.error(.inconsistent, "local header declares CRC \(localCRC.crcDescription) and sizes \(localSizes[1]) -> \(localSizes[0]), the central directory CRC \(crc32.crcDescription) and sizes \(compressedSize) -> \(uncompressedSize)")
            }
        }
        return offset + localHeaderFixedSize + nameLength + extraLength
    }

    /// Names are UTF-8 when flag bit 11 says so; otherwise they are CP437, of which we accept the
    /// ASCII part (numpy writes ASCII names).
    private static func decodeName(
        _ bytes: UnsafeRawBufferPointer, isUTF8: Bool, index: Int, context: ErrorContext
    ) throws(ModelFileError) -> String {
        guard isUTF8 || bytes.allSatisfy({ $0 < 0x80 }), let name = String(validating: bytes, as: UTF8.self) else {
            throw context.error(.unsupported, "central directory entry \(index) has a name that is neither ASCII nor flagged UTF-8")
        }
        return name
    }

    /// Replaces each 32-bit value that holds 0xFFFFFFFF with the next 64-bit value of the zip64
    /// extended-information extra field (header id 1), in the order the values are given.
    private static func resolveZip64(
        _ values: [UInt32], extra: UnsafeRawBufferPointer, context: ErrorContext
    ) throws(ModelFileError) -> [UInt64] {
        let needed = values.filter { $0 == zip64Sentinel }.count
        guard needed > 0 else { return values.map(UInt64.init) }
        var offset = 0
        while let recordHeader = extra.checkedSlice(offset: offset, count: 4) {
            let id = recordHeader.littleEndian(UInt16.self, at: 0)
            let size = Int(recordHeader.littleEndian(UInt16.self, at: 2))
            guard let record = extra.checkedSlice(offset: offset + 4, count: size) else {
                throw context.error(.malformed, "extra field record 0x\(String(id, radix: 16)) runs past the extra field")
            }
            if id == 0x0001 {
                guard record.count >= needed * 8 else {
                    throw context.error(.malformed, "zip64 extra field has \(record.count) bytes, fewer than the \(needed * 8) it must hold")
                }
                var next = 0
                return values.map { value in
                    guard value == zip64Sentinel else { return UInt64(value) }
                    defer { next += 8 }
                    return record.littleEndian(UInt64.self, at: next)
                }
            }
            offset += 4 + size
        }
        throw context.error(.malformed, "a size or offset is 0xFFFFFFFF but there is no zip64 extra field")
    }

    private static func int(_ value: UInt64, _ field: String, _ context: ErrorContext) throws(ModelFileError) -> Int {
        guard let int = Int(exactly: value) else {
            throw context.error(.inconsistent, "\(field) \(value) is out of range")
        }
        return int
    }
}
