/// Sequential little-endian reads of one record, the only way the reader decodes fields.
///
/// Reads are unaligned loads from a buffer whose length the caller has checked; reading past it is
/// a programming error and traps.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    /// The file offset of `bytes`, for messages that name where a byte is.
    let fileOffset: Int
    private(set) var position = 0
    /// The first non-zero byte met by `skipReserved`, as a file offset and its value.
    private(set) var nonZeroReserved: (offset: Int, value: UInt8)?

    init(_ bytes: UnsafeRawBufferPointer, fileOffset: Int) {
        self.bytes = bytes
        self.fileOffset = fileOffset
    }

    /// The next field, little-endian.
    mutating func read<Value: FixedWidthInteger>(_: Value.Type = Value.self) -> Value {
        let value = bytes.littleEndian(Value.self, at: position)
        position += MemoryLayout<Value>.size
        return value
    }

    /// Skips `count` reserved bytes, remembering the first that is not zero.
    mutating func skipReserved(_ count: Int) {
        if nonZeroReserved == nil, let index = bytes.firstNonZero(in: position..<position + count) {
            nonZeroReserved = (fileOffset + index, bytes[index])
        }
        position += count
    }
}

extension UnsafeRawBufferPointer {
    /// The little-endian integer at `offset` (any alignment).
    @inline(__always)
    func littleEndian<Value: FixedWidthInteger>(_: Value.Type, at offset: Int) -> Value {
        Value(littleEndian: loadUnaligned(fromByteOffset: offset, as: Value.self))
    }

    /// The index of the first non-zero byte in `range`, or nil when all are zero.
    func firstNonZero(in range: Range<Int>) -> Int? {
        for index in range where self[index] != 0 { return index }
        return nil
    }
}

/// Sequential little-endian writes: the writer's one way of encoding fields, in the same order
/// `ByteReader` reads them.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func write<Value: FixedWidthInteger>(_ value: Value) {
        var remaining = value
        for _ in 0..<MemoryLayout<Value>.size {
            bytes.append(UInt8(truncatingIfNeeded: remaining))
            remaining = remaining >> 8
        }
    }

    mutating func write(_ raw: some Sequence<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    /// Appends `count` zero bytes (reserved fields and padding).
    mutating func writeZeros(_ count: Int) {
        bytes.append(contentsOf: repeatElement(0, count: count))
    }
}
