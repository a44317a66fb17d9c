import BitBake
import BitBlob
import BitLayers
import Foundation

/// Files in the source tree, found relative to this file.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    static let digitsModel = url("Targets/examples/digits/digits-mlp.safetensors")
    static let digitsTest = url("Targets/examples/digits/digits-test.safetensors")
}

/// Blobs baked as `bitbake-model` bakes them, and the digits test split.
enum DigitsData {
    /// The digits test split: 360 rows of 64 pixels, labelled.
    static let test: DataFile = try! DataFile(contentsOf: Repository.digitsTest, requireLabels: true)

    /// The digits model baked with the defaults (per_tensor weights, per_token activations, T3).
    static let defaultBlob: BlobBuffer = try! bake(Repository.digitsModel, spec: nil)

    /// Bakes `model` with the options of `spec`, as `bitbake-model` does.
    static func bake(_ model: URL, spec: BakeSpec?) throws -> BlobBuffer {
        let options = try BakeOptions(spec: spec)
        let source = try FloatModelFile(url: model, spec: spec)
        let baked = try Baker.bake(
            source.model, options: options, sourceName: source.url.lastPathComponent, sourceSHA256: source.sha256)
        return try BlobBuffer(fileBytes: baked.blob, name: model.lastPathComponent)
    }

    /// Row `index` of the test split.
    static func row(_ index: Int) -> [Float] {
        Array(test.inputs.values[index * test.inputs.columns..<(index + 1) * test.inputs.columns])
    }
}
