/// The float32 baseline: `y = W x` for `batch` vectors with a row-major float matrix, written the
/// way a careful Swift programmer would (16-lane SIMD, four independent accumulators, each row
/// reused from cache across the batch). It is what a ternary kernel must beat to be worth having.
///
/// Multiply and add stay separate: `addProduct` asks for a fused multiply-add, which the default
/// x86-64 target lacks, and Swift then calls `fmaf` once per lane (about 4x slower).
struct FloatMatrix {
    let rows: Int
    let columns: Int
    var values: [Float]

    func multiply(_ x: [Float], batch: Int, into y: inout [Float]) {
        precondition(columns % 64 == 0, "the baseline handles multiples of 64 columns")
        values.withUnsafeBufferPointer { w in
            x.withUnsafeBufferPointer { input in
                y.withUnsafeMutableBufferPointer { output in
                    let wBase = UnsafeRawPointer(w.baseAddress!)
                    let xBase = UnsafeRawPointer(input.baseAddress!)
                    for row in 0..<rows {
                        let rowStart = wBase + row * columns * 4
                        for vector in 0..<batch {
                            let xStart = xBase + vector * columns * 4
                            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
                            var a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
                            func product(_ k: Int) -> SIMD16<Float> {
                                rowStart.loadUnaligned(fromByteOffset: k * 4, as: SIMD16<Float>.self)
                                    * xStart.loadUnaligned(fromByteOffset: k * 4, as: SIMD16<Float>.self)
                            }
                            var k = 0
                            while k < columns {
                                a0 += product(k)
                                a1 += product(k + 16)
                                a2 += product(k + 32)
                                a3 += product(k + 48)
                                k += 64
                            }
                            output[vector * rows + row] = ((a0 + a1) + (a2 + a3)).sum()
                        }
                    }
                }
            }
        }
    }
}
