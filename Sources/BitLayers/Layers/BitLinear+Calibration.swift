import BitCore

extension BitLinear {
    /// Sets `staticInputScale` to the absmax scale `127 / max(max|x|, 1e-5)` of every value in
    /// `inputs` (the layer inputs of a calibration data set), as the bake tool calibrates a
    /// `per_tensor` layer.
    ///
    /// ```swift
    /// layer.calibrate(on: trainingInputs)    // then layer(batch) uses the same s_x for every batch
    /// ```
    ///
    /// Used only by `per_tensor` int8 activations at inference; other configs ignore the scale.
    public mutating func calibrate(on inputs: Matrix) {
        staticInputScale = inputs.values.withUnsafeBufferPointer { AbsmaxQuantizer.dynamicScale(of: $0) }
    }
}
