import BitCore
import BitRuntime
import BitmlpdProtocol

/// Answering requests: text lines and binary frames, read from a client's input queue and answered
/// into its output queue (docs/protocol.md).
extension Daemon {
    /// Answers the complete requests in `slot`'s input while its output has room for an answer.
    mutating func serve(_ slot: Int) {
        while connections[slot].isOpen && !connections[slot].closeAfterFlush {
            if connections[slot].discardingLine && !skipOverlongLine(slot) { return }
            let input = connections[slot].inbound.bytes
            guard !input.isEmpty else { return }
            let space = connections[slot].outbound.freeSpace(minimum: maximumResponse)
            guard space.count >= maximumResponse else { return }
            var writer = ResponseWriter(UnsafeMutableRawBufferPointer(rebasing: space[0..<maximumResponse]))
            let consumed = input[0] == FrameHeader.firstByte
                ? answerFrame(input, slot: slot, into: &writer)
                : answerLine(input, slot: slot, into: &writer)
            guard let consumed else { return }
            if writer.count > 0 {
                statistics.requests += 1
                if writer.isError { statistics.errors += 1 }
            }
            connections[slot].inbound.consume(consumed)
            connections[slot].outbound.commit(writer.count)
        }
    }

    /// Drops the rest of an overlong line; returns whether its newline was reached.
    private mutating func skipOverlongLine(_ slot: Int) -> Bool {
        let input = connections[slot].inbound.bytes
        guard let newline = input.firstIndex(of: UInt8(ascii: "\n")) else {
            connections[slot].inbound.removeAll()
            return false
        }
        connections[slot].inbound.consume(newline + 1)
        connections[slot].discardingLine = false
        return true
    }

    // MARK: Text mode

    /// Answers the line at the front of `input`; returns the bytes it used, or nil to wait for more.
    private mutating func answerLine(_ input: UnsafeRawBufferPointer, slot: Int, into writer: inout ResponseWriter) -> Int? {
        let searched = UnsafeRawBufferPointer(rebasing: input[0..<min(input.count, maximumLine + 1)])
        if let newline = searched.firstIndex(of: UInt8(ascii: "\n")) {
            answerText(UnsafeRawBufferPointer(rebasing: input[0..<newline]), into: &writer)
            return newline + 1
        }
        if input.count > maximumLine {
            writer.appendError(.lineTooLong, binary: false) { message in
                message.append("line longer than ")
                message.append(decimal: maximumLine)
                message.append(" bytes; discarded up to its newline")
            }
            // Drop the line through its newline if it is here, else everything and the rest later.
            if let newline = input.firstIndex(of: UInt8(ascii: "\n")) { return newline + 1 }
            connections[slot].discardingLine = true
            return input.count
        }
        if connections[slot].inputClosed && stoppingSince == nil {
            // The client ended its input without a final newline: the last line still counts
            // (when the daemon stops, a partial line is one the client was still sending).
            answerText(input, into: &writer)
            return input.count
        }
        return nil
    }

    private mutating func answerText(_ line: UnsafeRawBufferPointer, into writer: inout ResponseWriter) {
        let start = Process.monotonicNanoseconds()
        let inputs = UnsafeMutableBufferPointer(rebasing: values[0..<model.inputCount])
        let request: TextRequest
        do throws(TextRequestError) {
            request = try TextRequest(parsing: line, into: inputs)
        } catch {
            refuseText(error, into: &writer)
            return
        }
        switch request {
        case .info:
            writer.append("ok ")
            writer.append(model.info)
            writer.append("\n")
        case .stats:
            writer.append("ok ")
            appendStatistics(into: &writer)
            writer.append("\n")
        case .vector:
            let result: InferenceResult
            do throws(RuntimeError) {
                result = try model.runtime.infer(UnsafeBufferPointer(inputs), batch: 1)
            } catch {
                refuseRuntime(error, binary: false, into: &writer)
                return
            }
            writer.append("ok ")
            writer.append(decimal: result.predictedClass(0))
            let outputs = UnsafeMutableBufferPointer(rebasing: logits[0..<model.outputCount])
            result.floatLogits(0, into: outputs)
            for logit in outputs {
                writer.append(" ")
                writer.append(logit)
            }
            writer.append("\n")
            recordLatency(since: start)
        }
    }

