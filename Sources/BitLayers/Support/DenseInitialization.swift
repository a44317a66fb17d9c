/// PyTorch's `nn.Linear` initialization, shared by `Linear` and `BitLinear`.
///
/// `kaiming_uniform_(a: sqrt(5))` draws the weight from `U(-b, b)` with
/// `b = gain · sqrt(3 / fan_in)` and `gain = sqrt(2 / (1 + a²)) = sqrt(1/3)`, so `b = 1/sqrt(in)`;
/// the bias is drawn from the same interval. The weight is drawn first, row by row, then the bias.
enum DenseInitialization {
    static func parameters(
        inFeatures: Int, outFeatures: Int, bias: Bool, using generator: inout some RandomNumberGenerator
    ) -> (weight: Matrix, bias: [Float]?) {
        precondition(
            inFeatures > 0 && outFeatures > 0,
            "a dense layer needs positive sizes, got \(inFeatures) -> \(outFeatures)")
        let bound = 1 / Float(inFeatures).squareRoot()
        let weight = Matrix(
            rows: outFeatures, columns: inFeatures,
            values: (0..<outFeatures * inFeatures).map { _ in Float.random(in: -bound...bound, using: &generator) })
        let biasValues = bias ? (0..<outFeatures).map { _ in Float.random(in: -bound...bound, using: &generator) } : nil
        return (weight, biasValues)
    }

    /// Traps unless `bias` fits `weight`.
    static func checkShapes(weight: Matrix, bias: [Float]?) {
        precondition(
            weight.rows > 0 && weight.columns > 0,
            "a dense layer needs a non-empty weight, got \(weight.rows) x \(weight.columns)")
        if let bias {
            precondition(
                bias.count == weight.rows, "the bias has \(bias.count) values, the weight \(weight.rows) rows")
        }
    }
}
