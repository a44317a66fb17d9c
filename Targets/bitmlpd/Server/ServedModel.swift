import BitBlob
import BitCore
import BitRuntime

/// The model being served: a validated blob, its engine and arena, and the `info` text.
///
/// A plain `.bitblob` is mapped read-only and used in place; a compressed container is inflated
/// into memory owned here. Everything is checked before the value exists, so a reload either
/// yields a complete, working model or an error and the old model keeps serving.
struct ServedModel: ~Copyable {
    /// The blob file.
    let path: String
    /// The engine, with `maximumBatch` vectors of arena.
    var runtime: BitMLPRuntime
    let inputCount: Int
    let outputCount: Int
    /// The `info` answer without the `ok ` prefix: `info inputs=64 outputs=10 ...`.
    let info: [UInt8]

    private let mapping: MappedFile?
    private let inflated: UnsafeMutableRawBufferPointer?
    private let arena: UnsafeMutableRawBufferPointer

    /// Loads, validates and prepares the blob at `path` for batches of up to `maximumBatch`.
    init(path: String, maximumBatch: Int) throws(StartupError) {
        let file = try Self.map(path)
        let bytes = file.bytes
        let digest = SHA256.hash(bytes)
        let fileBytes = bytes.count
        let compressed = bytes.count >= 8 && bytes.loadUnaligned(as: UInt64.self) == BitBlobCompression.magic.littleEndian
        var inflated: UnsafeMutableRawBufferPointer? = nil
        let blob: UnsafeRawBufferPointer
        if compressed {
            do {
                let size = try BitBlobCompression.uncompressedSize(of: bytes)
                let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 64)
                inflated = memory
                try BitBlobCompression.inflate(bytes, into: UnsafeMutableRawBufferPointer(rebasing: memory[0..<size]))
                blob = UnsafeRawBufferPointer(rebasing: memory[0..<size])
            } catch {
                inflated?.deallocate()
                throw .invalidBlob(path: path, error)
            }
        } else {
            blob = bytes
        }
        let model: BitBlobModel
        do {
            model = try BitBlobModel(validating: blob)
        } catch {
            inflated?.deallocate()
            throw .invalidBlob(path: path, error)
        }
        guard let arenaBytes = model.arenaBytes(batch: maximumBatch) else {
            inflated?.deallocate()
            throw .runtime(path: path, .batchOutOfRange(batch: maximumBatch, maximum: Int.max))
        }
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: arenaBytes, alignment: 64)
        do {
            runtime = try BitMLPRuntime(model: model, arena: arena, maximumBatch: maximumBatch)
        } catch {
            arena.deallocate()
            inflated?.deallocate()
            throw .runtime(path: path, error)
        }
        self.path = path
        self.arena = arena
        self.inflated = inflated
        if compressed {
            self.mapping = nil
        } else {
            self.mapping = .some(file)
        }
        inputCount = model.inputFeatures
        outputCount = model.outputFeatures
        info = Self.describe(
            model, kernel: runtime.kernel, maximumBatch: maximumBatch, arenaBytes: arenaBytes,
            fileBytes: fileBytes, compressed: compressed, digest: digest)
    }

    private static func map(_ path: String) throws(StartupError) -> MappedFile {
        do {
            return try MappedFile(path: path)
        } catch {
            throw .system(error)
        }
    }

    deinit {
        arena.deallocate()
        inflated?.deallocate()
    }

    /// `info inputs=64 outputs=10 layers=3 shape=64-256-256-10 weights=per_tensor ...`
    private static func describe(
        _ model: BitBlobModel, kernel: TernaryKernel, maximumBatch: Int, arenaBytes: Int, fileBytes: Int,
        compressed: Bool, digest: SHA256.Digest
    ) -> [UInt8] {
        var shape = String(model.inputFeatures)
        for index in 0..<model.layerCount { shape += "-" + String(model.layer(index).layout.rows) }
        let config = model.config
        let text = "info inputs=\(model.inputFeatures) outputs=\(model.outputFeatures) layers=\(model.layerCount)"
            + " shape=\(shape) weights=\(config.weightGranularity.name)"
            + " activations=\(config.activationDType.name)/\(config.activationGranularity.name)"
            + " packing=\(model.packing.name) kernel=\(kernel.name) max_batch=\(maximumBatch)"
            + " arena_bytes=\(arenaBytes) blob_bytes=\(fileBytes) compressed=\(compressed ? "yes" : "no")"
            + " sha256=\(digest.description)"
        return Array(text.utf8)
    }
}
