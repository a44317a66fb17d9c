/// The byte order of multi-byte elements in a file.
enum ByteOrder: Sendable {
    case littleEndian
    case bigEndian
}

extension TensorElementType {
    /// Decodes every element in `bytes`, whose length the caller has checked to be a multiple of
    /// ``byteSize`` (element count times element size, from a checked shape).
    func decode(_ bytes: UnsafeRawBufferPointer, byteOrder: ByteOrder) -> TensorValues {
        switch self {
        case .float64: .float(bytes.elements(UInt64.self, byteOrder) { Float(Double(bitPattern: $0)) })
        case .float32: .float(bytes.elements(UInt32.self, byteOrder) { Float(bitPattern: $0) })
        case .float16: .float(bytes.elements(UInt16.self, byteOrder) { Float(float16Bits: $0) })
        case .bfloat16: .float(bytes.elements(UInt16.self, byteOrder) { Float(bfloat16Bits: $0) })
        case .int64: .integer(bytes.elements(UInt64.self, byteOrder) { Int64(bitPattern: $0) })
        case .int32: .integer(bytes.elements(UInt32.self, byteOrder) { Int64(Int32(bitPattern: $0)) })
        case .int16: .integer(bytes.elements(UInt16.self, byteOrder) { Int64(Int16(bitPattern: $0)) })
        case .int8: .integer(bytes.elements(UInt8.self, byteOrder) { Int64(Int8(bitPattern: $0)) })
        case .uint8: .integer(bytes.elements(UInt8.self, byteOrder) { Int64($0) })
        case .bool: .integer(bytes.elements(UInt8.self, byteOrder) { $0 == 0 ? 0 : 1 })
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Reads consecutive `Raw` words in `byteOrder` and maps each; a partial last word is ignored.
    fileprivate func elements<Raw: FixedWidthInteger, Element>(
        _: Raw.Type, _ byteOrder: ByteOrder, _ transform: (Raw) -> Element
    ) -> [Element] {
        let count = self.count / MemoryLayout<Raw>.size
        return [Element](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            for index in 0..<count {
                let raw = loadUnaligned(fromByteOffset: index * MemoryLayout<Raw>.size, as: Raw.self)
                let word = byteOrder == .littleEndian ? Raw(littleEndian: raw) : Raw(bigEndian: raw)
                (buffer.baseAddress! + index).initialize(to: transform(word))
            }
            initializedCount = count
        }
    }
}
