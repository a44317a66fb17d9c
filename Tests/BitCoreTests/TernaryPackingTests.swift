import Testing
@testable import BitCore
import BitLayers

@Suite struct TernaryPackingTests {
    static let shapes: [(rows: Int, columns: Int)] = [
        (1, 1), (1, 4), (1, 5), (3, 7), (2, 64), (5, 79), (4, 80), (3, 81), (7, 255), (2, 1031),
    ]

    @Test(arguments: TernaryPacking.allCases)
    func roundTripsAnyShape(packing: TernaryPacking) throws {
        var generator = SplitMix64(seed: 1)
        for shape in Self.shapes {
            let layout = try TernaryMatrixLayout(packing: packing, rows: shape.rows, columns: shape.columns)
            let codes = [Int8].randomCodes(layout.weightCount, using: &generator)
            let packed = try layout.pack(codes)
            #expect(packed.count == shape.rows * ((shape.columns + packing.weightsPerByte - 1) / packing.weightsPerByte))
            #expect(try layout.unpack(packed) == codes, "\(packing.name) \(shape)")
        }
    }

    @Test func layoutSizes() throws {
        let t3 = try TernaryMatrixLayout(packing: .t3, rows: 10, columns: 1024)
        #expect(t3.bytesPerRow == 205)
        #expect(t3.paddedColumns == 1025)
        #expect(t3.byteCount == 2050)
        let i2 = try TernaryMatrixLayout(packing: .i2, rows: 3, columns: 7)
        #expect(i2.bytesPerRow == 2)
        #expect(i2.paddedColumns == 8)
        #expect(throws: BitCoreError.nonPositiveDimension(name: "rows", value: 0)) {
            try TernaryMatrixLayout(packing: .i2, rows: 0, columns: 7)
        }
        #expect(throws: BitCoreError.tooManyColumns(columns: (1 << 20) + 1, maximum: 1 << 20)) {
            try TernaryMatrixLayout(packing: .i2, rows: 1, columns: (1 << 20) + 1)
        }
        #expect(throws: BitCoreError.sizeOverflow(rows: Int.max / 2, columns: 1 << 20)) {
            try TernaryMatrixLayout(packing: .t3, rows: Int.max / 2, columns: 1 << 20)
        }
    }

    /// The byte layout written down in docs/formats.md, checked by hand.
    @Test func i2BytesArePlanar() throws {
        // One row of 6 codes: B = 2 bytes; plane p holds codes 2p, 2p+1; codes 6, 7 are padding (q = 0).
        let layout = try TernaryMatrixLayout(packing: .i2, rows: 1, columns: 6)
        let packed = try layout.pack([-1, 0, 1, 1, 0, -1])
        // byte 0: codes 0, 2, 4, pad -> stored 0, 2, 1, 1 -> 0b01_01_10_00
        // byte 1: codes 1, 3, 5, pad -> stored 1, 2, 0, 1 -> 0b01_00_10_01
        #expect(packed == [0b01_01_10_00, 0b01_00_10_01])
    }

    @Test func t3BytesArePlanar() throws {
        // One row of 7 codes: B = 2; byte j holds codes j, j+2, j+4, j+6, j+8 (8, 9 padding).
        let layout = try TernaryMatrixLayout(packing: .t3, rows: 1, columns: 7)
        let packed = try layout.pack([1, -1, 0, 1, -1, 0, 1])
        // byte 0: stored 2, 1, 0, 2, 1 -> v = 2*81 + 1*27 + 0*9 + 2*3 + 1 = 196 -> ceil(196*256/243) = 207
        // byte 1: stored 0, 2, 1, 1, 1 -> v = 0 + 54 + 9 + 3 + 1 = 67 -> ceil(67*256/243) = 71
        #expect(packed == [207, 71])
    }

    /// Every base-3 value 0..<243 encodes to a byte whose five trits decode back.
    @Test func t3EncodingIsExactForAll243Values() {
        var seen = Set<UInt8>()
        for value in UInt16(0)..<243 {
            let byte = T3Encoding.byte(forValue: value)
            #expect(T3Encoding.value(of: byte) == value)
            seen.insert(byte)
        }
        #expect(seen.count == 243)
    }

    @Test(arguments: TernaryPacking.allCases)
    func rejectsCodesOutsideTernary(packing: TernaryPacking) throws {
        let layout = try TernaryMatrixLayout(packing: packing, rows: 1, columns: 3)
        #expect(throws: BitCoreError.codeOutOfRange(index: 2, value: 2)) { try layout.pack([0, 1, 2]) }
        #expect(throws: BitCoreError.bufferSize(name: "codes", expected: 3, actual: 2)) {
            try layout.pack([0, 1])
        }
    }

    @Test func validationFindsBytesPackNeverWrites() throws {
        let i2 = try TernaryMatrixLayout(packing: .i2, rows: 2, columns: 8)
        #expect(throws: BitCoreError.invalidPackedByte(packing: .i2, row: 1, byteIndex: 0, value: 0b11)) {
            try i2.unpack([0b01_01_01_01, 0b01_01_01_01, 0b11, 0b01_01_01_01])
        }
        // Column 7 of a 7-column i2 row is padding and must hold code 1 (q = 0).
        let padded = try TernaryMatrixLayout(packing: .i2, rows: 1, columns: 7)
        #expect(throws: BitCoreError.invalidPackedByte(packing: .i2, row: 0, byteIndex: 1, value: 0b10_01_01_01)) {
            try [UInt8](arrayLiteral: 0x55, 0b10_01_01_01).withUnsafeBytes { try padded.validate($0) }
        }
        let t3 = try TernaryMatrixLayout(packing: .t3, rows: 1, columns: 5)
        let canonical = Set((UInt16(0)..<243).map(T3Encoding.byte(forValue:)))
        let nonCanonical = (UInt8(0)...255).first { !canonical.contains($0) }!
        #expect(throws: BitCoreError.invalidPackedByte(packing: .t3, row: 0, byteIndex: 0, value: nonCanonical)) {
            try t3.unpack([nonCanonical])
        }
    }
}
