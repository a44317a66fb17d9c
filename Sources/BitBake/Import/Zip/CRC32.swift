import CZlib

/// The CRC-32 that ZIP (and `.bitblob` sections) use, computed by zlib.
enum CRC32 {
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = crc32(0, nil, 0)
        var offset = 0
        // zlib takes a 32-bit length; larger buffers go in chunks.
        while offset < bytes.count, let base = bytes.baseAddress {
            let chunk = min(bytes.count - offset, Int(UInt32.max))
            crc = crc32(crc, (base + offset).assumingMemoryBound(to: Bytef.self), uInt(chunk))
            offset += chunk
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
