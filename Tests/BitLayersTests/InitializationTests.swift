import BitLayers
import Testing

@Suite struct InitializationTests {
    @Test func drawsFromPyTorchsLinearInterval() {
        let layer = BitLinear(inFeatures: 64, outFeatures: 256, seed: 1)
        let bound = 1 / Float(64).squareRoot()
        #expect(layer.weight.rows == 256 && layer.weight.columns == 64)
        #expect(layer.weight.values.allSatisfy { abs($0) <= bound })
        #expect(layer.bias?.count == 256)
        #expect(layer.bias?.allSatisfy { abs($0) <= bound } == true)
        // U(-b, b) has variance b²/3; 16k draws put the sample variance within a few percent.
        let variance = layer.weight.values.reduce(0) { $0 + Double($1 * $1) } / Double(layer.weight.values.count)
        #expect(abs(variance / Double(bound * bound / 3) - 1) < 0.05)
    }

    @Test func seedsAreReproducibleAndDistinct() {
        #expect(Linear(inFeatures: 5, outFeatures: 3, seed: 7) == Linear(inFeatures: 5, outFeatures: 3, seed: 7))
        #expect(Linear(inFeatures: 5, outFeatures: 3, seed: 7) != Linear(inFeatures: 5, outFeatures: 3, seed: 8))
        let float = Linear(inFeatures: 5, outFeatures: 3, seed: 7)
        let bit = BitLinear(inFeatures: 5, outFeatures: 3, seed: 7)
        #expect(float.weight == bit.weight && float.bias == bit.bias)
    }
}
