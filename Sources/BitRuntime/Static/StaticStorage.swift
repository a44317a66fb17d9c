/// Zeroed memory of a size fixed at compile time, for a global or static variable: the arena (and,
/// for base64-embedded models, the decoded blob) of a model baked into a program.
///
/// The size is `pages * 4096 + lines * 64` bytes (`StaticStorageShape`), 16-byte aligned. Two
/// levels keep the compiler fast: an optimized build unrolls `InlineArray(repeating:)`, so a flat
/// array of 16,384 64-byte lines (1 MiB) takes 15 s to compile and one of 65,536 bytes over 100 s,
/// while 4 KiB pages of 64-byte lines take 1.5 s for 1 MiB and 3.7 s for 16 MiB (docs/baking.md).
///
/// ```swift
/// nonisolated(unsafe) static var arena = StaticStorage<0, 23>()     // 1,472 bytes, in .bss
/// let bytes = arena.unsafeBytes(count: 1471)
/// ```
///
/// The value is non-copyable: a copy would be a different buffer.
public struct StaticStorage<let pages: Int, let lines: Int>: ~Copyable {
    private var pageStorage: InlineArray<pages, InlineArray<64, SIMD64<UInt8>>>
    private var lineStorage: InlineArray<lines, SIMD64<UInt8>>

    /// Zeroed storage; in a global or static variable an optimized build places it in `.bss`.
    public init() {
        pageStorage = InlineArray(repeating: InlineArray(repeating: SIMD64()))
        lineStorage = InlineArray(repeating: SIMD64())
    }

    /// The storage's size in bytes.
    public static var byteCount: Int { StaticStorageShape(pages: pages, lines: lines).byteCount }

    /// The first `count` bytes (at most `byteCount`) of this storage.
    ///
    /// The address is that of the variable itself: the compiler passes a stored global or static
    /// variable's own storage to `inout`, and that storage never moves, so for such a variable the
    /// pointer stays valid for the life of the program. Call it once, on a global or static
    /// variable, and use only the pointer afterwards.
    public mutating func unsafeBytes(count: Int) -> UnsafeMutableRawBufferPointer {
        precondition(count >= 0 && count <= Self.byteCount, "StaticStorage: more bytes asked than it holds")
        let start = withUnsafeMutablePointer(to: &self) { UnsafeMutableRawPointer($0) }
        return UnsafeMutableRawBufferPointer(start: start, count: count)
    }
}

/// The generic arguments of the smallest `StaticStorage` for a byte count: whole 4 KiB pages, then
/// the rest rounded up to 64-byte lines.
///
/// ```swift
/// StaticStorageShape(byteCount: 20_472)     // pages 4, lines 64: StaticStorage<4, 64>, 20,480 bytes
/// ```
public struct StaticStorageShape: Hashable, Sendable {
    /// Bytes per page.
    public static let pageBytes = 4096
    /// Bytes per line.
    public static let lineBytes = 64

    public let pages: Int
    public let lines: Int

    public init(pages: Int, lines: Int) {
        self.pages = pages
        self.lines = lines
    }

    /// The smallest shape that holds `byteCount` (at least 0) bytes.
    public init(byteCount: Int) {
        let count = max(byteCount, 0)
        pages = count / Self.pageBytes
        lines = (count % Self.pageBytes + Self.lineBytes - 1) / Self.lineBytes
    }

    /// `pages * 4096 + lines * 64`.
    public var byteCount: Int { pages * Self.pageBytes + lines * Self.lineBytes }
}
