import BitBlob
import BitCore

/// Everything `inspect` shows about a blob, in a form that prints as text or encodes as JSON
/// (docs/cli.md; fields are only ever added).
public struct BlobDescription: Codable, Hashable, Sendable {
    public struct Layer: Codable, Hashable, Sendable {
        public var index: Int
        public var inputs: Int
        public var outputs: Int
        public var activation: String
        public var hasBias: Bool
        public var weightBytes: Int
        /// The absmean scale(s) `s_w` as baked.
        public var weightScales: [Float]
        /// The static input scale for per_tensor activations.
        public var staticInputScale: Float?
    }

    public struct Section: Codable, Hashable, Sendable {
        public var kind: String
        public var index: Int
        public var offset: Int
        public var length: Int
        public var crc32: String
    }

    public var fileBytes: Int
    public var compressed: Bool
    public var version: String
    public var weightGranularity: String
    public var activationDType: String
    public var activationGranularity: String
    public var packing: String
    public var inputFeatures: Int
    public var outputFeatures: Int
    public var weightCount: Int
    public var bitsPerWeight: Double
    public var arenaBytes: Int
    public var arenaBytesPerExtraVector: Int
    public var layers: [Layer]
    public var sections: [Section]
    public var sourceName: String?
    public var sourceSHA256: String?
    public var toolVersion: String?
    public var bakeOptions: String?

    /// Describes `blob`; `fileBytes` is the size on disk (smaller than the blob when compressed).
    public init(_ blob: BlobBuffer, fileBytes: Int) {
        let model = blob.model
        self.fileBytes = fileBytes
        compressed = blob.wasCompressed
        version = "\(model.header.majorVersion).\(model.header.minorVersion)"
        weightGranularity = model.config.weightGranularity.name
        activationDType = model.config.activationDType.name
        activationGranularity = model.config.activationGranularity.name
        packing = model.packing.name
        inputFeatures = model.inputFeatures
        outputFeatures = model.outputFeatures
        layers = (0..<model.layerCount).map { index in
            let layer = model.layer(index)
            return Layer(
                index: index, inputs: layer.layout.columns, outputs: layer.layout.rows,
                activation: layer.activation.name, hasBias: layer.hasBias,
                weightBytes: layer.layout.byteCount, weightScales: Array(layer.weightScales),
                staticInputScale: layer.staticInputScaleValue)
        }
        weightCount = layers.reduce(0) { $0 + $1.inputs * $1.outputs }
        bitsPerWeight = Double(blob.bytes.count * 8) / Double(max(weightCount, 1))
        arenaBytes = model.arenaBytes(batch: 1) ?? 0
        arenaBytesPerExtraVector = model.arenaPlan.bytesPerVector
        sections = model.sections.map { section in
            Section(
                kind: section.kind.description, index: Int(section.index), offset: Int(section.offset),
                length: Int(section.length), crc32: Hex.digits(section.crc))
        }
        let provenance = model.provenance
        sourceName = provenance?.sourceName
        sourceSHA256 = provenance.map { Hex.string($0.sourceSHA256) }
        toolVersion = provenance?.toolVersion
        bakeOptions = provenance?.bakeOptions
    }

    /// The description as `inspect` prints it.
    public var text: String {
        var lines = [
            "bitblob \(version), \(Formatting.bytes(fileBytes))\(compressed ? " (deflate container)" : "")",
            "config: weights=\(weightGranularity) activations=\(activationDType)/\(activationGranularity), packing \(packing)",
            "shape: \(inputFeatures) -> \(layers.map { "\($0.outputs)" }.joined(separator: " -> "))",
            "weights: \(Formatting.grouped(weightCount)) (\(Formatting.fixed(bitsPerWeight, 3)) bits/weight, whole file)",
            "arena: \(Formatting.bytes(arenaBytes)) for one vector, +\(Formatting.bytes(arenaBytesPerExtraVector)) per extra vector",
        ]
        if let sourceName { lines.append("source: \(sourceName) (sha256 \(sourceSHA256 ?? "?"))") }
        if let toolVersion { lines.append("baked by: \(toolVersion)") }
        if let bakeOptions { lines.append("options: " + bakeOptions.split(separator: "\n").joined(separator: ", ")) }
        lines.append("")
        var layerTable = TextTable(columns: [
            .init("layer"), .init("shape", right: true), .init("activation"), .init("bias"),
            .init("weight bytes", right: true), .init("scale", right: true), .init("input scale", right: true),
        ])
        for layer in layers {
            let scales = layer.weightScales
            let scale = scales.count == 1
                ? Formatting.significant(scales[0])
                : "\(scales.count) per channel"
            layerTable.append([
                "\(layer.index)", "\(layer.outputs) x \(layer.inputs)", layer.activation, layer.hasBias ? "yes" : "no",
                Formatting.grouped(layer.weightBytes), scale,
                layer.staticInputScale.map(Formatting.significant) ?? "per token",
            ])
        }
        lines.append(layerTable.rendered)
        lines.append("")
        var sectionTable = TextTable(columns: [
            .init("section"), .init("index", right: true), .init("offset", right: true), .init("length", right: true),
            .init("crc32"),
        ])
        for section in sections {
            sectionTable.append([section.kind, "\(section.index)", "\(section.offset)", "\(section.length)", section.crc32])
        }
        lines.append(sectionTable.rendered)
        return lines.joined(separator: "\n")
    }

    public func jsonString() throws -> String { try JSONOutput.string(self) }
}

extension BlobBuffer {
    /// Every layer's ternary codes (int8 `[out, in]`), weight scales `s_w` (float32), bias (float32,
    /// as the blob stores it: mantissa times 2^-shift) and static input scale, as tensors
    /// `layer<i>.codes`, `layer<i>.weight_scale`, `layer<i>.bias`, `layer<i>.input_scale`.
    public func exportedTensors() throws(BakeError) -> ModelFile {
        var tensors: [ModelFile.Tensor] = []
        for index in 0..<model.layerCount {
            let layer = model.layer(index)
            var codes = [Int8](repeating: 0, count: layer.layout.weightCount)
            do {
                try codes.withUnsafeMutableBufferPointer { (buffer) throws(BitCoreError) in
                    try layer.layout.unpack(layer.weights, into: buffer)
                }
            } catch {
                throw BakeError("layer \(index): \(error)")
            }
            tensors.append(
                ModelFile.Tensor(
                    name: "layer\(index).codes", shape: [layer.layout.rows, layer.layout.columns],
                    values: .integer(codes.map(Int64.init)), storedType: .int8))
            tensors.append(
                ModelFile.Tensor(
                    name: "layer\(index).weight_scale", shape: [layer.weightScales.count],
                    values: .float(Array(layer.weightScales))))
            if layer.hasBias {
                let bias = layer.bias.mantissas.map {
                    Float(Double(sign: .plus, exponent: -layer.bias.shift, significand: Double($0)))
                }
                tensors.append(
                    ModelFile.Tensor(name: "layer\(index).bias", shape: [bias.count], values: .float(bias)))
            }
            if let scale = layer.staticInputScaleValue {
                tensors.append(ModelFile.Tensor(name: "layer\(index).input_scale", shape: [1], values: .float([scale])))
            }
        }
        return ModelFile(tensors: tensors)
    }
}
