/// Packing and unpacking of ternary codes, the one implementation of docs/formats.md.
extension TernaryMatrixLayout {
    /// Packs row-major codes (`rows * columns` values in -1...1) into `packed` (`byteCount` bytes).
    ///
    /// - Throws: `BitCoreError.bufferSize` for a wrong length, `.codeOutOfRange` for a code
    ///   outside -1...1.
    public func pack(
        _ codes: UnsafeBufferPointer<Int8>, into packed: UnsafeMutableRawBufferPointer
    ) throws(BitCoreError) {
        guard codes.count == weightCount else {
            throw .bufferSize(name: "codes", expected: weightCount, actual: codes.count)
        }
        guard packed.count == byteCount else {
            throw .bufferSize(name: "packed weights", expected: byteCount, actual: packed.count)
        }
        for index in 0..<codes.count where codes[index] < -1 || codes[index] > 1 {
            throw .codeOutOfRange(index: index, value: codes[index])
        }
        let planes = packing.weightsPerByte
        for row in 0..<rows {
            let rowCodes = row * columns
            for byteIndex in 0..<bytesPerRow {
                // Plane p holds the row's codes p*B ..< (p+1)*B; past `columns` the code is 1.
                var i2Byte: UInt8 = 0
                var t3Value: UInt16 = 0
                for plane in 0..<planes {
                    let column = plane * bytesPerRow + byteIndex
                    let stored = column < columns ? UInt8(codes[rowCodes + column] + 1) : 1
                    i2Byte |= stored << UInt8(2 * plane)
                    t3Value = t3Value * 3 + UInt16(stored)
                }
                let byte = packing == .i2 ? i2Byte : T3Encoding.byte(forValue: t3Value)
                packed[row * bytesPerRow + byteIndex] = byte
            }
        }
    }

    /// Unpacks `packed` into row-major codes (`rows * columns` values in -1...1).
    ///
    /// - Throws: `BitCoreError.bufferSize` for a wrong length, `.invalidPackedByte` for a byte
    ///   that `pack` never writes (so a corrupted matrix is detected, not half-used).
    public func unpack(
        _ packed: UnsafeRawBufferPointer, into codes: UnsafeMutableBufferPointer<Int8>
    ) throws(BitCoreError) {
        guard codes.count == weightCount else {
            throw .bufferSize(name: "codes", expected: weightCount, actual: codes.count)
        }
        try validate(packed)
        for row in 0..<rows {
            for column in 0..<columns {
                codes[row * columns + column] = code(in: packed, row: row, column: column)
            }
        }
    }

    /// Checks that `packed` has `byteCount` bytes, each one a byte that `pack` writes, with code 1
    /// in every padding position.
    ///
    /// - Throws: `BitCoreError.bufferSize` or `.invalidPackedByte` naming the first bad byte.
    public func validate(_ packed: UnsafeRawBufferPointer) throws(BitCoreError) {
        guard packed.count == byteCount else {
            throw .bufferSize(name: "packed weights", expected: byteCount, actual: packed.count)
        }
        let planes = packing.weightsPerByte
        for row in 0..<rows {
            for byteIndex in 0..<bytesPerRow {
                let byte = packed[row * bytesPerRow + byteIndex]
                var valid = true
                for plane in 0..<planes {
                    let code = Self.storedCode(of: byte, plane: plane, packing: packing)
                    let isPadding = plane * bytesPerRow + byteIndex >= columns
                    if code > 2 || (isPadding && code != 1) { valid = false }
                }
                if packing == .t3 && T3Encoding.byte(forValue: T3Encoding.value(of: byte)) != byte {
                    valid = false
                }
                guard valid else {
                    throw .invalidPackedByte(packing: packing, row: row, byteIndex: byteIndex, value: byte)
                }
            }
        }
    }

    /// The code (-1, 0 or 1) at `row`, `column` of a packed matrix. No bounds checks beyond
    /// the buffer's own; for reference code and tools, not for hot loops.
    @inline(__always)
    public func code(in packed: UnsafeRawBufferPointer, row: Int, column: Int) -> Int8 {
        let plane = column / bytesPerRow
        let byte = packed[row * bytesPerRow + column - plane * bytesPerRow]
        return Int8(Self.storedCode(of: byte, plane: plane, packing: packing)) - 1
    }

    /// The stored code (`q + 1`, 0...2; 3 only in a corrupted `i2` byte) of `plane` in `byte`.
    @inline(__always)
    static func storedCode(of byte: UInt8, plane: Int, packing: TernaryPacking) -> UInt8 {
        switch packing {
        case .i2: return (byte >> UInt8(2 * plane)) & 3
        case .t3: return T3Encoding.trit(of: byte, plane: plane)
        }
    }

    /// Packs codes held in an array; see the buffer-based overload.
    public func pack(_ codes: [Int8]) throws(BitCoreError) -> [UInt8] {
        var packed = [UInt8](repeating: 0, count: byteCount)
        try codes.withUnsafeBufferPointer { (codeBuffer) throws(BitCoreError) in
            try packed.withUnsafeMutableBufferPointer { (bytes) throws(BitCoreError) in
                try pack(codeBuffer, into: UnsafeMutableRawBufferPointer(bytes))
            }
        }
        return packed
    }

    /// Unpacks bytes held in an array; see the buffer-based overload.
    public func unpack(_ packed: [UInt8]) throws(BitCoreError) -> [Int8] {
        var codes = [Int8](repeating: 0, count: weightCount)
        try packed.withUnsafeBufferPointer { (bytes) throws(BitCoreError) in
            try codes.withUnsafeMutableBufferPointer { (codeBuffer) throws(BitCoreError) in
                try unpack(UnsafeRawBufferPointer(bytes), into: codeBuffer)
            }
        }
        return codes
    }
}

/// Five trits per byte as a base-3 fraction. The stored codes `c_p = q + 1` of planes 0...4 form
/// `v = Σ c_p 3^(4 - p)` (plane 0 most significant), stored as `ceil(v * 256 / 243)`, so the byte
/// over 256 approximates `v / 243 = 0.c0 c1 c2 c3 c4` in base 3 from above by less than 1/256.
/// Multiplying the byte by `3^p` (mod 256) moves trit `p` to the top, and `(t * 3) >> 8` reads it.
enum T3Encoding {
    static let powersOfThree: (UInt8, UInt8, UInt8, UInt8, UInt8) = (1, 3, 9, 27, 81)

    /// `ceil(value * 256 / 243)` for a base-3 value in 0..<243.
    @inline(__always)
    static func byte(forValue value: UInt16) -> UInt8 {
        UInt8(truncatingIfNeeded: (UInt32(value) * 256 + 242) / 243)
    }

    /// The base-3 value a byte decodes to (its five trits recombined).
    static func value(of byte: UInt8) -> UInt16 {
        var value: UInt16 = 0
        for plane in 0..<5 { value = value * 3 + UInt16(trit(of: byte, plane: plane)) }
        return value
    }

    /// Trit `plane` (0...2) of a packed byte.
    @inline(__always)
    static func trit(of byte: UInt8, plane: Int) -> UInt8 {
        let power: UInt8
        switch plane {
        case 0: power = powersOfThree.0
        case 1: power = powersOfThree.1
        case 2: power = powersOfThree.2
        case 3: power = powersOfThree.3
        default: power = powersOfThree.4
        }
        let shifted = byte &* power
        return UInt8(truncatingIfNeeded: (UInt16(shifted) * 3) >> 8)
    }
}
