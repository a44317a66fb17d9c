import BitBlob

extension LayerActivation {
    /// The name reports, `inspect --json` and bake specs use: `relu` or `none`.
    public var name: String {
        switch self {
        case .none: return "none"
        case .relu: return "relu"
        }
    }

    /// Parses `relu`, or `none` (also spelled `identity` or `linear`); nil for anything else.
    public init?(name: String) {
        switch name {
        case "relu": self = .relu
        case "none", "identity", "linear": self = .none
        default: return nil
        }
    }
}
