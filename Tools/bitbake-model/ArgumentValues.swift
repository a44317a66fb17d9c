import ArgumentParser
import BitBake
import BitCore

// Option values parse with BitCore's own names, so a wrong value is a usage error (exit 64) that
// lists the accepted values.

extension BitQuantConfig.WeightGranularity: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = try? Self(parsing: argument) else { return nil }
        self = value
    }

    public static var allValueStrings: [String] { allCases.map(\.name) }
}

extension BitQuantConfig.ActivationGranularity: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = try? Self(parsing: argument) else { return nil }
        self = value
    }

    public static var allValueStrings: [String] { ["per_token", "per_tensor", "per_channel"] }
}

extension TernaryPacking: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = try? Self(parsing: argument) else { return nil }
        self = value
    }

    public static var allValueStrings: [String] { allCases.map(\.name) }
}

extension Engine: ExpressibleByArgument {}

extension BlobEncoding: ExpressibleByArgument {}
