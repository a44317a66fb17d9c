/// The four ASCII bytes that name what a section holds, stored as a little-endian `UInt32`.
public struct BitBlobSectionKind: Hashable, Sendable, CustomStringConvertible {
    /// The kind's four bytes read as a little-endian integer (`MODL` is `0x4C44_4F4D`).
    public let rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// The kind spelled by four ASCII characters.
    init(_ a: Unicode.Scalar, _ b: Unicode.Scalar, _ c: Unicode.Scalar, _ d: Unicode.Scalar) {
        rawValue = a.value | b.value << 8 | c.value << 16 | d.value << 24
    }

    /// `MODL`: the model record.
    public static let model = BitBlobSectionKind("M", "O", "D", "L")
    /// `LAYR`: one layer's record.
    public static let layer = BitBlobSectionKind("L", "A", "Y", "R")
    /// `WGHT`: one layer's packed weights.
    public static let weights = BitBlobSectionKind("W", "G", "H", "T")
    /// `WSCL`: one layer's weight multipliers and absmean scales.
    public static let weightScales = BitBlobSectionKind("W", "S", "C", "L")
    /// `BIAS`: one layer's bias mantissas.
    public static let bias = BitBlobSectionKind("B", "I", "A", "S")
    /// `PROV`: where the model came from.
    public static let provenance = BitBlobSectionKind("P", "R", "O", "V")

    /// How many per-layer kinds there are (`LAYR`, `WGHT`, `WSCL`, `BIAS`).
    static let perLayerKindCount = 4

    /// The per-layer kind in `slot` (0 ..< `perLayerKindCount`), in the order the writer emits them.
    init(perLayerSlot slot: Int) {
        switch slot {
        case 0: self = .layer
        case 1: self = .weights
        case 2: self = .weightScales
        default: self = .bias
        }
    }

    /// The kind's per-layer slot, or nil for a model-wide or unknown kind.
    var perLayerSlot: Int? {
        switch self {
        case .layer: return 0
        case .weights: return 1
        case .weightScales: return 2
        case .bias: return 3
        default: return nil
        }
    }

    /// The four characters, with bytes outside printable ASCII as `\xNN`.
    public var description: String {
        var text = ""
        for shift in stride(from: 0, to: 32, by: 8) {
            let byte = UInt8(truncatingIfNeeded: rawValue >> UInt32(shift))
            if byte >= 0x20 && byte < 0x7F {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + Hex.digits(byte)
            }
        }
        return text
    }
}
