import BitCore

/// Checks 5 and 6 of docs/bitblob.md, on a blob whose header, table, sections and structure have
/// passed checks 1-4.
extension BitBlobModel {
    /// What the checks establish about the model as a whole.
    struct ValidatedFields {
        let config: BitQuantConfig
        let packing: TernaryPacking
        let inputFeatures: Int
        let outputFeatures: Int
        let arenaPlan: ArenaPlan
        let provenance: ProvenanceRecord?
    }

    /// Every field in its range, dimensions chained, section lengths as the shapes imply (all
    /// layers first), then each layer's scales, bias and packed weights, then the arena figures.
    static func validateFields(_ index: SectionIndex) throws(BitBlobError) -> ValidatedFields {
        let section = index.model
        let model = ModelRecord(decoding: index.bytes(of: section), fileOffset: Int(section.offset))
        if let (offset, value) = model.nonZeroReserved {
            throw .nonZeroReserved(field: "\(section) reserved bytes", offset: offset, value: value)
        }
        let inputFeatures = try checkRange(
            model.inputFeatures, 1, BitBlobFormat.maximumInputs, section, "input features")
        let outputFeatures = try checkRange(
            model.outputFeatures, 1, BitBlobFormat.maximumOutputs, section, "output features")
        guard let weightGranularity = BitQuantConfig.WeightGranularity(rawValue: model.weightGranularity) else {
            throw .fieldOutOfRange(
                section, field: "weight granularity", value: Int64(model.weightGranularity),
                expected: "0 (per_tensor) or 1 (per_channel)")
        }
        guard model.activationDType == BitQuantConfig.ActivationDType.int8.rawValue else {
            throw .fieldOutOfRange(
                section, field: "activation dtype", value: Int64(model.activationDType),
                expected: "1 (int8; float32 is not bakeable)")
        }
        guard let activationGranularity = BitQuantConfig.ActivationGranularity(
            rawValue: model.activationGranularity)
        else {
            throw .fieldOutOfRange(
                section, field: "activation granularity", value: Int64(model.activationGranularity),
                expected: "0 (per_tensor) or 1 (per_token)")
        }
        guard let packing = TernaryPacking(rawValue: model.packing) else {
            throw .fieldOutOfRange(
                section, field: "packing", value: Int64(model.packing), expected: "0 (i2) or 1 (t3)")
        }
        let config = BitQuantConfig(
            weightGranularity: weightGranularity, activationDType: .int8, activationGranularity: activationGranularity)
        var provenance: ProvenanceRecord?
        if let section = index.provenance {
            provenance = try ProvenanceRecord(validating: index.bytes(of: section), section: section)
        }

        var plan = ArenaPlan()
        var previousOutputs = inputFeatures
        for layer in 0..<index.layerCount {
            let layout = try checkShape(
                layer, index: index, config: config, packing: packing, previousOutputs: previousOutputs)
            plan.include(layout)
            previousOutputs = layout.rows
        }
        guard previousOutputs == outputFeatures else {
            throw .modelFeatures(field: "output features", stored: outputFeatures, layers: previousOutputs)
        }
        for layer in 0..<index.layerCount {
            try checkValues(layer, index: index, packing: packing)
        }

        guard model.arenaBaseBytes == UInt64(ArenaPlan.baseBytes) else {
            throw .arenaMismatch(field: "arena base bytes", stored: model.arenaBaseBytes, expected: ArenaPlan.baseBytes)
        }
        guard model.arenaBytesPerVector == UInt64(plan.bytesPerVector) else {
            throw .arenaMismatch(
                field: "arena bytes per vector", stored: model.arenaBytesPerVector, expected: plan.bytesPerVector)
        }
        return ValidatedFields(
            config: config, packing: packing, inputFeatures: inputFeatures, outputFeatures: outputFeatures,
            arenaPlan: plan, provenance: provenance)
    }

