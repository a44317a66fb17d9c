import BitBake
import BitBlob
import BitCore
import BitLayers
import BitmlpdClient
import Foundation
import Glibc

/// The digits example baked the default way (T3), again with I2 packing (same codes, so the same
/// answers: a reload between them must not change a single answer), and per_channel (different
/// answers); the 360 test rows and what BitBake's integer simulation says for each.
final class DigitsFixture: Sendable {
    static let shared = try! DigitsFixture()

    let directory: URL
    /// Blob paths.
    let blob: String
    let blobI2: String
    let blobPerChannel: String
    let blobCompressed: String
    /// The plain T3 blob's bytes.
    let blobBytes: [UInt8]
    /// Test rows, 64 values each.
    let rows: [[Float]]
    /// The simulation's class and float32 logits for each row.
    let classes: [Int]
    let logits: [[Float]]
    let inputs = 64
    let outputs = 10

    private init() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let example = root.appendingPathComponent("Targets/examples/digits")
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("bitmlpd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        atexit { try? FileManager.default.removeItem(at: DigitsFixture.shared.directory) }
        let source = try FloatModelFile(url: example.appendingPathComponent("digits-mlp.safetensors"), spec: nil)
        func bake(_ options: BakeOptions, _ name: String, compress: Bool = false) throws -> (String, [UInt8]) {
            let baked = try Baker.bake(source.model, options: options, sourceName: "digits-mlp.safetensors", sourceSHA256: source.sha256)
            let path = directory.appendingPathComponent(name).path
            let bytes = compress ? try BitBlobCompression.compress(baked.blob) : baked.blob
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return (path, baked.blob)
        }
        (blob, blobBytes) = try bake(BakeOptions(), "digits.bitblob")
        blobI2 = try bake(BakeOptions(packing: .i2), "digits-i2.bitblob").0
        blobPerChannel = try bake(BakeOptions(config: BitQuantConfig(weightGranularity: .perChannel)), "digits-per-channel.bitblob").0
        blobCompressed = try bake(BakeOptions(), "digits-z.bitblob", compress: true).0

        let data = try DataFile(contentsOf: example.appendingPathComponent("digits-test.safetensors"), requireLabels: false)
        rows = (0..<data.inputs.rows).map { Array(data.inputs.row($0)) }
        let model = try BlobBuffer(fileBytes: blobBytes, name: "digits.bitblob")
        let outputs = try withExtendedLifetime(model) { try IntegerSimulation(model: model.model).run(data.inputs) }
        classes = outputs.classes
        let flat = outputs.floatLogits
        logits = (0..<rows.count).map { Array(flat[$0 * 10..<($0 + 1) * 10]) }
    }

    /// A fresh socket path (short enough for sun_path).
    func socketPath(_ name: String) -> String {
        directory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(6)).sock").path
    }

    /// Row `index` as a text line.
    func line(_ index: Int, separator: String = ",") -> String {
        rows[index].map { "\($0)" }.joined(separator: separator)
    }

    /// Checks a text answer against the simulation for row `index`: the class, and every logit
    /// parsed back equal to the simulation's float32, bit for bit.
    func textAnswerMatches(_ answer: String, row index: Int) -> Bool {
        let fields = answer.split(separator: " ")
        guard fields.count == 2 + outputs, fields[0] == "ok", Int(fields[1]) == classes[index] else { return false }
        return zip(fields.dropFirst(2), logits[index]).allSatisfy { Float(String($0.0))?.bitPattern == $0.1.bitPattern }
    }

    /// Checks a binary answer against the simulation for rows `first ..< first + answer.classes.count`.
    func binaryAnswerMatches(_ answer: InferenceAnswer, firstRow first: Int) -> Bool {
        answer.classes.indices.allSatisfy { vector in
            answer.classes[vector] == classes[first + vector]
                && answer.logits[vector].map(\.bitPattern) == logits[first + vector].map(\.bitPattern)
        }
    }
}
