import BitBlob
import BitCore
import Foundation
import Testing
@testable import BitBake

/// Bake specs: every key, every refusal (each naming the file and the key), and how options combine.
@Suite struct BakeSpecTests {
    private func spec(_ json: String) throws(BakeError) -> BakeSpec {
        try BakeSpec(json: Data(json.utf8), fileName: "spec.json")
    }

    private func error(_ json: String) -> String? {
        do {
            _ = try spec(json)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func readsEveryKey() throws {
        let read = try spec("""
            {
              "layers": [
                {"weight": "encoder.weight", "bias": "encoder.bias"},
                {"weight": "mid.weight", "activation": "none"},
                {"weight": "head.weight", "activation": "relu"}
              ],
              "activation": "identity",
              "weight_granularity": "per_channel",
              "activation_dtype": "int8",
              "activation_granularity": "per_tensor",
              "packing": "I2"
            }
            """)
        #expect(read == BakeSpec(
            fileName: "spec.json",
            layers: [
                .init(weight: "encoder.weight", bias: "encoder.bias"), .init(weight: "mid.weight", activation: LayerActivation.none),
                .init(weight: "head.weight", activation: .relu),
            ],
            activation: LayerActivation.none, weightGranularity: .perChannel, activationDType: .int8,
            activationGranularity: .perTensor, packing: .i2))
    }

    @Test func everyKeyIsOptional() throws {
        let empty = try spec("{}")
        #expect(empty == BakeSpec(fileName: "spec.json"))
        #expect(empty.hiddenActivation == .relu)
        #expect(try spec(#"{"activation": "linear"}"#).hiddenActivation == LayerActivation.none)
        // The Python library's name for per-token activation scales.
        #expect(try spec(#"{"activation_granularity": "per_channel"}"#).activationGranularity == .perToken)
    }

