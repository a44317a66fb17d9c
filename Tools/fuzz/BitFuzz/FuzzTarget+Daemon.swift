import BitmlpdProtocol

/// The daemon's request decoders from `BitmlpdProtocol`, fed the way `bitmlpd` feeds them. (The
/// whole serving path, with a model, is the `daemon-serve` fuzzer: Tools/fuzz/DaemonServe.)
enum DaemonRequests {
    /// The first byte picks the model's input count (1 ... 64); the rest is split at `\n` into
    /// lines, each parsed as the daemon parses a line.
    static func text(_ bytes: UnsafeRawBufferPointer) throws(FuzzFinding) -> FuzzOutcome {
        guard let first = bytes.first else { return .refused }
        let inputs = Int(first % 64) + 1
        let values = UnsafeMutableBufferPointer<Float>.allocate(capacity: inputs)
        defer { values.deallocate() }
        var outcome = FuzzOutcome.refused
        var start = 1
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            values.initialize(repeating: .nan)
            if try parseLine(line, into: values) { outcome = .accepted }
            start = end + 1
        }
        return outcome
    }

    /// Whether `line` was accepted; throws when an accepted vector does not match its text.
    private static func parseLine(_ line: UnsafeRawBufferPointer, into values: UnsafeMutableBufferPointer<Float>) throws(FuzzFinding) -> Bool {
        let request: TextRequest
        do {
            request = try TextRequest(parsing: line, into: values)
        } catch {
            if case .length(let expected, let actual) = error, expected != values.count || actual == values.count {
                throw FuzzFinding(.daemonText, "length error \(expected)/\(actual) for a buffer of \(values.count)")
            }
            return false
        }
        guard request == .vector else { return true }
        // Every value is finite and is what the standard library reads from the same token.
        let tokens = String(decoding: line, as: UTF8.self)
            .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" })
        guard tokens.count == values.count else {
            throw FuzzFinding(.daemonText, "accepted \(values.count) values from \(tokens.count) tokens in \(String(reflecting: String(decoding: line, as: UTF8.self)))")
        }
        for (index, token) in tokens.enumerated() {
            guard values[index].isFinite else {
                throw FuzzFinding(.daemonText, "value \(index) '\(token)' was accepted as \(values[index])")
            }
            guard let expected = Float(token), expected.bitPattern == values[index].bitPattern else {
                throw FuzzFinding(.daemonText, "value \(index) '\(token)' was read as \(values[index]), the standard library reads \(String(describing: Float(token)))")
            }
        }
        return true
    }

    /// Frames one after another, as a client's binary stream: each header is decoded; one that
    /// decodes must encode back to the same 16 bytes; its payload is skipped. A header that does
    /// not decode ends the stream, as it closes the daemon's connection.
    static func frames(_ bytes: UnsafeRawBufferPointer) throws(FuzzFinding) -> FuzzOutcome {
        var position = 0
        var outcome = FuzzOutcome.refused
        var encoded = (UInt64(0), UInt64(0))
        while bytes.count - position >= FrameHeader.size {
            let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[position..<position + FrameHeader.size])
            let header: FrameHeader
            do {
                header = try FrameHeader(decoding: headerBytes)
            } catch {
                return outcome
            }
            withUnsafeMutableBytes(of: &encoded) { header.encode(into: $0) }
            let same = withUnsafeBytes(of: &encoded) { $0.elementsEqual(headerBytes) }
            guard same else {
                throw FuzzFinding(.daemonFrame, "header \(Array(headerBytes)) decodes to \(header), which encodes differently")
            }
            outcome = .accepted
            position += FrameHeader.size
            let (end, overflow) = position.addingReportingOverflow(Int(header.length))
            guard !overflow, end <= bytes.count else { return outcome }
            position = end
        }
        return outcome
    }
}
