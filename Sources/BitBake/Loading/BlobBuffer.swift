import BitBlob
import Foundation

/// A `.bitblob` read into memory the bake tool owns, validated: plain or deflate-compressed
/// (the container is inflated here, then validated as a plain blob).
public final class BlobBuffer: @unchecked Sendable {
    /// The uncompressed blob bytes (immutable after init, hence the unchecked Sendable).
    public let bytes: UnsafeRawBufferPointer
    /// The validated model, a view into `bytes`.
    public let model: BitBlobModel
    /// Whether the file was a compressed container.
    public let wasCompressed: Bool

    /// Reads and validates the blob at `url`.
    ///
    /// - Throws: `BakeError` naming the file and the defect.
    public convenience init(contentsOf url: URL) throws(BakeError) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw BakeError("\(url.relativePath): cannot read: \(FileErrorText.describe(error))")
        }
        try self.init(fileBytes: [UInt8](data), name: url.relativePath)
    }

    /// Validates blob bytes held in memory (a fresh bake, a test), copying them.
    public init(fileBytes: [UInt8], name: String) throws(BakeError) {
        let compressed = fileBytes.withUnsafeBytes(BitBlobCompression.isContainer)
        let size: Int
        do {
            size = compressed
                ? try fileBytes.withUnsafeBufferPointer { (raw) throws(BitBlobError) in
                    try BitBlobCompression.uncompressedSize(of: UnsafeRawBufferPointer(raw))
                }
                : fileBytes.count
        } catch {
            throw BakeError("\(name): \(error)")
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 64)
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<size])
        do {
            if compressed {
                try fileBytes.withUnsafeBufferPointer { (raw) throws(BitBlobError) in
                    try BitBlobCompression.inflate(
                        UnsafeRawBufferPointer(raw), into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size]))
                }
            } else {
                fileBytes.withUnsafeBytes { raw in buffer.copyMemory(from: raw) }
            }
            model = try BitBlobModel(validating: bytes)
        } catch {
            buffer.deallocate()
            throw BakeError("\(name): \(error)")
        }
        self.bytes = bytes
        self.wasCompressed = compressed
    }

    deinit {
        UnsafeMutableRawBufferPointer(mutating: bytes).deallocate()
    }
}
