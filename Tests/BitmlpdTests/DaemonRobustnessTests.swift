import BitmlpdClient
import BitmlpdProtocol
import Foundation
import Glibc
import Testing

/// Bad input, bad clients and bad start-up conditions against the real daemon process. Every test
/// ends by checking that the daemon is still running and stops cleanly (`withDaemon`).
@Suite struct DaemonRobustnessTests {
    let digits = DigitsFixture.shared

    @Test func textBadInputBattery() throws {
        try withDaemon { daemon in
            let connection = try DaemonConnection(path: daemon.socketPath!)
            let row = digits.line(0)
            let cases: [(String, String)] = [
                ("1,2,3", "err length expected 64 values, got 3"),
                (row + ",1", "err length expected 64 values, got 65"),
                (row.replacingOccurrences(of: ",", with: ",,"), "err number value 1 is not a decimal number"),
                ("0x10" + String(row.drop { $0 != "," }), "err number value 0 is not a decimal number"),
                ("1,2,abc", "err number value 2 is not a decimal number"),
                ("nan" + String(row.drop { $0 != "," }), "err non-finite value 0 is NaN or infinite"),
                ("1, -inf, 2", "err non-finite value 1 is NaN or infinite"),
                ("1 Infinity", "err non-finite value 1 is NaN or infinite"),
                ("1e39 1", "err range value 0 is beyond the float32 range"),
                ("1 " + String(repeating: "9", count: 70), "err number value 1 is longer than 63 characters"),
                ("", "err empty empty line; send numbers, info or stats"),
                ("hello", "err command unknown command; send numbers, info or stats"),
                ("\u{1}\u{2}", "err number value 0 is not a decimal number"),
            ]
            for (line, expected) in cases {
                #expect(try connection.request(line: line) == expected, "\(line.prefix(40))")
            }
            #expect(digits.textAnswerMatches(try connection.request(line: row), row: 0))
        }
    }

    /// An overlong line is refused as soon as the limit is passed, before its newline arrives (it
    /// is never buffered whole), and the connection goes on.
    @Test func overlongLineIsRefusedBeforeItEnds() throws {
        try withDaemon(arguments: ["--max-line", "1000"]) { daemon in
            let connection = try DaemonConnection(path: daemon.socketPath!)
            let chunk = [UInt8](repeating: UInt8(ascii: "1"), count: 64 * 1024)
            for _ in 0..<16 { try connection.send(chunk) }   // 1 MiB without a newline
            #expect(try connection.receiveLine() == "err line-too-long line longer than 1000 bytes; discarded up to its newline")
            try connection.send(chunk)
            try connection.send(Array("\n".utf8))
            #expect(digits.textAnswerMatches(try connection.request(line: digits.line(3)), row: 3))
        }
    }

    @Test func binaryBadInputBattery() throws {
        try withDaemon(arguments: ["--max-batch", "4"]) { daemon in
            let connection = try DaemonConnection(path: daemon.socketPath!)
            func refusal(_ frame: [UInt8]) throws -> (ErrorCode?, String) {
                let answer = try connection.request(frame: frame)
                #expect(answer.header.type == .error)
                return (ErrorCode(rawValue: answer.header.code), answer.text)
            }
            var nan = digits.rows[0]
            nan[5] = .nan
            var infinite = digits.rows[1]
            infinite[63] = -.infinity
            let valid = Frame.inferFloat32(digits.rows[0], count: 1)
            var shortPayload = Frame.inferFloat32(Array(digits.rows[0].prefix(60)), count: 1)
            #expect(try refusal(shortPayload) == (.length, "payload of 240 bytes; 1 float32 vectors of 64 values take 256"))
            shortPayload = Frame.inferFloat32(digits.rows[0], count: 2)
            #expect(try refusal(shortPayload) == (.length, "payload of 256 bytes; 2 float32 vectors of 64 values take 512"))
            #expect(try refusal(Frame.inferFloat32(nan, count: 1)) == (.nonFinite, "value 5 is NaN or infinite"))
            #expect(try refusal(Frame.inferFloat32(digits.rows[0] + infinite, count: 2)) == (.nonFinite, "value 127 is NaN or infinite"))
            #expect(try refusal(Frame.inferFloat32([], count: 0)) == (.batch, "batch of 0 vectors is outside 1 ... 4"))
            #expect(try refusal(Frame.inferFloat32(Array(repeating: 0, count: 5 * 64), count: 5)).0 == .frameTooLarge)
            // That one closed the connection; the next ones each get their own.
            for step: Float in [0, -1, .nan, .infinity] {
                let fresh = try DaemonConnection(path: daemon.socketPath!)
                let answer = try fresh.request(frame: Frame.inferInt8([Int8](repeating: 1, count: 64), step: step, count: 1))
                #expect(answer.header.type == .error && answer.header.code == ErrorCode.step.rawValue)
                #expect(digits.binaryAnswerMatches(try InferenceAnswer(try fresh.request(frame: valid), outputs: 10), firstRow: 0))
            }
        }
    }

