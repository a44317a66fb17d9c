@testable import BitBake
import BitBlob
import BitCore
import Foundation
import Testing

/// `inspect`: the text view, the `--json` contract (docs/cli.md) and `--export`.
@Suite struct InspectCommandTests {
    /// A blob baked by the binary (per_channel weights, per_tensor activations: every field present).
    struct Baked {
        let folder: URL
        let path: String

        init(_ extra: [String]) throws {
            folder = try BitBakeModel.temporaryFolder()
            path = folder.appendingPathComponent("digits.bitblob").path
            expectSuccess(try BitBakeModel.run(["bake", Repository.digitsModel, "-o", path] + extra))
        }
    }

    static let perTensorActivations = [
        "--weight-granularity", "per_channel", "--activation-granularity", "per_tensor",
        "--calibration", Repository.digitsTrain,
    ]

    @Test func jsonIsTheDocumentedContract() throws {
        let baked = try Baked(Self.perTensorActivations)
        defer { try? FileManager.default.removeItem(at: baked.folder) }
        let result = try BitBakeModel.run(["inspect", baked.path, "--json"])
        expectSuccess(result)

        // The documented keys, no more and no fewer.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == [
            "fileBytes", "compressed", "version", "weightGranularity", "activationDType", "activationGranularity",
            "packing", "inputFeatures", "outputFeatures", "weightCount", "bitsPerWeight", "arenaBytes",
            "arenaBytesPerExtraVector", "layers", "sections", "sourceName", "sourceSHA256", "toolVersion", "bakeOptions",
        ])
        let layers = try #require(object["layers"] as? [[String: Any]])
        #expect(layers.map { Set($0.keys) } == Array(repeating: [
            "index", "inputs", "outputs", "activation", "hasBias", "weightBytes", "weightScales", "staticInputScale",
        ], count: 3))
        let sections = try #require(object["sections"] as? [[String: Any]])
        #expect(sections.map { Set($0.keys) } == Array(repeating: ["kind", "index", "offset", "length", "crc32"], count: 14))

        // The values are the library's description of the same file.
        let decoded = try JSONDecoder().decode(BlobDescription.self, from: Data(result.stdout.utf8))
        let blob = try BlobBuffer(contentsOf: URL(fileURLWithPath: baked.path))
        #expect(decoded == BlobDescription(blob, fileBytes: blob.bytes.count))
        #expect(result.stdout == (try BlobDescription(blob, fileBytes: blob.bytes.count).jsonString()) + "\n")
        #expect(decoded.version == "1.0")
        #expect(decoded.weightGranularity == "per_channel" && decoded.activationGranularity == "per_tensor")
        #expect(decoded.activationDType == "int8" && decoded.packing == "t3" && !decoded.compressed)
        #expect(decoded.inputFeatures == 64 && decoded.outputFeatures == 10 && decoded.weightCount == 84_480)
        #expect(decoded.layers.map(\.activation) == ["relu", "relu", "none"])
        #expect(decoded.layers.map(\.weightScales.count) == [256, 256, 10])
        #expect(decoded.sections.map(\.kind) == ["MODL"] + Array(repeating: ["LAYR", "WGHT", "WSCL", "BIAS"], count: 3).flatMap { $0 } + ["PROV"])
        #expect(decoded.sourceName == "digits-mlp.safetensors")
        #expect(decoded.sourceSHA256 == Hex.string(try FloatModelFile(url: URL(fileURLWithPath: Repository.digitsModel), spec: nil).sha256))
        #expect(decoded.toolVersion == Baker.toolVersion)
        #expect(decoded.bakeOptions == """
            weight_granularity=per_channel
            activation_dtype=int8
            activation_granularity=per_tensor
            packing=t3
            calibration=digits-train.safetensors (1437 rows)
            """)
    }

    @Test func perTokenBlobsHaveNoStaticScale() throws {
        let baked = try Baked([])
        defer { try? FileManager.default.removeItem(at: baked.folder) }
        let result = try BitBakeModel.run(["inspect", baked.path, "--json"])
        expectSuccess(result)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let layers = try #require(object["layers"] as? [[String: Any]])
        #expect(layers.allSatisfy { $0["staticInputScale"] == nil && ($0["weightScales"] as? [Any])?.count == 1 })
        // JSONSerialization reads numbers inexactly on Linux; JSONDecoder reads them as written.
        let decoded = try JSONDecoder().decode(BlobDescription.self, from: Data(result.stdout.utf8))
        #expect(decoded.bitsPerWeight == Double(20_472 * 8) / 84_480)
        #expect(result.stdout.contains("\"bitsPerWeight\" : 1.9386363636363637,"))
    }

    @Test func text() throws {
        let baked = try Baked([])
        defer { try? FileManager.default.removeItem(at: baked.folder) }
        let result = try BitBakeModel.run(["inspect", baked.path])
        expectSuccess(result)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(Array(lines.prefix(5)) == [
            "bitblob 1.0, 20,472 B",
            "config: weights=per_tensor activations=int8/per_token, packing t3",
            "shape: 64 -> 256 -> 256 -> 10",
            "weights: 84,480 (1.939 bits/weight, whole file)",
            "arena: 1,471 B for one vector, +1,408 B per extra vector",
        ])
        #expect(lines.contains("0       256 x 64  relu        yes          3,328  6.694    per token"))
        #expect(lines.contains { $0.hasPrefix("PROV         0") })
    }

    /// `--export` writes the codes, scales, biases and static scales; the codes and scales are
    /// NumPy's (Targets/examples/digits/digits-weights-reference.safetensors).
    @Test func exportHoldsNumpysCodesAndScales() throws {
        let baked = try Baked(Self.perTensorActivations)
        defer { try? FileManager.default.removeItem(at: baked.folder) }
        let export = baked.folder.appendingPathComponent("export.safetensors").path
        let result = try BitBakeModel.run(["inspect", baked.path, "--export", export])
        expectSuccess(result)
        #expect(result.stdout.hasSuffix("\nwrote \(export)\n"))

        let exported = try ModelFile(contentsOf: URL(fileURLWithPath: export))
        #expect(exported.tensors.map(\.name) == (0..<3).flatMap { index in
            ["codes", "weight_scale", "bias", "input_scale"].map { "layer\(index).\($0)" }
        })
        let reference = try ModelFile(contentsOf: URL(fileURLWithPath: Repository.path(
            "Targets/examples/digits/digits-weights-reference.safetensors")))
        let staticScales = try ModelFile(contentsOf: URL(fileURLWithPath: Repository.path(
            "Targets/examples/digits/digits-test-reference.safetensors")))["per_channel.per_tensor.static_scale"]
        let float = try ModelFile(contentsOf: URL(fileURLWithPath: Repository.digitsModel))
        let blob = try BlobBuffer(contentsOf: URL(fileURLWithPath: baked.path))
        for index in 0..<3 {
            let codes = try #require(exported["layer\(index).codes"])
            #expect(codes.storedType == .int8)
            #expect(codes.shape == [[256, 64], [256, 256], [10, 256]][index])
            #expect(codes.values == reference["per_channel.\(index).codes"]?.values)
            let scales = try #require(exported["layer\(index).weight_scale"])
            #expect(scales.storedType == .float32)
            #expect(scales.floatValues.map(\.bitPattern) == reference["per_channel.\(index).scale"]?.floatValues.map(\.bitPattern))
            #expect(exported["layer\(index).input_scale"]?.floatValues.map(\.bitPattern)
                == [try #require(staticScales).floatValues[index].bitPattern])

            // Biases as the blob stores them: the float bias to within half a unit of the fixed-point step.
            let bias = try #require(exported["layer\(index).bias"]).floatValues
            let floatBias = try #require(float["\(2 * index).bias"]).floatValues
            let step = Double(sign: .plus, exponent: -blob.model.layer(index).bias.shift, significand: 1)
            #expect(bias.count == floatBias.count)
            #expect(zip(bias, floatBias).allSatisfy { abs(Double($0) - Double($1)) <= step / 2 + Double($1.ulp) })
        }
    }
}
