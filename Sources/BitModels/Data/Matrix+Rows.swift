import BitLayers

extension Matrix {
    /// The rows at `indices`, in that order.
    func gatheringRows(_ indices: some Collection<Int>) -> Matrix {
        var values: [Float] = []
        values.reserveCapacity(indices.count * columns)
        for index in indices { values.append(contentsOf: row(index)) }
        return Matrix(rows: indices.count, columns: columns, values: values)
    }

    /// The column of each row's largest value; the first one on ties, as the integer runtime picks.
    func argmaxOfRows() -> [Int] {
        (0..<rows).map { row in
            var best = 0
            for column in 1..<Swift.max(columns, 1) where self[row, column] > self[row, best] { best = column }
            return best
        }
    }
}
