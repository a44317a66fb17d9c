/// A dense row-major matrix of float32 values: the tensors BitLayers trains on.
///
/// A batch of inputs is `batch x features`; a layer's weight is `outFeatures x inFeatures`, the
/// layout PyTorch stores `nn.Linear.weight` in, so a state dict's values can be used as they are.
///
/// ```swift
/// var batch = Matrix(rows: 2, columns: 3)            // zeros
/// batch[1, 2] = 0.5
/// let weight = Matrix([[1, 0, -1], [0.5, 0.5, 0.5]])
/// let product = Matrix.product(batch, weight, transposeB: true)   // 2 x 2
/// ```
///
/// `values.count == rows * columns` always holds: assigning an array of another length traps.
public struct Matrix: Hashable, Sendable {
    /// The number of rows.
    public let rows: Int
    /// The number of columns.
    public let columns: Int
    /// The `rows * columns` elements, row by row.
    public var values: [Float] {
        didSet {
            precondition(
                values.count == rows * columns,
                "a \(rows) x \(columns) matrix needs \(rows * columns) values, got \(values.count)")
        }
    }

    /// Creates a `rows x columns` matrix from its values, row by row.
    ///
    /// - Precondition: both dimensions are non-negative and `values.count == rows * columns`.
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative, got \(rows) x \(columns)")
        precondition(
            values.count == rows * columns,
            "a \(rows) x \(columns) matrix needs \(rows * columns) values, got \(values.count)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Creates a `rows x columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        self.init(rows: rows, columns: columns, values: Array(repeating: value, count: rows * columns))
    }

    /// Creates a matrix from an array of equally long rows.
    ///
    /// - Precondition: every row has the same length.
    public init(_ rowArrays: [[Float]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "matrix rows must have equal lengths")
        self.init(rows: rowArrays.count, columns: columns, values: Array(rowArrays.joined()))
    }

    /// The element at `row`, `column`.
    public subscript(row: Int, column: Int) -> Float {
        get {
            precondition(column >= 0 && column < columns, "column \(column) is outside 0..<\(columns)")
            return values[row * columns + column]
        }
        set {
            precondition(column >= 0 && column < columns, "column \(column) is outside 0..<\(columns)")
            values[row * columns + column] = newValue
        }
    }

    /// The elements of one row.
    public func row(_ index: Int) -> ArraySlice<Float> {
        precondition(index >= 0 && index < rows, "row \(index) is outside 0..<\(rows)")
        return values[index * columns ..< (index + 1) * columns]
    }
}
