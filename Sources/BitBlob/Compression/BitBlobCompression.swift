import CZlib

/// The compressed container for distributing a blob (docs/bitblob.md, "Compressed container"):
/// a 24-byte header (`BITBLOBZ`, the uncompressed size, its CRC-32) and a zlib stream.
///
/// ```swift
/// let packed = try BitBlobCompression.compress(blob)                      // bake machine
///
/// let size = try BitBlobCompression.uncompressedSize(of: packed)          // device
/// let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
/// try BitBlobCompression.inflate(packed, into: memory)
/// let model = try BitBlobModel(validating: UnsafeRawBufferPointer(memory))
/// ```
public enum BitBlobCompression {
    /// `BITBLOBZ` read as a little-endian integer.
    public static let magic: UInt64 = 0x5A42_4F4C_4254_4942
    /// Bytes before the zlib stream.
    public static let headerSize = 24
    /// The largest uncompressed size a container may declare, 2^40.
    public static let maximumUncompressedSize: UInt64 = 1 << 40
    /// The most bytes one byte of a deflate stream can inflate to (zlib's documented bound).
    static let maximumExpansion: UInt64 = 1032

    /// zlib moves at most this many bytes per call (its counts are 32-bit).
    private static let chunk = Int(UInt32.max)

    /// Wraps `blob` in the container, deflated at `level` (0 ... 9).
    ///
    /// The blob is not validated here; the loader validates what it inflates.
    ///
    /// - Throws: `BitBlobError.uncompressedSizeTooLarge`, or `.zlib` for a bad level or no memory.
    public static func compress(_ blob: [UInt8], level: Int32 = 9) throws(BitBlobError) -> [UInt8] {
        guard UInt64(blob.count) <= maximumUncompressedSize else {
            throw .uncompressedSizeTooLarge(declared: UInt64(blob.count), maximum: maximumUncompressedSize)
        }
        var stream = z_stream()
        let status = deflateInit_(&stream, level, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .zlib(function: "deflateInit", code: status) }
        defer { deflateEnd(&stream) }

        var header = ByteWriter(capacity: headerSize)
        header.write(magic)
        header.write(UInt64(blob.count))
        header.write(CRC32.checksum(blob))
        header.write(UInt32(0))
        let bound = Int(deflateBound(&stream, uLong(blob.count)))
        var output = header.bytes + [UInt8](repeating: 0, count: bound)
        var written = headerSize
        try blob.withUnsafeBufferPointer { (inputElements) throws(BitBlobError) in
            try output.withUnsafeMutableBufferPointer { (outputElements) throws(BitBlobError) in
                let input = UnsafeRawBufferPointer(inputElements)
                let destination = UnsafeMutableRawBufferPointer(outputElements)
                var consumed = 0
                while true {
                    let inputChunk = min(input.count - consumed, chunk)
                    let outputChunk = min(destination.count - written, chunk)
                    stream.next_in = UnsafeMutablePointer(mutating: bytePointer(input, consumed))
                    stream.avail_in = UInt32(inputChunk)
                    stream.next_out = bytePointer(destination, written)
                    stream.avail_out = UInt32(outputChunk)
                    let finish = consumed + inputChunk == input.count
                    let status = deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                    consumed += inputChunk - Int(stream.avail_in)
                    written += outputChunk - Int(stream.avail_out)
                    if status == Z_STREAM_END { return }
                    // The output has deflateBound's room, so every call makes progress.
                    guard status == Z_OK else { throw .zlib(function: "deflate", code: status) }
                }
            }
        }
        output.removeLast(output.count - written)
        return output
    }

    /// Whether `bytes` start with the container magic (`BITBLOBZ`); a plain blob does not.
    public static func isContainer(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 8 && bytes.loadUnaligned(as: UInt64.self) == magic.littleEndian
    }

    /// The size of the blob in a container, from its checked header: what `inflate` needs.
    ///
    /// - Throws: `BitBlobError.truncatedContainer`, `.badContainerMagic`, `.nonZeroReserved` or
    ///   `.uncompressedSizeTooLarge` (over 2^40, or over this platform's `Int`).
    public static func uncompressedSize(of compressed: UnsafeRawBufferPointer) throws(BitBlobError) -> Int {
        try readHeader(compressed).size
    }

