import BitBlob
import BitCore
import BitLayers
import Foundation
@testable import BitBake

/// The digits example under Targets/examples/digits: the float model, its data and the NumPy
/// reference outputs (`reference.py`), found relative to this source file.
enum DigitsExample {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Targets/examples/digits")

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    static let modelURL = url("digits-mlp.safetensors")

    /// The float model with its inferred layer chain (0.weight, 2.weight, 4.weight).
    static func model() throws -> FloatModelFile { try FloatModelFile(url: modelURL, spec: nil) }

    static func testSet() throws -> DataFile {
        try DataFile(contentsOf: url("digits-test.safetensors"), requireLabels: true)
    }

    static func trainingInputs() throws -> Matrix {
        try DataFile(contentsOf: url("digits-train.safetensors"), y: nil, requireLabels: false).inputs
    }

    /// NumPy's codes and scales (`reference.py --dump-weights`).
    static func weightReference() throws -> ModelFile { try ModelFile(contentsOf: url("digits-weights-reference.safetensors")) }

    /// NumPy's fake-quant logits and calibrated static scales (`reference.py --dump-logits`).
    static func logitReference() throws -> ModelFile { try ModelFile(contentsOf: url("digits-test-reference.safetensors")) }

    /// Bakes the example model; per_tensor activations calibrate on the training split, as the
    /// reference does.
    static func bake(
        _ weights: BitQuantConfig.WeightGranularity, _ activations: BitQuantConfig.ActivationGranularity,
        packing: TernaryPacking = .t3
    ) throws -> (model: FloatModelFile, baked: BakedModel, blob: BlobBuffer) {
        let source = try model()
        var options = BakeOptions(
            config: BitQuantConfig(weightGranularity: weights, activationGranularity: activations), packing: packing)
        if activations == .perTensor {
            options.calibration = try trainingInputs()
            options.calibrationSource = "digits-train.safetensors"
        }
        let baked = try Baker.bake(
            source.model, options: options, sourceName: "digits-mlp.safetensors", sourceSHA256: source.sha256)
        return (source, baked, try BlobBuffer(fileBytes: baked.blob, name: "digits.bitblob"))
    }
}

/// The first index of the largest value in each row of a row-major `rows x columns` array.
func argmaxOfRows(_ values: [Float], columns: Int) -> [Int] {
    stride(from: 0, to: values.count, by: columns).map { start in
        var best = start
        for index in start..<(start + columns) where values[index] > values[best] { best = index }
        return best - start
    }
}

/// How many positions of `a` and `b` hold the same value.
func matches(_ a: [Int], _ b: [Int]) -> Int { zip(a, b).filter { $0 == $1 }.count }
