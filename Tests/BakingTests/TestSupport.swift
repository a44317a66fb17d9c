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
    static let digitsTrain = url("Targets/examples/digits/digits-train.safetensors")
    static let digitsTest = url("Targets/examples/digits/digits-test.safetensors")
    /// The example target: the model (a link to `digitsModel`) and the options BitBakePlugin bakes.
    static let classifierModel = url("Targets/examples/digits-classify/Digits.safetensors")
    static let classifierSpec = url("Targets/examples/digits-classify/bitbake.json")
    /// The checked-in generated sources this target compiles.
    static let generated = url("Tests/BakingTests/Generated")
}

/// Blobs baked as `bitbake-model` bakes them, and the digits test split.
enum DigitsData {
    /// The digits test split: 360 rows of 64 pixels, labelled.
    static let test: DataFile = try! DataFile(contentsOf: Repository.digitsTest, requireLabels: true)

    /// The digits model baked with the defaults (per_tensor weights, per_token activations, T3).
    static let defaultBlob: BlobBuffer = try! bake(Repository.digitsModel, spec: nil)

    /// What BitBakePlugin bakes for the example: `Digits.safetensors` with its `bitbake.json`.
    static let classifierBlob: BlobBuffer = try! bake(
        Repository.classifierModel, spec: BakeSpec(contentsOf: Repository.classifierSpec))

    /// The blob of the checked-in generated sources: the digits model with per_tensor activations
    /// calibrated on the training split (Generated/README.md).
    static let staticScalesBlob: BlobBuffer = try! BlobBuffer(
        contentsOf: Repository.generated.appendingPathComponent("digits-static.bitblob"))

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
