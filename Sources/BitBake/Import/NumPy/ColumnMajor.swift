extension TensorValues {
    /// The same elements reordered from column-major (Fortran) to row-major (C) order for `shape`,
    /// whose product is `count`.
    func rowMajor(fromColumnMajorShape shape: [Int]) -> TensorValues {
        switch self {
        case .float(let values): .float(values.rowMajor(fromColumnMajorShape: shape))
        case .integer(let values): .integer(values.rowMajor(fromColumnMajorShape: shape))
        }
    }
}

extension Array {
    /// Walks the row-major index with an odometer (last axis fastest) while tracking the matching
    /// column-major offset (first axis fastest), so the work is one pass with no division.
    fileprivate func rowMajor(fromColumnMajorShape shape: [Int]) -> [Element] {
        guard shape.count > 1, !isEmpty else { return self }
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count {
            strides[axis] = strides[axis - 1] * shape[axis - 1]
        }
        var index = [Int](repeating: 0, count: shape.count)
        var source = 0
        var result: [Element] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            result.append(self[source])
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                source += strides[axis]
                if index[axis] < shape[axis] { break }
                source -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}