    private mutating func refuseText(_ error: TextRequestError, into writer: inout ResponseWriter) {
        switch error {
        case .empty:
            writer.appendError(.empty, binary: false) { $0.append("empty line; send numbers, info or stats") }
        case .unknownCommand:
            writer.appendError(.command, binary: false) { $0.append("unknown command; send numbers, info or stats") }
        case .length(let expected, let actual):
            writer.appendError(.length, binary: false) { message in
                message.append("expected ")
                message.append(decimal: expected)
                message.append(" values, got ")
                message.append(decimal: actual)
            }
        case .number(let index, let reason):
            let code: ErrorCode
            let text: StaticString
            switch reason {
            case .malformed: (code, text) = (.number, " is not a decimal number")
            case .nonFinite: (code, text) = (.nonFinite, " is NaN or infinite")
            case .outOfRange: (code, text) = (.range, " is beyond the float32 range")
            case .tooLong: (code, text) = (.number, " is longer than 63 characters")
            }
            writer.appendError(code, binary: false) { message in
                message.append("value ")
                message.append(decimal: index)
                message.append(text)
            }
        }
    }

    // MARK: Binary mode

    /// Answers the frame at the front of `input`; returns the bytes it used, or nil to wait for more.
    private mutating func answerFrame(_ input: UnsafeRawBufferPointer, slot: Int, into writer: inout ResponseWriter) -> Int? {
        guard input.count >= FrameHeader.size else { return connections[slot].inputClosed ? input.count : nil }
        let header: FrameHeader
        do throws(FrameError) {
            header = try FrameHeader(decoding: input)
        } catch {
            refuseFrame(error, into: &writer)
            connections[slot].closeAfterFlush = true
            return input.count
        }
        switch header.type {
        case .info, .stats:
            guard header.count == 0, header.length == 0 else {
                writer.appendError(.frame, binary: true) { $0.append("info and stats frames have count 0 and no payload") }
                connections[slot].closeAfterFlush = true
                return input.count
            }
            let start = writer.beginFrame()
            if header.type == .info {
                writer.append(model.info)
                writer.finishFrame(at: start, type: .infoResult)
            } else {
                appendStatistics(into: &writer)
                writer.finishFrame(at: start, type: .statsResult)
            }
            return FrameHeader.size
        case .inferFloat32, .inferInt8:
            guard Int(header.length) <= maximumPayload else {
                writer.appendError(.frameTooLarge, binary: true) { message in
                    message.append("payload of ")
                    message.append(decimal: Int(header.length))
                    message.append(" bytes exceeds the limit of ")
                    message.append(decimal: maximumPayload)
                }
                connections[slot].closeAfterFlush = true
                return input.count
            }
            let total = FrameHeader.size + Int(header.length)
            guard input.count >= total else { return connections[slot].inputClosed ? input.count : nil }
            answerInference(header, payload: UnsafeRawBufferPointer(rebasing: input[FrameHeader.size..<total]), into: &writer)
            return total
        case .result, .infoResult, .statsResult, .error:
            writer.appendError(.frame, binary: true) { $0.append("that frame type is an answer, not a request") }
            connections[slot].closeAfterFlush = true
            return input.count
        }
    }

