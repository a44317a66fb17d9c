/// The activation that follows a layer, as `LAYR` stores it.
public enum LayerActivation: UInt8, Hashable, Sendable, CaseIterable {
    case none = 0
    case relu = 1
}
