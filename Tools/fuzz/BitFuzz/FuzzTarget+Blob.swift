import BitBlob
import BitCore
import BitRuntime

/// A `.bitblob` (or a compressed container), loaded as `bitmlpd` loads one: inflate when the
/// container magic is there, validate, allocate the arena the blob asks for, build the engine and
/// run it. A blob that validates must describe a consistent layer chain and must run.
enum Blob {
    /// The batch the engine is built for: more than one, so batched code paths run too.
    static let batch = 2

    static func run(_ bytes: UnsafeRawBufferPointer) throws(FuzzFinding) -> FuzzOutcome {
        // The reader wants `BitBlobFormat.bufferAlignment`; a mapped file is page aligned.
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        defer { copy.deallocate() }
        if let base = bytes.baseAddress, bytes.count > 0 { copy.baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
        let file = UnsafeRawBufferPointer(rebasing: copy[0..<bytes.count])

        guard BitBlobCompression.isContainer(file) else {
            let outcome = try validateAndRun(file)
            // Random changes almost never keep the CRCs right, so they stop at the first CRC
            // check. Again with every checksum and the file size repaired: the same change now
            // reaches the checks behind them (shapes, shifts, packed codes, arena figures).
            guard outcome == .refused, repairChecksums(UnsafeMutableRawBufferPointer(rebasing: copy[0..<bytes.count])) else {
                return outcome
            }
            return try validateAndRun(file)
        }
        let size: Int
        do {
            size = try BitBlobCompression.uncompressedSize(of: file)
        } catch {
            _ = String(describing: error)
            return .refused
        }
        let inflated = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 64)
        defer { inflated.deallocate() }
        do {
            try BitBlobCompression.inflate(file, into: UnsafeMutableRawBufferPointer(rebasing: inflated[0..<size]))
        } catch {
            _ = String(describing: error)
            return .refused
        }
        return try validateAndRun(UnsafeRawBufferPointer(rebasing: inflated[0..<size]))
    }

