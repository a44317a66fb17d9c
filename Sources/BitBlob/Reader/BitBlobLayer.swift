import BitCore

/// One layer of a validated blob, as views into the file: nothing is copied, so the file must
/// outlive the layer.
///
/// ```swift
/// let layer = model.layer(0)
/// try TernaryKernel.best.multiply(
///     weights: layer.weights, layout: layer.layout, activations: codes, batch: 1, output: values)
/// let scale = try IntegerLayer.requantize(
///     values, inputStep: step, weights: layer.weightMultipliers, bias: layer.bias,
///     relu: layer.activation == .relu)
/// ```
public struct BitBlobLayer {
    /// The layer's position, 0 ..< `layerCount`.
    public let index: Int
    /// Shape and packing of the weights: `rows` outputs by `columns` inputs.
    public let layout: TernaryMatrixLayout
    public let activation: LayerActivation
    /// The packed weights (`layout.byteCount` bytes, every byte valid for the packing).
    public let weights: UnsafeRawBufferPointer
    /// The absmean multipliers `M` (one, or one per output) and the weight shift `Sw`.
    public let weightMultipliers: FixedPointVector
    /// The absmean quantizer's scales `s_w` as float32 (one, or one per output); reference only.
    public let weightScales: UnsafeBufferPointer<Float>
    /// The bias mantissas `B` and shift `Sb`, one per output; `.empty` for a layer without bias.
    public let bias: FixedPointVector
    /// per_tensor activations: the static scale `s` of this layer's input, as fixed point.
    public let staticInputScale: FixedPointScale?
    /// per_tensor activations: the input step `1 / s`, as fixed point.
    public let staticInputStep: FixedPointScale?
    /// per_tensor activations: the static scale `s` as the bake tool calibrated it.
    public let staticInputScaleValue: Float?

    /// Whether the layer adds a bias.
    public var hasBias: Bool { !bias.mantissas.isEmpty }

    /// A layer from sections `BitBlobModel` has validated.
    init(
        index: Int, record: LayerRecord, config: BitQuantConfig, packing: TernaryPacking,
        weights: UnsafeRawBufferPointer, scales: UnsafeRawBufferPointer, bias: UnsafeRawBufferPointer?
    ) {
        self.index = index
        layout = try! TernaryMatrixLayout(packing: packing, rows: Int(record.outputs), columns: Int(record.inputs))
        activation = LayerActivation(rawValue: record.activation)!
        self.weights = weights
        let scaleCount = scales.count / 8
        weightMultipliers = FixedPointVector(
            mantissas: scales.typedView(Int32.self, from: 0, count: scaleCount), shift: Int(record.weightShift))
        weightScales = scales.typedView(Float.self, from: 4 * scaleCount, count: scaleCount)
        if let bias {
            self.bias = FixedPointVector(
                mantissas: bias.typedView(Int32.self, from: 0, count: bias.count / 4), shift: Int(record.biasShift))
        } else {
            self.bias = .empty
        }
        if config.activationGranularity == .perTensor {
            staticInputScaleValue = Float(bitPattern: record.staticScaleBits)
            staticInputScale = try? FixedPointScale(
                multiplier: record.staticScaleMultiplier, shift: Int(record.staticScaleShift))
            staticInputStep = try? FixedPointScale(
                multiplier: record.staticStepMultiplier, shift: Int(record.staticStepShift))
        } else {
            staticInputScaleValue = nil
            staticInputScale = nil
            staticInputStep = nil
        }
    }
}

extension UnsafeRawBufferPointer {
    /// `count` values of `type` starting `offset` bytes in, used in place. The blob's arrays are
    /// 4-byte aligned: sections start at multiples of 64 of a buffer `BitBlobHeader` checked.
    func typedView<Element>(_ type: Element.Type, from offset: Int, count: Int) -> UnsafeBufferPointer<Element> {
        UnsafeBufferPointer(start: (baseAddress! + offset).assumingMemoryBound(to: type), count: count)
    }
}
