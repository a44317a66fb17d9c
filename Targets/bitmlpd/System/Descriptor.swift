import BitRuntime
import CBitSystem

/// An open file descriptor: a socket, a pipe, the signalfd. The corresponding C calls are `read`,
/// `write`, `fcntl` and `close`, retried on EINTR by the shim.
struct Descriptor: Hashable {
    let rawValue: Int32

    static let standardInput = Descriptor(rawValue: 0)
    static let standardOutput = Descriptor(rawValue: 1)

    /// Reads what is available into `buffer`: the byte count, 0 at end of file, nil when a
    /// non-blocking descriptor has nothing yet.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int? {
        let count = bitsys_read(rawValue, buffer.baseAddress, buffer.count)
        if count >= 0 { return count }
        let code = bitsys_errno()
        if code == bitsys_eagain || code == bitsys_ewouldblock { return nil }
        throw SystemError(operation: "read", path: "descriptor \(rawValue)", code: code)
    }

    /// Writes what the descriptor takes of `bytes`: the byte count, or nil when a non-blocking
    /// descriptor is full.
    func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int? {
        let count = bitsys_write(rawValue, bytes.baseAddress, bytes.count)
        if count >= 0 { return count }
        let code = bitsys_errno()
        if code == bitsys_eagain || code == bitsys_ewouldblock { return nil }
        throw SystemError(operation: "write", path: "descriptor \(rawValue)", code: code)
    }

    /// Sets O_NONBLOCK.
    func setNonBlocking() throws(SystemError) {
        guard bitsys_set_nonblocking(rawValue) == 0 else {
            throw SystemError(operation: "fcntl", path: "descriptor \(rawValue)", code: bitsys_errno())
        }
    }

    func close() {
        _ = bitsys_close(rawValue)
    }
}
