/// How ternary weight codes are stored in bytes. docs/formats.md is the defining spec.
///
/// Both packings are *planar per row*: a row of `K` codes is cut into `weightsPerByte` planes of
/// `B = ceil(K / weightsPerByte)` consecutive codes, and byte `j` of the row holds code `j` of every
/// plane (weights `j`, `j + B`, `j + 2B`, ...). A SIMD load of 16 or 64 row bytes therefore decodes
/// into one register per plane whose activations are one contiguous load each; no shuffles, no
/// activation reordering, and any `K` works (the row pads by fewer than `weightsPerByte` codes).
public enum TernaryPacking: UInt8, Hashable, Sendable, CaseIterable {
    /// 2 bits per weight: four codes `q + 1` in bits 0-1, 2-3, 4-5, 6-7 of each byte.
    case i2 = 0
    /// 1.6 bits per weight: five trits per byte as a base-3 fixed-point fraction, decoded by
    /// multiply and shift (the encoding llama.cpp's TQ1_0 uses for its trits).
    case t3 = 1

    /// Codes stored per byte: 4 for `i2`, 5 for `t3`.
    public var weightsPerByte: Int {
        switch self {
        case .i2: return 4
        case .t3: return 5
        }
    }

    /// The lower-case name used on the command line and in reports: `i2` or `t3`.
    public var name: String {
        switch self {
        case .i2: return "i2"
        case .t3: return "t3"
        }
    }

    /// Parses `i2` or `t3` (case-insensitive ASCII).
    public init(parsing text: String) throws(BitQuantConfigError) {
        let lowered = String(decoding: text.utf8.map { $0 | 0x20 }, as: UTF8.self)
        if let match = Self.allCases.first(where: { $0.name.utf8.elementsEqual(lowered.utf8) }) {
            self = match
        } else {
            throw .unknownValue(field: "packing", value: text, expected: "i2 or t3")
        }
    }
}

/// The shape of a packed ternary matrix: `rows` outputs by `columns` inputs, row-major.
///
/// Every size is computed with overflow checks when the layout is made, so code that holds a
/// layout can index with plain arithmetic.
public struct TernaryMatrixLayout: Hashable, Sendable {
    public let packing: TernaryPacking
    /// Output features (`N`).
    public let rows: Int
    /// Input features (`K`).
    public let columns: Int
    /// Bytes per packed row: `ceil(columns / weightsPerByte)`; also the plane stride in codes.
    public let bytesPerRow: Int
    /// `bytesPerRow * weightsPerByte`: the length an activation vector must have (the extra
    /// entries multiply weights whose code is 0, so their values do not matter).
    public let paddedColumns: Int
    /// `rows * bytesPerRow`.
    public let byteCount: Int

    /// The largest number of columns a layout accepts. Bounds the int32 accumulator:
    /// `2^20 * 128 < 2^31`, so no ternary-by-int8 dot product can overflow.
    public static let maximumColumns = 1 << 20

    /// Makes a layout, checking that every size fits.
    ///
    /// - Throws: `BitCoreError` when a dimension is not positive, `columns` exceeds
    ///   `maximumColumns`, or the byte count overflows `Int`.
    public init(packing: TernaryPacking, rows: Int, columns: Int) throws(BitCoreError) {
        guard rows > 0 else { throw .nonPositiveDimension(name: "rows", value: rows) }
        guard columns > 0 else { throw .nonPositiveDimension(name: "columns", value: columns) }
        guard columns <= Self.maximumColumns else {
            throw .tooManyColumns(columns: columns, maximum: Self.maximumColumns)
        }
        let perByte = packing.weightsPerByte
        let bytesPerRow = (columns + perByte - 1) / perByte
        let (byteCount, overflow) = rows.multipliedReportingOverflow(by: bytesPerRow)
        guard !overflow else { throw .sizeOverflow(rows: rows, columns: columns) }
        self.packing = packing
        self.rows = rows
        self.columns = columns
        self.bytesPerRow = bytesPerRow
        self.paddedColumns = bytesPerRow * perByte
        self.byteCount = byteCount
    }

    /// Weight codes in the matrix (`rows * columns`, without padding).
    public var weightCount: Int { rows * columns }
}
