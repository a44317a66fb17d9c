/// SplitMix64 (Steele, Lea and Flood): a tiny generator that gives the same numbers on every
/// machine, so the board makes exactly the inputs the host made for golden.txt. The same sequence
/// as BitLayers' `SplitMix64`, which this Embedded program cannot import (BitLayers is offline code).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Any int8 value, -128 included.
    mutating func int8() -> Int8 {
        Int8(truncatingIfNeeded: next() >> 56)
    }

    /// A ternary code in -1 ... 1.
    mutating func code() -> Int8 {
        Int8(next() % 3) - 1
    }

    /// A float in [-1, 1) with 24 random bits: exact, so no rounding differs between machines.
    mutating func unitFloat() -> Float {
        Float(Int32(truncatingIfNeeded: next() >> 40) - (1 << 23)) / Float(1 << 23)
    }
}
