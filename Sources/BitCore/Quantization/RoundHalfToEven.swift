extension Float {
    /// `rounded(.toNearestOrEven)` without a libm call.
    ///
    /// The default x86-64 target has no rounding instruction (SSE4.1's `roundss`), so Swift's
    /// `rounded(_:)` calls `rintf` once per value, which costs more than the rest of a quantizer.
    /// Adding and subtracting `1.5 * 2^23` leaves exactly the nearest integer (ties to even) in the
    /// default rounding mode for `|x| < 2^22`; floats of `2^23` and more are integers already.
    /// Results equal `rounded(.toNearestOrEven)` for every input except the sign of a zero result
    /// (`-0.3` gives `+0`), which no quantizer can see.
    @inline(__always)
    var roundedToNearestEven: Float {
        let magnitude = self.magnitude
        if magnitude < 0x1p22 {
            let shifter: Float = 0x1.8p23
            return (self + shifter) - shifter
        }
        if magnitude < 0x1p23 { return rounded(.toNearestOrEven) }
        return self
    }
}
