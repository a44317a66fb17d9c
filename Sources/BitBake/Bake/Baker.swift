import BitBlob
import BitCore
import BitLayers

/// How to bake: the quant config, the packing, and calibration data for static activation scales.
public struct BakeOptions: Sendable {
    public var config: BitQuantConfig
    public var packing: TernaryPacking
    /// Layer inputs for `per_tensor` activations: rows of the model's input features. Required
    /// when `config.activationGranularity == .perTensor`, ignored otherwise.
    public var calibration: Matrix?
    /// Where the calibration rows came from, for the blob's provenance.
    public var calibrationSource: String?

    /// The BitNet b1.58 defaults: per_tensor weights, per_token int8 activations, T3 packing.
    public init(
        config: BitQuantConfig = BitQuantConfig(), packing: TernaryPacking = .t3, calibration: Matrix? = nil,
        calibrationSource: String? = nil
    ) {
        self.config = config
        self.packing = packing
        self.calibration = calibration
        self.calibrationSource = calibrationSource
    }

    /// Options from explicit choices (the command line) first, then `spec`, then the BitNet b1.58
    /// defaults; no calibration data yet.
    ///
    /// - Throws: `BakeError` naming the spec file when it asks for float32 activations, which a
    ///   baked (integer-only) model cannot have.
    public init(
        spec: BakeSpec?, weightGranularity: BitQuantConfig.WeightGranularity? = nil,
        activationGranularity: BitQuantConfig.ActivationGranularity? = nil, packing: TernaryPacking? = nil
    ) throws(BakeError) {
        if let spec, spec.activationDType == .float32 {
            throw spec.error("activation_dtype", Baker.float32ActivationsRefusal)
        }
        let defaults = BitQuantConfig()
        self.init(
            config: BitQuantConfig(
                weightGranularity: weightGranularity ?? spec?.weightGranularity ?? defaults.weightGranularity,
                activationDType: spec?.activationDType ?? defaults.activationDType,
                activationGranularity: activationGranularity ?? spec?.activationGranularity
                    ?? defaults.activationGranularity),
            packing: packing ?? spec?.packing ?? .t3)
    }

    /// The options as `key=value` lines, as the blob records them.
    public var summary: String {
        var lines = [
            "weight_granularity=\(config.weightGranularity.name)",
            "activation_dtype=\(config.activationDType.name)",
            "activation_granularity=\(config.activationGranularity.name)",
            "packing=\(packing.name)",
        ]
        if config.activationGranularity == .perTensor, let calibrationSource, let calibration {
            lines.append("calibration=\(calibrationSource) (\(calibration.rows) rows)")
        }
        return lines.joined(separator: "\n")
    }
}

/// A baked model: the blob's bytes and what the bake did, layer by layer.
public struct BakedModel: Sendable {
    public let blob: [UInt8]
    public let contents: BitBlobContents
    public let report: BakeReport
}

/// Quantizes a float MLP and writes it as a `.bitblob` (docs/bitblob.md).
public enum Baker {
    static let float32ActivationsRefusal =
        "activation dtype float32 is for training and reference runs; a baked model is integer-only and needs int8 "
        + "activations"

    /// The version recorded in every blob.
    public static let toolVersion = "bitbake-model 0.1.0"

    /// Bakes `model`.
    ///
    /// Weights are quantized with `AbsmeanQuantizer` (the BitNet b1.58 absmean rule, per tensor or
    /// per channel) and packed; `per_tensor` activations get static scales calibrated on
    /// `options.calibration` layer by layer through the fake-quantized network
    /// (`127 / max(max|x|, 1e-5)` of each layer's input, earlier layers already on their scales;
    /// see `StaticScaleCalibration`), equal to the NumPy reference's bit for bit.
    ///
    /// - Throws: `BakeError` for float32 activations (not integer-only), missing or mis-shaped
    ///   calibration data, and anything the blob writer refuses.
    public static func bake(
        _ model: FloatMLP, options: BakeOptions, sourceName: String, sourceSHA256: [UInt8]
    ) throws(BakeError) -> BakedModel {
        guard options.config.activationDType == .int8 else { throw BakeError(float32ActivationsRefusal) }
        var quantized: [(codes: [Int8], layer: StaticScaleCalibration.Layer)] = []
        for (index, layer) in model.description.layers.enumerated() {
            let weight = model.weights[index]
            do {
                let (codes, scales) = try AbsmeanQuantizer.quantize(
                    weight.values, rows: weight.rows, columns: weight.columns,
                    granularity: options.config.weightGranularity)
                let layout = try TernaryMatrixLayout(packing: options.packing, rows: weight.rows, columns: weight.columns)
                quantized.append((codes, StaticScaleCalibration.Layer(
                    layout: layout, packedWeights: try layout.pack(codes), weightScales: scales,
                    bias: model.biases[index], activation: layer.activation)))
            } catch {
                throw BakeError("layer '\(layer.weightName)': \(error)")
            }
        }
        let staticScales = try calibrate(model, layers: quantized.map(\.layer), options: options)
        var layers: [BitBlobLayerContents] = []
        var reports: [BakeReport.Layer] = []
        for (index, (description, (codes, layer))) in zip(model.description.layers, quantized).enumerated() {
            layers.append(
                BitBlobLayerContents(
                    inputs: description.inputs, outputs: description.outputs, activation: layer.activation,
                    packedWeights: layer.packedWeights, weightScales: layer.weightScales, biases: layer.bias,
                    staticInputScale: staticScales?[index]))
            reports.append(
                BakeReport.Layer(
                    name: description.weightName, outputs: description.outputs, inputs: description.inputs, codes: codes,
                    scales: layer.weightScales, hasBias: layer.bias != nil, packedBytes: layer.packedWeights.count,
                    staticInputScale: staticScales?[index]))
        }
        let contents = BitBlobContents(
            config: options.config, packing: options.packing, layers: layers,
            provenance: BitBlobProvenance(
                sourceName: sourceName, sourceSHA256: sourceSHA256, toolVersion: toolVersion,
                bakeOptions: options.summary))
        let blob: [UInt8]
        do {
            blob = try BitBlobWriter.write(contents)
        } catch {
            throw BakeError("cannot write the blob: \(error)")
        }
        let floatBytes = zip(model.weights, model.biases).reduce(0) { total, layer in
            total + 4 * (layer.0.values.count + (layer.1?.count ?? 0))
        }
        var arena = ArenaPlan()
        for (_, layer) in quantized { arena.include(layer.layout) }
        let report = BakeReport(
            layers: reports, config: options.config, packing: options.packing, floatBytes: floatBytes,
            blobBytes: blob.count, arena: arena)
        return BakedModel(blob: blob, contents: contents, report: report)
    }

    /// The static input scale of every layer for `per_tensor` activations, nil for `per_token`.
    private static func calibrate(
        _ model: FloatMLP, layers: [StaticScaleCalibration.Layer], options: BakeOptions
    ) throws(BakeError) -> [Float]? {
        guard options.config.activationGranularity == .perTensor else { return nil }
        guard let calibration = options.calibration else {
            throw BakeError(
                "per_tensor activations need static scales: pass --calibration DATA with rows of "
                    + "\(model.description.inputFeatures) input features (the training set is a good choice)")
        }
        guard calibration.columns == model.description.inputFeatures, calibration.rows > 0 else {
            throw BakeError(
                "calibration data has \(calibration.rows) rows of \(calibration.columns) features; the model takes "
                    + "\(model.description.inputFeatures)")
        }
        return try StaticScaleCalibration(layers: layers).scales(for: calibration)
    }
}