    @Test func refusalsNameTheFileAndTheKey() {
        let cases: [(String, String)] = [
            ("{nope", "spec.json: not valid JSON at byte 1: expected a string key, found 'n'"),
            ("[1]", "spec.json: top level: expected an object, found [1]"),
            (#"{"layerz": []}"#,
             "spec.json: layerz: unknown key (expected layers, activation, weight_granularity, activation_dtype, "
                + "activation_granularity, packing)"),
            (#"{"packing": "t3", "packing": "i2"}"#, "spec.json: packing: appears twice"),
            (#"{"packing": 5}"#, "spec.json: packing: expected a string, found 5"),
            (#"{"packing": "t4"}"#, "spec.json: packing: unknown packing 't4' (expected i2 or t3)"),
            (#"{"weight_granularity": "per_row"}"#,
             "spec.json: weight_granularity: unknown weight granularity 'per_row' (expected per_tensor or per_channel)"),
            (#"{"activation_dtype": "int4"}"#,
             "spec.json: activation_dtype: unknown activation dtype 'int4' (expected float32 or int8)"),
            (#"{"activation_granularity": null}"#, "spec.json: activation_granularity: expected a string, found null"),
            (#"{"activation_granularity": "per_row"}"#,
             "spec.json: activation_granularity: unknown activation granularity 'per_row' (expected per_tensor, "
                + "per_token or per_channel)"),
            (#"{"activation": "gelu"}"#, "spec.json: activation: unknown activation 'gelu' (expected relu or none)"),
            (#"{"layers": {}}"#, "spec.json: layers: expected an array of layers, found an object"),
            (#"{"layers": []}"#,
             "spec.json: layers: is empty; leave the key out to infer the layers from the tensor names"),
            (#"{"layers": [3]}"#, "spec.json: layers[0]: expected an object, found 3"),
            (#"{"layers": [{"weight": "a"}, {"bias": "b"}]}"#,
             "spec.json: layers[1]: missing key 'weight' (the layer's [out, in] weight tensor)"),
            (#"{"layers": [{"weight": 1}]}"#, "spec.json: layers[0].weight: expected a string, found 1"),
            (#"{"layers": [{"weight": "a", "bias": ["b"]}]}"#, "spec.json: layers[0].bias: expected a string, found [\"b\"]"),
            (#"{"layers": [{"weight": "a", "scale": 2}]}"#,
             "spec.json: layers[0].scale: unknown key (expected weight, bias, activation)"),
            (#"{"layers": [{"weight": "a", "weight": "b"}]}"#, "spec.json: layers[0].weight: appears twice"),
            (#"{"layers": [{"weight": "a", "activation": "tanh"}]}"#,
             "spec.json: layers[0].activation: unknown activation 'tanh' (expected relu or none)"),
        ]
        for (json, message) in cases {
            #expect(error(json) == message, "\(json)")
        }
    }

    @Test func unreadableFile() {
        #expect(throws: BakeError("no-such-spec.json: cannot read the spec: No such file or directory")) {
            try BakeSpec(contentsOf: URL(fileURLWithPath: "no-such-spec.json"))
        }
    }

    // MARK: The layers it names

    private let tensors: [(name: String, shape: [Int])] = [
        ("encoder.weight", [6, 4]), ("encoder.bias", [6]), ("mid.weight", [5, 6]), ("head.weight", [3, 5]),
        ("head.bias", [3]),
    ]

    private func descriptionError(_ layers: [BakeSpec.Layer]) -> String? {
        do {
            _ = try BakeSpec(fileName: "spec.json", layers: layers).description(for: tensors)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func namedLayersWithActivations() throws {
        let named = try spec("""
            {"layers": [{"weight": "encoder.weight", "bias": "encoder.bias"}, {"weight": "mid.weight", "activation": "none"},
                        {"weight": "head.weight", "bias": "head.bias"}]}
            """)
        let description = try #require(try named.description(for: tensors))
        #expect(description.layers == [
            .init(weightName: "encoder.weight", biasName: "encoder.bias", inputs: 4, outputs: 6, activation: .relu),
            .init(weightName: "mid.weight", biasName: nil, inputs: 6, outputs: 5, activation: LayerActivation.none),
            .init(weightName: "head.weight", biasName: "head.bias", inputs: 5, outputs: 3, activation: LayerActivation.none),
        ])
        // The spec's default covers the hidden layers; a last layer may ask for one too.
        let allNone = try spec("""
            {"activation": "none", "layers": [{"weight": "encoder.weight"}, {"weight": "mid.weight"},
                                              {"weight": "head.weight", "activation": "relu"}]}
            """)
        #expect(try allNone.description(for: tensors)?.layers.map(\.activation) == [.none, .none, .relu])
        #expect(try spec("{}").description(for: tensors) == nil)
    }

    @Test func namedLayerRefusals() {
        #expect(descriptionError([.init(weight: "encoder.weight"), .init(weight: "head")])
            == "spec.json: layers[1].weight: no tensor named 'head' in the model")
        #expect(descriptionError([.init(weight: "encoder.bias")])
            == "spec.json: layers[0].weight: 'encoder.bias' has shape [6], expected [out, in]")
        #expect(descriptionError([.init(weight: "encoder.weight", bias: "encoder.b")])
            == "spec.json: layers[0].bias: no tensor named 'encoder.b' in the model")
        #expect(descriptionError([.init(weight: "encoder.weight", bias: "head.bias")])
            == "spec.json: layers[0].bias: 'head.bias' has shape [3], expected [6] (the outputs of 'encoder.weight')")
        #expect(descriptionError([.init(weight: "encoder.weight"), .init(weight: "head.weight")])
            == "spec.json: layers: layer chain broken: 'encoder.weight' outputs 6 features but 'head.weight' takes 5 "
            + "(layer order: encoder.weight, head.weight); list the layers under 'layers' in the order they run")
    }

    // MARK: Options

    @Test func commandLineThenSpecThenDefaults() throws {
        let defaults = try BakeOptions(spec: nil)
        #expect(defaults.config == BitQuantConfig())
        #expect(defaults.packing == .t3)

        let fromSpec = try BakeOptions(
            spec: spec(#"{"weight_granularity": "per_channel", "activation_granularity": "per_tensor", "packing": "i2"}"#))
        #expect(fromSpec.config == BitQuantConfig(weightGranularity: .perChannel, activationGranularity: .perTensor))
        #expect(fromSpec.packing == .i2)

        let overridden = try BakeOptions(
            spec: spec(#"{"weight_granularity": "per_channel", "activation_granularity": "per_tensor", "packing": "i2"}"#),
            weightGranularity: .perTensor, activationGranularity: .perToken, packing: .t3)
        #expect(overridden.config == BitQuantConfig())
        #expect(overridden.packing == .t3)
        #expect(overridden.summary
            == "weight_granularity=per_tensor\nactivation_dtype=int8\nactivation_granularity=per_token\npacking=t3")
    }

    @Test func float32ActivationsCannotBeBaked() {
        #expect(throws: BakeError(
            "spec.json: activation_dtype: activation dtype float32 is for training and reference runs; a baked model is "
                + "integer-only and needs int8 activations")) {
            try BakeOptions(spec: spec(#"{"activation_dtype": "float32"}"#))
        }
    }

    // MARK: Through a model file

    @Test func specErrorsNameTheSpecAndModelErrorsTheModel() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("BakeSpecTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let specURL = folder.appendingPathComponent("reversed.json")
        try Data(#"{"layers": [{"weight": "4.weight"}, {"weight": "2.weight"}, {"weight": "0.weight"}]}"#.utf8)
            .write(to: specURL)
        let reversed = try BakeSpec(contentsOf: specURL)
        #expect(throws: BakeError(
            "\(specURL.path): layers: layer chain broken: '4.weight' outputs 10 features but '2.weight' takes 256 "
                + "(layer order: 4.weight, 2.weight, 0.weight); list the layers under 'layers' in the order they run")) {
            try FloatModelFile(url: DigitsExample.modelURL, spec: reversed)
        }

        // A spec that names the layers in order bakes the same model as inference does.
        let ordered = BakeSpec(
            fileName: "ordered.json",
            layers: [
                .init(weight: "0.weight", bias: "0.bias"), .init(weight: "2.weight", bias: "2.bias"),
                .init(weight: "4.weight", bias: "4.bias"),
            ])
        #expect(try FloatModelFile(url: DigitsExample.modelURL, spec: ordered).model.description
            == DigitsExample.model().model.description)

        let dataURL = DigitsExample.url("digits-test.safetensors")
        #expect(throws: BakeError(
            "\(dataURL.path): no tensor named '<layer>.weight' (found: y, x); name the layers in a --spec file")) {
            try FloatModelFile(url: dataURL, spec: nil)
        }
    }
}
