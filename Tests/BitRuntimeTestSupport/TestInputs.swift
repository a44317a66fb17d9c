import BitLayers

/// Input rows for runtime tests: the edge cases of the boundary quantizer first, then random rows
/// whose magnitudes span six orders.
public enum TestInputs {
    /// `rows` vectors of `features` values (at least 4 rows): an all-zero row, a row below the
    /// quantizer's epsilon (1e-5), a row of huge values, a row with one non-zero value, then random
    /// rows of both signs scaled by 10^-3 ... 10^3.
    public static func matrix(rows: Int, features: Int, seed: UInt64) -> Matrix {
        precondition(rows >= 4, "the edge-case rows need 4 rows")
        var generator = SplitMix64(seed: seed)
        var values: [Float] = []
        values.reserveCapacity(rows * features)
        values += [Float](repeating: 0, count: features)
        values += (0..<features).map { _ in Float.random(in: -1e-7...1e-7, using: &generator) }
        values += (0..<features).map { _ in Float.random(in: -3e30...3e30, using: &generator) }
        values += (0..<features).map { $0 == features / 2 ? -0.75 : 0 }
        for _ in 4..<rows {
            let scale = scales.randomElement(using: &generator)!
            values += (0..<features).map { _ in Float.random(in: -1...1, using: &generator) * scale }
        }
        return Matrix(rows: rows, columns: features, values: values)
    }

    /// Random rows in `-1 ... 1`: calibration data for static activation scales.
    public static func calibration(rows: Int, features: Int, seed: UInt64) -> Matrix {
        var generator = SplitMix64(seed: seed)
        return Matrix(
            rows: rows, columns: features,
            values: (0..<rows * features).map { _ in Float.random(in: -1...1, using: &generator) })
    }

    private static let scales: [Float] = [1e-3, 1e-2, 1e-1, 1, 10, 100, 1000]
}

extension Matrix {
    /// The first `count` rows (all of them when there are fewer).
    public func firstRows(_ count: Int) -> Matrix {
        let kept = min(count, rows)
        return Matrix(rows: kept, columns: columns, values: Array(values[0 ..< kept * columns]))
    }
}
