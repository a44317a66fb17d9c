/// A small, fast, seedable random number generator (SplitMix64), so that initialization and
/// shuffling are reproducible from one seed on every platform.
///
/// ```swift
/// var generator = SplitMix64(seed: 42)
/// let value = Float.random(in: -1...1, using: &generator)
/// ```
///
/// Not cryptographically secure.
public struct SplitMix64: RandomNumberGenerator, Hashable, Sendable {
    private var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
