import BitmlpdClient
import BitmlpdProtocol
import Foundation
import Glibc
import Testing

/// Load, reload and shutdown against the real daemon process.
@Suite(.serialized) struct DaemonLifecycleTests {
    let digits = DigitsFixture.shared

    /// Heavier runs (`BITMLPD_HEAVY_TESTS=1`) multiply the request counts by 20.
    static let scale = ProcessInfo.processInfo.environment["BITMLPD_HEAVY_TESTS"] == "1" ? 20 : 1

    /// 10,000 requests from 16 concurrent clients, text and binary, every answer equal to the
    /// simulation's.
    @Test func tenThousandRequestsFromSixteenClients() throws {
        try withDaemon { daemon in
            let perClient = 625 * Self.scale
            let path = daemon.socketPath!
            let digits = self.digits
            let failures = concurrently(16) { client in
                let connection = try DaemonConnection(path: path)
                for request in 0..<perClient {
                    let row = (client * 131 + request * 7) % digits.rows.count
                    if client % 2 == 0 {
                        let answer = try connection.infer(float32: digits.rows[row], count: 1, outputs: 10)
                        guard digits.binaryAnswerMatches(answer, firstRow: row) else { throw TestFailure("row \(row): \(answer)") }
                    } else {
                        let answer = try connection.request(line: digits.line(row))
                        guard digits.textAnswerMatches(answer, row: row) else { throw TestFailure("row \(row): \(answer)") }
                    }
                }
            }
            #expect(failures.isEmpty, "\(failures.prefix(5))")
            let stats = try DaemonConnection(path: path).request(line: "stats")
            #expect(stats.hasPrefix("ok stats requests=\(16 * perClient) errors=0 clients=1 max_clients=32 accepted=18 "), "16 clients, this one and the start-up probe")
        }
    }

    /// SIGHUP under load: the blob file is replaced (by rename) with the I2 packing of the same
    /// model and back, six times (120 with BITMLPD_HEAVY_TESTS=1), then with a corrupt file; not one request fails, every answer stays
    /// correct, the bad reload is logged and the old model keeps serving.
    @Test func reloadUnderLoadFailsNoRequest() throws {
        let served = digits.directory.appendingPathComponent("served-\(UUID().uuidString.prefix(6)).bitblob")
        try FileManager.default.copyItem(atPath: digits.blob, toPath: served.path)
        func replace(with source: URL) throws {
            let temporary = served.appendingPathExtension("new")
            try? FileManager.default.removeItem(at: temporary)
            try FileManager.default.copyItem(at: source, to: temporary)
            guard rename(temporary.path, served.path) == 0 else { throw TestFailure("rename failed") }
        }
        var corrupt = digits.blobBytes
        corrupt[100] ^= 1
        let corruptURL = digits.directory.appendingPathComponent("reload-corrupt.bitblob")
        try Data(corrupt).write(to: corruptURL)

        try withDaemon(blob: served.path) { daemon in
            let path = daemon.socketPath!
            let digits = self.digits
            let running = Flag()
            let counts = Failures()
            let failures = Failures()
            let done = DispatchSemaphore(value: 0)
            let clients = Thread {
                let failed = concurrently(8) { client in
                    let connection = try DaemonConnection(path: path)
                    var request = 0
                    while running.isSet || request < 50 {
                        let row = (client * 37 + request) % digits.rows.count
                        if client % 2 == 0 {
                            let answer = try connection.infer(float32: digits.rows[row], count: 1, outputs: 10)
                            guard digits.binaryAnswerMatches(answer, firstRow: row) else { throw TestFailure("row \(row): \(answer)") }
                        } else {
                            let answer = try connection.request(line: digits.line(row))
                            guard digits.textAnswerMatches(answer, row: row) else { throw TestFailure("row \(row): \(answer)") }
                        }
                        request += 1
                    }
                    counts.add("\(request)")
                }
                for failure in failed { failures.add(failure) }
                done.signal()
            }
            clients.start()
            let blobs = [URL(fileURLWithPath: digits.blobI2), URL(fileURLWithPath: digits.blob)]
            let reloads = 6 * Self.scale
            for reload in 0..<reloads {
                try replace(with: blobs[reload % 2])
                daemon.signal(SIGHUP)
                #expect(daemon.waitForLog("reloaded: info", occurrences: reload + 1))
                Thread.sleep(forTimeInterval: 0.05)
            }
            try replace(with: corruptURL)
            daemon.signal(SIGHUP)
            #expect(daemon.waitForLog("reload failed, still serving the previous model: \(served.path): "))
            Thread.sleep(forTimeInterval: 0.05)
            running.clear()
            done.wait()
            #expect(failures.all.isEmpty, "\(failures.all.prefix(5))")
            #expect(counts.all.count == 8, "clients that finished without a failure")
            let connection = try DaemonConnection(path: path)
            let stats = try connection.request(line: "stats")
            #expect(stats.contains(" errors=0 ") && stats.contains(" reloads=\(reloads) reload_failures=1 "), "\(stats)")
            #expect(try connection.request(line: "info").contains("packing=t3"))
        }
    }

