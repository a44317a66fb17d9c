/// How many arena bytes an integer BitMLP needs (docs/bitblob.md, `MODL`): computed by the bake
/// tool, carried in the blob, recomputed and compared by the runtime.
///
/// For a batch of `B` vectors the runtime carves, from one caller buffer:
///
/// | region | bytes per vector |
/// |---|---|
/// | int8 input codes of the current layer | `roundUp(max paddedColumns, 64)` |
/// | int32 accumulators / layer outputs | `roundUp(4 * max rows, 64)` |
/// | per-vector scales (step, exponent, maximum) | 64 |
///
/// plus `baseBytes` (63) so that a buffer at any address can be aligned to 64 bytes.
///
/// ```swift
/// var plan = ArenaPlan()
/// for layout in layouts { plan.include(layout) }
/// let bytes = plan.bytes(batch: 1)      // what the runtime asks for
/// ```
public struct ArenaPlan: Hashable, Sendable {
    /// The alignment every region starts at.
    public static let alignment = 64
    /// Slack for aligning a buffer that starts anywhere.
    public static let baseBytes = alignment - 1
    /// Bytes reserved per vector for its scale record.
    public static let scaleRecordBytes = alignment

    /// The longest activation row of any layer (`paddedColumns`).
    public private(set) var maximumPaddedColumns = 0
    /// The most outputs of any layer.
    public private(set) var maximumRows = 0

    public init() {}

    /// Accounts for one layer.
    public mutating func include(_ layout: TernaryMatrixLayout) {
        maximumPaddedColumns = max(maximumPaddedColumns, layout.paddedColumns)
        maximumRows = max(maximumRows, layout.rows)
    }

    /// Bytes of the code region per vector.
    public var codeBytesPerVector: Int { Self.roundUp(maximumPaddedColumns) }
    /// Bytes of the accumulator region per vector.
    public var valueBytesPerVector: Int { Self.roundUp(4 * maximumRows) }

    /// Bytes each vector of a batch adds.
    public var bytesPerVector: Int { codeBytesPerVector + valueBytesPerVector + Self.scaleRecordBytes }

    /// The arena bytes for `batch` vectors, or nil when the batch is not positive or the size
    /// overflows.
    public func bytes(batch: Int) -> Int? {
        guard batch > 0 else { return nil }
        let (perBatch, overflow) = bytesPerVector.multipliedReportingOverflow(by: batch)
        guard !overflow, perBatch <= Int.max - Self.baseBytes else { return nil }
        return Self.baseBytes + perBatch
    }

    private static func roundUp(_ value: Int) -> Int {
        (value + alignment - 1) / alignment * alignment
    }
}
