extension TernaryKernel {
    /// Swift SIMD, 16 packed bytes per step: decode one `SIMD16<UInt8>` of codes per plane, widen
    /// codes and activations to 16 bits, multiply-add in 16-bit lanes (at most 16 steps of
    /// 5 planes * 3 * 128 before widening to 32 bits), and subtract `Σx` at the end.
    ///
    /// Swift SIMD types wider than 16 lanes compile to lane-by-lane loops on this toolchain, so
    /// nothing here is wider than 16 lanes.
    ///
    /// `weights` points at the first of `rowCount` rows; vector `b`'s results go to
    /// `output[b * layout.rows + r]`.
    static func multiplyPortable(
        weights: UnsafePointer<UInt8>, layout: TernaryMatrixLayout, rowCount: Int,
        activations: UnsafePointer<Int8>, batch: Int, output: UnsafeMutablePointer<Int32>
    ) {
        let bytesPerRow = layout.bytesPerRow
        let fullSteps = bytesPerRow / 16
        let rest = bytesPerRow % 16
        for vector in 0..<batch {
            let x = activations + vector * layout.paddedColumns
            var sumX: Int32 = 0
            for index in 0..<layout.paddedColumns { sumX &+= Int32(x[index]) }
            // The last partial step's activations, zero-padded, one vector per plane.
            var tail = PlaneVectors()
            if rest > 0 {
                for plane in 0..<layout.packing.weightsPerByte {
                    tail[plane] = loadPartial(
                        UnsafeRawPointer(x + plane * bytesPerRow + fullSteps * 16), count: rest,
                        as: SIMD16<Int8>.self)
                }
            }
            switch layout.packing {
            case .i2:
                multiplyRows(I2Decoder.self, weights: weights, layout: layout, rowCount: rowCount, x: x, tail: tail,
                             sumX: sumX, output: output + vector * layout.rows)
            case .t3:
                multiplyRows(T3Decoder.self, weights: weights, layout: layout, rowCount: rowCount, x: x, tail: tail,
                             sumX: sumX, output: output + vector * layout.rows)
            }
        }
    }

    /// One activation vector against every row, specialized for one packing's decoder.
    @inline(__always)
    private static func multiplyRows<Decoder: PlaneDecoder>(
        _ decoder: Decoder.Type, weights: UnsafePointer<UInt8>, layout: TernaryMatrixLayout, rowCount: Int,
        x: UnsafePointer<Int8>, tail: PlaneVectors, sumX: Int32, output: UnsafeMutablePointer<Int32>
    ) {
        let bytesPerRow = layout.bytesPerRow
        let fullSteps = bytesPerRow / 16
        let rest = bytesPerRow % 16
        let xRaw = UnsafeRawPointer(x)
        for row in 0..<rowCount {
            let rowBytes = UnsafeRawPointer(weights + row * bytesPerRow)
            var total = SIMD16<Int32>.zero
            var partial = SIMD16<Int16>.zero
            var step = 0
            while step < fullSteps {
                let packed = SIMD16<UInt16>(
                    truncatingIfNeeded: rowBytes.loadUnaligned(fromByteOffset: step * 16, as: SIMD16<UInt8>.self))
                for plane in 0..<Decoder.planes {
                    let activations = xRaw.loadUnaligned(
                        fromByteOffset: plane * bytesPerRow + step * 16, as: SIMD16<Int8>.self)
                    partial &+= Decoder.codes(packed, plane: plane) &* SIMD16<Int16>(truncatingIfNeeded: activations)
                }
                step += 1
                if step & 15 == 0 {
                    total &+= SIMD16<Int32>(truncatingIfNeeded: partial)
                    partial = .zero
                }
            }
            if rest > 0 {
                let packed = SIMD16<UInt16>(
                    truncatingIfNeeded: loadPartial(rowBytes + fullSteps * 16, count: rest, as: SIMD16<UInt8>.self))
                for plane in 0..<Decoder.planes {
                    partial &+= Decoder.codes(packed, plane: plane) &* SIMD16<Int16>(truncatingIfNeeded: tail[plane])
                }
            }
            total &+= SIMD16<Int32>(truncatingIfNeeded: partial)
            output[row] = total.wrappedSum() &- sumX
        }
    }

    /// Loads `count` (< 16) scalars into the low lanes of a zeroed vector.
    @inline(__always)
    private static func loadPartial<Vector: SIMD>(
        _ source: UnsafeRawPointer, count: Int, as type: Vector.Type
    ) -> Vector where Vector.Scalar: FixedWidthInteger {
        var vector = Vector()
        for lane in 0..<count {
            vector[lane] = source.load(fromByteOffset: lane, as: Vector.Scalar.self)
        }
        return vector
    }
}

/// Decodes the stored codes (0...2) of one plane from 16 packed bytes, each widened to 16 bits
/// (byte arithmetic has no SIMD multiply on baseline x86-64; 16-bit lanes do).
private protocol PlaneDecoder {
    static var planes: Int { get }
    static func codes(_ packed: SIMD16<UInt16>, plane: Int) -> SIMD16<Int16>
}

/// I2: bits `2p` and `2p + 1` of each byte.
private enum I2Decoder: PlaneDecoder {
    static var planes: Int { 4 }

    @inline(__always)
    static func codes(_ packed: SIMD16<UInt16>, plane: Int) -> SIMD16<Int16> {
        SIMD16<Int16>(truncatingIfNeeded: (packed &>> UInt16(2 * plane)) & 3)
    }
}

/// T3: `((byte * 3^p) mod 256 * 3) >> 8`.
private enum T3Decoder: PlaneDecoder {
    static var planes: Int { 5 }

    @inline(__always)
    static func codes(_ packed: SIMD16<UInt16>, plane: Int) -> SIMD16<Int16> {
        let power: UInt16 = plane == 0 ? 1 : plane == 1 ? 3 : plane == 2 ? 9 : plane == 3 ? 27 : 81
        let shifted = (packed &* power) & 0xFF
        return SIMD16<Int16>(truncatingIfNeeded: (shifted &* 3) &>> 8)
    }
}

/// Five 16-lane activation vectors, one per plane (the zero-padded last step of a row).
private struct PlaneVectors {
    private var planes: (SIMD16<Int8>, SIMD16<Int8>, SIMD16<Int8>, SIMD16<Int8>, SIMD16<Int8>) =
        (.zero, .zero, .zero, .zero, .zero)

    subscript(plane: Int) -> SIMD16<Int8> {
        get {
            switch plane {
            case 0: return planes.0
            case 1: return planes.1
            case 2: return planes.2
            case 3: return planes.3
            default: return planes.4
            }
        }
        set {
            switch plane {
            case 0: planes.0 = newValue
            case 1: planes.1 = newValue
            case 2: planes.2 = newValue
            case 3: planes.3 = newValue
            default: planes.4 = newValue
            }
        }
    }
}