    /// Framing errors: an error frame, then the daemon closes the connection (it cannot know where
    /// the next frame starts). An oversized frame is refused from its header alone.
    @Test func framingErrorsCloseTheConnection() throws {
        try withDaemon { daemon in
            var header = [UInt8](repeating: 0, count: 16)
            header.withUnsafeMutableBytes { FrameHeader(type: .inferFloat32, count: 1, length: 1_000_000_000).encode(into: $0) }
            var badVersion = Frame.command(.info)
            badVersion[4] = 9
            var badMagic = Frame.command(.info)
            badMagic[3] = 0
            var badType = Frame.command(.info)
            badType[5] = 0x42
            var reserved = Frame.command(.stats)
            reserved[7] = 1
            let answerType = Frame(header: FrameHeader(type: .result, length: 0), payload: []).bytes
            let infoWithPayload = Frame(header: FrameHeader(type: .info, length: 2), payload: [1, 2]).bytes
            let cases: [([UInt8], ErrorCode, String)] = [
                (header, .frameTooLarge, "payload of 1000000000 bytes exceeds the limit of 8192"),
                (badVersion, .frame, "protocol version 9 is not supported (this daemon speaks 1)"),
                (badMagic, .frame, "bad magic; frames start with B1 4D 4C 50"),
                (badType, .frame, "unknown frame type 66"),
                (reserved, .frame, "reserved byte 7 is 1, not 0"),
                (answerType, .frame, "that frame type is an answer, not a request"),
                (infoWithPayload, .frame, "info and stats frames have count 0 and no payload"),
            ]
            for (frame, code, message) in cases {
                let connection = try DaemonConnection(path: daemon.socketPath!)
                let answer = try #require(try connection.request(frame: frame + Frame.command(.info)))
                #expect(answer.header.type == .error && answer.header.code == code.rawValue && answer.text == message)
                #expect(try connection.receiveAll().isEmpty, "the connection stays open after \(message)")
            }
        }
    }

    /// A client that sends half a request and stalls, and one that never reads its answers, are
    /// dropped after --timeout; meanwhile other clients are served.
    @Test func slowClientsAreDroppedAfterTheTimeout() throws {
        try withDaemon(arguments: ["--timeout", "1"]) { daemon in
            let stalled = try DaemonConnection(path: daemon.socketPath!)
            try stalled.send(Array("0.5,0.25,".utf8))
            let deaf = try DaemonConnection(path: daemon.socketPath!)
            let requests = Array(String(repeating: "info\n", count: 20_000).utf8)
            let sender = Thread { try? deaf.send(requests) }
            sender.start()
            let start = Date()
            let healthy = try DaemonConnection(path: daemon.socketPath!)
            var row = 0
            while Date().timeIntervalSince(start) < 1.5 {
                #expect(digits.textAnswerMatches(try healthy.request(line: digits.line(row % 360)), row: row % 360))
                row += 1
            }
            #expect(daemon.waitForLog("a partial request and no progress for 1 s"))
            #expect(daemon.waitForLog("unread answers and no progress for 1 s"))
            #expect(try stalled.receiveAll().isEmpty)
            #expect(try healthy.request(line: "stats").contains(" clients=1 "))
        }
    }

