/// The 16-byte header of every binary frame, both directions (docs/protocol.md, "Binary mode").
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 4 | magic `B1 4D 4C 50` (`"\xB1MLP"`) |
/// | 4 | 1 | version, 1 |
/// | 5 | 1 | type (`FrameType`) |
/// | 6 | 1 | error code in an error frame (`ErrorCode`), else 0 |
/// | 7 | 1 | reserved, 0 |
/// | 8 | 4 | count: vectors in an inference request or result, else 0 |
/// | 12 | 4 | payload length in bytes, after the header |
///
/// All fields little-endian.
public struct FrameHeader: Hashable, Sendable {
    /// Bytes in a header.
    public static let size = 16
    /// The magic as a little-endian integer (bytes `B1 4D 4C 50`).
    public static let magic: UInt32 = 0x504C_4DB1
    /// The first byte of every frame: a byte no text request starts with.
    public static let firstByte: UInt8 = 0xB1
    /// The protocol version this implementation speaks.
    public static let version: UInt8 = 1

    public var type: FrameType
    public var code: UInt8
    public var count: UInt32
    public var length: UInt32

    public init(type: FrameType, code: UInt8 = 0, count: UInt32 = 0, length: UInt32) {
        self.type = type
        self.code = code
        self.count = count
        self.length = length
    }

    /// Decodes the first `size` bytes of `bytes`.
    ///
    /// - Precondition: `bytes.count >= size`.
    /// - Throws: `FrameError` for a wrong magic, version, type or non-zero reserved byte.
    public init(decoding bytes: UnsafeRawBufferPointer) throws(FrameError) {
        precondition(bytes.count >= Self.size, "a frame header is \(Self.size) bytes")
        let magic = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        guard magic == Self.magic else { throw .badMagic(magic) }
        guard bytes[4] == Self.version else { throw .unsupportedVersion(bytes[4]) }
        guard let type = FrameType(rawValue: bytes[5]) else { throw .unknownType(bytes[5]) }
        guard bytes[7] == 0 else { throw .nonZeroReserved(bytes[7]) }
        self.type = type
        self.code = bytes[6]
        self.count = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        self.length = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
    }

    /// Writes the header into the first `size` bytes of `bytes`.
    ///
    /// - Precondition: `bytes.count >= size`.
    public func encode(into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= Self.size, "a frame header is \(Self.size) bytes")
        bytes.storeBytes(of: Self.magic.littleEndian, toByteOffset: 0, as: UInt32.self)
        bytes[4] = Self.version
        bytes[5] = type.rawValue
        bytes[6] = code
        bytes[7] = 0
        bytes.storeBytes(of: count.littleEndian, toByteOffset: 8, as: UInt32.self)
        bytes.storeBytes(of: length.littleEndian, toByteOffset: 12, as: UInt32.self)
    }
}

/// What a frame carries.
public enum FrameType: UInt8, CaseIterable, Sendable {
    /// Request: `count` float32 vectors, `count * inputs * 4` bytes.
    case inferFloat32 = 0x01
    /// Request: a float32 step (the real value of one code), then `count * inputs` int8 codes.
    case inferInt8 = 0x02
    /// Request: the model and daemon description; count 0, no payload.
    case info = 0x03
    /// Request: the counters; count 0, no payload.
    case stats = 0x04
    /// Answer to an inference: per vector a uint32 class and `outputs` float32 logits.
    case result = 0x81
    /// Answer to `info`: the same `key=value` text as text mode, UTF-8.
    case infoResult = 0x83
    /// Answer to `stats`: the same `key=value` text as text mode, UTF-8.
    case statsResult = 0x84
    /// Answer to a refused request: the code in byte 6, a UTF-8 message as payload.
    case error = 0xFF
}

/// A frame header that cannot be trusted; the daemon answers with `ErrorCode.frame` and closes.
public enum FrameError: Error, Hashable, Sendable {
    case badMagic(UInt32)
    case unsupportedVersion(UInt8)
    case unknownType(UInt8)
    case nonZeroReserved(UInt8)
}