    /// Writing the served file in place (`cp new.bitblob served.bitblob`, `truncate`) neither
    /// crashes the daemon nor changes its answers: the file lease makes the kernel tell the daemon
    /// first, the daemon moves to a private copy of the model it validated, and only SIGHUP serves
    /// the new contents.
    @Test(.enabled(if: grantsFileLeases(), "this file system or user gets no file leases (the daemon then logs so)"))
    func writingTheServedFileInPlace() throws {
        let served = digits.directory.appendingPathComponent("in-place-\(UUID().uuidString.prefix(6)).bitblob")
        try FileManager.default.copyItem(atPath: digits.blob, toPath: served.path)
        let i2 = try Data(contentsOf: URL(fileURLWithPath: digits.blobI2))
        /// What `cp` does: open with O_TRUNC (held back by the kernel until the daemon lets go of
        /// its lease), then write.
        func overwrite(with bytes: Data) throws {
            let descriptor = open(served.path, O_WRONLY | O_TRUNC)
            guard descriptor >= 0 else { throw TestFailure("open: errno \(errno)") }
            defer { close(descriptor) }
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == bytes.count else { throw TestFailure("write: \(written) of \(bytes.count) bytes") }
        }
        func expectDigitsAnswers(_ connection: DaemonConnection, rows: Range<Int>) throws {
            for row in rows {
                let answer = try connection.request(line: digits.line(row))
                #expect(digits.textAnswerMatches(answer, row: row), "row \(row): \(answer)")
            }
        }

        try withDaemon(blob: served.path) { daemon in
            let connection = try DaemonConnection(path: daemon.socketPath!)
            try expectDigitsAnswers(connection, rows: 0..<20)
            try overwrite(with: i2)
            #expect(daemon.waitForLog("\(served.path) is being written: serving a private copy of the loaded model until SIGHUP"))
            try expectDigitsAnswers(connection, rows: 20..<40)
            #expect(try connection.request(line: "info").contains("packing=t3"))

            // The private copy does not depend on the file at all.
            #expect(truncate(served.path, 0) == 0)
            try expectDigitsAnswers(connection, rows: 40..<60)

            // SIGHUP serves the file's new contents, leased again.
            try overwrite(with: i2)
            daemon.signal(SIGHUP)
            #expect(daemon.waitForLog("reloaded: info"))
            #expect(try connection.request(line: "info").contains("packing=i2"))
            try overwrite(with: Data(digits.blobBytes))
            #expect(daemon.waitForLog("is being written: serving a private copy", occurrences: 2))
            #expect(try connection.request(line: "info").contains("packing=i2"))

            let stats = try connection.request(line: "stats")
            #expect(stats.contains(" errors=0 ") && stats.contains(" reloads=1 reload_failures=0 "), "\(stats)")
            #expect(!daemon.standardError.contains("no file lease"), "\(daemon.standardError)")
        }
    }

    /// SIGTERM with requests in flight: every one is answered, then the daemon exits 0 and removes
    /// its socket file.
    @Test func sigtermAnswersRequestsInFlightAndRemovesTheSocket() throws {
        let path = digits.socketPath("term")
        let daemon = try DaemonProcess.start(blob: digits.blob, socket: path)
        let text = try DaemonConnection(path: path)
        let binary = try DaemonConnection(path: path)
        let rows = 0..<300
        try text.send(Array(rows.map { digits.line($0) + "\n" }.joined().utf8))
        try binary.send(rows.flatMap { Frame.inferFloat32(digits.rows[$0], count: 1) })
        daemon.signal(SIGTERM)
        let lines = String(decoding: try text.receiveAll(), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == rows.count)
        for (row, line) in zip(rows, lines) { #expect(digits.textAnswerMatches(String(line), row: row)) }
        for row in rows {
            let frame = try #require(try binary.receiveFrame())
            #expect(digits.binaryAnswerMatches(try InferenceAnswer(frame, outputs: 10), firstRow: row))
        }
        #expect(try binary.receiveFrame() == nil)
        #expect(daemon.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(daemon.standardError.contains("SIGTERM: stopping"))
        #expect(daemon.standardError.contains("stopped after 600 requests (0 errors)"))
    }

    @Test func sigintStopsToo() throws {
        let path = digits.socketPath("int")
        let daemon = try DaemonProcess.start(blob: digits.blob, socket: path)
        daemon.signal(SIGINT)
        #expect(daemon.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(daemon.standardError.contains("SIGINT: stopping"))
    }
}

/// Whether the kernel grants this process a read lease on a file it made in /tmp, as it does the
/// daemon on the fixture's files (root, or the file's owner, on a local file system).
func grantsFileLeases() -> Bool {
    let path = "/tmp/bitmlpd-lease-probe-\(getpid())"
    guard FileManager.default.createFile(atPath: path, contents: Data([1])) else { return false }
    defer { unlink(path) }
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    let setLease: Int32 = 1024  // F_SETLEASE, which Glibc's Swift module leaves out (a GNU extension)
    return fcntl(descriptor, setLease, Int32(F_RDLCK)) == 0
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = true
    var isSet: Bool { lock.withLock { value } }
    func clear() { lock.withLock { value = false } }
}