    /// A layer's `LAYR` fields, its place in the chain, and its section lengths.
    private static func checkShape(
        _ layer: Int, index: SectionIndex, config: BitQuantConfig, packing: TernaryPacking, previousOutputs: Int
    ) throws(BitBlobError) -> TernaryMatrixLayout {
        let section = index.section(layer: layer, kind: .layer)!
        let record = LayerRecord(decoding: index.bytes(of: section), fileOffset: Int(section.offset))
        if let (offset, value) = record.nonZeroReserved {
            throw .nonZeroReserved(field: "\(section) reserved bytes", offset: offset, value: value)
        }
        let inputs = try checkRange(record.inputs, 1, BitBlobFormat.maximumInputs, section, "inputs")
        let outputs = try checkRange(record.outputs, 1, BitBlobFormat.maximumOutputs, section, "outputs")
        guard LayerActivation(rawValue: record.activation) != nil else {
            throw .fieldOutOfRange(
                section, field: "activation", value: Int64(record.activation), expected: "0 (none) or 1 (relu)")
        }
        let shiftLimit = BitBlobFormat.maximumShift
        _ = try checkRange(record.weightShift, -shiftLimit, shiftLimit, section, "weight shift")
        if record.hasBias == 1 {
            _ = try checkRange(record.biasShift, -shiftLimit, shiftLimit, section, "bias shift")
        } else {
            _ = try checkRange(record.biasShift, 0, 0, section, "bias shift", because: "the layer has no bias")
        }
        if config.activationGranularity == .perTensor {
            let scale = Float(bitPattern: record.staticScaleBits)
            guard scale.isFinite, scale > 0 else {
                throw .invalidValue(
                    layer: layer, field: "static input scale", index: 0, bitPattern: record.staticScaleBits,
                    expected: "finite and positive")
            }
            let normalized = Int(FixedPointScale.minimumMultiplier)
            _ = try checkRange(
                record.staticScaleMultiplier, normalized, Int(Int32.max), section, "static input scale multiplier")
            _ = try checkRange(record.staticScaleShift, -shiftLimit, shiftLimit, section, "static input scale shift")
            _ = try checkRange(
                record.staticStepMultiplier, normalized, Int(Int32.max), section, "static input step multiplier")
            _ = try checkRange(record.staticStepShift, -shiftLimit, shiftLimit, section, "static input step shift")
        } else {
            let reason = "per_token activations have no static scale"
            _ = try checkRange(record.staticScaleBits, 0, 0, section, "static input scale", because: reason)
            _ = try checkRange(record.staticScaleMultiplier, 0, 0, section, "static input scale multiplier", because: reason)
            _ = try checkRange(record.staticScaleShift, 0, 0, section, "static input scale shift", because: reason)
            _ = try checkRange(record.staticStepMultiplier, 0, 0, section, "static input step multiplier", because: reason)
            _ = try checkRange(record.staticStepShift, 0, 0, section, "static input step shift", because: reason)
        }

        if layer == 0 {
            guard inputs == previousOutputs else {
                throw .modelFeatures(field: "input features", stored: previousOutputs, layers: inputs)
            }
        } else {
            guard inputs == previousOutputs else {
                throw .chainBreak(layer: layer, inputs: inputs, previousOutputs: previousOutputs)
            }
        }

        // In range, K and N always make a layout on 64-bit hosts; on 32-bit ones its byte count
        // (up to 2^24 x 2^18) may not fit an Int.
        let layout: TernaryMatrixLayout
        do {
            layout = try TernaryMatrixLayout(packing: packing, rows: outputs, columns: inputs)
        } catch {
            throw .invalidWeights(layer: layer, error)
        }
        try checkLength(
            index.section(layer: layer, kind: .weights)!, layout.byteCount,
            "\(outputs) x \(inputs) \(packing.name) weights")
        let scaleCount = config.weightGranularity == .perTensor ? 1 : outputs
        try checkLength(
            index.section(layer: layer, kind: .weightScales)!, 8 * scaleCount,
            "\(scaleCount) multipliers and \(scaleCount) scales")
        if let bias = index.section(layer: layer, kind: .bias) {
            try checkLength(bias, 4 * outputs, "\(outputs) bias mantissas")
        }
        return layout
    }

    /// A layer's multipliers, scales, bias mantissas and packed weights, whose sections have the
    /// lengths `checkShape` established.
    private static func checkValues(_ layer: Int, index: SectionIndex, packing: TernaryPacking) throws(BitBlobError) {
        let section = index.section(layer: layer, kind: .layer)!
        let record = LayerRecord(decoding: index.bytes(of: section), fileOffset: Int(section.offset))

        let scales = index.bytes(of: index.section(layer: layer, kind: .weightScales)!)
        let scaleCount = scales.count / 8
        var largestMultiplier: Int32 = 0
        for output in 0..<scaleCount {
            let multiplier = scales.littleEndian(Int32.self, at: 4 * output)
            guard multiplier > 0 else { throw .multiplierNotPositive(layer: layer, output: output, value: multiplier) }
            largestMultiplier = max(largestMultiplier, multiplier)
            let scaleBits = scales.littleEndian(UInt32.self, at: 4 * (scaleCount + output))
            let scale = Float(bitPattern: scaleBits)
            guard scale.isFinite, scale > 0 else {
                throw .invalidValue(
                    layer: layer, field: "weight scale", index: output, bitPattern: scaleBits,
                    expected: "finite and positive")
            }
        }
        guard largestMultiplier >= FixedPointScale.minimumMultiplier else {
            throw .multipliersNotNormalized(layer: layer, largest: largestMultiplier)
        }

        if let biasSection = index.section(layer: layer, kind: .bias) {
            let bias = index.bytes(of: biasSection)
            var largest: UInt32 = 0
            for output in 0..<bias.count / 4 {
                largest = max(largest, bias.littleEndian(Int32.self, at: 4 * output).magnitude)
            }
            let normalized = largest >= UInt32(FixedPointScale.minimumMultiplier) && largest <= UInt32(Int32.max)
            guard normalized || (largest == 0 && record.biasShift == 0) else {
                throw .biasNotNormalized(layer: layer, largestMagnitude: largest, shift: record.biasShift)
            }
        }

        do {
            // `checkShape` has made this layout.
            let layout = try TernaryMatrixLayout(packing: packing, rows: Int(record.outputs), columns: Int(record.inputs))
            try layout.validate(index.bytes(of: index.section(layer: layer, kind: .weights)!))
        } catch {
            throw .invalidWeights(layer: layer, error)
        }
    }

    /// `value` as an `Int` when it lies in `minimum ... maximum`.
    private static func checkRange<Value: FixedWidthInteger>(
        _ value: Value, _ minimum: Int, _ maximum: Int, _ section: BitBlobSection, _ field: String,
        because reason: String? = nil
    ) throws(BitBlobError) -> Int {
        guard let result = Int(exactly: value), result >= minimum, result <= maximum else {
            let range = minimum == maximum ? "\(minimum)" : "\(minimum) ... \(maximum)"
            throw .fieldOutOfRange(
                section, field: field, value: Int64(value),
                expected: reason.map { "\(range) (\($0))" } ?? range)
        }
        return result
    }

    /// The reason is only formatted when the length is wrong: validation allocates nothing.
    private static func checkLength(
        _ section: BitBlobSection, _ expected: Int, _ reason: @autoclosure () -> String
    ) throws(BitBlobError) {
        guard section.length == UInt64(expected) else {
            throw .sectionLength(section, expected: expected, reason: reason())
        }
    }
}
