import BitBlob
import BitCore
import BitRuntime

/// One model the self-test bakes in memory (random codes, scales and biases through
/// `BitBlobWriter`) and runs through `BitMLPRuntime` with every kernel.
struct RuntimeCase {
    let packing: TernaryPacking
    let config: BitQuantConfig
    let hasBias: Bool
    /// Features from input to output: `[37, 29, 13, 5]` is three layers.
    let widths: [Int]

    /// Every packing, weight and activation granularity, with and without biases, on odd widths;
    /// then a wider model for each packing and activation granularity.
    static var all: [RuntimeCase] {
        var cases: [RuntimeCase] = []
        for packing in TernaryPacking.allCases {
            for weights in BitQuantConfig.WeightGranularity.allCases {
                for activations in BitQuantConfig.ActivationGranularity.allCases {
                    for hasBias in [false, true] {
                        let config = BitQuantConfig(weightGranularity: weights, activationGranularity: activations)
                        cases.append(RuntimeCase(packing: packing, config: config, hasBias: hasBias, widths: [37, 29, 13, 5]))
                    }
                }
            }
        }
        for packing in TernaryPacking.allCases {
            for activations in BitQuantConfig.ActivationGranularity.allCases {
                let config = BitQuantConfig(weightGranularity: .perChannel, activationGranularity: activations)
                cases.append(RuntimeCase(packing: packing, config: config, hasBias: true, widths: [70, 331, 10]))
            }
        }
        return cases
    }

    /// `runtime t3 per_channel per_token bias 37-29-13-5`.
    var name: String {
        var widthText = ""
        for width in widths { widthText += (widthText.isEmpty ? "" : "-") + "\(width)" }
        return "runtime \(packing.name) \(config.weightGranularity.name) \(config.activationGranularity.name) "
            + (hasBias ? "bias " : "no-bias ") + widthText
    }

    /// Vectors per batch: six random, then all zeros, tiny (below the quantizer's epsilon) and huge.
    static let batch = 9

    /// The blob: random codes; weight scales, biases and static input scales of plausible sizes.
    func blob(_ random: inout SplitMix64) throws(BitCoreError) -> [UInt8]? {
        var layers: [BitBlobLayerContents] = []
        for index in 0..<widths.count - 1 {
            let inputs = widths[index], outputs = widths[index + 1]
            let layout = try TernaryMatrixLayout(packing: packing, rows: outputs, columns: inputs)
            var codes = [Int8](repeating: 0, count: layout.weightCount)
            for code in codes.indices { codes[code] = random.code() }
            let scaleCount = config.weightGranularity == .perTensor ? 1 : outputs
            var scales: [Float] = []
            for _ in 0..<scaleCount { scales.append(1 + 31 * abs(random.unitFloat())) }
            var biases: [Float]? = nil
            if hasBias {
                var values: [Float] = []
                for _ in 0..<outputs { values.append(4 * random.unitFloat()) }
                biases = values
            }
            let staticScale: Float? =
                config.activationGranularity == .perTensor ? 127 / (index == 0 ? 2 : 1 + 63 * abs(random.unitFloat())) : nil
            layers.append(
                BitBlobLayerContents(
                    inputs: inputs, outputs: outputs, activation: index + 2 < widths.count ? .relu : .none,
                    packedWeights: try layout.pack(codes), weightScales: scales, biases: biases,
                    staticInputScale: staticScale))
        }
        let provenance = BitBlobProvenance(
            sourceName: "bitlab-selftest", sourceSHA256: [UInt8](repeating: 0, count: 32), toolVersion: "selftest",
            bakeOptions: "")
        return try? BitBlobWriter.write(
            BitBlobContents(config: config, packing: packing, layers: layers, provenance: provenance))
    }

    /// `batch` float input vectors.
    func inputs(_ random: inout SplitMix64) -> [Float] {
        var values: [Float] = []
        for vector in 0..<Self.batch {
            let magnitude: Float = vector < 6 ? 2 : vector == 6 ? 0 : vector == 7 ? 1e-30 : 1e20
            for _ in 0..<widths[0] { values.append(magnitude * random.unitFloat()) }
        }
        return values
    }
}

