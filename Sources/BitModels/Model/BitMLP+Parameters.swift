import BitLayers

extension BitMLP {
    /// Every weight and bias, flattened, in state dict order: `0.weight`, `0.bias`, `2.weight`, ...
    /// (layers without bias contribute their weight only). The order `Adam.update` expects.
    ///
    /// - Precondition (set): the same number of arrays with the same lengths.
    public var parameters: [[Float]] {
        get {
            layers.flatMap { layer in [layer.weight.values] + (layer.bias.map { [$0] } ?? []) }
        }
        set {
            var arrays = newValue.makeIterator()
            for index in layers.indices {
                guard let weight = arrays.next() else { preconditionFailure("too few parameter arrays") }
                layers[index].weight.values = weight
                if layers[index].bias != nil {
                    guard let bias = arrays.next() else { preconditionFailure("too few parameter arrays") }
                    precondition(bias.count == layers[index].outFeatures, "layer \(index) bias has the wrong length")
                    layers[index].bias = bias
                }
            }
            precondition(arrays.next() == nil, "too many parameter arrays")
        }
    }
}
