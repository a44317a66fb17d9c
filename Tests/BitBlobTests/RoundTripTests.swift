import BitCore
import Testing
@testable import BitBlob

@Suite struct RoundTripTests {
    static let shapes: [[Int]] = [[13, 7], [33, 17, 1, 9, 4]]

    /// Every config the format stores, with and without bias, one and several layers, odd shapes.
    @Test(arguments: BitQuantConfig.WeightGranularity.allCases, BitQuantConfig.ActivationGranularity.allCases)
    func roundTrip(weights: BitQuantConfig.WeightGranularity, activations: BitQuantConfig.ActivationGranularity) throws {
        let config = BitQuantConfig(weightGranularity: weights, activationGranularity: activations)
        for packing in TernaryPacking.allCases {
            for bias in [false, true] {
                for features in Self.shapes {
                    let contents = Fixtures.contents(features: features, config: config, packing: packing, bias: bias)
                    try expectRoundTrip(contents)
                }
            }
        }
    }

    @Test func largeShapeRoundTrips() throws {
        let config = BitQuantConfig(weightGranularity: .perChannel)
        try expectRoundTrip(Fixtures.contents(features: [1031, 257, 10], config: config, packing: .i2))
    }

    @Test func writingIsDeterministic() throws {
        let contents = Fixtures.contents(features: [20, 11, 3], config: BitQuantConfig(weightGranularity: .perChannel))
        let first = try BitBlobWriter.write(contents)
        let copy = contents
        #expect(try BitBlobWriter.write(copy) == first)
        #expect(try BitBlobWriter.write(contents) == first)
    }

    @Test func layoutFollowsTheSpec() throws {
        let blob = try BitBlobWriter.write(Fixtures.contents(features: [7, 5, 3]))
        try withAligned(blob) { bytes in
            let model = try BitBlobModel(validating: bytes)
            #expect(model.header.majorVersion == 1 && model.header.minorVersion == 0)
            #expect(model.header.fileSize == blob.count)
            // MODL, 2 x (LAYR, WGHT, WSCL, BIAS), PROV.
            #expect(model.sections.map(\.kind) == [
                .model, .layer, .weights, .weightScales, .bias, .layer, .weights, .weightScales, .bias, .provenance,
            ])
            #expect(model.sections.map(\.index) == [0, 0, 0, 0, 0, 1, 1, 1, 1, 0])
            var previousEnd = UInt64(64 + 32 * model.sections.count)
            for section in model.sections {
                #expect(section.offset % 64 == 0 && section.offset >= previousEnd)
                #expect(section.offset - previousEnd < 64)
                previousEnd = section.offset + section.length
            }
            #expect(previousEnd == UInt64(blob.count))
            #expect(Array(blob[0..<8]) == Array("BITBLOB\0".utf8))
            #expect(model.sections[0].description == "section #0 MODL[0] at offset 384")
        }
    }

    @Test func unknownSectionsAndLaterMinorVersionsAreAccepted() throws {
        let contents = Fixtures.contents(features: [9, 4])
        var blob = reassembled(contents) { sections in
            sections.insert(.init(kind: BitBlobSectionKind(rawValue: 0x4152_5458), index: 7, bytes: [1, 2, 3]), at: 2)
        }
        var editor = BlobEditor(blob)
        editor.store(UInt16(3), at: 10)
        editor.sealHeader()
        blob = editor.bytes
        try withAligned(blob) { bytes in
            let model = try BitBlobModel(validating: bytes)
            #expect(model.header.minorVersion == 3)
            #expect(model.sections[2].kind.description == "XTRA")
            #expect(model.layer(0).layout.columns == 9)
        }
    }

    @Test func blobWithoutProvenanceIsAccepted() throws {
        let blob = reassembled(Fixtures.contents(features: [9, 4])) { $0.removeLast() }
        try withAligned(blob) { bytes in
            let model = try BitBlobModel(validating: bytes)
            #expect(model.provenance == nil)
        }
    }

    @Test func allZeroBiasKeepsItsSection() throws {
        var contents = Fixtures.contents(features: [6, 3])
        contents.layers[0].biases = [0, 0, 0]
        try withAligned(try BitBlobWriter.write(contents)) { bytes in
            let layer = try BitBlobModel(validating: bytes).layer(0)
            #expect(layer.hasBias && Array(layer.bias.mantissas) == [0, 0, 0] && layer.bias.shift == 0)
        }
    }

    /// Writes `contents`, reads the blob back and compares every field with what the writer was given.
    private func expectRoundTrip(_ contents: BitBlobContents) throws {
        let blob = try BitBlobWriter.write(contents)
        try withAligned(blob) { bytes in
            let model = try BitBlobModel(validating: bytes)
            #expect(model.config == contents.config)
            #expect(model.packing == contents.packing)
            #expect(model.layerCount == contents.layers.count)
            #expect(model.inputFeatures == contents.layers.first!.inputs)
            #expect(model.outputFeatures == contents.layers.last!.outputs)
            #expect(model.provenance?.contents == contents.provenance)
            #expect(Array(model.provenance!.sourceSHA256) == contents.provenance.sourceSHA256)

            var plan = ArenaPlan()
            for (index, expected) in contents.layers.enumerated() {
                let layer = model.layer(index)
                #expect(layer.index == index)
                #expect(layer.layout == (try TernaryMatrixLayout(
                    packing: contents.packing, rows: expected.outputs, columns: expected.inputs)))
                plan.include(layer.layout)
                #expect(layer.activation == expected.activation)
                #expect(Array(layer.weights) == expected.packedWeights)
                #expect(Array(layer.weightScales) == expected.weightScales)
                expectMultipliers(layer.weightMultipliers, encode: expected.weightScales)

                if let biases = expected.biases {
                    #expect(layer.hasBias)
                    expectMantissas(layer.bias, encode: biases.map(Double.init))
                } else {
                    #expect(!layer.hasBias && layer.bias.shift == 0)
                }

                if let scale = expected.staticInputScale {
                    #expect(layer.staticInputScaleValue == scale)
                    #expect(layer.staticInputScale == FixedPointScale(scale))
                    #expect(layer.staticInputStep == FixedPointScale(1 / Double(scale)))
                } else {
                    #expect(layer.staticInputScaleValue == nil)
                    #expect(layer.staticInputScale == nil && layer.staticInputStep == nil)
                }
            }
            #expect(model.arenaPlan == plan)
            #expect(model.arenaBytes(batch: 3) == plan.bytes(batch: 3))
        }
    }

    /// `M[o] = round(2^Sw / s_w[o])`, the largest normalized.
    private func expectMultipliers(_ vector: FixedPointVector, encode scales: [Float]) {
        expectMantissas(vector, encode: scales.map { 1 / Double($0) })
    }

    /// Mantissas within a half of `value * 2^shift`, the largest magnitude in `2^30 ..< 2^31`.
    private func expectMantissas(_ vector: FixedPointVector, encode values: [Double]) {
        #expect(vector.mantissas.count == values.count)
        let largest = vector.mantissas.map(\.magnitude).max()!
        #expect(largest >= 1 << 30 || values.allSatisfy { $0 == 0 })
        for (mantissa, value) in zip(vector.mantissas, values) {
            let exact = value * Double(sign: .plus, exponent: vector.shift, significand: 1)
            #expect(abs(Double(mantissa) - exact) <= 0.5)
        }
    }
}
