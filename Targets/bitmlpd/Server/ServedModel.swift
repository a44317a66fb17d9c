import BitBlob
import BitCore
import BitRuntime
import CBitSystem

/// The model being served: a validated blob, its engine and arena, and the `info` text.
///
/// A plain `.bitblob` is mapped read-only and used in place, under a read lease when the kernel
/// grants one (`bitsys_take_read_lease`): before anyone writes or truncates the file, the daemon
/// gets SIGIO and moves to `init(privateCopyOf:maximumBatch:)`, so the bytes it validated never
/// change under it. A compressed container is inflated into memory owned here. Everything is
/// checked before the value exists, so a reload either yields a complete, working model or an
/// error and the old model keeps serving.
struct ServedModel: ~Copyable {
    /// The blob file.
    let path: String
    /// The engine, with `maximumBatch` vectors of arena.
    var runtime: BitMLPRuntime
    let inputCount: Int
    let outputCount: Int
    /// The `info` answer without the `ok ` prefix: `info inputs=64 outputs=10 ...`.
    let info: [UInt8]
    /// Why the mapped file could not be leased (an errno value), or nil: leased, or not mapped.
    let leaseFailure: Int32?

    /// The validated blob the engine reads: the file's mapping or `ownedBlob`.
    private let blob: UnsafeRawBufferPointer
    private let mapping: MappedFile?
    /// The open file that holds the read lease while the model is read from its mapping.
    private var lease: Descriptor?
    private let ownedBlob: UnsafeMutableRawBufferPointer?
    private let arena: UnsafeMutableRawBufferPointer

    /// Whether the model is read from the file's mapping under a lease (and a SIGIO means the
    /// file is about to change).
    var isLeased: Bool { lease != nil }

    /// Loads, validates and prepares the blob at `path` for batches of up to `maximumBatch`.
    init(path: String, maximumBatch: Int) throws(StartupError) {
        let descriptor = path.withCString { bitsys_open_read_only($0) }
        guard descriptor >= 0 else { throw .system(SystemError(operation: "open", path: path, code: bitsys_errno())) }
        // The lease comes before the mapping, so the bytes validated below are the ones served.
        let leased = bitsys_take_read_lease(descriptor) == 0
        let leaseFailure = leased ? nil : bitsys_errno()
        let file: MappedFile
        do {
            file = try MappedFile(descriptor: descriptor, path: path)
        } catch {
            _ = bitsys_close(descriptor)
            throw .system(error)
        }
        let lease = leased ? Descriptor(rawValue: descriptor) : nil
        if !leased { _ = bitsys_close(descriptor) }
        let bytes = file.bytes
        let digest = SHA256.hash(bytes)
        guard BitBlobCompression.isContainer(bytes) else {
            try self.init(
                path: path, blob: bytes, mapping: file, lease: lease, leaseFailure: leaseFailure, ownedBlob: nil,
                maximumBatch: maximumBatch, fileBytes: bytes.count, compressed: false, digest: digest)
            return
        }
        // Inflated into memory of its own, the model needs neither the file nor the lease once
        // the inflate has read the mapping.
        defer { lease?.close() }
        let size: Int
        let memory: UnsafeMutableRawBufferPointer
        do {
            size = try BitBlobCompression.uncompressedSize(of: bytes)
            memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 64)
        } catch {
            throw .invalidBlob(path: path, error)
        }
        do {
            try BitBlobCompression.inflate(bytes, into: UnsafeMutableRawBufferPointer(rebasing: memory[0..<size]))
        } catch {
            memory.deallocate()
            throw .invalidBlob(path: path, error)
        }
        try self.init(
            path: path, blob: UnsafeRawBufferPointer(rebasing: memory[0..<size]), mapping: nil, lease: nil,
            leaseFailure: nil, ownedBlob: memory, maximumBatch: maximumBatch, fileBytes: bytes.count,
            compressed: true, digest: digest)
    }

    /// The same model from a private copy of the blob it serves, validated again: for when its
    /// file is about to be written (the lease broke) and must not change under the engine.
    init(privateCopyOf model: borrowing ServedModel, maximumBatch: Int) throws(StartupError) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(model.blob.count, 1), alignment: 64)
        copy.copyMemory(from: model.blob)
        let blob = UnsafeRawBufferPointer(rebasing: copy[0..<model.blob.count])
        try self.init(
            path: model.path, blob: blob, mapping: nil, lease: nil, leaseFailure: nil, ownedBlob: copy,
            maximumBatch: maximumBatch, fileBytes: blob.count, compressed: false, digest: SHA256.hash(blob))
    }

    /// Validates `blob` and makes its engine. On failure releases `ownedBlob`, closes `lease` and
    /// drops `mapping`.
    private init(
        path: String, blob: UnsafeRawBufferPointer, mapping: consuming MappedFile?, lease: Descriptor?,
        leaseFailure: Int32?, ownedBlob: UnsafeMutableRawBufferPointer?, maximumBatch: Int, fileBytes: Int,
        compressed: Bool, digest: SHA256.Digest
    ) throws(StartupError) {
        let model: BitBlobModel
        do {
            model = try BitBlobModel(validating: blob)
        } catch {
            ownedBlob?.deallocate()
            lease?.close()
            throw .invalidBlob(path: path, error)
        }
        guard let arenaBytes = model.arenaBytes(batch: maximumBatch) else {
            ownedBlob?.deallocate()
            lease?.close()
            throw .runtime(path: path, .batchOutOfRange(batch: maximumBatch, maximum: Int.max))
        }
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: arenaBytes, alignment: 64)
        do {
            runtime = try BitMLPRuntime(model: model, arena: arena, maximumBatch: maximumBatch)
        } catch {
            arena.deallocate()
            ownedBlob?.deallocate()
            lease?.close()
            throw .runtime(path: path, error)
        }
        self.path = path
        self.blob = blob
        self.mapping = mapping
        self.lease = lease
        self.leaseFailure = leaseFailure
        self.ownedBlob = ownedBlob
        self.arena = arena
        inputCount = model.inputFeatures
        outputCount = model.outputFeatures
        info = Self.describe(
            model, kernel: runtime.kernel, maximumBatch: maximumBatch, arenaBytes: arenaBytes,
            fileBytes: fileBytes, compressed: compressed, digest: digest)
    }

    /// Closes the leased file, letting a writer the kernel holds back go on: for when no private
    /// copy can be made. From then on the file may change under the served model.
    mutating func releaseLease() {
        lease?.close()
        lease = nil
    }

    deinit {
        arena.deallocate()
        ownedBlob?.deallocate()
        lease?.close()
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
