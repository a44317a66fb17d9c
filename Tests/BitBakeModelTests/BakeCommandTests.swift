@testable import BitBake
import BitBlob
import BitCore
import Foundation
import Testing

/// `bake` with every option combination, through the real binary, against the library and NumPy.
@Suite struct BakeCommandTests {
    typealias Combination = (BitQuantConfig.WeightGranularity, BitQuantConfig.ActivationGranularity, TernaryPacking)

    static let combinations: [Combination] = [BitQuantConfig.WeightGranularity.perTensor, .perChannel].flatMap { weights in
        [BitQuantConfig.ActivationGranularity.perToken, .perTensor].flatMap { activations in
            [TernaryPacking.t3, .i2].map { (weights, activations, $0) }
        }
    }

    /// The command line for one combination; per_tensor activations calibrate on the training split.
    static func arguments(_ combination: Combination, output: String) -> [String] {
        var arguments = [
            "bake", Repository.digitsModel, "-o", output, "--weight-granularity", combination.0.name,
            "--activation-granularity", combination.1.name, "--packing", combination.2.name,
        ]
        if combination.1 == .perTensor { arguments += ["--calibration", Repository.digitsTrain] }
        return arguments
    }

    /// The blob and report the library makes for the same combination.
    static func libraryBake(_ combination: Combination) throws -> BakedModel {
        let source = try FloatModelFile(url: URL(fileURLWithPath: Repository.digitsModel), spec: nil)
        var options = BakeOptions(
            config: BitQuantConfig(weightGranularity: combination.0, activationGranularity: combination.1),
            packing: combination.2)
        if combination.1 == .perTensor {
            options.calibration = try DataFile(
                contentsOf: URL(fileURLWithPath: Repository.digitsTrain), y: nil, requireLabels: false).inputs
            options.calibrationSource = "digits-train.safetensors"
        }
        return try Baker.bake(
            source.model, options: options, sourceName: "digits-mlp.safetensors", sourceSHA256: source.sha256)
    }

