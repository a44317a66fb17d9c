import BitCore

/// A BitNet b1.58 fully connected layer for quantization-aware training: float master weights,
/// a fake-quantized forward pass, and a straight-through backward pass.
///
/// The forward pass computes `y = x_fq · w_fqᵀ + b` with, exactly as the bake tool quantizes
/// (BitCore's `AbsmeanQuantizer` and `AbsmaxQuantizer`, so the codes and scales are bit-identical):
/// - `w_fq = q_w / s_w`: ternary codes over one absmean scale (`per_tensor`) or one per output
///   row (`per_channel`);
/// - `x_fq = q_x / s_x`: int8 codes over an absmax scale, one per batch row (`per_token`), or one
///   for the whole input (`per_tensor`: the batch's absmax while training, the calibrated
///   `staticInputScale` at inference); or `x_fq = x` for `float32` activations.
///
/// The backward pass treats rounding, clamping and the scales as the identity (the STE):
/// `∂L/∂W = ∂L/∂w_fq` and `∂L/∂x = ∂L/∂x_fq`, also where a value was clamped.
///
/// ```swift
/// var layer = BitLinear(inFeatures: 64, outFeatures: 256, config: BitQuantConfig(), seed: 7)
/// let pass = layer.forward(batch, mode: .training)
/// let gradients = layer.backward(outputGradient, through: pass)
/// layer.calibrate(on: calibrationInputs)        // only used by per_tensor activations
/// let output = layer(testBatch)
/// ```
public struct BitLinear: DenseLayer, Hashable {
    public var weight: Matrix
    public var bias: [Float]?
    /// How weights and activations are quantized.
    public var config: BitQuantConfig
    /// The static activation scale `s_x` that `per_tensor` activations use at inference (see
    /// `calibrate(on:)`); nil until calibrated, and then inference takes each batch's own absmax.
    public var staticInputScale: Float?

    /// Creates a layer initialized as PyTorch's `nn.Linear`: weight and bias from
    /// `U(-1/sqrt(in), 1/sqrt(in))`, drawn from `generator`.
    ///
    /// - Precondition: both sizes are positive.
    public init(
        inFeatures: Int, outFeatures: Int, bias: Bool = true, config: BitQuantConfig = BitQuantConfig(),
        using generator: inout some RandomNumberGenerator
    ) {
        (weight, self.bias) = DenseInitialization.parameters(
            inFeatures: inFeatures, outFeatures: outFeatures, bias: bias, using: &generator)
        self.config = config
    }

    /// Creates a layer initialized as PyTorch's `nn.Linear` from a `SplitMix64` seeded with `seed`.
    public init(
        inFeatures: Int, outFeatures: Int, bias: Bool = true, config: BitQuantConfig = BitQuantConfig(),
        seed: UInt64 = 0
    ) {
        var generator = SplitMix64(seed: seed)
        self.init(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias, config: config, using: &generator)
    }

    /// Creates a layer with the given master weight (`out x in`) and bias (`out` values), for
    /// example to fine-tune a trained float layer.
    ///
    /// - Precondition: the weight is non-empty and the bias has one value per weight row.
    public init(weight: Matrix, bias: [Float]?, config: BitQuantConfig = BitQuantConfig()) {
        DenseInitialization.checkShapes(weight: weight, bias: bias)
        self.weight = weight
        self.bias = bias
        self.config = config
    }
}
