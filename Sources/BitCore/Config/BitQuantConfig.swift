/// How a BitLinear layer quantizes its weights and activations.
///
/// The defaults are the BitNet b1.58 recipe: one absmean scale for the whole weight matrix and int8
/// activations with one absmax scale per input vector, computed at run time.
///
/// ```swift
/// var config = BitQuantConfig()                       // per_tensor / int8 / per_token
/// config.weightGranularity = try .init(parsing: "per_channel")
/// let fromStrings = try BitQuantConfig(
///     weightGranularity: "per_tensor", activationDType: "int8", activationGranularity: "per_channel")
/// ```
///
/// The original Python library spells the per-vector activation granularity `per_channel`; it is
/// accepted as another name for `per_token`.
public struct BitQuantConfig: Hashable, Sendable {
    /// How many absmean scales a weight matrix has.
    public enum WeightGranularity: UInt8, Hashable, Sendable, CaseIterable {
        /// One scale for the whole matrix (`per_tensor`).
        case perTensor = 0
        /// One scale per output row (`per_channel`).
        case perChannel = 1
    }

    /// Whether activations are quantized at all.
    public enum ActivationDType: UInt8, Hashable, Sendable, CaseIterable {
        /// Activations stay float (training and reference only; not integer-only).
        case float32 = 0
        /// Activations are quantized to int8 codes with an absmax scale.
        case int8 = 1
    }

    /// How many absmax scales an activation has.
    public enum ActivationGranularity: UInt8, Hashable, Sendable, CaseIterable {
        /// One static scale per layer input, calibrated at bake time (`per_tensor`).
        case perTensor = 0
        /// One dynamic scale per input vector, computed at run time (`per_token`, also `per_channel`).
        case perToken = 1
    }

    public var weightGranularity: WeightGranularity
    public var activationDType: ActivationDType
    public var activationGranularity: ActivationGranularity

    /// Creates a config; the defaults are the BitNet b1.58 recipe.
    public init(
        weightGranularity: WeightGranularity = .perTensor,
        activationDType: ActivationDType = .int8,
        activationGranularity: ActivationGranularity = .perToken
    ) {
        self.weightGranularity = weightGranularity
        self.activationDType = activationDType
        self.activationGranularity = activationGranularity
    }

    /// Creates a config from the snake_case names the Python library uses.
    ///
    /// - Throws: `BitQuantConfigError.unknownValue` naming the field and the value it did not know.
    public init(
        weightGranularity: String, activationDType: String, activationGranularity: String
    ) throws(BitQuantConfigError) {
        self.init(
            weightGranularity: try WeightGranularity(parsing: weightGranularity),
            activationDType: try ActivationDType(parsing: activationDType),
            activationGranularity: try ActivationGranularity(parsing: activationGranularity))
    }

    /// True when the layer runs on the integer path (int8 activations).
    public var isIntegerOnly: Bool { activationDType == .int8 }
}

/// A quant config value that could not be parsed.
public enum BitQuantConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `field` does not accept `value`; `expected` lists the names it does accept.
    case unknownValue(field: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .unknownValue(let field, let value, let expected):
            return "unknown \(field) '\(value)' (expected \(expected))"
        }
    }
}

extension BitQuantConfig.WeightGranularity {
    /// The snake_case name: `per_tensor` or `per_channel`.
    public var name: String {
        switch self {
        case .perTensor: return "per_tensor"
        case .perChannel: return "per_channel"
        }
    }

    /// Parses `per_tensor` or `per_channel`.
    public init(parsing text: String) throws(BitQuantConfigError) {
        if let match = Self.allCases.first(where: { $0.name.utf8.elementsEqual(text.utf8) }) {
            self = match
        } else {
            throw .unknownValue(
                field: "weight granularity", value: text, expected: "per_tensor or per_channel")
        }
    }
}

extension BitQuantConfig.ActivationDType {
    /// The snake_case name: `float32` or `int8`.
    public var name: String {
        switch self {
        case .float32: return "float32"
        case .int8: return "int8"
        }
    }

    /// Parses `float32` or `int8`.
    public init(parsing text: String) throws(BitQuantConfigError) {
        if let match = Self.allCases.first(where: { $0.name.utf8.elementsEqual(text.utf8) }) {
            self = match
        } else {
            throw .unknownValue(field: "activation dtype", value: text, expected: "float32 or int8")
        }
    }
}

extension BitQuantConfig.ActivationGranularity {
    /// The snake_case name: `per_tensor` or `per_token`.
    public var name: String {
        switch self {
        case .perTensor: return "per_tensor"
        case .perToken: return "per_token"
        }
    }

    /// Parses `per_tensor`, `per_token`, or the Python library's `per_channel` (= `per_token`).
    public init(parsing text: String) throws(BitQuantConfigError) {
        if text.utf8.elementsEqual("per_channel".utf8) {
            self = .perToken
        } else if let match = Self.allCases.first(where: { $0.name.utf8.elementsEqual(text.utf8) }) {
            self = match
        } else {
            throw .unknownValue(
                field: "activation granularity", value: text,
                expected: "per_tensor, per_token or per_channel")
        }
    }
}

extension BitQuantConfig: CustomStringConvertible {
    /// `weights=per_tensor activations=int8/per_token`.
    public var description: String {
        "weights=\(weightGranularity.name) activations=\(activationDType.name)/\(activationGranularity.name)"
    }
}
