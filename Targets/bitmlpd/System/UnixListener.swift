import BitRuntime
import CBitSystem

/// A listening Unix domain socket bound to a path, which it removes when closed.
///
/// Binding follows the rule for daemons that are restarted after a crash: a socket file nobody
/// listens on any more (connect is refused) is stale and replaced; one that accepts a connection
/// belongs to a live daemon and is never taken over; a path that is not a socket is never removed.
struct UnixListener {
    let descriptor: Descriptor
    let path: String

    /// Binds `path`, sets its permission bits to `mode` and listens.
    ///
    /// The C calls are `lstat`, `connect` (the liveness probe), `unlink`, `socket`, `bind`,
    /// `chmod` and `listen`.
    static func open(path: String, mode: UInt32, backlog: Int32) throws(StartupError) -> UnixListener {
        try removeStaleSocket(at: path)
        let socket = bitsys_unix_socket(1)
        guard socket >= 0 else { throw .system(SystemError(operation: "socket", path: path, code: bitsys_errno())) }
        let descriptor = Descriptor(rawValue: socket)
        let bound = path.withCString { bitsys_unix_bind(socket, $0) }
        guard bound == 0 else {
            let code = bitsys_errno()
            descriptor.close()
            if code == bitsys_eaddrinuse { throw .socketInUse(path: path) }
            throw .system(SystemError(operation: "bind", path: path, code: code))
        }
        // From here on the file is ours: remove it on any failure.
        func fail(_ operation: String) -> StartupError {
            let code = bitsys_errno()
            descriptor.close()
            _ = path.withCString { bitsys_unlink($0) }
            return .system(SystemError(operation: operation, path: path, code: code))
        }
        guard path.withCString({ bitsys_chmod($0, mode) }) == 0 else { throw fail("chmod") }
        guard bitsys_listen(socket, backlog) == 0 else { throw fail("listen") }
        return UnixListener(descriptor: descriptor, path: path)
    }

    /// A new non-blocking connection, or nil when none is waiting.
    func accept() throws(SystemError) -> Descriptor? {
        let client = bitsys_accept(descriptor.rawValue)
        if client >= 0 { return Descriptor(rawValue: client) }
        let code = bitsys_errno()
        if code == bitsys_eagain || code == bitsys_ewouldblock { return nil }
        throw SystemError(operation: "accept", path: path, code: code)
    }

    /// Stops listening and removes the socket file.
    func close() {
        descriptor.close()
        _ = path.withCString { bitsys_unlink($0) }
    }

    private static func removeStaleSocket(at path: String) throws(StartupError) {
        let kind = path.withCString { bitsys_path_kind($0) }
        if kind == bitsys_path_missing { return }
        guard kind == bitsys_path_socket else {
            if kind < 0 { throw .system(SystemError(operation: "lstat", path: path, code: bitsys_errno())) }
            throw .notASocket(path: path)
        }
        let probe = bitsys_unix_socket(0)
        guard probe >= 0 else { throw .system(SystemError(operation: "socket", path: path, code: bitsys_errno())) }
        let connected = path.withCString { bitsys_unix_connect(probe, $0) }
        let code = bitsys_errno()
        _ = bitsys_close(probe)
        if connected == 0 { throw .socketInUse(path: path) }
        guard code == bitsys_econnrefused else {
            throw .system(SystemError(operation: "connect", path: path, code: code))
        }
        guard path.withCString({ bitsys_unlink($0) }) == 0 || bitsys_errno() == bitsys_enoent else {
            throw .system(SystemError(operation: "unlink", path: path, code: bitsys_errno()))
        }
        Log.event("removed stale socket \(path)")
    }
}
