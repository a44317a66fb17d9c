import BitBake
import BitBlob
import BitCore
import BitRuntime
import BitmlpdClient
import BitmlpdProtocol
import Foundation
import Glibc
import Testing

/// The happy path against the real daemon process: every test row, both modes, equal to BitBake's
/// integer simulation (the reference `bitbake-model infer` prints).
@Suite struct DaemonServingTests {
    let digits = DigitsFixture.shared

    @Test func textModeAnswersEveryRowLikeTheSimulation() throws {
        try withDaemon { daemon in
            let connection = try DaemonConnection(path: daemon.socketPath!)
            for row in digits.rows.indices {
                let answer = try connection.request(line: digits.line(row, separator: row % 2 == 0 ? "," : " "))
                #expect(digits.textAnswerMatches(answer, row: row), "row \(row): \(answer)")
            }
        }
    }

    @Test func binaryModeAnswersEveryRowSingleAndBatched() throws {
        try withDaemon { daemon in
            let connection = try DaemonConnection(path: daemon.socketPath!)
            for row in digits.rows.indices {
                let answer = try connection.infer(float32: digits.rows[row], count: 1, outputs: 10)
                #expect(digits.binaryAnswerMatches(answer, firstRow: row), "row \(row)")
            }
            // Batches of 32 (the default limit) and a last partial batch.
            for first in stride(from: 0, to: digits.rows.count, by: 32) {
                let count = min(32, digits.rows.count - first)
                let answer = try connection.infer(float32: Array(digits.rows[first..<first + count].joined()), count: count, outputs: 10)
                #expect(answer.classes.count == count)
                #expect(digits.binaryAnswerMatches(answer, firstRow: first), "batch at \(first)")
            }
        }
    }

    /// int8 frames: the daemon answers what the runtime gives for the same codes and step.
    @Test func int8FramesMatchTheRuntime() throws {
        let blob = try BlobBuffer(fileBytes: digits.blobBytes, name: "digits")
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: blob.model.arenaBytes(batch: 4)!, alignment: 64)
        defer {
            arena.deallocate()
            withExtendedLifetime(blob) {}
        }
        var runtime = try BitMLPRuntime(model: blob.model, arena: arena, maximumBatch: 4)
        var generator = SystemRandomNumberGenerator()
        let codes = (0..<4 * 64).map { _ in Int8.random(in: -128...127, using: &generator) }
        let step: Float = 0.0078125
        let result = try codes.withUnsafeBufferPointer { try runtime.infer(codes: $0, step: FixedPointScale(Double(step))!, batch: 4) }
        var expected: [[Float]] = []
        for vector in 0..<4 {
            var logits = [Float](repeating: 0, count: 10)
            logits.withUnsafeMutableBufferPointer { result.floatLogits(vector, into: $0) }
            expected.append(logits)
        }
        let classes = (0..<4).map { result.predictedClass($0) }
        try withDaemon { daemon in
            let connection = try DaemonConnection(path: daemon.socketPath!)
            let answer = try InferenceAnswer(try connection.request(frame: Frame.inferInt8(codes, step: step, count: 4)), outputs: 10)
            #expect(answer.classes == classes)
            #expect(answer.logits.map { $0.map(\.bitPattern) } == expected.map { $0.map(\.bitPattern) })
        }
    }

    @Test func infoAndStatsInBothModes() throws {
        try withDaemon(arguments: ["--max-batch", "8", "--max-clients", "5"]) { daemon in
            let connection = try DaemonConnection(path: daemon.socketPath!)
            let info = try connection.request(line: "info")
            let digest = SHA256.hash(digits.blobBytes).description
            let arena = try BlobBuffer(fileBytes: digits.blobBytes, name: "digits").model.arenaBytes(batch: 8)!
            #expect(info.hasPrefix("ok info inputs=64 outputs=10 layers=3 shape=64-256-256-10 weights=per_tensor activations=int8/per_token packing=t3 kernel="))
            #expect(info.hasSuffix(" max_batch=8 arena_bytes=\(arena) blob_bytes=\(digits.blobBytes.count) compressed=no sha256=\(digest)"))
            let binaryInfo = try connection.request(frame: Frame.command(.info))
            #expect(binaryInfo.header.type == .infoResult)
            #expect("ok " + binaryInfo.text == info)

            for row in 0..<5 { _ = try connection.request(line: digits.line(row)) }
            _ = try connection.request(line: "1,2")
            let stats = try connection.request(line: "stats")
            // info (text and binary), 5 vectors and one error came before; the start-up probe
            // connection was accepted too.
            #expect(stats.hasPrefix("ok stats requests=8 errors=1 clients=1 max_clients=5 accepted=2 refused=0 reloads=0 reload_failures=0 latency_samples=5 p50_us="))
            let fields = Dictionary(uniqueKeysWithValues: stats.split(separator: " ").dropFirst(2).map {
                let pair = $0.split(separator: "=")
                return (String(pair[0]), String(pair[1]))
            })
            let p50 = try #require(Double(fields["p50_us"]!))
            let p99 = try #require(Double(fields["p99_us"]!))
            #expect(p50 > 0 && p50 <= p99)
            let binaryStats = try connection.request(frame: Frame.command(.stats))
            #expect(binaryStats.header.type == .statsResult)
            #expect(binaryStats.text.hasPrefix("stats requests=9 errors=1 clients=1"))
        }
    }

    /// A compressed blob is inflated and served the same; its digest is the file's.
    @Test func compressedBlob() throws {
        try withDaemon(blob: digits.blobCompressed) { daemon in
            let connection = try DaemonConnection(path: daemon.socketPath!)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: digits.blobCompressed))
            let info = try connection.request(line: "info")
            #expect(info.hasSuffix("compressed=yes sha256=\(bytes.withUnsafeBytes { SHA256.hash($0) })"))
            for row in 0..<20 {
                #expect(digits.textAnswerMatches(try connection.request(line: digits.line(row)), row: row))
            }
        }
    }

    /// Standard input and output: lines in, answers out, exit 0 at end of input.
    @Test func standardIOMode() throws {
        let daemon = try DaemonProcess.startStandardIO(blob: digits.blob)
        let rows = 0..<50
        let input = rows.map { digits.line($0) + "\n" }.joined() + "stats"   // the last line has no newline
        try daemon.standardInput!.write(contentsOf: Data(input.utf8))
        try daemon.standardInput!.close()
        let output = String(decoding: daemon.standardOutput!.readDataToEndOfFile(), as: UTF8.self)
        let lines = output.split(separator: "\n").map(String.init)
        try #require(lines.count == rows.count + 1, "\(output)")
        for row in rows { #expect(digits.textAnswerMatches(lines[row], row: row), "row \(row): \(lines[row])") }
        #expect(lines.last!.hasPrefix("ok stats requests=50 errors=0 clients=1"))
        #expect(daemon.waitForExit() == 0, "\(daemon.standardError)")
    }

    @Test func socketPermissionBits() throws {
        for (arguments, mode) in [([String](), 0o660), (["--mode", "0600"], 0o600)] {
            try withDaemon(arguments: arguments) { daemon in
                let attributes = try FileManager.default.attributesOfItem(atPath: daemon.socketPath!)
                #expect((attributes[.posixPermissions] as? Int) == mode)
            }
        }
    }
}
