/// Float32 values as decimal text without Foundation: what C's `printf("%.9g")` prints, digit for
/// digit.
///
/// Nine significant digits are enough for every float32 to survive the trip to text and back:
/// parsing the text (correctly rounded, as `strtof`, Python's `float` or Swift's `Float(_:)` do)
/// gives back the same float32, bit for bit. The digits are those of the value's exact decimal
/// expansion rounded half to even, found with integer arithmetic only (a binary float has a finite
/// decimal expansion; the fraction is carried in 160 bits, enough for the smallest subnormal).
///
/// ```swift
/// let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FloatText.maximumLength, alignment: 1)
/// let count = FloatText.format(0.1, into: buffer)    // "0.100000001", 11 bytes
/// FloatText.format(1e-7, into: buffer)               // "1.00000001e-07"
/// ```
///
/// Layout, as `%g`: plain notation when the decimal exponent `E` is in `-4 ..< 9`, otherwise
/// `d.dddddddde±XX`; trailing zeros of the fraction are dropped, and the point with them.
/// Infinities and NaN print as `inf`, `-inf`, `nan`.
public enum FloatText {
    /// Significant digits printed.
    public static let significantDigits = 9
    /// The longest text `format` writes: `-1.23456789e-38` or `-0.000123456789`.
    public static let maximumLength = 15

    /// Writes `value` into the start of `buffer` and returns the number of bytes written.
    ///
    /// - Precondition: `buffer.count >= maximumLength`.
    public static func format(_ value: Float, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= maximumLength, "FloatText needs \(maximumLength) bytes")
        var output = TextCursor(buffer)
        if value.isNaN {
            output.append(ascii: "nan")
            return output.count
        }
        if value.sign == .minus { output.append(UInt8(ascii: "-")) }
        if value.isInfinite {
            output.append(ascii: "inf")
            return output.count
        }
        if value == 0 {
            output.append(UInt8(ascii: "0"))
            return output.count
        }
        var digits = SignificantDigits(value.magnitude)
        digits.roundToNine()
        let exponent = digits.exponent
        let last = digits.lastNonZeroIndex
        if exponent < -4 || exponent >= significantDigits {
            output.append(digits[0])
            if last > 0 {
                output.append(UInt8(ascii: "."))
                for index in 1...last { output.append(digits[index]) }
            }
            output.append(UInt8(ascii: "e"))
            output.append(UInt8(ascii: exponent < 0 ? "-" : "+"))
            let magnitude = exponent.magnitude
            if magnitude >= 10 { output.append(UInt8(ascii: "0") + UInt8(magnitude / 10)) } else { output.append(UInt8(ascii: "0")) }
            output.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
        } else if exponent >= 0 {
            for index in 0...exponent { output.append(digits[index]) }
            if last > exponent {
                output.append(UInt8(ascii: "."))
                for index in exponent + 1...last { output.append(digits[index]) }
            }
        } else {
            output.append(ascii: "0.")
            for _ in 0..<(-exponent - 1) { output.append(UInt8(ascii: "0")) }
            for index in 0...last { output.append(digits[index]) }
        }
        return output.count
    }
}

/// Bytes appended to the front of a caller's buffer.
private struct TextCursor {
    let buffer: UnsafeMutableRawBufferPointer
    var count = 0

    init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

    mutating func append(_ byte: UInt8) {
        buffer[count] = byte
        count += 1
    }

    mutating func append(ascii text: StaticString) {
        for index in 0..<text.utf8CodeUnitCount { append(text.utf8Start[index]) }
    }
}

/// The first significant decimal digits of a positive finite float32, from its exact expansion.
private struct SignificantDigits {
    /// Nine digits as ASCII, then the rounding digit.
    private var digits = InlineArray<10, UInt8>(repeating: UInt8(ascii: "0"))
    /// Whether any digit after the rounding digit is non-zero.
    private var sticky = false
    /// The power of ten of the first digit.
    private(set) var exponent = 0