    @Test(arguments: combinations)
    func bakesWhatTheLibraryBakes(_ combination: Combination) throws {
        let folder = try BitBakeModel.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("digits.bitblob").path
        let result = try BitBakeModel.run(Self.arguments(combination, output: output))
        expectSuccess(result)

        let expected = try Self.libraryBake(combination)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: output))) == expected.blob)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "model: digits-mlp.safetensors (sha256 \(Hex.string(try FloatModelFile(url: URL(fileURLWithPath: Repository.digitsModel), spec: nil).sha256)))")
        #expect(lines.dropFirst().first
            == "layers: 0.weight [256, 64] + 0.bias -> relu -> 2.weight [256, 256] + 2.bias -> relu -> 4.weight [10, 256] + 4.bias")
        #expect(lines.dropFirst(2).first
            == "config: weights=\(combination.0.name) activations=int8/\(combination.1.name), packing \(combination.2.name)")
        #expect(result.stdout.contains("\n\n" + expected.report.text + "\n"))
        #expect(result.stdout.hasSuffix("wrote \(output)\n"))
    }

    @Test func theDefaultsAreTheBitNetRecipe() throws {
        let folder = try BitBakeModel.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("digits.bitblob").path
        let result = try BitBakeModel.run(["bake", Repository.digitsModel, "-o", output])
        expectSuccess(result)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: output))) == (try Self.libraryBake((.perTensor, .perToken, .t3))).blob)
        #expect(result.stdout.contains(
            "total: 84,480 weights; float32 340,008 B -> blob 20,472 B (1.939 bits/weight with scales, biases and headers; 16.6x smaller)"))
    }

    @Test func compressedRoundTrip() throws {
        let folder = try BitBakeModel.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plain = folder.appendingPathComponent("plain.bitblob").path
        let compressed = folder.appendingPathComponent("compressed.bitblob").path
        expectSuccess(try BitBakeModel.run(["bake", Repository.digitsModel, "-o", plain, "--packing", "i2"]))
        let result = try BitBakeModel.run(["bake", Repository.digitsModel, "-o", compressed, "--packing", "i2", "--compress"])
        expectSuccess(result)

        let plainBytes = Array(try Data(contentsOf: URL(fileURLWithPath: plain)))
        let compressedBytes = Array(try Data(contentsOf: URL(fileURLWithPath: compressed)))
        #expect(compressedBytes.starts(with: Array("BITBLOBZ".utf8)))
        #expect(compressedBytes.count < plainBytes.count)
        #expect(result.stdout.contains("compressed: \(compressedBytes.count) bytes\n"))
        let inflated = try BlobBuffer(contentsOf: URL(fileURLWithPath: compressed))
        #expect(inflated.wasCompressed)
        #expect(Array(inflated.bytes) == plainBytes)

        let inspect = try BitBakeModel.run(["inspect", compressed])
        expectSuccess(inspect)
        #expect(inspect.stdout.hasPrefix("bitblob 1.0, \(Formatting.bytes(compressedBytes.count)) (deflate container)\n"))
        // Every command reads the container as it reads the plain blob.
        let data = ["--data", Repository.digitsTest, "--json"]
        let fromPlain = try BitBakeModel.run(["eval", plain] + data)
        let fromCompressed = try BitBakeModel.run(["eval", compressed] + data)
        expectSuccess(fromCompressed)
        #expect(fromCompressed.stdout == fromPlain.stdout)
    }

    /// The acceptance check on formats: a model stored as F32, F16, BF16 and deflated .npz bakes to
    /// exactly NumPy's codes and scales (Fixtures/make_format_fixtures.py), read back with
    /// `inspect --export`.
    @Test(arguments: [("f32", "model_f32.safetensors"), ("f16", "model_f16.safetensors"),
                      ("bf16", "model_bf16.safetensors"), ("npz", "model.npz")],
          [BitQuantConfig.WeightGranularity.perTensor, .perChannel])
    func everyFormatBakesToNumpysCodes(_ model: (name: String, file: String), _ granularity: BitQuantConfig.WeightGranularity) throws {
        let fixtures = Repository.path("Tests/BitBakeModelTests/Fixtures")
        let reference = try ModelFile(contentsOf: URL(fileURLWithPath: fixtures + "/reference.safetensors"))
        let folder = try BitBakeModel.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let blob = folder.appendingPathComponent("model.bitblob").path
        let export = folder.appendingPathComponent("export.safetensors").path

        let bake = try BitBakeModel.run(["bake", fixtures + "/" + model.file, "-o", blob, "--weight-granularity", granularity.name])
        expectSuccess(bake)
        expectSuccess(try BitBakeModel.run(["inspect", blob, "--export", export]))
        let exported = try ModelFile(contentsOf: URL(fileURLWithPath: export))
        for layer in 0..<3 {
            let key = "\(model.name).\(granularity.name).\(layer)"
            #expect(exported["layer\(layer).codes"]?.values == reference[key + ".codes"]?.values, "\(key)")
            #expect(exported["layer\(layer).weight_scale"]?.floatValues.map(\.bitPattern)
                == reference[key + ".scale"]?.floatValues.map(\.bitPattern), "\(key)")
        }
    }

    @Test func specFileAndCommandLine() throws {
        let folder = try BitBakeModel.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("spec.json")
        try Data("""
            {"weight_granularity": "per_channel", "packing": "i2",
             "layers": [{"weight": "0.weight", "bias": "0.bias"}, {"weight": "2.weight", "bias": "2.bias"},
                        {"weight": "4.weight", "bias": "4.bias"}]}
            """.utf8).write(to: spec)
        let output = folder.appendingPathComponent("digits.bitblob").path
        // The command line overrides the spec's packing; the spec's weight granularity stays.
        let result = try BitBakeModel.run(["bake", Repository.digitsModel, "-o", output, "--spec", spec.path, "--packing", "t3"])
        expectSuccess(result)
        #expect(result.stdout.contains("config: weights=per_channel activations=int8/per_token, packing t3\n"))
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: output))) == (try Self.libraryBake((.perChannel, .perToken, .t3))).blob)

        try Data(#"{"layers": [{"weight": "2.weight"}, {"weight": "0.weight"}]}"#.utf8).write(to: spec)
        let broken = try BitBakeModel.run(["bake", Repository.digitsModel, "-o", output, "--spec", spec.path])
        #expect(expectInputError(broken, naming: spec.path)
            == "layers: layer chain broken: '2.weight' outputs 256 features but '0.weight' takes 64 "
            + "(layer order: 2.weight, 0.weight); list the layers under 'layers' in the order they run")
    }
}
