extension TernaryKernel {
    /// Swift SIMD, 16 packed bytes per step: decode one `SIMD16<UInt8>` of codes per plane, widen
    /// codes and activations to 16 bits, multiply-add in 16-bit lanes (at most 16 steps of
    /// 5 planes * 3 * 128 before widening to 32 bits), and subtract `Σx` at the end.
    ///
    /// Swift SIMD types wider than 16 lanes compile to lane-by-lane loops on this toolchain, so
    /// nothing here is wider than 16 lanes.
    static func multiplyPortable(
        weights: UnsafePointer<UInt8>, layout: TernaryMatrixLayout,
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
            for row in 0..<layout.rows {
                let rowBytes = UnsafeRawPointer(weights + row * bytesPerRow)
                var total = SIMD16<Int32>.zero
                var partial = SIMD16<Int16>.zero
                for step in 0..<fullSteps {
                    let packed = rowBytes.loadUnaligned(fromByteOffset: step * 16, as: SIMD16<UInt8>.self)
                    partial &+= dotPlanes(packed, layout: layout) { plane in
                        UnsafeRawPointer(x + plane * bytesPerRow + step * 16)
                            .loadUnaligned(as: SIMD16<Int8>.self)
                    }
                    if step & 15 == 15 {
                        total &+= SIMD16<Int32>(truncatingIfNeeded: partial)
                        partial = .zero
                    }
                }
                if rest > 0 {
                    let packed = loadPartial(rowBytes + fullSteps * 16, count: rest, as: SIMD16<UInt8>.self)
                    partial &+= dotPlanes(packed, layout: layout) { plane in tail[plane] }
                }
                total &+= SIMD16<Int32>(truncatingIfNeeded: partial)
                output[vector * layout.rows + row] = total.wrappedSum() &- sumX
            }
        }
    }

    /// `Σ_p codes_p * x_p` in 16-bit lanes for the planes of one 16-byte step.
    @inline(__always)
    private static func dotPlanes(
        _ packed: SIMD16<UInt8>, layout: TernaryMatrixLayout, activation: (Int) -> SIMD16<Int8>
    ) -> SIMD16<Int16> {
        var sum = SIMD16<Int16>.zero
        switch layout.packing {
        case .i2:
            for plane in 0..<4 {
                let codes = (packed &>> UInt8(2 * plane)) & 3
                sum &+= SIMD16<Int16>(truncatingIfNeeded: codes)
                    &* SIMD16<Int16>(truncatingIfNeeded: activation(plane))
            }
        case .t3:
            var power: UInt8 = 1
            for plane in 0..<5 {
                let shifted = SIMD16<UInt16>(truncatingIfNeeded: packed &* power)
                let codes = (shifted &* 3) &>> 8
                sum &+= SIMD16<Int16>(truncatingIfNeeded: codes)
                    &* SIMD16<Int16>(truncatingIfNeeded: activation(plane))
                power &*= 3
            }
        }
        return sum
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
