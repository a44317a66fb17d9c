/// A byte queue in fixed storage: appended at the back, consumed from the front, never grown.
///
/// A connection's input and output each use one; together they are all the memory a client costs.
struct ByteQueue {
    private let storage: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0

    /// A queue over `storage`, which the caller owns.
    init(_ storage: UnsafeMutableRawBufferPointer) {
        self.storage = storage
    }

    var capacity: Int { storage.count }
    var count: Int { end - start }
    var isEmpty: Bool { start == end }
    /// Bytes that can still be appended (after compaction).
    var freeCapacity: Int { storage.count - count }

    /// The queued bytes.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[start..<end]) }

    /// Drops `byteCount` bytes from the front.
    mutating func consume(_ byteCount: Int) {
        precondition(byteCount <= count, "consuming more than is queued")
        start += byteCount
        if start == end {
            start = 0
            end = 0
        }
    }

    mutating func removeAll() {
        start = 0
        end = 0
    }

    /// The free space at the back, moving the queued bytes to the front first when fewer than
    /// `minimum` bytes are free there.
    mutating func freeSpace(minimum: Int) -> UnsafeMutableRawBufferPointer {
        if storage.count - end < minimum && start > 0 {
            let queued = count
            if queued > 0 { storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: queued) }
            start = 0
            end = queued
        }
        return UnsafeMutableRawBufferPointer(rebasing: storage[end...])
    }

    /// Marks `byteCount` bytes written into `freeSpace` as queued.
    mutating func commit(_ byteCount: Int) {
        precondition(byteCount <= storage.count - end, "committing more than the free space")
        end += byteCount
    }
}
