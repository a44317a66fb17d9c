extension Matrix {
    /// The product `op(a) · op(b)`, where `op` transposes its operand when asked (as BLAS `sgemm`).
    ///
    /// ```swift
    /// let output = Matrix.product(input, weight, transposeB: true)      // x · Wᵀ: batch x out
    /// let weightGradient = Matrix.product(gradient, input, transposeA: true)   // out x in
    /// ```
    ///
    /// Runs on SIMD registers, blocked for cache, split across all cores for large products (see
    /// `GEMM`). Float32 throughout; the summation order differs from a naive loop, so results agree
    /// with one to float rounding, and do not depend on the number of cores.
    ///
    /// - Precondition: the inner dimensions of `op(a)` and `op(b)` are equal.
    public static func product(
        _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false
    ) -> Matrix {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (bRows, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        precondition(
            k == bRows,
            "cannot multiply \(m) x \(k) by \(bRows) x \(n)"
                + " (operands \(a.rows) x \(a.columns) and \(b.rows) x \(b.columns))")
        var result = Matrix(rows: m, columns: n)
        a.values.withUnsafeBufferPointer { aValues in
            b.values.withUnsafeBufferPointer { bValues in
                result.values.withUnsafeMutableBufferPointer { cValues in
                    guard let aBase = aValues.baseAddress, let bBase = bValues.baseAddress,
                        let cBase = cValues.baseAddress
                    else { return }   // an empty operand: the zero matrix is the product
                    GEMM.multiply(
                        m: m, n: n, k: k,
                        a: GEMM.Operand(
                            base: aBase, rowStride: transposeA ? 1 : a.columns,
                            columnStride: transposeA ? a.columns : 1),
                        b: GEMM.Operand(
                            base: bBase, rowStride: transposeB ? 1 : b.columns,
                            columnStride: transposeB ? b.columns : 1),
                        c: cBase)
                }
            }
        }
        return result
    }
}
