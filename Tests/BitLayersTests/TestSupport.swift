import BitLayers

extension Matrix {
    /// A matrix of values drawn uniformly from `range`.
    static func random(
        rows: Int, columns: Int, in range: ClosedRange<Float> = -1...1, using generator: inout SplitMix64
    ) -> Matrix {
        Matrix(rows: rows, columns: columns, values: (0..<rows * columns).map { _ in Float.random(in: range, using: &generator) })
    }
}