    private mutating func answerInference(_ header: FrameHeader, payload: UnsafeRawBufferPointer, into writer: inout ResponseWriter) {
        let start = Process.monotonicNanoseconds()
        let batch = Int(header.count)
        let inputs = model.inputCount
        guard batch >= 1, batch <= options.maximumBatch else {
            writer.appendError(.batch, binary: true) { message in
                message.append("batch of ")
                message.append(decimal: batch)
                message.append(" vectors is outside 1 ... ")
                message.append(decimal: options.maximumBatch)
            }
            return
        }
        let isFloat = header.type == .inferFloat32
        let expected = isFloat ? batch * inputs * 4 : 4 + batch * inputs
        guard payload.count == expected else {
            writer.appendError(.length, binary: true) { message in
                message.append("payload of ")
                message.append(decimal: payload.count)
                message.append(" bytes; ")
                message.append(decimal: batch)
                message.append(isFloat ? " float32 vectors of " : " int8 vectors of ")
                message.append(decimal: inputs)
                message.append(" values take ")
                message.append(decimal: expected)
            }
            return
        }
        let result: InferenceResult
        do throws(RuntimeError) {
            if isFloat {
                let vectors = UnsafeMutableBufferPointer(rebasing: values[0..<batch * inputs])
                for index in 0..<vectors.count {
                    vectors[index] = Float(bitPattern: UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
                }
                result = try model.runtime.infer(UnsafeBufferPointer(vectors), batch: batch)
            } else {
                let stepValue = Float(bitPattern: UInt32(littleEndian: payload.loadUnaligned(as: UInt32.self)))
                guard stepValue.isFinite, stepValue > 0, let step = FixedPointScale(Double(stepValue)) else {
                    writer.appendError(.step, binary: true) { $0.append("the int8 step must be a positive finite float32") }
                    return
                }
                let codes = UnsafeRawBufferPointer(rebasing: payload[4...])
                result = try codes.withMemoryRebound(to: Int8.self) { (codes) throws(RuntimeError) in
                    try model.runtime.infer(codes: codes, step: step, batch: batch)
                }
            }
        } catch {
            refuseRuntime(error, binary: true, into: &writer)
            return
        }
        let frame = writer.beginFrame()
        let outputs = UnsafeMutableBufferPointer(rebasing: logits[0..<model.outputCount])
        for vector in 0..<batch {
            writer.append(littleEndian: UInt32(result.predictedClass(vector)))
            result.floatLogits(vector, into: outputs)
            for logit in outputs { writer.append(littleEndian: logit.bitPattern) }
        }
        writer.finishFrame(at: frame, type: .result, count: batch)
        recordLatency(since: start)
    }

    private mutating func refuseFrame(_ error: FrameError, into writer: inout ResponseWriter) {
        writer.appendError(.frame, binary: true) { message in
            switch error {
            case .badMagic:
                message.append("bad magic; frames start with B1 4D 4C 50")
            case .unsupportedVersion(let version):
                message.append("protocol version ")
                message.append(decimal: Int(version))
                message.append(" is not supported (this daemon speaks 1)")
            case .unknownType(let type):
                message.append("unknown frame type ")
                message.append(decimal: Int(type))
            case .nonZeroReserved(let value):
                message.append("reserved byte 7 is ")
                message.append(decimal: Int(value))
                message.append(", not 0")
            }
        }
    }

    // MARK: Shared

    private mutating func refuseRuntime(_ error: RuntimeError, binary: Bool, into writer: inout ResponseWriter) {
        switch error {
        case .nonFiniteInput(let index):
            writer.appendError(.nonFinite, binary: binary) { message in
                message.append("value ")
                message.append(decimal: index)
                message.append(" is NaN or infinite")
            }
        default:
            Log.event("engine refused a checked request: \(error)")
            writer.appendError(.internal, binary: binary) { $0.append("the engine refused the request; see the daemon log") }
        }
    }

    /// `stats requests=... p99_us=...`
    private func appendStatistics(into writer: inout ResponseWriter) {
        writer.append("stats requests=")
        writer.append(decimal: statistics.requests)
        writer.append(" errors=")
        writer.append(decimal: statistics.errors)
        writer.append(" clients=")
        writer.append(decimal: openClients)
        writer.append(" max_clients=")
        writer.append(decimal: options.maximumClients)
        writer.append(" accepted=")
        writer.append(decimal: statistics.accepted)
        writer.append(" refused=")
        writer.append(decimal: statistics.refused)
        writer.append(" reloads=")
        writer.append(decimal: statistics.reloads)
        writer.append(" reload_failures=")
        writer.append(decimal: statistics.reloadFailures)
        writer.append(" latency_samples=")
        writer.append(decimal: statistics.latency.total)
        writer.append(" p50_us=")
        writer.append(microsecondsFrom: statistics.latency.percentile(50))
        writer.append(" p99_us=")
        writer.append(microsecondsFrom: statistics.latency.percentile(99))
    }

    private mutating func recordLatency(since start: Int64) {
        let elapsed = Process.monotonicNanoseconds() - start
        statistics.latency.record(nanoseconds: UInt64(max(elapsed, 0)))
    }
}
