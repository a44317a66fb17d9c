import BitBlob
import BitCore
import BitLayers
import Testing
@testable import BitBake

/// What a baked blob costs and how it resists damage.
@Suite struct BakedBlobTests {
    /// A float MLP with random weights and biases, named like `nn.Sequential` (`0.weight`, `2.weight`, ...).
    static func randomModel(_ widths: [Int], seed: UInt64) throws -> FloatMLP {
        var generator = SplitMix64(seed: seed)
        var tensors: [ModelFile.Tensor] = []
        for (index, (inputs, outputs)) in zip(widths, widths.dropFirst()).enumerated() {
            let weight = (0..<(inputs * outputs)).map { _ in Float.random(in: -1...1, using: &generator) }
            let bias = (0..<outputs).map { _ in Float.random(in: -0.1...0.1, using: &generator) }
            tensors.append(.init(name: "\(2 * index).weight", shape: [outputs, inputs], values: .float(weight)))
            tensors.append(.init(name: "\(2 * index).bias", shape: [outputs], values: .float(bias)))
        }
        let file = ModelFile(tensors: tensors)
        return try FloatMLP(file: file, description: MLPDescription.infer(from: tensors.map { ($0.name, $0.shape) }))
    }

    static func bake(_ model: FloatMLP, _ options: BakeOptions) throws -> BakedModel {
        try Baker.bake(model, options: options, sourceName: "random.safetensors", sourceSHA256: Array(repeating: 7, count: 32))
    }

    /// The size budget: a 1024-1024-1024-10 model with the defaults (T3, per_tensor weights,
    /// per_token activations) in at most 1.65 bits per weight, everything in the file counted.
    /// Measured: 431,348 bytes for 2,107,392 weights, 1.6375 bits per weight.
    @Test func aLargeModelFitsInOnePointSixFiveBitsPerWeight() throws {
        let baked = try Self.bake(try Self.randomModel([1024, 1024, 1024, 10], seed: 1), BakeOptions())
        #expect(baked.report.weightCount == 2_107_392)
        #expect(baked.report.blobBytes == baked.blob.count)
        #expect(baked.report.bitsPerWeight <= 1.65)
        #expect(baked.blob.count == 431_348)
    }

    /// Every section kind (per-channel scales, biases, static input scales, provenance) in a small
    /// blob; flipping any one of its bits makes `BlobBuffer` refuse it.
    @Test func everySingleBitFlipIsRejected() throws {
        let model = try Self.randomModel([9, 7, 3], seed: 2)
        var options = BakeOptions(
            config: BitQuantConfig(weightGranularity: .perChannel, activationGranularity: .perTensor))
        options.calibration = Matrix(rows: 2, columns: 9, values: (0..<18).map { Float($0) / 17 })
        options.calibrationSource = "ramp"
        let blob = try Self.bake(model, options).blob
        let valid = try BlobBuffer(fileBytes: blob, name: "small.bitblob")
        #expect(Set((valid.model.sections.map { $0.kind.description })) == ["MODL", "LAYR", "WGHT", "WSCL", "BIAS", "PROV"])

        var accepted: [Int] = []
        var damaged = blob
        for bit in 0..<(blob.count * 8) {
            damaged[bit / 8] ^= 1 << UInt8(bit % 8)
            if (try? BlobBuffer(fileBytes: damaged, name: "damaged.bitblob")) != nil { accepted.append(bit) }
            damaged[bit / 8] ^= 1 << UInt8(bit % 8)
        }
        #expect(accepted.isEmpty, "bits accepted after a flip: \(accepted.prefix(10))")
    }

    @Test func damageIsReportedWithTheFileName() throws {
        var blob = try Self.bake(try Self.randomModel([4, 2], seed: 3), BakeOptions()).blob
        blob[blob.count - 1] ^= 0x10
        #expect(throws: BakeError.self) { try BlobBuffer(fileBytes: blob, name: "damaged.bitblob") }
        do {
            _ = try BlobBuffer(fileBytes: blob, name: "damaged.bitblob")
        } catch {
            #expect(error.message.hasPrefix("damaged.bitblob: "))
        }
        #expect(throws: BakeError("short.bitblob: truncated: the file has 10 bytes, fewer than the 64-byte header")) {
            try BlobBuffer(fileBytes: Array(blob.prefix(10)), name: "short.bitblob")
        }
    }
}
