/// A float fully connected layer, `y = x · Wᵀ + b`: the baseline `BitLinear` is compared against.
///
/// ```swift
/// let layer = Linear(inFeatures: 64, outFeatures: 256, seed: 7)
/// let output = layer(batch)                      // batch x 256
/// ```
public struct Linear: DenseLayer, Hashable {
    public var weight: Matrix
    public var bias: [Float]?

    /// Creates a layer initialized as PyTorch's `nn.Linear`: weight and bias from
    /// `U(-1/sqrt(in), 1/sqrt(in))`, drawn from `generator`.
    ///
    /// - Precondition: both sizes are positive.
    public init(
        inFeatures: Int, outFeatures: Int, bias: Bool = true, using generator: inout some RandomNumberGenerator
    ) {
        (weight, self.bias) = DenseInitialization.parameters(
            inFeatures: inFeatures, outFeatures: outFeatures, bias: bias, using: &generator)
    }

    /// Creates a layer initialized as PyTorch's `nn.Linear` from a `SplitMix64` seeded with `seed`.
    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, seed: UInt64 = 0) {
        var generator = SplitMix64(seed: seed)
        self.init(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias, using: &generator)
    }

    /// Creates a layer with the given weight (`out x in`) and bias (`out` values).
    ///
    /// - Precondition: the weight is non-empty and the bias has one value per weight row.
    public init(weight: Matrix, bias: [Float]?) {
        DenseInitialization.checkShapes(weight: weight, bias: bias)
        self.weight = weight
        self.bias = bias
    }

    /// The master weight itself.
    public func forwardWeight() -> Matrix { weight }

    /// The input itself.
    public func forwardInput(_ input: Matrix, mode: ForwardMode) -> Matrix { input }
}
