/// One entry of a state dict: a parameter's name, its shape and its float32 values, row-major.
///
/// ```swift
/// let weight = NamedTensor(name: "0.weight", shape: [256, 64], values: weights)
/// ```
public struct NamedTensor: Hashable, Sendable {
    /// The PyTorch name, such as `0.weight` or `2.bias`.
    public var name: String
    /// The dimensions, outermost first (`[out, in]` for a weight, `[out]` for a bias).
    public var shape: [Int]
    /// The values, row-major; `shape`'s product of them.
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}
