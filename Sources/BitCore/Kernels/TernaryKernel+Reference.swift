extension TernaryKernel {
    /// The definition: decode each code on its own and add `q * x` in int32.
    static func multiplyReference(
        weights: UnsafePointer<UInt8>, layout: TernaryMatrixLayout, rows: Range<Int>,
        activations: UnsafePointer<Int8>, batch: Int, output: UnsafeMutablePointer<Int32>
    ) {
        let weights = UnsafeRawBufferPointer(start: weights, count: layout.byteCount)
        for vector in 0..<batch {
            let x = activations + vector * layout.paddedColumns
            for row in rows {
                var sum: Int32 = 0
                for column in 0..<layout.columns {
                    let code = layout.code(in: weights, row: row, column: column)
                    sum += Int32(code) * Int32(x[column])
                }
                output[vector * layout.rows + row] = sum
            }
        }
    }
}
