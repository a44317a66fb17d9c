/// The register tile of `GEMM`: a 4 x 8 block of C kept in eight 4-lane halves of `SIMD8<Float>`
/// accumulators, updated with one broadcast multiply-add per row and depth step.
///
/// Sized for x86-64's 16 SSE registers (8 accumulators, 2 for the B row, 1 broadcast) and for
/// NEON's 32. Uses separate `*` and `+`: `addingProduct` on SIMD types compiles to one libm `fmaf`
/// call per lane on the baseline x86-64 target.
enum MicroKernel {
    /// Rows of C per tile.
    static let rows = 4
    /// Columns of C per tile (the lanes of `SIMD8<Float>`).
    static let columns = 8

    /// Adds `a · b` to the `rows x columns` corner of the tile at `c`.
    ///
    /// - Parameters:
    ///   - a: a packed row panel, `4` values per depth step.
    ///   - b: a packed column panel, `8` values per depth step.
    ///   - rowStride: the distance between rows of `c`.
    ///   - rows, columns: how much of the 4 x 8 tile lies inside C.
    @inline(__always)
    static func accumulate(
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, depth: Int,
        c: UnsafeMutablePointer<Float>, rowStride: Int, rows: Int, columns: Int
    ) {
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
        let rawB = UnsafeRawPointer(b)
        for step in 0..<depth {
            let bRow = rawB.loadUnaligned(fromByteOffset: step * 32, as: SIMD8<Float>.self)
            let aColumn = a + step * 4
            c0 = c0 + SIMD8(repeating: aColumn[0]) * bRow
            c1 = c1 + SIMD8(repeating: aColumn[1]) * bRow
            c2 = c2 + SIMD8(repeating: aColumn[2]) * bRow
            c3 = c3 + SIMD8(repeating: aColumn[3]) * bRow
        }
        if rows == 4 && columns == 8 {
            add(c0, to: c)
            add(c1, to: c + rowStride)
            add(c2, to: c + 2 * rowStride)
            add(c3, to: c + 3 * rowStride)
        } else {
            withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 4) { tile in
                tile.initializeElement(at: 0, to: c0)
                tile.initializeElement(at: 1, to: c1)
                tile.initializeElement(at: 2, to: c2)
                tile.initializeElement(at: 3, to: c3)
                for row in 0..<rows {
                    for column in 0..<columns { c[row * rowStride + column] += tile[row][column] }
                }
            }
        }
    }

    @inline(__always)
    private static func add(_ values: SIMD8<Float>, to destination: UnsafeMutablePointer<Float>) {
        let raw = UnsafeMutableRawPointer(destination)
        raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Float>.self) + values, as: SIMD8<Float>.self)
    }
}
