import CZlib

/// Inflates a raw deflate stream, as ZIP stores it, with zlib.
enum Inflater {
    /// Inflates `input` into exactly `expectedCount` bytes.
    ///
    /// The output buffer holds `expectedCount + 1` bytes and zlib never writes past it, so a stream
    /// that inflates to more than declared is caught after one extra byte, not after the whole of it.
    /// The caller bounds `expectedCount` (archive member limit, deflate's ratio) before calling.
    static func inflate(_ input: UnsafeRawBufferPointer, expectedCount: Int, context: ErrorContext) throws(ModelFileError) -> [UInt8] {
        var stream = z_stream()
        guard CZlib_inflateInit2(&stream, -MAX_WBITS) == Z_OK else {
            throw context.error(.limitExceeded, "zlib could not allocate its inflate state")
        }
        defer { inflateEnd(&stream) }

        let capacity = expectedCount + 1
        var status = Z_OK
        var consumed = 0
        var produced = 0
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
            let inputBase = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            // zlib counts in 32 bits; feed larger buffers in chunks.
            repeat {
                let inputChunk = min(input.count - consumed, Int(UInt32.max))
                let outputChunk = min(capacity - produced, Int(UInt32.max))
                stream.next_in = inputBase.map { $0 + consumed }
                stream.avail_in = uInt(inputChunk)
                stream.next_out = buffer.baseAddress! + produced
                stream.avail_out = uInt(outputChunk)
                status = CZlib.inflate(&stream, Z_NO_FLUSH)
                consumed += inputChunk - Int(stream.avail_in)
                produced += outputChunk - Int(stream.avail_out)
            } while status == Z_OK && produced < capacity
            initializedCount = produced
        }

        guard produced <= expectedCount else {
            throw context.error(.inconsistent, "deflate stream inflates to more than the declared \(expectedCount) bytes")
        }
        switch status {
        case Z_STREAM_END:
            guard produced == expectedCount else {
                throw context.error(.inconsistent, "deflate stream inflates to \(produced) bytes, but the archive declares \(expectedCount)")
            }
            guard consumed == input.count else {
                throw context.error(.inconsistent, "deflate stream ends after \(consumed) of its \(input.count) compressed bytes")
            }
            return output
        case Z_BUF_ERROR, Z_OK:
            throw context.error(.truncated, "deflate stream stops without its final block after \(input.count) compressed bytes (\(produced) inflated)")
        case Z_DATA_ERROR:
            let reason = stream.msg.map { String(cString: $0) } ?? "invalid data"
            throw context.error(.malformed, "broken deflate stream: \(reason)")
        case Z_MEM_ERROR:
            throw context.error(.limitExceeded, "zlib ran out of memory while inflating")
        default:
            throw context.error(.malformed, "zlib inflate failed with status \(status)")
        }
    }
}
