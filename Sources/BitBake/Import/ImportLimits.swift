/// Caps on sizes that a file declares, checked before anything is allocated from them.
///
/// Every other length, offset and count is checked against the bytes the file really has, so a
/// corrupted file costs at most memory proportional to its own size. These caps bound what a valid
/// file may ask for.
public struct ImportLimits: Hashable, Sendable {
    /// Bytes of a safetensors JSON header. The default, 100 MB, is the reference implementation's
    /// `MAX_HEADER_SIZE`.
    public var maximumSafetensorsHeaderBytes: Int
    /// Bytes of an `.npy` header. The default, 10 000, is numpy's own `max_header_size`.
    public var maximumNpyHeaderBytes: Int
    /// Uncompressed bytes of one `.npz` member, which is inflated into memory. Default 1 GiB.
    public var maximumArchiveMemberBytes: Int
    /// Dimensions of one tensor. The default, 64, is numpy's `NPY_MAXDIMS`.
    public var maximumRank: Int

    /// Limits with the given caps; each default is the one listed on its property.
    public init(
        maximumSafetensorsHeaderBytes: Int = 100_000_000,
        maximumNpyHeaderBytes: Int = 10_000,
        maximumArchiveMemberBytes: Int = 1 << 30,
        maximumRank: Int = 64
    ) {
        self.maximumSafetensorsHeaderBytes = maximumSafetensorsHeaderBytes
        self.maximumNpyHeaderBytes = maximumNpyHeaderBytes
        self.maximumArchiveMemberBytes = maximumArchiveMemberBytes
        self.maximumRank = maximumRank
    }

    /// The defaults listed above.
    public static let standard = ImportLimits()
}
