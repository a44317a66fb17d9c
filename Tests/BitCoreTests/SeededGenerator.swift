/// A deterministic random number generator (SplitMix64), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array where Element == Int8 {
    /// `count` random ternary codes.
    static func randomCodes(_ count: Int, using generator: inout SeededGenerator) -> [Int8] {
        (0..<count).map { _ in Int8.random(in: -1...1, using: &generator) }
    }

    /// `count` random int8 activations over the full range.
    static func randomActivations(_ count: Int, using generator: inout SeededGenerator) -> [Int8] {
        (0..<count).map { _ in Int8.random(in: .min ... .max, using: &generator) }
    }
}
