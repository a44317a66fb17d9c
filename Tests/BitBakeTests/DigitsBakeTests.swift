import BitBlob
import BitCore
import BitLayers
import Testing
@testable import BitBake

/// The digits example baked end to end and compared with NumPy (Targets/examples/digits/reference.py):
/// codes, scales and static scales bit for bit; the integer path's argmax against NumPy's
/// fake-quant logits.
@Suite struct DigitsBakeTests {
    static let weightGranularities: [BitQuantConfig.WeightGranularity] = [.perTensor, .perChannel]
    static let configurations: [(BitQuantConfig.WeightGranularity, BitQuantConfig.ActivationGranularity)] = [
        (.perTensor, .perToken), (.perTensor, .perTensor), (.perChannel, .perToken), (.perChannel, .perTensor),
    ]

    @Test(arguments: weightGranularities, [TernaryPacking.t3, .i2])
    func codesAndScalesEqualNumpys(_ granularity: BitQuantConfig.WeightGranularity, packing: TernaryPacking) throws {
        let reference = try DigitsExample.weightReference()
        let (_, baked, blob) = try DigitsExample.bake(granularity, .perToken, packing: packing)
        // Read back from the blob's bytes, as inspect --export does.
        let exported = try blob.exportedTensors()
        for index in 0..<3 {
            let codes = try #require(reference["\(granularity.name).\(index).codes"])
            let scales = try #require(reference["\(granularity.name).\(index).scale"])
            let blobCodes = try #require(exported["layer\(index).codes"])
            #expect(blobCodes.shape == codes.shape)
            #expect(blobCodes.values == codes.values, "layer \(index) codes")
            #expect(exported["layer\(index).weight_scale"]?.floatValues.map(\.bitPattern)
                == scales.floatValues.map(\.bitPattern), "layer \(index) scales")

            // The report counts the same codes.
            let values = try #require(codes.integerValues)
            let counts = baked.report.layers[index].counts
            #expect([counts.negative, counts.zero, counts.positive] == [-1, 0, 1].map { code in values.filter { $0 == code }.count })
        }
    }

    @Test(arguments: weightGranularities)
    func calibratedStaticScalesEqualNumpys(_ granularity: BitQuantConfig.WeightGranularity) throws {
        let reference = try #require(try DigitsExample.logitReference()["\(granularity.name).per_tensor.static_scale"])
        let (_, baked, blob) = try DigitsExample.bake(granularity, .perTensor)
        let scales = (0..<blob.model.layerCount).map { blob.model.layer($0).staticInputScaleValue?.bitPattern }
        #expect(scales == reference.floatValues.map(\.bitPattern))
        #expect(baked.report.layers.map(\.staticInputScale?.bitPattern) == scales)
    }

    /// NumPy's fake-quant argmax on the test split, and the integer simulation's, per configuration.
    /// Measured: 360/360 rows agree in every configuration (see the expectations).
    @Test(arguments: configurations)
    func integerArgmaxAgreesWithNumpysFakeQuant(
        _ weights: BitQuantConfig.WeightGranularity, _ activations: BitQuantConfig.ActivationGranularity
    ) throws {
        let test = try DigitsExample.testSet()
        let labels = try #require(test.labels)
        let logits = try #require(try DigitsExample.logitReference()["\(weights.name).\(activations.name).logits"])
        let numpyClasses = argmaxOfRows(logits.floatValues, columns: 10)
        let (_, _, blob) = try DigitsExample.bake(weights, activations)

        let outputs = try IntegerSimulation(model: blob.model).run(test.inputs)
        let agreement = Double(matches(outputs.classes, numpyClasses)) / Double(labels.count)
        let accuracy = Double(matches(outputs.classes, labels)) / Double(labels.count)
        let numpyAccuracy = Double(matches(numpyClasses, labels)) / Double(labels.count)
        #expect(agreement >= 0.99)
        #expect(abs(accuracy - numpyAccuracy) <= 0.005)
        #expect(matches(outputs.classes, numpyClasses) == 360, "\(weights.name) \(activations.name)")
    }

    @Test func theExampleBlobsSize() throws {
        let (_, baked, blob) = try DigitsExample.bake(.perTensor, .perToken)
        #expect(baked.report.weightCount == 64 * 256 + 256 * 256 + 256 * 10)
        #expect(baked.report.blobBytes == baked.blob.count)
        #expect(baked.report.floatBytes == 4 * (84_480 + 256 + 256 + 10))
        // 20,472 bytes for 84,480 weights: 1.939 bits per weight, everything in the file counted.
        #expect(baked.blob.count == 20_472)
        #expect(baked.report.bitsPerWeight == Double(20_472 * 8) / 84_480)
        #expect(BlobDescription(blob, fileBytes: baked.blob.count).bitsPerWeight == baked.report.bitsPerWeight)
    }
}
