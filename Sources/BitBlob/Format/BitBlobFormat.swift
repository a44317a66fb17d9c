import BitCore

// The reader hands out int32 and float32 arrays of the file in place, so the file's byte order
// must be the host's.
#if _endian(big)
#error("BitBlob maps little-endian .bitblob files in place and needs a little-endian host")
#endif

/// The constants of docs/bitblob.md, the defining spec of the `.bitblob` format.
public enum BitBlobFormat {
    /// `BITBLOB\0` read as a little-endian integer.
    public static let magic: UInt64 = 0x0042_4F4C_4254_4942
    /// The major version this module reads and writes.
    public static let majorVersion: UInt16 = 1
    /// The minor version this module writes.
    public static let minorVersion: UInt16 = 0
    /// Bytes in the header.
    public static let headerSize = 64
    /// Bytes in one section table entry.
    public static let sectionEntrySize = 32
    /// Every section starts at a multiple of this.
    public static let sectionAlignment = 64
    /// The most sections a blob may list.
    public static let maximumSectionCount = 4096
    /// The most layers a model may have.
    public static let maximumLayerCount = 64
    /// The most inputs a layer may have (`TernaryMatrixLayout.maximumColumns`).
    public static let maximumInputs = TernaryMatrixLayout.maximumColumns
    /// The most outputs a layer may have.
    public static let maximumOutputs = 1 << 24
    /// The largest magnitude of a stored shift.
    public static let maximumShift = 1024
    /// Bytes of a `MODL` or `LAYR` record.
    public static let recordSize = 64
    /// Bytes of a SHA-256 digest in `PROV`.
    public static let digestSize = 32
    /// The alignment the reader needs of the buffer it is given: int32 and float32 arrays are
    /// used in place. A page-aligned `mmap` (or any 64-byte aligned buffer) also gives every
    /// section a 64-byte aligned address.
    public static let bufferAlignment = MemoryLayout<Int32>.alignment

    /// `value` rounded up to a multiple of `sectionAlignment`.
    static func alignedOffset(_ value: Int) -> Int {
        (value + sectionAlignment - 1) / sectionAlignment * sectionAlignment
    }
}
