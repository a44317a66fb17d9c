import BitBake
import BitLayers
import Foundation
import Synchronization

/// The digits example in `Targets/examples/digits`: a real 64-256-256-10 ReLU MLP with biases and
/// its data splits.
public enum DigitsExample {
    /// `Targets/examples/digits` of this checkout.
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Targets/examples/digits")

    /// The float model file (`digits-mlp.safetensors`) with its layer chain.
    public static func modelFile() throws -> FloatModelFile {
        try FloatModelFile(url: directory.appendingPathComponent("digits-mlp.safetensors"), spec: nil)
    }

    /// The 360 test images, 64 pixels each.
    public static func testInputs() throws -> Matrix {
        try DataFile(contentsOf: directory.appendingPathComponent("digits-test.safetensors"), requireLabels: false)
            .inputs
    }

    /// The 1,437 training images: the calibration set for per_tensor activations.
    public static func trainingInputs() throws -> Matrix {
        try DataFile(contentsOf: directory.appendingPathComponent("digits-train.safetensors"), requireLabels: false)
            .inputs
    }

    /// The example baked with `configuration` (its bias and activation settings are the model's
    /// own and ignored), with the provenance `bitbake-model bake` writes; per_tensor activations are calibrated on the first `calibrationRows`
    /// training images (calibrating through the float network on all 1,437 takes most of a debug
    /// test run). Each configuration is baked once per test process.
    public static func baked(_ configuration: RuntimeConfiguration = RuntimeConfiguration()) throws -> BakedTestModel {
        let key = RuntimeConfiguration(
            weights: configuration.weights, activations: configuration.activations, packing: configuration.packing)
        if let baked = bakes.withLock({ $0[key] }) { return baked }
        let calibration = key.activations == .perTensor
            ? try trainingInputs().firstRows(calibrationRows) : Matrix(rows: 0, columns: 64)
        let file = try modelFile()
        let baked = try BakedTestModel(
            file.model, configuration: key, calibration: calibration, sourceName: file.url.lastPathComponent,
            sourceSHA256: file.sha256)
        bakes.withLock { $0[key] = baked }
        return baked
    }

    public static let calibrationRows = 256

    private static let bakes = Mutex<[RuntimeConfiguration: BakedTestModel]>([:])
}
