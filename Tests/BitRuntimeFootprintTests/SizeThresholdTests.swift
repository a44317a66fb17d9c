import BitRuntimeTestSupport
import Testing

extension FootprintTests {
    /// Pinned sizes of the digits example baked with the defaults (per_tensor weights, per_token
    /// activations, T3), in the spirit of TensorFlow Lite Micro's arena threshold test: a change of
    /// more than 3% either way fails. Growth is a regression; a saving should be pinned so that
    /// it is kept.
    ///
    /// To update after an intended change, print the figures with
    /// `swift run bitbake-model bake Targets/examples/digits/digits-mlp.safetensors -o /tmp/digits.bitblob`
    /// (`blob N B` and `arena: N bytes for one vector (+M per extra vector in a batch)`) and set the
    /// pins below, saying why in the commit message.
    @Suite struct SizeThreshold {
        static let threshold = 0.03
        static let pinnedArenaBytes = 1_471
        static let pinnedArenaBytesPerVector = 1_408
        static let pinnedBlobBytes = 20_472

        @Test func digitsExample() throws {
            let baked = try DigitsExample.baked()
            let model = baked.model
            Self.expectWithinThreshold("arena bytes (batch 1)", model.arenaBytes(batch: 1)!, Self.pinnedArenaBytes)
            Self.expectWithinThreshold(
                "arena bytes per extra vector", model.arenaPlan.bytesPerVector, Self.pinnedArenaBytesPerVector)
            Self.expectWithinThreshold("blob bytes", baked.bytes.count, Self.pinnedBlobBytes)
        }

        static func expectWithinThreshold(_ name: String, _ actual: Int, _ pinned: Int) {
            let change = Double(actual - pinned) / Double(pinned)
            #expect(
                abs(change) <= threshold,
                "\(name): \(actual), pinned \(pinned) (\(change > 0 ? "+" : "")\(Double(Int((change * 1000).rounded())) / 10)%)")
        }
    }
}
