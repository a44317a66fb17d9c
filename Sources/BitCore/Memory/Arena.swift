/// A bump allocator over one caller-provided buffer: the only memory the runtime uses.
///
/// An arena never calls `malloc`. Allocations are aligned, carved from the front of the buffer,
/// and released all at once by `reset()`. Asking for more than is left throws `ArenaError`; it
/// never traps. `highWaterMark` records the most ever used, the figure footprint tests pin.
///
/// ```swift
/// let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 64)
/// var arena = Arena(buffer)
/// let codes = try arena.allocate(Int8.self, count: 1040)          // 64-byte aligned
/// let sums = try arena.allocate(Int32.self, count: 256, alignment: 16)
/// arena.reset()
/// ```
///
/// The arena does not own the buffer; the caller keeps it alive (static storage on a device).
/// It is non-copyable, so two copies can never hand out the same bytes.
public struct Arena: ~Copyable {
    private let base: UnsafeMutableRawPointer?
    /// Bytes in the buffer.
    public let capacity: Int
    /// Bytes handed out since the last `reset()`, alignment padding included.
    public private(set) var used: Int = 0
    /// The largest `used` has been since the arena was made.
    public private(set) var highWaterMark: Int = 0

    /// The alignment `allocate` uses unless told otherwise: one cache line, enough for any SIMD load.
    public static let defaultAlignment = 64

    /// Makes an arena over `buffer`.
    public init(_ buffer: UnsafeMutableRawBufferPointer) {
        self.base = buffer.baseAddress
        self.capacity = buffer.count
    }

    /// Bytes still available (before alignment padding).
    public var remaining: Int { capacity - used }

    /// Hands out `byteCount` bytes aligned to `alignment` (a power of two).
    ///
    /// - Throws: `ArenaError.invalidRequest` for a negative count or a bad alignment,
    ///   `.outOfMemory` when the buffer has too little left. A failed call changes nothing.
    public mutating func allocate(
        byteCount: Int, alignment: Int = Arena.defaultAlignment
    ) throws(ArenaError) -> UnsafeMutableRawBufferPointer {
        guard byteCount >= 0, alignment > 0, alignment & (alignment - 1) == 0 else {
            throw .invalidRequest(byteCount: byteCount, alignment: alignment)
        }
        guard let base else {
            if byteCount == 0 { return UnsafeMutableRawBufferPointer(start: nil, count: 0) }
            throw .outOfMemory(requested: byteCount, alignment: alignment, remaining: remaining)
        }
        let address = UInt(bitPattern: base) &+ UInt(used)
        let padding = Int((UInt(alignment) &- (address & UInt(alignment - 1))) & UInt(alignment - 1))
        guard padding <= remaining, byteCount <= remaining - padding else {
            throw .outOfMemory(requested: byteCount, alignment: alignment, remaining: remaining)
        }
        let start = base + used + padding
        used += padding + byteCount
        highWaterMark = max(highWaterMark, used)
        return UnsafeMutableRawBufferPointer(start: start, count: byteCount)
    }

    /// Hands out room for `count` values of `type`, aligned to `alignment` (at least the type's
    /// own) and bound to `type`. The memory is not initialized.
    ///
    /// - Throws: `ArenaError` as `allocate(byteCount:alignment:)`, or `.invalidRequest` when the
    ///   byte count overflows.
    public mutating func allocate<Element: BitwiseCopyable>(
        _ type: Element.Type, count: Int, alignment: Int = Arena.defaultAlignment
    ) throws(ArenaError) -> UnsafeMutableBufferPointer<Element> {
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Element>.stride)
        guard !overflow, count >= 0 else { throw .invalidRequest(byteCount: count, alignment: alignment) }
        let bytes = try allocate(
            byteCount: byteCount, alignment: max(alignment, MemoryLayout<Element>.alignment))
        return bytes.bindMemory(to: Element.self)
    }

    /// Releases every allocation; the bytes may then be handed out again.
    public mutating func reset() {
        used = 0
    }
}

/// An arena request that cannot be met.
public enum ArenaError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The request asked for more bytes than the arena has left.
    case outOfMemory(requested: Int, alignment: Int, remaining: Int)
    /// A negative or overflowing size, or an alignment that is not a positive power of two.
    case invalidRequest(byteCount: Int, alignment: Int)

    public var description: String {
        switch self {
        case .outOfMemory(let requested, let alignment, let remaining):
            return "arena has \(remaining) bytes left, \(requested) bytes aligned to \(alignment) were asked for"
        case .invalidRequest(let byteCount, let alignment):
            return "invalid arena request: \(byteCount) bytes aligned to \(alignment)"
        }
    }
}
