import BitLayers

/// Everything one forward pass through a BitMLP computed.
struct ForwardTrace {
    /// Each layer's pass.
    var passes: [DenseForward] = []
    /// The activation's output after each layer but the last.
    var activations: [Matrix] = []
    /// The last layer's output.
    var logits: Matrix
}

extension BitMLP {
    /// Runs every layer, with the activation between layers, and records each step.
    func forward(_ inputs: Matrix, mode: ForwardMode) -> ForwardTrace {
        var trace = ForwardTrace(logits: inputs)
        for (index, layer) in layers.enumerated() {
            let pass = layer.forward(trace.logits, mode: mode)
            trace.passes.append(pass)
            trace.logits = pass.output
            if index < layers.count - 1 {
                activation.apply(to: &trace.logits)
                trace.activations.append(trace.logits)
            }
        }
        return trace
    }
}