    /// Inflates the blob in `compressed` into `destination`, which must be exactly
    /// `uncompressedSize(of:)` bytes, and checks its CRC-32. Validate the result with
    /// `BitBlobModel(validating:)` before using it.
    ///
    /// - Throws: the header errors of `uncompressedSize(of:)`; `.destinationSize`;
    ///   `.streamEndedEarly`, `.streamTooLong`, `.trailingData`, `.corruptStream` for a stream
    ///   that does not hold exactly the declared bytes; `.uncompressedCRC`; `.zlib` for no memory.
    public static func inflate(
        _ compressed: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer
    ) throws(BitBlobError) {
        let header = try readHeader(compressed)
        guard destination.count == header.size else {
            throw .destinationSize(expected: header.size, actual: destination.count)
        }
        var stream = z_stream()
        let status = inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .zlib(function: "inflateInit", code: status) }
        defer { inflateEnd(&stream) }

        let input = UnsafeRawBufferPointer(rebasing: compressed[headerSize...])
        var consumed = 0
        var produced = 0
        // Once the destination is full, one more byte of room tells a stream that runs long
        // from one that only has its end marker and checksum left.
        var overflow: UInt8 = 0
        while true {
            let inputChunk = min(input.count - consumed, chunk)
            stream.next_in = UnsafeMutablePointer(mutating: bytePointer(input, consumed))
            stream.avail_in = UInt32(inputChunk)
            let full = produced == header.size
            let outputChunk = full ? 1 : min(header.size - produced, chunk)
            let status = withUnsafeMutablePointer(to: &overflow) { overflowByte in
                stream.next_out = full ? overflowByte : bytePointer(destination, produced)
                stream.avail_out = UInt32(outputChunk)
                return CZlib.inflate(&stream, Z_NO_FLUSH)
            }
            consumed += inputChunk - Int(stream.avail_in)
            let made = outputChunk - Int(stream.avail_out)
            if full && made > 0 { throw .streamTooLong(expected: header.size) }
            produced += made
            switch status {
            case Z_STREAM_END:
                guard produced == header.size else {
                    throw .streamEndedEarly(produced: produced, expected: header.size)
                }
                guard consumed == input.count else { throw .trailingData(count: input.count - consumed) }
                let computed = CRC32.checksum(UnsafeRawBufferPointer(destination))
                guard computed == header.crc else { throw .uncompressedCRC(stored: header.crc, computed: computed) }
                return
            case Z_OK:
                continue
            case Z_BUF_ERROR where consumed == input.count:
                throw .streamEndedEarly(produced: produced, expected: header.size)
            case Z_DATA_ERROR, Z_NEED_DICT:
                throw .corruptStream(message: stream.msg.map { String(cString: $0) } ?? "needs a preset dictionary")
            default:
                throw .zlib(function: "inflate", code: status)
            }
        }
    }

    /// The checked container header: the uncompressed size and its CRC-32.
    private static func readHeader(
        _ compressed: UnsafeRawBufferPointer
    ) throws(BitBlobError) -> (size: Int, crc: UInt32) {
        guard compressed.count >= headerSize else { throw .truncatedContainer(size: compressed.count) }
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: compressed[0..<headerSize]), fileOffset: 0)
        let found = reader.read(UInt64.self)
        guard found == magic else { throw .badContainerMagic(found: found) }
        let declared = reader.read(UInt64.self)
        let crc = reader.read(UInt32.self)
        reader.skipReserved(4)
        if let (offset, value) = reader.nonZeroReserved {
            throw .nonZeroReserved(field: "container reserved bytes", offset: offset, value: value)
        }
        guard declared <= maximumUncompressedSize, let size = Int(exactly: declared) else {
            throw .uncompressedSizeTooLarge(declared: declared, maximum: maximumUncompressedSize)
        }
        // Deflate expands at most 1032:1, so a short stream cannot hold a huge blob: refuse the
        // size before a caller allocates it.
        let possible = UInt64(compressed.count - headerSize) * maximumExpansion
        guard declared <= possible else {
            throw .uncompressedSizeTooLarge(declared: declared, maximum: possible)
        }
        return (size, crc)
    }

    /// The byte `offset` bytes into `buffer`, as zlib's pointer type (nil for an empty buffer).
    private static func bytePointer(_ buffer: UnsafeRawBufferPointer, _ offset: Int) -> UnsafePointer<UInt8>? {
        buffer.baseAddress.map { ($0 + offset).assumingMemoryBound(to: UInt8.self) }
    }

    private static func bytePointer(_ buffer: UnsafeMutableRawBufferPointer, _ offset: Int) -> UnsafeMutablePointer<UInt8>? {
        buffer.baseAddress.map { ($0 + offset).assumingMemoryBound(to: UInt8.self) }
    }
}
