import BitBlob
import BitCore
import BitLayers
import BitRuntime

/// Which integer implementation computes a blob's outputs.
public enum Engine: String, CaseIterable, Sendable, Codable {
    /// The bake tool's simulation (`IntegerSimulation`): the reference.
    case simulation
    /// The on-device engine (`BitMLPRuntime`), batched in one arena, as a device runs it.
    case runtime

    /// Runs every row of `inputs` through `blob`.
    public func run(_ blob: BlobBuffer, inputs: Matrix, progress: (Int) -> Void = { _ in }) throws(BakeError) -> IntegerOutputs {
        switch self {
        case .simulation:
            return try IntegerSimulation(model: blob.model).run(inputs, progress: progress)
        case .runtime:
            return try Self.runRuntime(blob.model, inputs: inputs, progress: progress)
        }
    }

    /// Batches of up to 64 rows through one `BitMLPRuntime`.
    private static func runRuntime(
        _ model: BitBlobModel, inputs: Matrix, progress: (Int) -> Void
    ) throws(BakeError) -> IntegerOutputs {
        let batchLimit = 64
        guard let arenaBytes = model.arenaBytes(batch: batchLimit) else {
            throw BakeError("the model's arena size overflows")
        }
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: arenaBytes, alignment: 64)
        defer { arena.deallocate() }
        do {
            var runtime = try BitMLPRuntime(model: model, arena: arena, maximumBatch: batchLimit)
            return try runtime.run(inputs, batch: batchLimit, progress: progress)
        } catch {
            throw BakeError("runtime: \(error)")
        }
    }
}
