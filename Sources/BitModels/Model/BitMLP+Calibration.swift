import BitCore
import BitLayers

extension BitMLP {
    /// Whether some layer quantizes its input with a static `per_tensor` scale, which
    /// `calibrate(on:)` sets.
    public var needsCalibration: Bool {
        layers.contains { layer in
            guard let bitLinear = layer as? BitLinear else { return false }
            return bitLinear.config.activationDType == .int8 && bitLinear.config.activationGranularity == .perTensor
        }
    }

    /// Calibrates every `BitLinear` layer's static input scale on `inputs`, layer by layer: each
    /// layer sees the outputs of the layers before it, already running on their new scales.
    ///
    /// ```swift
    /// model.calibrate(on: trainingData.inputs)
    /// let scales = model.layers.map { ($0 as? BitLinear)?.staticInputScale }
    /// ```
    ///
    /// Holds one `count x width` activation matrix per layer in memory at a time.
    public mutating func calibrate(on inputs: Matrix) {
        precondition(inputs.columns == inFeatures, "the model takes \(inFeatures) features, the inputs have \(inputs.columns)")
        var hidden = inputs
        for index in layers.indices {
            if var bitLinear = layers[index] as? BitLinear {
                bitLinear.calibrate(on: hidden)
                layers[index] = bitLinear
            }
            hidden = layers[index](hidden)
            if index < layers.count - 1 { activation.apply(to: &hidden) }
        }
    }
}

extension BitMLP {
    /// Sets each `BitLinear` layer's static input scale, in layer order (for example the scales a
    /// baked blob carries, so the float reference quantizes exactly as the blob does). Layers
    /// beyond `scales` and non-BitLinear layers are left alone.
    public mutating func setStaticInputScales(_ scales: [Float?]) {
        for (index, scale) in zip(layers.indices, scales) {
            guard var bitLinear = layers[index] as? BitLinear else { continue }
            bitLinear.staticInputScale = scale
            layers[index] = bitLinear
        }
    }
}
