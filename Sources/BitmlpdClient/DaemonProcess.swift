import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bitmlpd process started for a test or a benchmark, with its standard error collected.
///
/// ```swift
/// let daemon = try DaemonProcess.start(blob: "digits.bitblob", socket: "/tmp/d.sock")
/// let connection = try DaemonConnection(path: daemon.socketPath)
/// daemon.signal(SIGTERM)
/// let status = daemon.waitForExit()
/// ```
public final class DaemonProcess: @unchecked Sendable {
    public let process: Process
    /// The socket the daemon listens on (nil in `--stdio` mode).
    public let socketPath: String?
    /// Standard input and output of a `--stdio` daemon.
    public let standardInput: FileHandle?
    public let standardOutput: FileHandle?
    /// Standard error goes to a file: read at any time, complete once the daemon has written it
    /// (a pipe would need a reader thread, and its end of file can be held back by other children).
    private let errorPath = NSTemporaryDirectory() + "bitmlpd-stderr-\(UUID().uuidString)"

    /// The bitmlpd executable: `$BITMLPD_EXECUTABLE` when set (to test a static or Embedded Swift
    /// build), else the one next to the running program (the build products directory, where
    /// `swift build` puts every product of the package).
    public static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["BITMLPD_EXECUTABLE"] { return URL(fileURLWithPath: path) }
        let me = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        return me.deletingLastPathComponent().appendingPathComponent("bitmlpd")
    }

    private init(process: Process, socketPath: String?, standardInput: FileHandle?, standardOutput: FileHandle?) {
        self.process = process
        self.socketPath = socketPath
        self.standardInput = standardInput
        self.standardOutput = standardOutput
    }

    /// Starts `bitmlpd <blob> --socket <socket> <extra>` and waits until the socket accepts
    /// connections (or the process exits).
    ///
    /// - Parameter prefix: a command to run the daemon under, such as `["taskset", "-c", "0"]`.
    /// - Parameter executable: the daemon to run; `DaemonProcess.executable` by default.
    public static func start(
        blob: String, socket: String, arguments extra: [String] = [], prefix: [String] = [],
        executable: URL = DaemonProcess.executable, timeout: TimeInterval = 20
    ) throws -> DaemonProcess {
        let daemon = try launch(
            executable: executable, prefix: prefix, arguments: [blob, "--socket", socket] + extra, socketPath: socket,
            stdio: false)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !daemon.process.isRunning { return daemon }
            if (try? DaemonConnection(path: socket)) != nil { return daemon }
            Thread.sleep(forTimeInterval: 0.01)
        }
        daemon.process.terminate()
        throw DaemonProcessError("bitmlpd did not listen on \(socket) within \(timeout) s: \(daemon.standardError)")
    }

    /// Starts `bitmlpd <blob> --stdio <extra>` with pipes for standard input and output.
    public static func startStandardIO(blob: String, arguments extra: [String] = []) throws -> DaemonProcess {
        try launch(executable: executable, prefix: [], arguments: [blob, "--stdio"] + extra, socketPath: nil, stdio: true)
    }

    /// Runs bitmlpd with `arguments` to completion: its exit status and standard error.
    public static func run(arguments: [String]) throws -> (status: Int32, standardError: String) {
        let daemon = try launch(executable: executable, prefix: [], arguments: arguments, socketPath: nil, stdio: false)
        let status = daemon.waitForExit(timeout: 20) ?? -1
        return (status, daemon.standardError)
    }

    private static func launch(
        executable: URL, prefix: [String], arguments: [String], socketPath: String?, stdio: Bool
    ) throws -> DaemonProcess {
        let process = Process()
        if prefix.isEmpty {
            process.executableURL = executable
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = prefix + [executable.path] + arguments
        }
        let input = Pipe()
        let output = Pipe()
        process.standardInput = stdio ? input : FileHandle.nullDevice
        process.standardOutput = stdio ? output : FileHandle.nullDevice
        let daemon = DaemonProcess(
            process: process, socketPath: socketPath, standardInput: stdio ? input.fileHandleForWriting : nil,
            standardOutput: stdio ? output.fileHandleForReading : nil)
        guard FileManager.default.createFile(atPath: daemon.errorPath, contents: nil),
            let errorFile = FileHandle(forWritingAtPath: daemon.errorPath)
        else { throw DaemonProcessError("cannot create \(daemon.errorPath) for the daemon's standard error") }
        process.standardError = errorFile
        try process.run()
        return daemon
    }

    deinit {
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Everything the daemon wrote to standard error so far.
    public var standardError: String {
        (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
    }

    /// Waits until standard error contains `text` at least `occurrences` times; false after
    /// `timeout` seconds.
    public func waitForLog(_ text: String, occurrences: Int = 1, timeout: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if standardError.components(separatedBy: text).count - 1 >= occurrences { return true }
            guard Date() < deadline else { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// Sends `signal` (SIGTERM, SIGHUP, ...) to the daemon.
    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the daemon to exit: its status, or nil after `timeout` seconds.
    public func waitForExit(timeout: TimeInterval = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        guard !process.isRunning else { return nil }
        return process.terminationStatus
    }

    /// CPU time the daemon has used, user and system, in seconds (`utime` and `stime` of
    /// /proc/<pid>/stat, in clock ticks of 1/100 s).
    public func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The daemon's resident memory in bytes (`VmRSS` of /proc/<pid>/status).
    public func residentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }
}

/// The daemon did not start as expected.
public struct DaemonProcessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
