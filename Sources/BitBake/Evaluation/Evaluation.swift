import BitBlob
import BitCore
import BitLayers
import BitModels

/// Accuracy of a baked model on labelled data and, given its float model, how it compares.
///
/// The JSON form (`bitbake-model eval --json`) is documented in docs/cli.md and stable: fields are
/// only ever added.
public struct EvaluationReport: Codable, Hashable, Sendable {
    /// Rows evaluated.
    public var rows: Int
    /// The integer engine that computed `accuracy`.
    public var engine: Engine
    /// Fraction of rows whose integer argmax equals the label.
    public var accuracy: Double
    /// Present when the float model was given.
    public var float: FloatComparison?

    public struct FloatComparison: Codable, Hashable, Sendable {
        /// The float model's accuracy.
        public var floatAccuracy: Double
        /// The float fake-quant reference's accuracy (BitNet b1.58 forward in float32 with the
        /// blob's codes and scales).
        public var fakeQuantAccuracy: Double
        /// Fraction of rows where the integer argmax equals the float model's.
        public var agreementWithFloat: Double
        /// Fraction of rows where the integer argmax equals the fake-quant reference's.
        public var agreementWithFakeQuant: Double
    }
}

public enum Evaluator {
    /// Evaluates `blob` on `data` (which must have labels) with `engine`; with `float`, also the
    /// float model and its fake-quant reference (using the blob's own static scales for
    /// `per_tensor` activations).
    ///
    /// - Throws: `BakeError` when the data has no labels, or naming the float model's file when its
    ///   layers do not match the blob's.
    public static func evaluate(
        _ blob: BlobBuffer, data: DataFile, engine: Engine, float: FloatModelFile?, progress: (Int) -> Void = { _ in }
    ) throws(BakeError) -> EvaluationReport {
        guard let labels = data.labels else { throw BakeError("the data has no labels to evaluate against") }
        let outputs = try engine.run(blob, inputs: data.inputs, progress: progress)
        var report = EvaluationReport(
            rows: labels.count, engine: engine, accuracy: fraction(outputs.classes, labels), float: nil)
        if let float {
            let floatClasses: [Int]
            let fakeQuant: [Int]
            do {
                // The fake-quant network first: it checks that the float model's layers are the blob's.
                fakeQuant = try fakeQuantNetwork(float.model, blob: blob.model).predict(data.inputs)
                floatClasses = try float.model.network(quantizedWith: nil).predict(data.inputs)
            } catch {
                throw BakeError("\(float.url.relativePath): \(error)")
            }
            report.float = EvaluationReport.FloatComparison(
                floatAccuracy: fraction(floatClasses, labels), fakeQuantAccuracy: fraction(fakeQuant, labels),
                agreementWithFloat: fraction(outputs.classes, floatClasses),
                agreementWithFakeQuant: fraction(outputs.classes, fakeQuant))
        }
        return report
    }

    /// The float fake-quant network of `float` under the blob's config, with the blob's static
    /// input scales.
    public static func fakeQuantNetwork(_ float: FloatMLP, blob: BitBlobModel) throws(BakeError) -> BitMLP {
        guard float.description.layers.count == blob.layerCount,
            zip(float.description.layers, 0..<blob.layerCount).allSatisfy({ layer, index in
                layer.inputs == blob.layer(index).layout.columns && layer.outputs == blob.layer(index).layout.rows
            })
        else {
            throw BakeError(
                "its layers (\(float.description.summary)) do not match the blob's; was the blob baked from it?")
        }
        var network = try float.network(quantizedWith: blob.config)
        network.setStaticInputScales((0..<blob.layerCount).map { blob.layer($0).staticInputScaleValue })
        return network
    }

    /// The fraction of positions where `a` and `b` agree.
    static func fraction(_ a: [Int], _ b: [Int]) -> Double {
        guard !a.isEmpty else { return 0 }
        return Double(zip(a, b).filter { $0 == $1 }.count) / Double(a.count)
    }
}
