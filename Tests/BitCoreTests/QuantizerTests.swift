import Testing
import BitCore

@Suite struct AbsmeanQuantizerTests {
    @Test func tiesRoundHalfToEven() {
        // W * s = ±0.5 rounds to 0 (half to even), ±1.5 rounds to ±2 and clamps to ±1.
        #expect(AbsmeanQuantizer.code(0.5, scale: 1) == 0)
        #expect(AbsmeanQuantizer.code(-0.5, scale: 1) == 0)
        #expect(AbsmeanQuantizer.code(0.5000001, scale: 1) == 1)
        #expect(AbsmeanQuantizer.code(1.5, scale: 1) == 1)
        #expect(AbsmeanQuantizer.code(-1.5, scale: 1) == -1)
        #expect(AbsmeanQuantizer.code(-7, scale: 1) == -1)
        #expect(AbsmeanQuantizer.code(.nan, scale: 1) == 0)
        #expect(AbsmeanQuantizer.code(.infinity, scale: 1) == 1)
    }

    @Test func perTensorUsesOneMean() throws {
        // mean |W| = (0.5 + 1.5 + 0.25 + 1.75) / 4 = 1, so s = 1.
        let (codes, scales) = try AbsmeanQuantizer.quantize(
            [0.5, -1.5, 0.25, 1.75], rows: 2, columns: 2, granularity: .perTensor)
        #expect(scales == [1])
        #expect(codes == [0, -1, 0, 1])
    }

    @Test func perChannelUsesOneMeanPerRow() throws {
        // Row 0: mean 2 -> s = 0.5; row 1: mean 0.25 -> s = 4.
        let (codes, scales) = try AbsmeanQuantizer.quantize(
            [1, -3, 0.125, -0.375], rows: 2, columns: 2, granularity: .perChannel)
        #expect(scales == [0.5, 4])
        #expect(codes == [0, -1, 0, -1])   // 0.5 -> 0 (tie), -1.5 -> -2 -> -1, 0.5 -> 0, -1.5 -> -1
    }

    @Test func meansBelowEpsilonAreClipped() throws {
        let (zeroCodes, zeroScales) = try AbsmeanQuantizer.quantize(
            [0, 0, 0], rows: 1, columns: 3, granularity: .perTensor)
        #expect(zeroScales == [1 / Float(1e-5)])
        #expect(zeroCodes == [0, 0, 0])
        // mean 2e-6 < 1e-5: s = 1e5, so 6e-6 * 1e5 = 0.6 -> 1.
        let (codes, scales) = try AbsmeanQuantizer.quantize(
            [6e-6, 0, 0], rows: 1, columns: 3, granularity: .perTensor)
        #expect(scales == [1 / Float(1e-5)])
        #expect(codes == [1, 0, 0])
    }

    @Test func checksShapes() {
        #expect(throws: BitCoreError.bufferSize(name: "weights", expected: 6, actual: 5)) {
            try AbsmeanQuantizer.quantize([1, 2, 3, 4, 5], rows: 2, columns: 3, granularity: .perTensor)
        }
        #expect(throws: BitCoreError.sizeOverflow(rows: 0, columns: 3)) {
            try AbsmeanQuantizer.quantize([], rows: 0, columns: 3, granularity: .perTensor)
        }
    }
}

@Suite struct AbsmaxQuantizerTests {
    @Test func codesRoundHalfToEvenAndClamp() {
        #expect(AbsmaxQuantizer.code(2.5, scale: 1) == 2)
        #expect(AbsmaxQuantizer.code(3.5, scale: 1) == 4)
        #expect(AbsmaxQuantizer.code(-2.5, scale: 1) == -2)
        #expect(AbsmaxQuantizer.code(127.5, scale: 1) == 127)
        #expect(AbsmaxQuantizer.code(-128.5, scale: 1) == -128)
        #expect(AbsmaxQuantizer.code(-1e30, scale: 1) == -128)
        #expect(AbsmaxQuantizer.code(.nan, scale: 1) == 0)
    }

    @Test func dynamicScaleIsPerVector() throws {
        let x: [Float] = [0.5, -2, 1]
        var codes = [Int8](repeating: 99, count: 4)
        let scale = try x.withUnsafeBufferPointer { values in
            try codes.withUnsafeMutableBufferPointer { output in
                try AbsmaxQuantizer.quantizeDynamic(values, into: output)
            }
        }
        #expect(scale == 63.5)
        #expect(codes == [32, -127, 64, 99])   // 31.75 -> 32; the padding entry is left alone
    }

    @Test func smallVectorsUseTheEpsilonScale() {
        let tiny: [Float] = [1e-6, -5e-6, 0]
        let scale = tiny.withUnsafeBufferPointer(AbsmaxQuantizer.dynamicScale(of:))
        #expect(scale == 127 / Float(1e-5))
        #expect(AbsmaxQuantizer.code(-5e-6, scale: scale) == -64)   // -63.5 -> -64 (half to even)
        let zeros: [Float] = [0, 0]
        #expect(zeros.withUnsafeBufferPointer(AbsmaxQuantizer.dynamicScale(of:)) == 127 / Float(1e-5))
    }

    @Test func refusesAShortCodeBuffer() {
        let x: [Float] = [1, 2]
        var codes = [Int8](repeating: 0, count: 1)
        #expect(throws: BitCoreError.bufferSize(name: "codes", expected: 2, actual: 1)) {
            try x.withUnsafeBufferPointer { (values) throws(BitCoreError) in
                try codes.withUnsafeMutableBufferPointer { (output) throws(BitCoreError) in
                    try AbsmaxQuantizer.quantize(values, scale: 1, into: output)
                }
            }
        }
    }
}