/// Runs every runtime case: the reference kernel's outputs (logits, exponents, classes for the
/// whole batch, each vector alone, and int8 input) make the golden line, and every other kernel
/// must give the same numbers. A NaN or infinite input must be refused, not trapped on.
struct RuntimeCheck {
    let kernels: [TernaryKernel]

    func run(_ test: RuntimeCase, seed: UInt64, report: inout Report) {
        var random = SplitMix64(seed: seed)
        guard let blob = try? test.blob(&random), !blob.isEmpty else {
            report.fail(test.name, "the writer refused the model")
            return
        }
        let inputs = test.inputs(&random)
        var codes = [Int8](repeating: 0, count: 3 * test.widths[0])
        for index in codes.indices { codes[index] = random.int8() }
        let codeStep = FixedPointScale(Float(0.01) + abs(random.unitFloat()))
        blob.withUnsafeBytes { bytes in
            guard let model = try? BitBlobModel(validating: bytes) else {
                report.fail(test.name, "the blob does not validate")
                return
            }
            guard let expected = outputs(model, .reference, inputs, codes, codeStep, report: &report) else {
                report.fail(test.name, "the reference kernel failed")
                return
            }
            report.line("\(test.name) classes \(expected.classes) \(expected.transcript.digest)")
            for kernel in kernels where kernel != .reference {
                guard let actual = outputs(model, kernel, inputs, codes, codeStep, report: &report) else {
                    report.fail(test.name, "\(kernel.name) failed")
                    continue
                }
                if let difference = actual.transcript.firstDifference(from: expected.transcript) {
                    report.fail(
                        test.name,
                        "\(kernel.name): output \(difference.index) is \(difference.actual ?? 0), the reference \(difference.expected ?? 0)")
                }
            }
        }
    }

    /// Everything one kernel produces for the case, in a fixed order.
    private func outputs(
        _ model: BitBlobModel, _ kernel: TernaryKernel, _ inputs: [Float], _ codes: [Int8], _ codeStep: FixedPointScale?,
        report: inout Report
    ) -> (transcript: Transcript, classes: String)? {
        let batch = RuntimeCase.batch
        guard let arenaBytes = BitMLPRuntime.arenaBytes(for: model, batch: batch) else { return nil }
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: arenaBytes, alignment: 64)
        defer { arena.deallocate() }
        var transcript = Transcript()
        var classes = ""
        do throws(RuntimeError) {
            var runtime = try BitMLPRuntime(model: model, arena: arena, maximumBatch: batch, kernel: kernel)
            let width = model.inputFeatures
            try inputs.withUnsafeBufferPointer { (all) throws(RuntimeError) in
                let result = try runtime.infer(all, batch: batch)
                for vector in 0..<batch {
                    record(result, vector, into: &transcript)
                    classes += "\(result.predictedClass(vector))"
                }
                for vector in 0..<batch {
                    let one = try runtime.infer(UnsafeBufferPointer(rebasing: all[vector * width..<(vector + 1) * width]))
                    record(one, 0, into: &transcript)
                }
            }
            if let codeStep {
                try codes.withUnsafeBufferPointer { (all) throws(RuntimeError) in
                    let result = try runtime.infer(codes: all, step: codeStep, batch: 3)
                    for vector in 0..<3 { record(result, vector, into: &transcript) }
                }
            }
            for bad in [Float.nan, .infinity] {
                var vector = [Float](repeating: 0.5, count: width)
                vector[width / 2] = bad
                do {
                    _ = try vector.withUnsafeBufferPointer { (one) throws(RuntimeError) in try runtime.infer(one) }
                    report.fail("\(kernel.name)", "accepted an input of \(bad)")
                } catch {
                    guard error == .nonFiniteInput(index: width / 2) else {
                        report.fail("\(kernel.name)", "refused \(bad) with '\(error)'")
                        continue
                    }
                }
            }
        } catch {
            report.fail(kernel.name, "\(error)")
            return nil
        }
        return (transcript, classes)
    }

    private func record(_ result: InferenceResult, _ vector: Int, into transcript: inout Transcript) {
        transcript.append(result.logits(vector))
        transcript.append(Int64(result.exponent(vector)))
        transcript.append(Int64(result.predictedClass(vector)))
    }
}
