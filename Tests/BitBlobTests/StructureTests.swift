import BitCore
import Testing
@testable import BitBlob

/// Blobs whose CRCs are right but whose table or records lie: each is refused by the check the
/// spec names, with the section and values in the error.
@Suite struct StructureTests {
    private let contents = Fixtures.contents(features: [7, 5, 3], config: BitQuantConfig(activationGranularity: .perTensor))

    // MARK: Check 3: placement

    @Test func misalignedOffsetIsRefused() {
        var editor = BlobEditor(Fixtures.smallBlob())
        let position = editor.position(of: .weights)
        editor.setOffset(position, editor.section(position).offset + 4)
        editor.sealTable()
        #expect(validationError(editor.bytes) == .sectionMisaligned(editor.section(position)))
    }

    @Test func sectionInsideTheTableIsRefused() {
        var editor = BlobEditor(Fixtures.smallBlob())
        editor.setOffset(0, 64)
        editor.sealTable()
        let tableEnd = 64 + 32 * editor.sectionCount
        #expect(validationError(editor.bytes) == .sectionInsideTable(editor.section(0), tableEnd: tableEnd))
    }

    @Test func overlappingAndReversedSectionsAreRefused() {
        var editor = BlobEditor(Fixtures.smallBlob())
        let previous = editor.section(3)
        editor.setOffset(4, previous.offset)
        editor.sealTable()
        #expect(validationError(editor.bytes) == .sectionOverlap(
            editor.section(4), previousEnd: Int(previous.offset + previous.length)))

        // Two entries swapped: the table no longer lists the sections in file order.
        editor = BlobEditor(Fixtures.smallBlob())
        let first = Array(editor.bytes[editor.entryOffset(2)..<editor.entryOffset(3)])
        let second = Array(editor.bytes[editor.entryOffset(3)..<editor.entryOffset(4)])
        editor.bytes.replaceSubrange(editor.entryOffset(2)..<editor.entryOffset(4), with: second + first)
        editor.sealTable()
        let later = editor.section(2)
        #expect(validationError(editor.bytes) == .sectionOverlap(
            editor.section(3), previousEnd: Int(later.offset + later.length)))
    }

    @Test func lyingLengthsAreRefused() {
        // A length past the file, and one whose end overflows UInt64.
        for length in [UInt64(100_000), UInt64.max - 100] {
            var editor = BlobEditor(Fixtures.smallBlob())
            let position = editor.position(of: .provenance)
            editor.setLength(position, length)
            editor.sealTable()
            #expect(validationError(editor.bytes) == .sectionOutOfBounds(editor.section(position), fileSize: editor.bytes.count))
        }
        // An offset past the file.
        var editor = BlobEditor(Fixtures.smallBlob())
        let last = editor.sectionCount - 1
        editor.setOffset(last, UInt64.max - 63)
        editor.sealTable()
        #expect(validationError(editor.bytes) == .sectionOutOfBounds(editor.section(last), fileSize: editor.bytes.count))

        // A shorter length uncovers bytes of the section in what is now padding.
        editor = BlobEditor(Fixtures.smallBlob())
        let position = editor.position(of: .weights)
        let weights = editor.section(position)
        editor.setLength(position, weights.length - 1)
        editor.sealAll()
        let lastByte = Int(weights.offset + weights.length - 1)
        #expect(validationError(editor.bytes) == .nonZeroPadding(offset: lastByte, value: editor.bytes[lastByte]))
    }

    @Test func nonZeroEntryReservedFieldIsRefused() {
        var editor = BlobEditor(Fixtures.smallBlob())
        editor.store(UInt32(0x0500), at: editor.entryOffset(2) + 28)
        editor.sealTable()
        #expect(validationError(editor.bytes) == .nonZeroReserved(
            field: "\(editor.section(2)) reserved field", offset: editor.entryOffset(2) + 29, value: 5))
    }

    // MARK: Check 4: structure

    @Test func missingAndDuplicateSectionsAreRefused() {
        var blob = reassembled(contents) { $0.remove(at: $0.position(of: .model)) }
        #expect(validationError(blob) == .missingSection(kind: .model, index: 0))

        blob = reassembled(contents) { $0.remove(at: $0.position(of: .weights, index: 1)) }
        #expect(validationError(blob) == .missingSection(kind: .weights, index: 1))

        blob = reassembled(contents) { $0.remove(at: $0.position(of: .bias, index: 0)) }
        #expect(validationError(blob) == .missingSection(kind: .bias, index: 0))

        blob = reassembled(contents) { $0.append($0[$0.position(of: .weightScales)]) }
        var editor = BlobEditor(blob)
        #expect(validationError(blob) == .duplicateSection(
            editor.section(editor.sectionCount - 1), first: editor.section(editor.position(of: .weightScales))))

        blob = reassembled(contents) { $0.append($0[$0.position(of: .provenance)]) }
        editor = BlobEditor(blob)
        #expect(validationError(blob) == .duplicateSection(
            editor.section(editor.sectionCount - 1), first: editor.section(editor.sectionCount - 2)))
    }

    @Test func sectionIndicesAreChecked() {
        var blob = reassembled(contents) { sections in
            sections.append(.init(kind: .weights, index: 2, bytes: sections[sections.position(of: .weights)].bytes))
        }
        var editor = BlobEditor(blob)
        #expect(validationError(blob) == .sectionIndex(editor.section(editor.sectionCount - 1), expected: "below the layer count 2"))

        blob = reassembled(contents) { $0[$0.position(of: .provenance)].index = 1 }
        editor = BlobEditor(blob)
        #expect(validationError(blob) == .sectionIndex(
            editor.section(editor.sectionCount - 1), expected: "0 (a model-wide section)"))
    }

    @Test func biasSectionsFollowTheFlag() {
        var blob = reassembled(contents) { $0.editLayer(1) { $0.hasBias = 0 } }
        var editor = BlobEditor(blob)
        #expect(validationError(blob) == .unexpectedBias(editor.section(editor.position(of: .bias, index: 1))))

        blob = reassembled(contents) { $0.editLayer(1) { $0.hasBias = 2 } }
        editor = BlobEditor(blob)
        #expect(validationError(blob) == .fieldOutOfRange(
            editor.section(editor.position(of: .layer, index: 1)), field: "has bias", value: 2, expected: "0 or 1"))
    }

    @Test func layerCountIsChecked() {
        for count: UInt32 in [0, 65] {
            let blob = reassembled(contents) { $0.editModel { $0.layerCount = count } }
            #expect(validationError(blob) == .fieldOutOfRange(
                BlobEditor(blob).section(0), field: "layer count", value: Int64(count), expected: "1 ... 64"))
        }
        let blob = reassembled(contents) { $0.editModel { $0.layerCount = 3 } }
        #expect(validationError(blob) == .missingSection(kind: .layer, index: 2))
    }

    @Test func recordsMustBeSixtyFourBytes() {
        let blob = reassembled(contents) { $0[$0.position(of: .layer, index: 1)].bytes.append(0) }
        let editor = BlobEditor(blob)
        #expect(validationError(blob) == .sectionLength(
            editor.section(editor.position(of: .layer, index: 1)), expected: 64, reason: "a LAYR record"))
    }

    // MARK: Check 5: fields, chain, lengths, values

    @Test func modelFieldsAreChecked() {
        let cases: [((inout ModelRecord) -> Void, String, Int64, String)] = [
            ({ $0.inputFeatures = 0 }, "input features", 0, "1 ... 1048576"),
            ({ $0.outputFeatures = UInt32.max }, "output features", Int64(UInt32.max), "1 ... 16777216"),
            ({ $0.weightGranularity = 2 }, "weight granularity", 2, "0 (per_tensor) or 1 (per_channel)"),
            ({ $0.activationDType = 0 }, "activation dtype", 0, "1 (int8; float32 is not bakeable)"),
            ({ $0.activationGranularity = 7 }, "activation granularity", 7, "0 (per_tensor) or 1 (per_token)"),
            ({ $0.packing = 2 }, "packing", 2, "0 (i2) or 1 (t3)"),
        ]
        for (edit, field, value, expected) in cases {
            let blob = reassembled(contents) { $0.editModel(edit) }
            #expect(validationError(blob) == .fieldOutOfRange(
                BlobEditor(blob).section(0), field: field, value: value, expected: expected))
        }
        let blob = reassembled(contents) { $0[0].bytes[40] = 1 }
        #expect(validationError(blob) == .nonZeroReserved(
            field: "\(BlobEditor(blob).section(0)) reserved bytes", offset: Int(BlobEditor(blob).section(0).offset) + 40, value: 1))
    }

    @Test func layerFieldsAreChecked() {
        let cases: [((inout LayerRecord) -> Void, String, Int64, String)] = [
            ({ $0.inputs = (1 << 20) + 1 }, "inputs", (1 << 20) + 1, "1 ... 1048576"),
            ({ $0.outputs = 0 }, "outputs", 0, "1 ... 16777216"),
            ({ $0.activation = 2 }, "activation", 2, "0 (none) or 1 (relu)"),
            ({ $0.weightShift = 1025 }, "weight shift", 1025, "-1024 ... 1024"),
            ({ $0.biasShift = -1025 }, "bias shift", -1025, "-1024 ... 1024"),
            ({ $0.staticScaleMultiplier = 1 << 29 }, "static input scale multiplier", 1 << 29, "1073741824 ... 2147483647"),
            ({ $0.staticScaleShift = 2000 }, "static input scale shift", 2000, "-1024 ... 1024"),
            ({ $0.staticStepMultiplier = -5 }, "static input step multiplier", -5, "1073741824 ... 2147483647"),
            ({ $0.staticStepShift = Int32.min }, "static input step shift", Int64(Int32.min), "-1024 ... 1024"),
        ]
        for (edit, field, value, expected) in cases {
            let blob = reassembled(contents) { $0.editLayer(1, edit) }
            let editor = BlobEditor(blob)
            #expect(validationError(blob) == .fieldOutOfRange(
                editor.section(editor.position(of: .layer, index: 1)), field: field, value: value, expected: expected))
        }
        let blob = reassembled(contents) { $0.editLayer(0) { $0.staticScaleBits = Float.nan.bitPattern } }
        #expect(validationError(blob) == .invalidValue(
            layer: 0, field: "static input scale", index: 0, bitPattern: Float.nan.bitPattern, expected: "finite and positive"))
    }

    @Test func perTokenLayersHaveNoStaticScale() {
        let perToken = Fixtures.contents(features: [7, 5, 3], bias: false)
        var blob = reassembled(perToken) { $0.editLayer(0) { $0.staticStepShift = 3 } }
        var editor = BlobEditor(blob)
        #expect(validationError(blob) == .fieldOutOfRange(
            editor.section(editor.position(of: .layer)), field: "static input step shift", value: 3,
            expected: "0 (per_token activations have no static scale)"))
        blob = reassembled(perToken) { $0.editLayer(0) { $0.biasShift = 3 } }
        editor = BlobEditor(blob)
        #expect(validationError(blob) == .fieldOutOfRange(
            editor.section(editor.position(of: .layer)), field: "bias shift", value: 3,
            expected: "0 (the layer has no bias)"))
    }

    @Test func chainBreaksAreRefused() {
        var blob = reassembled(contents) { $0.editLayer(1) { $0.inputs = 6 } }
        #expect(validationError(blob) == .chainBreak(layer: 1, inputs: 6, previousOutputs: 5))
        blob = reassembled(contents) { $0.editModel { $0.inputFeatures = 8 } }
        #expect(validationError(blob) == .modelFeatures(field: "input features", stored: 8, layers: 7))
        blob = reassembled(contents) { $0.editModel { $0.outputFeatures = 4 } }
        #expect(validationError(blob) == .modelFeatures(field: "output features", stored: 4, layers: 3))
    }

    @Test func sectionLengthsMustMatchTheShapes() {
        var blob = reassembled(contents) { $0[$0.position(of: .weights, index: 1)].bytes.removeLast() }
        var editor = BlobEditor(blob)
        let weights = editor.section(editor.position(of: .weights, index: 1))
        #expect(validationError(blob) == .sectionLength(weights, expected: 3, reason: "3 x 5 t3 weights"))
        #expect(validationError(blob)?.description
            == "section #6 WGHT[1] at offset \(weights.offset) has length 2, expected 3 for 3 x 5 t3 weights")

        blob = reassembled(contents) { $0[$0.position(of: .weightScales)].bytes += [0, 0, 0, 0] }
        editor = BlobEditor(blob)
        #expect(validationError(blob) == .sectionLength(
            editor.section(editor.position(of: .weightScales)), expected: 8, reason: "1 multipliers and 1 scales"))

        blob = reassembled(contents) { $0[$0.position(of: .bias, index: 1)].bytes.removeLast(4) }
        editor = BlobEditor(blob)
        #expect(validationError(blob) == .sectionLength(
            editor.section(editor.position(of: .bias, index: 1)), expected: 12, reason: "3 bias mantissas"))
    }

    /// The largest shape the format allows still has a byte count that fits: the length check
    /// reports it instead of overflowing.
    @Test func largestDimensionsDoNotOverflow() {
        let wide = Fixtures.contents(features: [7, 5])
        let blob = reassembled(wide) { sections in
            sections.editLayer(0) { $0.inputs = 1 << 20; $0.outputs = 1 << 24 }
            sections.editModel { $0.inputFeatures = 1 << 20; $0.outputFeatures = 1 << 24 }
        }
        let editor = BlobEditor(blob)
        #expect(validationError(blob) == .sectionLength(
            editor.section(editor.position(of: .weights)), expected: (1 << 24) * ((1 << 20) / 5 + 1),
            reason: "16777216 x 1048576 t3 weights"))
    }

    @Test func weightBytesAreValidated() {
        let blob = reassembled(contents) { $0[$0.position(of: .weights, index: 1)].bytes[1] = 237 }
        #expect(validationError(blob) == .invalidWeights(
            layer: 1, .invalidPackedByte(packing: .t3, row: 1, byteIndex: 0, value: 237)))
    }

    @Test func multipliersAndScalesAreChecked() {
        let perChannel = Fixtures.contents(features: [7, 5, 3], config: BitQuantConfig(weightGranularity: .perChannel))
        var blob = reassembled(perChannel) { $0[$0.position(of: .weightScales, index: 1)].bytes.replaceSubrange(4..<8, with: [0, 0, 0, 0x80]) }
        #expect(validationError(blob) == .multiplierNotPositive(layer: 1, output: 1, value: Int32.min))

        blob = reassembled(perChannel) { sections in
            let position = sections.position(of: .weightScales, index: 1)
            for output in 0..<3 { sections[position].bytes[4 * output + 3] = 0x20 }
        }
        guard case .multipliersNotNormalized(1, let largest) = validationError(blob) else {
            Issue.record("unnormalized multipliers were accepted")
            return
        }
        #expect(largest < 1 << 30)

        blob = reassembled(perChannel) { sections in
            let position = sections.position(of: .weightScales, index: 0)
            sections[position].bytes.replaceSubrange(20 + 8..<20 + 12, with: [0, 0, 0x80, 0xFF])  // -inf
        }
        #expect(validationError(blob) == .invalidValue(
            layer: 0, field: "weight scale", index: 2, bitPattern: (-Float.infinity).bitPattern, expected: "finite and positive"))
    }

    @Test func biasMantissasMustBeNormalized() {
        var blob = reassembled(contents) { sections in
            let position = sections.position(of: .bias, index: 0)
            sections[position].bytes = [UInt8](repeating: 0, count: sections[position].bytes.count)
        }
        guard case .biasNotNormalized(0, 0, let shift) = validationError(blob) else {
            Issue.record("an all-zero bias with a non-zero shift was accepted")
            return
        }
        #expect(shift != 0)

        blob = reassembled(contents) { sections in
            let position = sections.position(of: .bias, index: 1)
            sections[position].bytes.replaceSubrange(0..<4, with: [0, 0, 0, 0x80])  // Int32.min
        }
        let biasShift = withAligned(reassembled(contents) { _ in }) { try! BitBlobModel(validating: $0).layer(1).bias.shift }
        #expect(validationError(blob) == .biasNotNormalized(layer: 1, largestMagnitude: 1 << 31, shift: Int32(biasShift)))
    }

    @Test func provenanceIsChecked() {
        let provenance = contents.provenance
        var blob = reassembled(contents) { $0[$0.position(of: .provenance)].bytes.append(0) }
        var editor = BlobEditor(blob)
        let expectedLength = Int(editor.section(editor.sectionCount - 1).length) - 1
        #expect(validationError(blob) == .sectionLength(
            editor.section(editor.sectionCount - 1), expected: expectedLength, reason: "the four provenance fields"))

        blob = reassembled(contents) { sections in
            var short = provenance
            short.sourceSHA256.removeLast()
            sections[sections.position(of: .provenance)].bytes = ProvenanceRecord.encode(short)
        }
        editor = BlobEditor(blob)
        #expect(validationError(blob) == .fieldOutOfRange(
            editor.section(editor.sectionCount - 1), field: "source SHA-256 length", value: 31, expected: "32"))

        blob = reassembled(contents) { $0[$0.position(of: .provenance)].bytes[4] = 0xFF }
        editor = BlobEditor(blob)
        #expect(validationError(blob) == .invalidUTF8(editor.section(editor.sectionCount - 1), field: "source name"))

        blob = reassembled(contents) { $0[$0.position(of: .provenance)].bytes.replaceSubrange(0..<4, with: [0xFF, 0, 0, 0]) }
        editor = BlobEditor(blob)
        let left = Int(editor.section(editor.sectionCount - 1).length) - 4
        #expect(validationError(blob) == .fieldOutOfRange(
            editor.section(editor.sectionCount - 1), field: "source name length", value: 255,
            expected: "at most \(left), the bytes left in the section"))
    }

    // MARK: Check 6: arena

    @Test func arenaFiguresMustMatchThePlan() {
        var plan = ArenaPlan()
        plan.include(try! TernaryMatrixLayout(packing: .t3, rows: 5, columns: 7))
        plan.include(try! TernaryMatrixLayout(packing: .t3, rows: 3, columns: 5))
        var blob = reassembled(contents) { $0.editModel { $0.arenaBytesPerVector += 64 } }
        #expect(validationError(blob) == .arenaMismatch(
            field: "arena bytes per vector", stored: UInt64(plan.bytesPerVector + 64), expected: plan.bytesPerVector))
        blob = reassembled(contents) { $0.editModel { $0.arenaBaseBytes = 0 } }
        #expect(validationError(blob) == .arenaMismatch(field: "arena base bytes", stored: 0, expected: 63))
    }
}
