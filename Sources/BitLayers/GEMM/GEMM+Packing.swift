extension GEMM {
    /// Packs the `rows x depth` operand `a` into panels of `MicroKernel.rows` rows: panel `p` holds,
    /// for each `k` in order, the values `a[p * MR + r, k]` for `r` in `0..<MR`, zero past the last
    /// row. `buffer` holds `ceil(rows / MR) * MR * depth` values.
    static func packRowPanels(_ a: Operand, rows: Int, depth: Int, into buffer: UnsafeMutablePointer<Float>) {
        let tile = MicroKernel.rows
        var destination = buffer
        for panelStart in stride(from: 0, to: rows, by: tile) {
            let height = min(tile, rows - panelStart)
            for k in 0..<depth {
                for r in 0..<tile {
                    destination[r] = r < height ? a[panelStart + r, k] : 0
                }
                destination += tile
            }
        }
    }

    /// Packs the `depth x columns` operand `b` into panels of `MicroKernel.columns` columns: panel
    /// `q` holds, for each `k` in order, the values `b[k, q * NR + c]` for `c` in `0..<NR`, zero past
    /// the last column. `buffer` holds `ceil(columns / NR) * NR * depth` values.
    static func packColumnPanels(_ b: Operand, columns: Int, depth: Int, into buffer: UnsafeMutablePointer<Float>) {
        let tile = MicroKernel.columns
        var destination = buffer
        for panelStart in stride(from: 0, to: columns, by: tile) {
            let width = min(tile, columns - panelStart)
            for k in 0..<depth {
                for c in 0..<tile {
                    destination[c] = c < width ? b[k, panelStart + c] : 0
                }
                destination += tile
            }
        }
    }
}
