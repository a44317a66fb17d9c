import BitLayers

extension Array where Element == Int8 {
    /// `count` random ternary codes.
    static func randomCodes(_ count: Int, using generator: inout SplitMix64) -> [Int8] {
        (0..<count).map { _ in Int8.random(in: -1...1, using: &generator) }
    }

    /// `count` random int8 activations over the full range.
    static func randomActivations(_ count: Int, using generator: inout SplitMix64) -> [Int8] {
        (0..<count).map { _ in Int8.random(in: .min ... .max, using: &generator) }
    }
}
