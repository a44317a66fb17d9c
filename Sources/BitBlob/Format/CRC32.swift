import CZlib

/// zlib's CRC-32: the checksum every `.bitblob` header, table and section carries, and the one ZIP
/// archives use.
public enum CRC32 {
    /// The CRC-32 of `bytes`. The corresponding C function is `crc32_z` (a `size_t` length).
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let start = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        return UInt32(truncatingIfNeeded: crc32_z(0, start, bytes.count))
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
