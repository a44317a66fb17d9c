/// A parsed JSON value. Objects keep their members in document order, duplicates included, so a
/// reader can refuse duplicate keys (which most JSON libraries silently merge).
indirect enum JSONValue: Sendable {
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    /// A number as its literal text, so that integers convert exactly (see ``integer``).
    case number(String)
    case bool(Bool)
    case null

    /// The value as an `Int` when it is an integer literal (no fraction, no exponent) in range.
    var integer: Int? {
        guard case .number(let text) = self, !text.contains(where: { ".eE".contains($0) }) else { return nil }
        return Int(text)
    }

    /// The value as an array of integers, when it is an array and every element is an integer.
    var integers: [Int]? {
        guard case .array(let elements) = self else { return nil }
        var integers: [Int] = []
        for element in elements {
            guard let integer = element.integer else { return nil }
            integers.append(integer)
        }
        return integers
    }

    /// The value as it would appear in a message: short values verbatim, containers by kind.
    var summary: String {
        switch self {
        case .object: "an object"
        case .array(let elements): elements.count <= 8 ? "[\(elements.map(\.summary).joined(separator: ", "))]" : "an array of \(elements.count) values"
        case .string(let string): string.count <= 64 ? "\"\(string)\"" : "a string of \(string.count) characters"
        case .number(let text): text
        case .bool(let value): "\(value)"
        case .null: "null"
        }
    }
}

/// One `"key": value` pair of a JSON object.
struct JSONMember: Sendable {
    let key: String
    let value: JSONValue
}
