/// A name for a generated Swift type: an identifier that is not a keyword and does not hide a
/// module or type the generated code uses.
public struct SwiftTypeName: Hashable, Sendable, CustomStringConvertible {
    public let description: String

    /// Checks `name`.
    ///
    /// - Throws: `BakeError` saying why `name` cannot be used.
    public init(_ name: String) throws(BakeError) {
        guard let first = name.unicodeScalars.first else { throw BakeError("the module name is empty") }
        let isHead = { (scalar: Unicode.Scalar) in scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        guard isHead(first), name.unicodeScalars.allSatisfy({ isHead($0) || ("0"..."9").contains($0) }) else {
            throw BakeError(
                "'\(name)' is not a Swift type name: use ASCII letters, digits and underscores, not starting with a digit")
        }
        guard !Self.reserved.contains(name) else {
            throw BakeError("'\(name)' is a Swift keyword or a name the generated code uses; choose another module name")
        }
        description = name
    }

    /// Keywords that cannot name a type, and the modules and types the generated code names.
    static let reserved: Set<String> = [
        "Any", "Self", "Type", "Protocol", "_",
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
        "inout", "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public",
        "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
        "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return",
        "throw", "switch", "where", "while", "as", "false", "is", "nil", "self", "super", "throws", "true",
        "try",
        "Swift", "BitBlob", "BitCore", "BitRuntime",
    ]
}
