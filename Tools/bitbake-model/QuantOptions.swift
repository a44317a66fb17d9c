import ArgumentParser
import BitBake
import BitCore
import Foundation

/// The options that say how a float model is baked, shared by `bake` and `eval`.
struct QuantOptions: ParsableArguments {
    @Option(help: "Weight scales: per_tensor (one absmean for the matrix) or per_channel (one per row). Default per_tensor.")
    var weightGranularity: BitQuantConfig.WeightGranularity?

    @Option(help: "Activation scales: per_token (dynamic, per vector; also spelled per_channel) or per_tensor (static, needs --calibration). Default per_token.")
    var activationGranularity: BitQuantConfig.ActivationGranularity?

    @Option(help: "Weight packing: t3 (1.6 bits/weight, smallest) or i2 (2 bits/weight, fastest). Default t3.")
    var packing: TernaryPacking?

    @Option(help: "A JSON bake spec naming layers, activation and quant options (see docs/cli.md).")
    var spec: String?

    @Option(help: "Data for calibrating per_tensor activation scales (.safetensors, .npz or .npy; usually the training set).")
    var calibration: String?

    @Option(help: "The input tensor in --calibration data.")
    var calibrationX: String = "x"

    /// The spec file, if one was given.
    func loadSpec() throws -> BakeSpec? {
        try spec.map { try BakeSpec(contentsOf: URL(fileURLWithPath: $0)) }
    }

    /// The bake options: command line first, then the spec, then the BitNet b1.58 defaults.
    func bakeOptions(spec: BakeSpec?) throws -> BakeOptions {
        var options = try BakeOptions(
            spec: spec, weightGranularity: weightGranularity, activationGranularity: activationGranularity,
            packing: packing)
        if let calibration, options.config.activationGranularity == .perTensor {
            let url = URL(fileURLWithPath: calibration)
            options.calibration = try DataFile(contentsOf: url, x: calibrationX, y: nil, requireLabels: false).inputs
            options.calibrationSource = url.lastPathComponent
        }
        return options
    }

    /// Reads and bakes the float model at `path`.
    func bake(_ path: String) throws -> (FloatModelFile, BakedModel) {
        let spec = try loadSpec()
        let options = try bakeOptions(spec: spec)
        let source = try FloatModelFile(url: URL(fileURLWithPath: path), spec: spec)
        let baked = try Baker.bake(
            source.model, options: options, sourceName: source.url.lastPathComponent, sourceSHA256: source.sha256)
        return (source, baked)
    }
}
