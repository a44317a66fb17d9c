import BitBlob
import BitCore
import Foundation

extension BakeSpec {
    /// The keys a spec may hold at the top level and in each layer.
    static let topLevelKeys = [
        "layers", "activation", "weight_granularity", "activation_dtype", "activation_granularity", "packing",
    ]
    static let layerKeys = ["weight", "bias", "activation"]

    /// Reads a spec file.
    ///
    /// - Throws: `BakeError` naming the file and the key: unreadable file, invalid JSON, an
    ///   unknown or repeated key, a value of the wrong type, an unknown option value.
    public init(contentsOf url: URL) throws(BakeError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw BakeError("\(url.relativePath): cannot read the spec: \(FileErrorText.describe(error))")
        }
        try self.init(json: data, fileName: url.relativePath)
    }

    /// Parses spec JSON held in memory; `fileName` is what errors call it.
    public init(json: Data, fileName: String) throws(BakeError) {
        self.init(fileName: fileName)
        let parsed = json.withUnsafeBytes { bytes in
            Result { () throws(SyntaxError) in try JSONParser.parse(bytes) }
        }
        guard case .success(let value) = parsed else {
            if case .failure(let error) = parsed {
                throw BakeError("\(fileName): not valid JSON at byte \(error.offset): \(error.reason)")
            }
            return
        }
        let members = try object(value, key: "top level", allowed: Self.topLevelKeys)
        for (key, value) in members {
            switch key {
            case "layers": layers = try readLayers(value)
            case "activation": activation = try readActivation(value, key: key)
            case "weight_granularity":
                weightGranularity = try option(value, key: key) { (text) throws(BitQuantConfigError) in
                    try .init(parsing: text)
                }
            case "activation_dtype":
                activationDType = try option(value, key: key) { (text) throws(BitQuantConfigError) in
                    try .init(parsing: text)
                }
            case "activation_granularity":
                activationGranularity = try option(value, key: key) { (text) throws(BitQuantConfigError) in
                    try .init(parsing: text)
                }
            default:
                packing = try option(value, key: key) { (text) throws(BitQuantConfigError) in try .init(parsing: text) }
            }
        }
    }

    private func readLayers(_ value: JSONValue) throws(BakeError) -> [Layer] {
        guard case .array(let elements) = value else {
            throw error("layers", "expected an array of layers, found \(value.summary)")
        }
        guard !elements.isEmpty else {
            throw error("layers", "is empty; leave the key out to infer the layers from the tensor names")
        }
        var layers: [Layer] = []
        for (index, element) in elements.enumerated() {
            let key = "layers[\(index)]"
            let members = try object(element, key: key, allowed: Self.layerKeys)
            var weight: String?
            var layer = Layer(weight: "")
            for (name, value) in members {
                switch name {
                case "weight": weight = try string(value, key: "\(key).weight")
                case "bias": layer.bias = try string(value, key: "\(key).bias")
                default: layer.activation = try readActivation(value, key: "\(key).activation")
                }
            }
            guard let weight else { throw error(key, "missing key 'weight' (the layer's [out, in] weight tensor)") }
            layer.weight = weight
            layers.append(layer)
        }
        return layers
    }

    private func readActivation(_ value: JSONValue, key: String) throws(BakeError) -> LayerActivation {
        let name = try string(value, key: key)
        guard let activation = LayerActivation(name: name) else {
            throw error(key, "unknown activation '\(name)' (expected relu or none)")
        }
        return activation
    }

    private func option<Value>(
        _ value: JSONValue, key: String, parse: (String) throws(BitQuantConfigError) -> Value
    ) throws(BakeError) -> Value {
        let text = try string(value, key: key)
        do {
            return try parse(text)
        } catch {
            throw self.error(key, error.description)
        }
    }

    private func string(_ value: JSONValue, key: String) throws(BakeError) -> String {
        guard case .string(let text) = value else { throw error(key, "expected a string, found \(value.summary)") }
        return text
    }

    /// The members of a JSON object, after checking every key is known and appears once.
    private func object(_ value: JSONValue, key: String, allowed: [String]) throws(BakeError) -> [(String, JSONValue)] {
        guard case .object(let members) = value else { throw error(key, "expected an object, found \(value.summary)") }
        var seen: Set<String> = []
        var result: [(String, JSONValue)] = []
        for member in members {
            let path = key == "top level" ? member.key : "\(key).\(member.key)"
            guard allowed.contains(member.key) else {
                throw error(path, "unknown key (expected \(allowed.joined(separator: ", ")))")
            }
            guard seen.insert(member.key).inserted else { throw error(path, "appears twice") }
            result.append((member.key, member.value))
        }
        return result
    }
}
