import CBitSystem

/// A whole file mapped read-only into memory: the runtime's way to use a `.bitblob` in place.
///
/// The corresponding C calls are `open`, `fstat`, `mmap` and, when the value is dropped, `munmap`.
/// Pages are read from disk on first touch and stay shared with the page cache, so a mapped model
/// costs resident memory only for the weights a process actually reads.
///
/// ```swift
/// let file = try MappedFile(path: "digits.bitblob")
/// let model = try BitBlobModel(validating: file.bytes)   // valid while `file` lives
/// ```
public struct MappedFile: ~Copyable {
    /// The file's bytes. Valid until the value is dropped.
    public let bytes: UnsafeRawBufferPointer

    /// Maps the regular file at `path`.
    ///
    /// - Throws: `SystemError` naming the call, the path and the errno text; an empty file is
    ///   refused as `EINVAL` since it has nothing to map.
    public init(path: String) throws(SystemError) {
        let descriptor = path.withCString { bitsys_open_read_only($0) }
        guard descriptor >= 0 else { throw SystemError(operation: "open", path: path, code: bitsys_errno()) }
        defer { _ = bitsys_close(descriptor) }
        try self.init(descriptor: descriptor, path: path)
    }

    /// Maps the regular file open read-only as `descriptor`, which stays open and the caller's
    /// (closing it does not end the mapping). `path` names the file in errors.
    ///
    /// - Throws: `SystemError` as `init(path:)`.
    public init(descriptor: Int32, path: String) throws(SystemError) {
        let size = bitsys_regular_file_size(descriptor)
        guard size >= 0 else { throw SystemError(operation: "fstat", path: path, code: bitsys_errno()) }
        guard size > 0, let length = Int(exactly: size) else {
            throw SystemError(operation: "mmap", path: path, code: EINVAL)
        }
        guard let address = bitsys_map_read_only(descriptor, length) else {
            throw SystemError(operation: "mmap", path: path, code: bitsys_errno())
        }
        bytes = UnsafeRawBufferPointer(start: address, count: length)
    }

    deinit {
        _ = bitsys_unmap(bytes.baseAddress, bytes.count)
    }
}

/// A system call that failed, with its errno.
public struct SystemError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The C function that failed, e.g. `open`.
    public var operation: String
    /// The file the call was about.
    public var path: String
    /// The errno value.
    public var code: Int32

    public init(operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// `"open digits.bitblob: No such file or directory"`.
    public var description: String {
        let reason = bitsys_strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        return "\(operation) \(path): \(reason)"
    }
}