    private static func validateAndRun(_ blob: UnsafeRawBufferPointer) throws(FuzzFinding) -> FuzzOutcome {
        let model: BitBlobModel
        do {
            model = try BitBlobModel(validating: blob)
        } catch {
            _ = String(describing: error)
            return .refused
        }
        try checkLayers(model)
        guard let arenaBytes = model.arenaBytes(batch: batch) else {
            throw FuzzFinding(.bitblob, "a validated blob has no arena size for batch \(batch)")
        }
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: max(arenaBytes, 1), alignment: 64)
        defer { arena.deallocate() }
        var runtime: BitMLPRuntime
        do {
            runtime = try BitMLPRuntime(model: model, arena: UnsafeMutableRawBufferPointer(rebasing: arena[0..<arenaBytes]), maximumBatch: batch)
        } catch {
            throw FuzzFinding(.bitblob, "a validated blob does not build an engine in its own arena of \(arenaBytes) bytes: \(error)")
        }
        // Two vectors: zeros, and a ramp of both signs.
        let inputs = model.inputFeatures
        var input = [Float](repeating: 0, count: batch * inputs)
        for index in 0..<inputs { input[inputs + index] = Float(index % 7) - 3 }
        let outputs = model.outputFeatures
        let result: InferenceResult
        do {
            result = try input.withUnsafeBufferPointer { (vectors) throws(RuntimeError) in
                try runtime.infer(vectors, batch: batch)
            }
        } catch {
            throw FuzzFinding(.bitblob, "a validated blob refused a finite input: \(error)")
        }
        var logits = [Float](repeating: 0, count: outputs)
        for vector in 0..<batch {
            let predicted = result.predictedClass(vector)
            guard predicted >= 0 && predicted < outputs else {
                throw FuzzFinding(.bitblob, "vector \(vector) predicted class \(predicted) of \(outputs)")
            }
            logits.withUnsafeMutableBufferPointer { result.floatLogits(vector, into: $0) }
        }
        return .accepted
    }

    /// Rewrites the file size, each in-range section's CRC, the table CRC and the header CRC
    /// (docs/bitblob.md); returns whether anything changed.
    static func repairChecksums(_ blob: UnsafeMutableRawBufferPointer) -> Bool {
        guard blob.count >= BitBlobFormat.headerSize,
              blob.loadUnaligned(as: UInt64.self) == BitBlobFormat.magic.littleEndian else { return false }
        let original = (blob.loadUnaligned(fromByteOffset: 16, as: UInt64.self), blob.loadUnaligned(fromByteOffset: 28, as: UInt64.self))
        var sectionsChanged = false
        blob.storeBytes(of: UInt64(blob.count).littleEndian, toByteOffset: 16, as: UInt64.self)
        let sectionCount = min(Int(UInt32(littleEndian: blob.loadUnaligned(fromByteOffset: 24, as: UInt32.self))), BitBlobFormat.maximumSectionCount)
        let tableEnd = min(BitBlobFormat.headerSize + sectionCount * BitBlobFormat.sectionEntrySize, blob.count)
        let entries = (tableEnd - BitBlobFormat.headerSize) / BitBlobFormat.sectionEntrySize
        for index in 0..<entries {
            let entry = BitBlobFormat.headerSize + index * BitBlobFormat.sectionEntrySize
            let offset = UInt64(littleEndian: blob.loadUnaligned(fromByteOffset: entry + 8, as: UInt64.self))
            let length = UInt64(littleEndian: blob.loadUnaligned(fromByteOffset: entry + 16, as: UInt64.self))
            guard offset <= UInt64(blob.count), length <= UInt64(blob.count) - offset else { continue }
            let crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: blob[Int(offset)..<Int(offset + length)]))
            if blob.loadUnaligned(fromByteOffset: entry + 24, as: UInt32.self) != crc.littleEndian { sectionsChanged = true }
            blob.storeBytes(of: crc.littleEndian, toByteOffset: entry + 24, as: UInt32.self)
        }
        let tableCRC = CRC32.checksum(UnsafeRawBufferPointer(rebasing: blob[BitBlobFormat.headerSize..<tableEnd]))
        blob.storeBytes(of: tableCRC.littleEndian, toByteOffset: 28, as: UInt32.self)
        let headerCRC = CRC32.checksum(UnsafeRawBufferPointer(rebasing: blob[0..<32]))
        let headerChanged = blob.loadUnaligned(fromByteOffset: 32, as: UInt32.self) != headerCRC.littleEndian
        blob.storeBytes(of: headerCRC.littleEndian, toByteOffset: 32, as: UInt32.self)
        return sectionsChanged || headerChanged
            || original != (blob.loadUnaligned(fromByteOffset: 16, as: UInt64.self), blob.loadUnaligned(fromByteOffset: 28, as: UInt64.self))
    }

    /// The layers chain: the first takes the model's inputs, each takes the previous one's
    /// outputs, the last gives the model's outputs; views have the sizes their layouts need.
    private static func checkLayers(_ model: BitBlobModel) throws(FuzzFinding) {
        guard model.layerCount >= 1 else { throw FuzzFinding(.bitblob, "a validated blob has \(model.layerCount) layers") }
        var columns = model.inputFeatures
        for index in 0..<model.layerCount {
            let layer = model.layer(index)
            let layout = layer.layout
            guard layout.columns == columns else {
                throw FuzzFinding(.bitblob, "layer \(index) takes \(layout.columns) inputs, the previous layer gives \(columns)")
            }
            guard layer.weights.count == layout.byteCount else {
                throw FuzzFinding(.bitblob, "layer \(index) weights are \(layer.weights.count) bytes, its layout needs \(layout.byteCount)")
            }
            guard layer.weightMultipliers.mantissas.count == layer.weightScales.count,
                  layer.weightScales.count == 1 || layer.weightScales.count == layout.rows,
                  layer.bias.mantissas.isEmpty || layer.bias.mantissas.count == layout.rows else {
                throw FuzzFinding(.bitblob, "layer \(index): \(layer.weightMultipliers.mantissas.count) multipliers, \(layer.weightScales.count) scales, \(layer.bias.mantissas.count) biases for \(layout.rows) rows")
            }
            columns = layout.rows
        }
        guard columns == model.outputFeatures else {
            throw FuzzFinding(.bitblob, "the last layer gives \(columns) outputs, the model declares \(model.outputFeatures)")
        }
    }
}
