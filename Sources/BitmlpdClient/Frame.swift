import BitmlpdProtocol

/// A binary frame: header and payload (docs/protocol.md, "Binary mode").
public struct Frame: Equatable {
    public var header: FrameHeader
    public var payload: [UInt8]

    public init(header: FrameHeader, payload: [UInt8]) {
        self.header = header
        self.payload = payload
    }

    /// The frame's bytes.
    public var bytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: FrameHeader.size)
        bytes.withUnsafeMutableBytes { header.encode(into: $0) }
        return bytes + payload
    }

    /// The payload as UTF-8 text (info, stats, error messages).
    public var text: String { String(decoding: payload, as: UTF8.self) }

    /// An inference request for `count` float32 vectors, little-endian.
    public static func inferFloat32(_ values: [Float], count: Int) -> [UInt8] {
        var payload: [UInt8] = []
        payload.reserveCapacity(values.count * 4)
        for value in values { payload.append(littleEndian: value.bitPattern) }
        return Frame(header: FrameHeader(type: .inferFloat32, count: UInt32(count), length: UInt32(payload.count)), payload: payload).bytes
    }

    /// An inference request for `count` int8 vectors whose codes step by `step`.
    public static func inferInt8(_ codes: [Int8], step: Float, count: Int) -> [UInt8] {
        var payload: [UInt8] = []
        payload.append(littleEndian: step.bitPattern)
        payload += codes.map { UInt8(bitPattern: $0) }
        return Frame(header: FrameHeader(type: .inferInt8, count: UInt32(count), length: UInt32(payload.count)), payload: payload).bytes
    }

    /// An `info` or `stats` request.
    public static func command(_ type: FrameType) -> [UInt8] {
        Frame(header: FrameHeader(type: type, length: 0), payload: []).bytes
    }
}

/// The decoded answer to an inference frame.
public struct InferenceAnswer: Equatable {
    /// Per vector, the predicted class.
    public var classes: [Int]
    /// Per vector, the float32 logits.
    public var logits: [[Float]]

    /// Decodes a result frame; an error frame becomes `ClientError.refused`.
    public init(_ frame: Frame, outputs: Int) throws(ClientError) {
        if frame.header.type == .error {
            guard let code = ErrorCode(rawValue: frame.header.code) else {
                throw .protocolViolation("error frame with unknown code \(frame.header.code)")
            }
            throw .refused(code, frame.text)
        }
        let count = Int(frame.header.count)
        guard frame.header.type == .result, frame.payload.count == count * (4 + 4 * outputs) else {
            throw .protocolViolation("expected a result frame of \(count) vectors, got type \(frame.header.type) with \(frame.payload.count) bytes")
        }
        classes = []
        logits = []
        frame.payload.withUnsafeBytes { bytes in
            for vector in 0..<count {
                let base = vector * (4 + 4 * outputs)
                classes.append(Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base, as: UInt32.self))))
                logits.append((0..<outputs).map { index in
                    Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 4 + 4 * index, as: UInt32.self)))
                })
            }
        }
    }
}

extension Array where Element == UInt8 {
    mutating func append(littleEndian value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}
