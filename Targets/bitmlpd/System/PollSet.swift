import BitRuntime
import CBitSystem

/// The descriptors one `poll` call watches, in storage allocated once.
struct PollSet {
    /// What `poll` reported for one entry.
    struct Events {
        let raw: Int16
        /// Data, end of file or a hang-up to read.
        var readable: Bool { raw & (bitsys_poll_in | bitsys_poll_hangup | bitsys_poll_error) != 0 }
        /// The descriptor is not open (a bug, reported rather than spun on).
        var invalid: Bool { raw & bitsys_poll_invalid != 0 }
    }

    private let entries: UnsafeMutableBufferPointer<pollfd>
    private(set) var count = 0

    init(capacity: Int) {
        entries = .allocate(capacity: capacity)
    }

    mutating func removeAll() { count = 0 }

    /// Watches `descriptor` for reading and/or writing; returns the entry's index.
    @discardableResult
    mutating func add(_ descriptor: Descriptor, read: Bool, write: Bool) -> Int {
        precondition(count < entries.count, "poll set capacity exceeded")
        entries[count] = pollfd(
            fd: descriptor.rawValue, events: (read ? bitsys_poll_in : 0) | (write ? bitsys_poll_out : 0), revents: 0)
        count += 1
        return count - 1
    }

    func events(at index: Int) -> Events { Events(raw: entries[index].revents) }

    /// Waits until an entry is ready or `milliseconds` pass (-1: no limit). The C call is `poll`.
    func wait(milliseconds: Int32) throws(SystemError) {
        guard bitsys_poll(entries.baseAddress, count, milliseconds) >= 0 else {
            throw SystemError(operation: "poll", path: "descriptors", code: bitsys_errno())
        }
    }
}
