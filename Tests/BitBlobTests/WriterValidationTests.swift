import BitCore
import Testing
@testable import BitBlob

/// The writer refuses contents it cannot encode, naming the layer, field and value.
@Suite struct WriterValidationTests {
    private let perTensor = BitQuantConfig(activationGranularity: .perTensor)

    private func writeError(_ contents: BitBlobContents) -> BitBlobError? {
        do {
            _ = try BitBlobWriter.write(contents)
            return nil
        } catch {
            return error
        }
    }

    @Test func refusesFloatActivations() {
        let contents = Fixtures.contents(features: [4, 2], config: BitQuantConfig(activationDType: .float32))
        #expect(writeError(contents) == .unbakeableActivationDType(.float32))
    }

    @Test func refusesLayerCounts() {
        var contents = Fixtures.contents(features: [4, 2])
        contents.layers = []
        #expect(writeError(contents) == .layerCount(0, maximum: 64))
        contents = Fixtures.contents(features: Array(repeating: 2, count: 66))
        #expect(writeError(contents) == .layerCount(65, maximum: 64))
        contents = Fixtures.contents(features: Array(repeating: 2, count: 65))
        #expect(writeError(contents) == nil)
    }

    @Test func refusesDimensions() {
        var contents = Fixtures.contents(features: [4, 2])
        contents.layers[0].inputs = 0
        #expect(writeError(contents) == .layerDimension(layer: 0, field: "inputs", value: 0, maximum: 1 << 20))
        contents.layers[0].inputs = (1 << 20) + 1
        #expect(writeError(contents) == .layerDimension(layer: 0, field: "inputs", value: (1 << 20) + 1, maximum: 1 << 20))
        contents.layers[0].inputs = 4
        contents.layers[0].outputs = (1 << 24) + 1
        #expect(writeError(contents) == .layerDimension(layer: 0, field: "outputs", value: (1 << 24) + 1, maximum: 1 << 24))
        contents.layers[0].outputs = Int.max
        #expect(writeError(contents) == .layerDimension(layer: 0, field: "outputs", value: Int.max, maximum: 1 << 24))
    }

    @Test func refusesChainBreaks() {
        var contents = Fixtures.contents(features: [6, 5, 3])
        contents.layers[1] = Fixtures.contents(features: [4, 3]).layers[0]
        #expect(writeError(contents) == .chainBreak(layer: 1, inputs: 4, previousOutputs: 5))
    }

    @Test func refusesInvalidWeights() {
        var contents = Fixtures.contents(features: [7, 3], packing: .t3)
        contents.layers[0].packedWeights.removeLast()
        #expect(writeError(contents) == .invalidWeights(
            layer: 0, .bufferSize(name: "packed weights", expected: 6, actual: 5)))
        contents = Fixtures.contents(features: [7, 3], packing: .t3)
        contents.layers[0].packedWeights[4] = 1  // no t3 row packs to 1 (0 is followed by 2)
        #expect(writeError(contents) == .invalidWeights(
            layer: 0, .invalidPackedByte(packing: .t3, row: 2, byteIndex: 0, value: 1)))
    }

    @Test func refusesWrongValueCounts() {
        var contents = Fixtures.contents(features: [4, 3], config: BitQuantConfig(weightGranularity: .perChannel))
        contents.layers[0].weightScales = [1]
        #expect(writeError(contents) == .valueCount(layer: 0, field: "weight scales", count: 1, expected: 3))
        contents = Fixtures.contents(features: [4, 3])
        contents.layers[0].weightScales = [1, 2, 3]
        #expect(writeError(contents) == .valueCount(layer: 0, field: "weight scales", count: 3, expected: 1))
        contents = Fixtures.contents(features: [4, 3])
        contents.layers[0].biases = [1, 2]
        #expect(writeError(contents) == .valueCount(layer: 0, field: "biases", count: 2, expected: 3))
    }

    @Test func refusesNonFiniteAndNonPositiveValues() {
        for bad: Float in [0, -1, .nan, .infinity] {
            var contents = Fixtures.contents(features: [4, 3], config: BitQuantConfig(weightGranularity: .perChannel))
            contents.layers[0].weightScales[2] = bad
            #expect(writeError(contents) == .invalidValue(
                layer: 0, field: "weight scale", index: 2, bitPattern: bad.bitPattern, expected: "finite and positive"))
        }
        var contents = Fixtures.contents(features: [4, 3])
        contents.layers[0].biases![1] = -.infinity
        #expect(writeError(contents) == .invalidValue(
            layer: 0, field: "bias", index: 1, bitPattern: (-Float.infinity).bitPattern, expected: "finite"))
        contents = Fixtures.contents(features: [4, 3], config: perTensor)
        contents.layers[0].staticInputScale = -2
        #expect(writeError(contents) == .invalidValue(
            layer: 0, field: "static input scale", index: 0, bitPattern: Float(-2).bitPattern,
            expected: "finite and positive"))
    }

    @Test func refusesMultipliersThatRoundToZero() {
        var contents = Fixtures.contents(features: [4, 3], config: BitQuantConfig(weightGranularity: .perChannel))
        // m = 1/s_w: the first row's absmean is 2^33 times the third's.
        contents.layers[0].weightScales = [1, 2, 0x1p33]
        #expect(writeError(contents) == .multiplierUnderflow(layer: 0, output: 2, scaleBits: Float(0x1p33).bitPattern))
    }

    @Test func staticScalesFollowTheActivationGranularity() {
        var contents = Fixtures.contents(features: [4, 3, 2], config: perTensor)
        contents.layers[1].staticInputScale = nil
        #expect(writeError(contents) == .staticInputScale(layer: 1, granularity: .perTensor, present: false))
        contents = Fixtures.contents(features: [4, 3])
        contents.layers[0].staticInputScale = 3
        #expect(writeError(contents) == .staticInputScale(layer: 0, granularity: .perToken, present: true))
    }

    @Test func refusesProvenanceDigestsOfOtherLengths() {
        var contents = Fixtures.contents(features: [4, 3])
        contents.provenance.sourceSHA256 = [1, 2, 3]
        #expect(writeError(contents) == .provenanceDigestLength(3))
    }

    @Test func descriptionsNameTheDefect() {
        #expect(BitBlobError.chainBreak(layer: 2, inputs: 100, previousOutputs: 90).description
            == "layer 2 has 100 inputs, but layer 1 has 90 outputs")
        #expect(BitBlobError.unbakeableActivationDType(.float32).description
            == "activation dtype float32 is not bakeable (the integer runtime needs int8)")
        #expect(BitBlobError.staticInputScale(layer: 1, granularity: .perTensor, present: false).description
            == "layer 1 has no static input scale, which per_tensor activations need")
        #expect(BitBlobError.invalidValue(
            layer: 0, field: "weight scale", index: 2, bitPattern: Float.nan.bitPattern, expected: "finite and positive"
        ).description == "layer 0 weight scale [2] is nan, expected finite and positive")
    }
}
