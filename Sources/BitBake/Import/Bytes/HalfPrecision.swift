extension Float {
    /// The value of IEEE 754 binary16 (`float16`) bits. Every half is exactly a float, so this is
    /// exact, as numpy's `astype(np.float32)`; NaN payloads are kept.
    ///
    /// Written out rather than through `Float16`, which Swift lacks on some hosts (macOS on Intel).
    init(float16Bits bits: UInt16) {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0x1F:
            // Infinity or NaN: widen the mantissa, keep the payload.
            self.init(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        case 0:
            // Zero or subnormal: mantissa * 2^-24, exact in Float.
            let magnitude = Float(mantissa) * 0x1p-24
            self = sign == 0 ? magnitude : -magnitude
        default:
            // Normal: rebias the exponent from 15 to 127.
            self.init(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    /// The value of bfloat16 bits, which are the upper 16 bits of a float (as torch widens them).
    init(bfloat16Bits bits: UInt16) {
        self.init(bitPattern: UInt32(bits) << 16)
    }
}
