import BitmlpdClient
import Foundation
import Glibc
import Testing

/// Runs `body` against a fresh daemon serving `blob` on its own socket, then stops it with SIGTERM
/// and checks that it exits 0 and removes its socket: whatever `body` sent, the daemon survived.
func withDaemon(
    blob: String = DigitsFixture.shared.blob, arguments: [String] = [], name: String = #function,
    _ body: (DaemonProcess) throws -> Void
) throws {
    let path = DigitsFixture.shared.socketPath(String(name.prefix(12)).filter(\.isLetter))
    let daemon = try DaemonProcess.start(blob: blob, socket: path, arguments: arguments)
    try #require(daemon.process.isRunning, "bitmlpd exited at start: \(daemon.standardError)")
    try body(daemon)
    #expect(daemon.process.isRunning, "bitmlpd died: \(daemon.standardError)")
    daemon.signal(SIGTERM)
    #expect(daemon.waitForExit() == 0, "\(daemon.standardError)")
    #expect(!FileManager.default.fileExists(atPath: path), "the socket file was left behind")
}

/// Runs `work(client)` for `clients` client indices on as many threads at once; returns the
/// failures (safe to call from any thread, unlike `#expect`).
func concurrently(_ clients: Int, _ work: @escaping @Sendable (Int) throws -> Void) -> [String] {
    let failures = Failures()
    let group = DispatchGroup()
    for client in 0..<clients {
        group.enter()
        Thread {
            defer { group.leave() }
            do { try work(client) } catch { failures.add("client \(client): \(error)") }
        }.start()
    }
    group.wait()
    return failures.all
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ failure: String) { lock.withLock { list.append(failure) } }
    var all: [String] { lock.withLock { list } }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
