import Foundation

extension EvaluationReport {
    /// The report as `eval` prints it.
    public var text: String {
        var lines = ["rows: \(rows)", "integer accuracy (\(engine.rawValue)): \(Formatting.percent(accuracy))"]
        if let float {
            lines.append("float accuracy: \(Formatting.percent(float.floatAccuracy))")
            lines.append("fake-quant reference accuracy: \(Formatting.percent(float.fakeQuantAccuracy))")
            lines.append("argmax agreement with float: \(Formatting.percent(float.agreementWithFloat))")
            lines.append("argmax agreement with fake-quant reference: \(Formatting.percent(float.agreementWithFakeQuant))")
        }
        return lines.joined(separator: "\n")
    }

    /// The report as one JSON object with sorted keys.
    public func jsonString() throws -> String {
        try JSONOutput.string(self)
    }
}

/// Stable JSON for `--json` outputs: sorted keys, pretty-printed.
enum JSONOutput {
    static func string(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

extension IntegerOutputs {
    /// `logits` (float32 `[rows, classes]`) and `argmax` (int64 `[rows]`) as a safetensors file.
    public func safetensorsFile() -> ModelFile {
        let rows = classes.count
        return ModelFile(tensors: [
            ModelFile.Tensor(name: "logits", shape: [rows, classCount], values: .float(floatLogits)),
            ModelFile.Tensor(name: "argmax", shape: [rows], values: .integer(classes.map(Int64.init))),
        ])
    }
}
