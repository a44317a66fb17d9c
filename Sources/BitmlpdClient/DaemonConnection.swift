import BitmlpdProtocol
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A blocking client connection to bitmlpd's Unix domain socket, speaking both protocol modes
/// (docs/protocol.md). Not thread-safe: use a connection from one thread at a time (it may be handed
/// to another thread, hence `@unchecked Sendable`).
///
/// ```swift
/// let connection = try DaemonConnection(path: "/run/bitmlpd.sock")
/// let answer = try connection.request(line: "0,0.5,1,...")         // "ok 3 -1.5 ..."
/// let result = try connection.infer(float32: pixels, count: 1, outputs: 10)
/// ```
public final class DaemonConnection: @unchecked Sendable {
    public let descriptor: Int32
    /// Bytes received but not yet returned.
    private var pending: [UInt8] = []
    private var pendingStart = 0

    /// Connects to the socket at `path`.
    public init(path: String) throws(ClientError) {
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw .system("socket", errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            Glibc.close(socket)
            throw .system("connect \(path)", ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(socket)
            throw .system("connect \(path)", code)
        }
        descriptor = socket
    }

    deinit { Glibc.close(descriptor) }

    // MARK: Bytes

    /// Sends all of `bytes`.
    public func send(_ bytes: [UInt8]) throws(ClientError) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system("send", errno)
            }
            offset += count
        }
    }

    /// Closes the sending direction (`shutdown(SHUT_WR)`): the daemon sees end of input.
    public func finishSending() {
        Glibc.shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Exactly `count` bytes, or nil when the daemon closes first (after returning what came).
    public func receive(exactly count: Int) throws(ClientError) -> [UInt8]? {
        while pending.count - pendingStart < count {
            guard try fill() else { return nil }
        }
        let bytes = Array(pending[pendingStart..<pendingStart + count])
        pendingStart += count
        return bytes
    }

    /// Everything until the daemon closes the connection.
    public func receiveAll() throws(ClientError) -> [UInt8] {
        while try fill() {}
        defer { pendingStart = pending.count }
        return Array(pending[pendingStart...])
    }

    /// Reads more from the socket; false at end of stream.
    private func fill() throws(ClientError) -> Bool {
        if pendingStart > 0 && pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == ECONNRESET { return false }
                throw .system("recv", errno)
            }
            if count == 0 { return false }
            pending.append(contentsOf: chunk[0..<count])
            return true
        }
    }

    // MARK: Text mode

    /// Sends `line` and a newline.
    public func send(line: String) throws(ClientError) {
        try send(Array((line + "\n").utf8))
    }

    /// The next line without its newline, or nil when the daemon closed the connection.
    public func receiveLine() throws(ClientError) -> String? {
        while true {
            if let newline = pending[pendingStart...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pendingStart..<newline], as: UTF8.self)
                pendingStart = newline + 1
                return line
            }
            guard try fill() else { return nil }
        }
    }

    /// Sends a line and returns the answer line.
    public func request(line: String) throws(ClientError) -> String {
        try send(line: line)
        guard let answer = try receiveLine() else { throw .closed }
        return answer
    }

    // MARK: Binary mode

    /// The next frame, or nil when the daemon closed the connection.
    public func receiveFrame() throws(ClientError) -> Frame? {
        guard let headerBytes = try receive(exactly: FrameHeader.size) else { return nil }
        let header: FrameHeader
        do {
            header = try headerBytes.withUnsafeBytes { (bytes) throws(FrameError) in try FrameHeader(decoding: bytes) }
        } catch {
            throw .protocolViolation("bad frame header from the daemon: \(error)")
        }
        guard let payload = try receive(exactly: Int(header.length)) else { throw .closed }
        return Frame(header: header, payload: payload)
    }

    /// Sends `frame` and returns the answer frame.
    public func request(frame: [UInt8]) throws(ClientError) -> Frame {
        try send(frame)
        guard let answer = try receiveFrame() else { throw .closed }
        return answer
    }

    /// Runs `count` float32 vectors (`values.count / count` values each) and decodes the result.
    public func infer(float32 values: [Float], count: Int, outputs: Int) throws(ClientError) -> InferenceAnswer {
        let answer = try request(frame: Frame.inferFloat32(values, count: count))
        return try InferenceAnswer(answer, outputs: outputs)
    }
}

/// A failed client operation.
public enum ClientError: Error, Equatable, CustomStringConvertible {
    /// A system call failed with errno.
    case system(String, Int32)
    /// The daemon closed the connection before answering.
    case closed
    /// The daemon answered with something the protocol does not allow.
    case protocolViolation(String)
    /// The daemon refused the request: its code and message.
    case refused(ErrorCode, String)

    public var description: String {
        switch self {
        case .system(let call, let code): return "\(call): \(String(cString: strerror(code)))"
        case .closed: return "the daemon closed the connection"
        case .protocolViolation(let message): return message
        case .refused(let code, let message): return "err \(code.name) \(message)"
        }
    }
}

extension DaemonConnection {
    /// Sends `request` and reads its one answer into `answer` without allocating: the fast path of
    /// benchmarks, which keep one request in flight and build requests once. Returns the answer's
    /// length (a text line ends with its newline; a frame is read to the length in its header).
    ///
    /// - Precondition: nothing received is pending (only this method is used on the connection).
    public func roundTrip(_ request: UnsafeRawBufferPointer, answer: UnsafeMutableRawBufferPointer) throws(ClientError) -> Int {
        precondition(pendingStart == pending.count, "roundTrip with bytes pending")
        var sent = 0
        while sent < request.count {
            let count = Glibc.send(descriptor, request.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL))
            if count < 0 {
                if errno == EINTR { continue }
                throw .system("send", errno)
            }
            sent += count
        }
        var received = 0
        while true {
            let count = Glibc.recv(descriptor, answer.baseAddress! + received, answer.count - received, 0)
            if count < 0 {
                if errno == EINTR { continue }
                throw .system("recv", errno)
            }
            if count == 0 { throw .closed }
            received += count
            if let length = Self.answerLength(UnsafeRawBufferPointer(rebasing: answer[0..<received])) { return length }
            guard received < answer.count else { throw .protocolViolation("answer longer than \(answer.count) bytes") }
        }
    }

    /// The length of the complete answer at the start of `bytes` (a text line through its newline,
    /// or a frame through its payload), or nil when more bytes are needed.
    public static func answerLength(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty else { return nil }
        if bytes[0] == FrameHeader.firstByte {
            guard bytes.count >= FrameHeader.size else { return nil }
            let length = FrameHeader.size + Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
            return bytes.count >= length ? length : nil
        }
        return bytes.firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }
    }
}
