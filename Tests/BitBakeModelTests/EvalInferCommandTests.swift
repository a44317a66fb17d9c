@testable import BitBake
import BitBlob
import BitCore
import Foundation
import Testing

/// `eval` and `infer`: the `--json` contract, agreement with the library, and the on-device
/// runtime matching the simulation bit for bit.
@Suite struct EvalInferCommandTests {
    static let configurations: [(String, String)] = [
        ("per_tensor", "per_token"), ("per_tensor", "per_tensor"), ("per_channel", "per_token"), ("per_channel", "per_tensor"),
    ]

    /// Bakes the digits model with the given granularities into a fresh folder.
    static func bake(_ weights: String, _ activations: String) throws -> (folder: URL, blob: String) {
        let folder = try BitBakeModel.temporaryFolder()
        let blob = folder.appendingPathComponent("digits.bitblob").path
        var arguments = [
            "bake", Repository.digitsModel, "-o", blob, "--weight-granularity", weights, "--activation-granularity", activations,
        ]
        if activations == "per_tensor" { arguments += ["--calibration", Repository.digitsTrain] }
        expectSuccess(try BitBakeModel.run(arguments))
        return (folder, blob)
    }

    @Test func evalJSONIsTheDocumentedContract() throws {
        let (folder, blob) = try Self.bake("per_tensor", "per_token")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try BitBakeModel.run(["eval", blob, "--data", Repository.digitsTest, "--float", Repository.digitsModel, "--json"])
        expectSuccess(result)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["rows", "engine", "accuracy", "float"])
        let float = try #require(object["float"] as? [String: Any])
        #expect(Set(float.keys) == ["floatAccuracy", "fakeQuantAccuracy", "agreementWithFloat", "agreementWithFakeQuant"])

        // The digits example: 342 of 360 right, as NumPy's fake-quant reference; the float model 352.
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: Data(result.stdout.utf8))
        #expect(decoded == EvaluationReport(
            rows: 360, engine: .simulation, accuracy: 342.0 / 360,
            float: .init(
                floatAccuracy: 352.0 / 360, fakeQuantAccuracy: 342.0 / 360, agreementWithFloat: 346.0 / 360,
                agreementWithFakeQuant: 1)))
        #expect(result.stdout == (try decoded.jsonString()) + "\n")

        // Without a float model there is no "float" object; the values are the library's.
        let plain = try BitBakeModel.run(["eval", blob, "--data", Repository.digitsTest, "--json"])
        expectSuccess(plain)
        let plainObject = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
        #expect(Set(plainObject.keys) == ["rows", "engine", "accuracy"])
        let expected = try Evaluator.evaluate(
            BlobBuffer(contentsOf: URL(fileURLWithPath: blob)),
            data: DataFile(contentsOf: URL(fileURLWithPath: Repository.digitsTest), requireLabels: true),
            engine: .simulation, float: nil)
        #expect(plain.stdout == (try expected.jsonString()) + "\n")
    }

    /// Given a float model, `eval` bakes it in memory with the quant options (here the defaults)
    /// and compares: the report `evalJSONIsTheDocumentedContract` reads from the baked file.
    @Test func evalTextForAFloatModel() throws {
        let result = try BitBakeModel.run(["eval", Repository.digitsModel, "--data", Repository.digitsTestNpz])
        expectSuccess(result)
        #expect(result.stdout == """
            rows: 360
            integer accuracy (simulation): 95.0%
            float accuracy: 97.8%
            fake-quant reference accuracy: 95.0%
            argmax agreement with float: 96.1%
            argmax agreement with fake-quant reference: 100.0%

            """)
    }

    /// The on-device engine gives the simulation's outputs bit for bit, in every configuration.
    @Test(arguments: configurations)
    func runtimeEqualsSimulation(_ weights: String, _ activations: String) throws {
        let (folder, blob) = try Self.bake(weights, activations)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = ["--data", Repository.digitsTest, "--json"]
        let simulation = try BitBakeModel.run(["eval", blob] + data)
        let runtime = try BitBakeModel.run(["eval", blob] + data + ["--engine", "runtime"])
        expectSuccess(simulation)
        expectSuccess(runtime)
        #expect(runtime.stdout == simulation.stdout.replacingOccurrences(of: "\"simulation\"", with: "\"runtime\""))

        var outputs: [Data] = []
        for engine in ["simulation", "runtime"] {
            let output = folder.appendingPathComponent("\(engine).safetensors").path
            let result = try BitBakeModel.run(["infer", blob, "--input", Repository.digitsTest, "-o", output, "--engine", engine])
            expectSuccess(result)
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: output)))
        }
        #expect(outputs[0] == outputs[1])
    }

    /// `infer` writes `logits` (float32 [N, C]) and `argmax` (int64 [N]): the simulation's values,
    /// whose accuracy is `eval`'s.
    @Test func inferOutputs() throws {
        let (folder, blob) = try Self.bake("per_channel", "per_tensor")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("outputs.safetensors").path
        let result = try BitBakeModel.run(["infer", blob, "--input", Repository.digitsTestNpz, "--output", output])
        expectSuccess(result)
        #expect(result.stdout == "wrote \(output): logits [360, 10], argmax [360]\n")

        let file = try ModelFile(contentsOf: URL(fileURLWithPath: output))
        #expect(file.tensors.map(\.name) == ["logits", "argmax"])
        let logits = try #require(file["logits"])
        let argmax = try #require(file["argmax"])
        #expect(logits.storedType == .float32 && logits.shape == [360, 10])
        #expect(argmax.storedType == .int64 && argmax.shape == [360])

        let data = try DataFile(contentsOf: URL(fileURLWithPath: Repository.digitsTest), requireLabels: true)
        // The model is a view into the buffer's memory: the buffer must outlive the simulation
        // (AddressSanitizer found it freed before run when it was a temporary).
        let buffer = try BlobBuffer(contentsOf: URL(fileURLWithPath: blob))
        let expected = try withExtendedLifetime(buffer) { try IntegerSimulation(model: buffer.model).run(data.inputs) }
        #expect(logits.floatValues.map(\.bitPattern) == expected.floatLogits.map(\.bitPattern))
        #expect(argmax.integerValues == expected.classes)

        let eval = try BitBakeModel.run(["eval", blob, "--data", Repository.digitsTest, "--json"])
        let report = try JSONDecoder().decode(EvaluationReport.self, from: Data(eval.stdout.utf8))
        let labels = try #require(data.labels)
        let correct = zip(try #require(argmax.integerValues), labels).filter { $0 == $1 }.count
        #expect(report.accuracy == Double(correct) / 360)
    }
}
