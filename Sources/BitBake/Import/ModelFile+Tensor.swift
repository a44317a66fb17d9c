/// The elements of a tensor in row-major (C) order.
public enum TensorValues: Hashable, Sendable {
    /// Floating-point data, whatever its width in the file (F64, F32, F16, BF16), as `Float`.
    case float([Float])
    /// Integer and boolean data (I8 ... I64, U8, BOOL) as `Int64`; booleans are 0 or 1.
    case integer([Int64])

    /// Number of elements.
    public var count: Int {
        switch self {
        case .float(let values): values.count
        case .integer(let values): values.count
        }
    }
}

extension ModelFile {
    /// One tensor of a model or data file: its name, shape and values.
    ///
    ///     let file = try ModelFile(contentsOf: URL(fileURLWithPath: "digits.npz"))
    ///     let labels = file["y"]?.integerValues          // [Int] for an int64 label array
    ///     let weights = file["0.weight"]?.floatValues    // [Float], row-major
    public struct Tensor: Hashable, Sendable {
        /// The name in the file: a safetensors key, or an `.npz` member / `.npy` file name without `.npy`.
        public var name: String
        /// Dimensions, outermost first; `[]` is a scalar. Their product is `values.count`.
        public var shape: [Int]
        /// The elements, row-major, as floats or integers depending on `storedType`.
        public var values: TensorValues
        /// The element type the file used (or that a writer should use); F16 data reads as `.float`.
        public var storedType: TensorElementType

        /// A tensor with the given values; `storedType` defaults to F32 for floats and I64 for integers.
        public init(name: String, shape: [Int], values: TensorValues, storedType: TensorElementType? = nil) {
            self.name = name
            self.shape = shape
            self.values = values
            switch values {
            case .float: self.storedType = storedType ?? .float32
            case .integer: self.storedType = storedType ?? .int64
            }
        }

        /// Number of elements.
        public var elementCount: Int { values.count }

        /// The values as `Float`; integers convert exactly up to 2^24 in magnitude and round beyond.
        public var floatValues: [Float] {
            switch values {
            case .float(let values): values
            case .integer(let values): values.map { Float($0) }
            }
        }

        /// The values as `Int` (class labels, token ids), or nil when the tensor holds floating-point data.
        ///
        /// BitBake runs on 64-bit machines, where every `Int64` is an `Int`.
        public var integerValues: [Int]? {
            switch values {
            case .float: nil
            case .integer(let values): values.map { Int($0) }
            }
        }
    }
}