    /// Half-closed clients get every answer, then end of stream; vanished ones cost nothing.
    @Test func halfClosedAndVanishedClients() throws {
        try withDaemon { daemon in
            let half = try DaemonConnection(path: daemon.socketPath!)
            try half.send(Array((0..<3).map { digits.line($0) + "\n" }.joined().utf8) + Array(digits.line(3).utf8))
            half.finishSending()
            let lines = String(decoding: try half.receiveAll(), as: UTF8.self).split(separator: "\n")
            #expect(lines.count == 4)
            for (row, line) in lines.enumerated() { #expect(digits.textAnswerMatches(String(line), row: row)) }

            let binaryHalf = try DaemonConnection(path: daemon.socketPath!)
            try binaryHalf.send(Frame.inferFloat32(digits.rows[7], count: 1) + Array(Frame.inferFloat32(digits.rows[8], count: 1).prefix(100)))
            binaryHalf.finishSending()
            #expect(digits.binaryAnswerMatches(try InferenceAnswer(try binaryHalf.receiveFrame()!, outputs: 10), firstRow: 7))
            #expect(try binaryHalf.receiveFrame() == nil, "a partial frame at end of input is dropped")

            for _ in 0..<20 {
                let vanishing = try DaemonConnection(path: daemon.socketPath!)
                try vanishing.send(Array(String(repeating: digits.line(0) + "\n", count: 200).utf8))
                try vanishing.send(Array(Frame.inferFloat32(digits.rows[0], count: 1).prefix(30)))
            }
            let after = try DaemonConnection(path: daemon.socketPath!)
            #expect(digits.textAnswerMatches(try after.request(line: digits.line(9)), row: 9))
        }
    }

    @Test func clientsOverTheLimitAreRefusedWithAMessage() throws {
        try withDaemon(arguments: ["--max-clients", "2"]) { daemon in
            let first = try DaemonConnection(path: daemon.socketPath!)
            let second = try DaemonConnection(path: daemon.socketPath!)
            _ = try first.request(line: "info")
            _ = try second.request(line: "info")
            let third = try DaemonConnection(path: daemon.socketPath!)
            #expect(String(decoding: try third.receiveAll(), as: UTF8.self) == "err busy too many clients (limit 2)\n")
            #expect(try first.request(line: "stats").contains(" clients=2 max_clients=2 accepted=3 refused=1 "))
            #expect(daemon.waitForLog("refused a client: 2 clients connected (the limit)"))
            first.finishSending()
            _ = try first.receiveAll()
            let fourth = try DaemonConnection(path: daemon.socketPath!)
            #expect(digits.textAnswerMatches(try fourth.request(line: digits.line(1)), row: 1))
        }
    }

    /// A socket file left by a crash is replaced; a live daemon's socket is never taken over; a
    /// path that is not a socket is never removed.
    @Test func staleLiveAndForeignSocketPaths() throws {
        let stale = digits.socketPath("stale")
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(stale.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        close(socket)   // the file stays: a crashed daemon's socket
        let daemon = try DaemonProcess.start(blob: digits.blob, socket: stale)
        #expect(daemon.waitForLog("removed stale socket \(stale)"))
        #expect(digits.textAnswerMatches(try DaemonConnection(path: stale).request(line: digits.line(2)), row: 2))

        let intruder = try DaemonProcess.run(arguments: [digits.blob, "--socket", stale])
        #expect(intruder.status == 1)
        #expect(intruder.standardError.contains("\(stale) is in use by a running daemon"))
        #expect(digits.textAnswerMatches(try DaemonConnection(path: stale).request(line: digits.line(4)), row: 4))
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)

        let foreign = digits.directory.appendingPathComponent("not-a-socket").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: foreign))
        let refused = try DaemonProcess.run(arguments: [digits.blob, "--socket", foreign])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("\(foreign) exists and is not a socket; it is left alone"))
        #expect(try String(contentsOfFile: foreign, encoding: .utf8) == "keep me")
    }

    @Test func startupErrorsAndExitStatus() throws {
        let socket = digits.socketPath("startup")
        let usage: [[String]] = [[], [digits.blob], ["--socket", socket], [digits.blob, "--socket", socket, "--stdio"],
                                 [digits.blob, "--socket", socket, "--mode", "999"], [digits.blob, "--bogus"],
                                 [digits.blob, "--socket", socket, "--max-clients", "0"]]
        for arguments in usage {
            let run = try DaemonProcess.run(arguments: arguments)
            #expect(run.status == 64, "\(arguments): \(run.standardError)")
        }
        let missing = try DaemonProcess.run(arguments: ["/nonexistent.bitblob", "--socket", socket])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("open /nonexistent.bitblob: No such file or directory"))

        var corrupt = digits.blobBytes
        corrupt[corrupt.count / 2] ^= 0x10
        let corruptPath = digits.directory.appendingPathComponent("corrupt.bitblob").path
        try Data(corrupt).write(to: URL(fileURLWithPath: corruptPath))
        let invalid = try DaemonProcess.run(arguments: [corruptPath, "--socket", socket])
        #expect(invalid.status == 2)
        #expect(invalid.standardError.contains(corruptPath + ": "))
        #expect(!FileManager.default.fileExists(atPath: socket))

        let help = try DaemonProcess.run(arguments: ["--help"])
        #expect(help.status == 0)
    }
}
