/// How `SwiftModelEmitter` writes a blob's bytes into Swift source (docs/baking.md measures each).
public enum BlobEncoding: String, CaseIterable, Sendable {
    /// A `[UInt64]` array literal. An optimized build keeps it in read-only data and the runtime
    /// reads the weights in place, with no copy at start-up; a debug build builds the array at
    /// start-up instead. The optimizer's time grows with the literal: 9 s for 256 KiB, 18 s for
    /// 512 KiB and 40 s for 1 MiB in a release build here, twice that on a busy machine.
    case words
    /// A base64 `StaticString`. Compiles in well under a second at any size; the first call decodes
    /// it once into static storage (about 150 MB/s of text), so the blob's bytes are in memory twice
    /// (the text in read-only data, the decoded blob in `.bss`).
    case base64
    /// `words` up to `autoWordsLimit` bytes, `base64` above: zero-copy for the small models that
    /// small devices run, a build that stays fast for larger ones.
    case auto

    /// The largest blob `auto` embeds as words: 512 KiB.
    public static let autoWordsLimit = 512 * 1024

    /// The concrete encoding for a blob of `byteCount` bytes (`words` or `base64`).
    public func resolved(forBlobBytes byteCount: Int) -> BlobEncoding {
        guard self == .auto else { return self }
        return byteCount <= Self.autoWordsLimit ? .words : .base64
    }
}
