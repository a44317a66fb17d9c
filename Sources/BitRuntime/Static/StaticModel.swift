import BitBlob
import BitCore

/// A model baked into the program by `bitbake-model emit-swift`: the blob compiled in as constant
/// data, the arena in static storage, and one `BitMLPRuntime` over them, made once.
///
/// Generated code keeps one in a static variable and forwards to it; the blob is validated and the
/// runtime prepared on first use, and a failure (which only a damaged binary can cause) is kept and
/// thrown by every call instead of trapping.
///
/// ```swift
/// nonisolated(unsafe) static var arena = StaticStorage<0, 23>()
/// nonisolated(unsafe) static var instance = StaticModel(
///     words: blobWords, byteCount: 20_472, arena: arena.unsafeBytes(count: 1_471))
///
/// let result = try pixels.withUnsafeBufferPointer { try instance.infer($0) }
/// print(result.predictedClass(0))
/// ```
///
/// Like the runtime it holds, it is not thread-safe: one arena serves one call at a time.
public struct StaticModel: ~Copyable {
    private let validated: BitBlobModel?
    private var runtime: BitMLPRuntime?
    private let failure: RuntimeError?

    /// Validates `blob` and prepares a runtime for one vector at a time in `arena`.
    ///
    /// - Parameters:
    ///   - blob: the model's bytes, 4-byte aligned; they must outlive the value (constant data does).
    ///   - arena: at least the model's `arenaBytes(batch: 1)` bytes; it must outlive the value.
    public init(blob: UnsafeRawBufferPointer, arena: UnsafeMutableRawBufferPointer, kernel: TernaryKernel = .best) {
        do throws(RuntimeError) {
            let model: BitBlobModel
            do throws(BitBlobError) {
                model = try BitBlobModel(validating: blob)
            } catch {
                throw .invalidBlob(error)
            }
            runtime = try BitMLPRuntime(model: model, arena: arena, kernel: kernel)
            validated = model
            failure = nil
        } catch {
            runtime = nil
            validated = nil
            failure = error
        }
    }

    /// A blob embedded as 64-bit words (little-endian, the last padded with zero bytes), read in
    /// place: an optimized build keeps a constant `[UInt64]` literal in read-only data.
    ///
    /// - Parameters:
    ///   - words: a global or static constant; the model keeps pointing into it.
    ///   - byteCount: the blob's length, at most `8 * words.count`.
    public init(words: [UInt64], byteCount: Int, arena: UnsafeMutableRawBufferPointer, kernel: TernaryKernel = .best) {
        let bytes = words.withUnsafeBytes { $0 }
        guard byteCount >= 0, byteCount <= bytes.count else {
            self.init(failure: .embeddedBlobLength(expected: byteCount, actual: bytes.count))
            return
        }
        self.init(blob: UnsafeRawBufferPointer(rebasing: bytes[0..<byteCount]), arena: arena, kernel: kernel)
    }

    /// A blob embedded as base64 text, decoded once into `storage` (which must be exactly the
    /// blob's length and outlive the value), then used there.
    public init(
        base64 text: StaticString, decodingInto storage: UnsafeMutableRawBufferPointer,
        arena: UnsafeMutableRawBufferPointer, kernel: TernaryKernel = .best
    ) {
        do throws(RuntimeError) {
            try Base64.decode(text, into: storage)
        } catch {
            self.init(failure: error)
            return
        }
        self.init(blob: UnsafeRawBufferPointer(storage), arena: arena, kernel: kernel)
    }

    private init(failure: RuntimeError) {
        runtime = nil
        validated = nil
        self.failure = failure
    }

    /// The validated model: a view of the embedded blob (layers, config, provenance).
    ///
    /// - Throws: the error that made the model unusable.
    public func model() throws(RuntimeError) -> BitBlobModel {
        if let failure { throw failure }
        return validated!
    }

    /// Runs one float vector (`inputCount` values) as `BitMLPRuntime.infer(_:batch:)` does.
    ///
    /// - Returns: a view of the outputs in the arena, valid until the next call.
    public mutating func infer(_ input: UnsafeBufferPointer<Float>) throws(RuntimeError) -> InferenceResult {
        if let failure { throw failure }
        return try runtime!.infer(input)
    }

    /// Runs one int8 vector quantized with `step`, as `BitMLPRuntime.infer(codes:step:batch:)` does.
    public mutating func infer(
        codes: UnsafeBufferPointer<Int8>, step: FixedPointScale
    ) throws(RuntimeError) -> InferenceResult {
        if let failure { throw failure }
        return try runtime!.infer(codes: codes, step: step)
    }
}
