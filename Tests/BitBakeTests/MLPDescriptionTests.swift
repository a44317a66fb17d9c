import BitBlob
import Testing
@testable import BitBake

/// Layer-chain inference from tensor names and shapes.
@Suite struct MLPDescriptionTests {
    typealias Tensors = [(name: String, shape: [Int])]

    private func chain(_ description: MLPDescription) -> [String] {
        description.layers.map { layer in
            "\(layer.weightName) \(layer.biasName ?? "-") \(layer.outputs)x\(layer.inputs) \(layer.activation.name)"
        }
    }

    private func error(_ tensors: Tensors) -> String? {
        do {
            _ = try MLPDescription.infer(from: tensors)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func sequentialIndicesInNaturalOrder() throws {
        // nn.Sequential(Linear, ReLU, ..., Linear): indices 0, 2, ..., 10; "10" sorts before "2" as text.
        let tensors: Tensors = [
            ("10.weight", [3, 4]), ("2.bias", [6]), ("0.weight", [8, 5]), ("2.weight", [6, 8]), ("0.bias", [8]),
            ("10.bias", [3]), ("6.weight", [4, 6]),
        ]
        let description = try MLPDescription.infer(from: tensors)
        #expect(chain(description) == [
            "0.weight 0.bias 8x5 relu", "2.weight 2.bias 6x8 relu", "6.weight - 4x6 relu", "10.weight 10.bias 3x4 none",
        ])
        #expect(description.inputFeatures == 5)
        #expect(description.outputFeatures == 3)
        #expect(description.summary
            == "0.weight [8, 5] + 0.bias -> relu -> 2.weight [6, 8] + 2.bias -> relu -> 6.weight [4, 6] -> relu -> "
            + "10.weight [3, 4] + 10.bias")
    }

    @Test func fcNames() throws {
        let tensors: Tensors = [("fc10.weight", [2, 7]), ("fc1.weight", [9, 4]), ("fc2.weight", [7, 9]), ("fc2.bias", [7])]
        #expect(chain(try MLPDescription.infer(from: tensors)) == [
            "fc1.weight - 9x4 relu", "fc2.weight fc2.bias 7x9 relu", "fc10.weight - 2x7 none",
        ])
    }

    @Test func layersDotNNames() throws {
        let tensors: Tensors = [
            ("layers.10.weight", [1, 3]), ("layers.2.weight", [3, 5]), ("layers.0.weight", [5, 2]),
            ("layers.0.bias", [5]), ("layers.10.bias", [1]),
        ]
        #expect(chain(try MLPDescription.infer(from: tensors)) == [
            "layers.0.weight layers.0.bias 5x2 relu", "layers.2.weight - 3x5 relu", "layers.10.weight layers.10.bias 1x3 none",
        ])
    }

    @Test func tensorsThatAreNotLayersAreIgnored() throws {
        let tensors: Tensors = [("x", [10, 4]), ("0.weight", [3, 4]), ("step", [])]
        #expect(chain(try MLPDescription.infer(from: tensors)) == ["0.weight - 3x4 none"])
    }

    @Test func naturalOrderComparesDigitRunsAsNumbers() {
        #expect(NaturalOrder.precedes("2", "10"))
        #expect(!NaturalOrder.precedes("10", "2"))
        #expect(NaturalOrder.precedes("fc2", "fc10"))
        #expect(NaturalOrder.precedes("layers.9", "layers.10"))
        #expect(NaturalOrder.precedes("block.1.fc.2", "block.1.fc.10"))
        #expect(NaturalOrder.precedes("a", "b"))
        #expect(NaturalOrder.precedes("7", "a"))      // numbers before text
        #expect(NaturalOrder.precedes("fc", "fc1"))   // a prefix first
        #expect(!NaturalOrder.precedes("fc1", "fc1"))
    }

    @Test func orphanBias() {
        #expect(error([("0.weight", [3, 4]), ("0.bias", [3]), ("head.bias", [2])])
            == "tensor 'head.bias' has no matching 'head.weight'")
    }

    @Test func biasOfTheWrongLength() {
        #expect(error([("0.weight", [3, 4]), ("0.bias", [4])])
            == "tensor '0.bias' has shape [4] but '0.weight' has 3 outputs")
    }

    @Test func weightsThatAreNotMatrices() {
        #expect(error([("norm.weight", [8]), ("0.weight", [8, 4])])
            == "tensor 'norm.weight' has shape [8]; linear weights are 2-D [out, in] (convolutions, embeddings and "
            + "norms are not baked). Name the layers in a --spec file to leave it out")
        #expect(error([("conv.weight", [4, 3, 3]), ("fc.weight", [2, 4])])
            == "tensor 'conv.weight' has shape [4, 3, 3]; linear weights are 2-D [out, in] (convolutions, embeddings "
            + "and norms are not baked). Name the layers in a --spec file to leave it out")
    }

    @Test func batchNormIsRefusedWithAdvice() {
        for statistic in ["running_mean", "running_var"] {
            #expect(error([("0.weight", [4, 4]), ("1.\(statistic)", [4]), ("2.weight", [2, 4])])
                == "tensor '1.\(statistic)' belongs to a batch-norm layer, which BitLab does not bake; fold it into "
                + "the neighbouring linear layer's weight and bias first")
        }
    }

    @Test func brokenChainSaysHowToFixIt() {
        #expect(error([("0.weight", [6, 8]), ("1.weight", [4, 5]), ("2.weight", [2, 4])])
            == "layer chain broken: '0.weight' outputs 6 features but '1.weight' takes 5 (layer order: 0.weight, "
            + "1.weight, 2.weight); if the order is wrong, list the layers in a --spec file")
    }

    @Test func noLayers() {
        #expect(error([("x", [10, 4]), ("y", [10])])
            == "no tensor named '<layer>.weight' (found: x, y); name the layers in a --spec file")
        #expect(throws: BakeError("the model has no layers")) { try MLPDescription(layers: []).checkChain() }
    }

    @Test func theDigitsModel() throws {
        let file = try ModelFile(contentsOf: DigitsExample.modelURL)
        let description = try MLPDescription.infer(from: file.tensors.map { ($0.name, $0.shape) })
        #expect(chain(description) == [
            "0.weight 0.bias 256x64 relu", "2.weight 2.bias 256x256 relu", "4.weight 4.bias 10x256 none",
        ])
    }
}