    init(_ value: Float) {
        let biased = Int(value.exponentBitPattern)
        let significand = UInt64(value.significandBitPattern) | (biased == 0 ? 0 : 1 << 23)
        // value = significand * 2^power, exactly.
        let power = (biased == 0 ? 1 : biased) - 150
        var integer: UInt128 = 0
        var fraction = BinaryFraction()
        if power >= 0 {
            integer = UInt128(significand) << power
        } else {
            let bits = -power
            integer = bits < 64 ? UInt128(significand >> bits) : 0
            let fractionBits = bits < 64 ? significand & ((1 << bits) - 1) : significand
            fraction = BinaryFraction(fractionBits, bits: bits)
        }

        var taken = 0
        func take(_ digit: UInt8) {
            if taken < 10 {
                digits[taken] = UInt8(ascii: "0") + digit
            } else if digit != 0 {
                sticky = true
            }
            taken += 1
        }
        if integer > 0 {
            // The integer part's digits, most significant first (at most 39).
            var reversed = InlineArray<40, UInt8>(repeating: 0)
            var count = 0
            while integer > 0 {
                reversed[count] = UInt8(integer % 10)
                integer /= 10
                count += 1
            }
            exponent = count - 1
            for index in stride(from: count - 1, through: 0, by: -1) { take(reversed[index]) }
        } else {
            exponent = -1
            while true {
                let digit = fraction.nextDigit()
                if digit != 0 {
                    take(digit)
                    break
                }
                exponent -= 1
            }
        }
        while taken < 10 && !fraction.isZero { take(fraction.nextDigit()) }
        if !fraction.isZero { sticky = true }
    }

    subscript(index: Int) -> UInt8 { digits[index] }

    /// The index of the last digit that is not `0` among the nine.
    var lastNonZeroIndex: Int {
        var index = 8
        while index > 0 && digits[index] == UInt8(ascii: "0") { index -= 1 }
        return index
    }

    /// Rounds to nine digits, half to even on the exact value.
    mutating func roundToNine() {
        let rounding = digits[9] - UInt8(ascii: "0")
        let lastIsOdd = (digits[8] - UInt8(ascii: "0")) & 1 == 1
        digits[9] = UInt8(ascii: "0")
        guard rounding > 5 || (rounding == 5 && (sticky || lastIsOdd)) else { return }
        var index = 8
        while index >= 0 {
            if digits[index] == UInt8(ascii: "9") {
                digits[index] = UInt8(ascii: "0")
                index -= 1
            } else {
                digits[index] += 1
                return
            }
        }
        // 999999999 rounded up: 1 followed by zeros, one decade higher.
        digits[0] = UInt8(ascii: "1")
        exponent += 1
    }
}

/// A binary fraction `f / 2^160` in five 32-bit limbs, least significant first, that gives its
/// decimal digits one at a time by multiplying by ten.
private struct BinaryFraction {
    private var limbs = InlineArray<5, UInt32>(repeating: 0)

    init() {}

    /// `value / 2^bits` for `bits` in 1 ... 149 and `value < 2^bits`, `value < 2^24`.
    init(_ value: UInt64, bits: Int) {
        let shift = 160 - bits
        let word = shift / 32
        let shifted = value << (shift % 32)
        limbs[word] = UInt32(truncatingIfNeeded: shifted)
        if word + 1 < 5 { limbs[word + 1] = UInt32(truncatingIfNeeded: shifted >> 32) }
    }

    var isZero: Bool {
        limbs[0] == 0 && limbs[1] == 0 && limbs[2] == 0 && limbs[3] == 0 && limbs[4] == 0
    }

    /// Multiplies by ten and returns the integer part that leaves the fraction (the next digit).
    mutating func nextDigit() -> UInt8 {
        var carry: UInt64 = 0
        for index in 0..<5 {
            let product = UInt64(limbs[index]) * 10 + carry
            limbs[index] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        return UInt8(carry)
    }
}
