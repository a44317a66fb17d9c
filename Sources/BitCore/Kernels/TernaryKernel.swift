import CBitKernels

/// A ternary x int8 -> int32 matrix kernel: one implementation of the same product.
///
/// Every variant computes, for `batch` activation vectors `x_b` and each weight row `r`,
/// `output[b * rows + r] = Σ_k q[r, k] * x_b[k]` exactly (int32, no rounding, no saturation:
/// `TernaryMatrixLayout.maximumColumns` keeps every sum in range). `reference` is the plain scalar
/// definition; the others must equal it on every input and are tested against it. Choose a variant
/// once per model (`TernaryKernel.best`), not per call.
///
/// ```swift
/// let layout = try TernaryMatrixLayout(packing: .t3, rows: 256, columns: 64)
/// try TernaryKernel.best.multiply(
///     weights: packed, layout: layout, activations: codes, batch: 1, output: accumulators)
/// ```
public enum TernaryKernel: UInt8, Hashable, Sendable, CaseIterable {
    /// Scalar loops over decoded codes: the definition the others are tested against.
    case reference = 0
    /// Swift SIMD types (16 lanes), for any CPU.
    case portable = 1
    /// x86-64 AVX2: VPMADDUBSW/VPMADDWD, 32 bytes per step.
    case avx2 = 2
    /// x86-64 AVX-512 with VNNI: VPDPBUSD, 64 bytes per step.
    case avx512VNNI = 3
    /// AArch64 NEON (every 64-bit ARM CPU): SMULL/SMLAL2 and SADALP, 16 bytes per step.
    case neon = 4
    /// AArch64 NEON with SDOT, on CPUs that report the dot-product extension (FEAT_DotProd).
    case neonDot = 5

    /// A short name for reports: `reference`, `portable`, `avx2`, `avx512-vnni`, `neon`, `neon-dot`.
    public var name: String {
        switch self {
        case .reference: return "reference"
        case .portable: return "portable"
        case .avx2: return "avx2"
        case .avx512VNNI: return "avx512-vnni"
        case .neon: return "neon"
        case .neonDot: return "neon-dot"
        }
    }

    /// Whether this CPU (and this build) can run the variant.
    public var isSupported: Bool {
        switch self {
        case .reference, .portable:
            return true
        case .avx2:
            #if arch(x86_64)
            return bitk_cpu_features() & UInt32(BITK_CPU_AVX2) != 0
            #else
            return false
            #endif
        case .avx512VNNI:
            #if arch(x86_64)
            return bitk_cpu_features() & UInt32(BITK_CPU_AVX512_VNNI) != 0
            #else
            return false
            #endif
        case .neon:
            #if arch(arm64)
            return bitk_cpu_features() & UInt32(BITK_CPU_NEON) != 0
            #else
            return false
            #endif
        case .neonDot:
            #if arch(arm64)
            return bitk_cpu_features() & UInt32(BITK_CPU_NEON_DOT) != 0
            #else
            return false
            #endif
        }
    }

    /// The variants this CPU runs, slowest first.
    public static var supported: [TernaryKernel] { allCases.filter { $0.isSupported } }

    /// The fastest variant this CPU runs.
    public static var best: TernaryKernel {
        var fastest = TernaryKernel.portable
        for kernel in allCases where kernel.isSupported { fastest = kernel }
        return fastest
    }

    /// Multiplies a packed ternary matrix by `batch` int8 activation vectors.
    ///
    /// - Parameters:
    ///   - weights: `layout.byteCount` bytes packed as `layout.packing` (docs/formats.md).
    ///   - activations: `batch * layout.paddedColumns` codes; vector `b` starts at
    ///     `b * paddedColumns`. Entries past `layout.columns` meet weight code 0, so any value works.
    ///   - output: `batch * layout.rows` accumulators; vector `b`'s start at `b * rows`.
    ///   - threads: a pool to split the rows over, for the products it `splits`; the results are
    ///     the same with or without it.
    /// - Throws: `BitCoreError.bufferSize` for a wrong length, `.unsupportedKernel` when this CPU
    ///   cannot run the variant. Nothing is written when it throws.
    public func multiply(
        weights: UnsafeRawBufferPointer, layout: TernaryMatrixLayout,
        activations: UnsafeBufferPointer<Int8>, batch: Int, output: UnsafeMutableBufferPointer<Int32>,
        threads: KernelThreadPool? = nil
    ) throws(BitCoreError) {
        guard batch > 0 else { throw .nonPositiveDimension(name: "batch", value: batch) }
        guard weights.count == layout.byteCount else {
            throw .bufferSize(name: "packed weights", expected: layout.byteCount, actual: weights.count)
        }
        let (activationCount, activationOverflow) = batch.multipliedReportingOverflow(
            by: layout.paddedColumns)
        guard !activationOverflow, activations.count == activationCount else {
            throw .bufferSize(name: "activations", expected: activationCount, actual: activations.count)
        }
        let (outputCount, outputOverflow) = batch.multipliedReportingOverflow(by: layout.rows)
        guard !outputOverflow, output.count == outputCount else {
            throw .bufferSize(name: "output", expected: outputCount, actual: output.count)
        }
        guard isSupported else { throw .unsupportedKernel(name: name) }
        guard let packed = weights.baseAddress?.assumingMemoryBound(to: UInt8.self),
            let x = activations.baseAddress, let y = output.baseAddress
        else { return }  // Unreachable: every count above is positive.
        let product = RowProduct(
            kernel: self, weights: packed, layout: layout, activations: x, batch: batch, output: y)
        if let threads, threads.splits(layout, batch: batch) {
            threads.run { index, count in
                // Row blocks of 16 keep the fast kernels' row groups whole.
                let blocks = (layout.rows + 15) / 16
                let start = min(layout.rows, index * blocks / count * 16)
                let end = min(layout.rows, (index + 1) * blocks / count * 16)
                product.run(rows: start..<end)
            }
        } else {
            product.run(rows: 0..<layout.rows)
        }
    }
}

/// One product's operands, run over a range of rows (the unit a thread takes).
struct RowProduct {
    let kernel: TernaryKernel
    let weights: UnsafePointer<UInt8>
    let layout: TernaryMatrixLayout
    let activations: UnsafePointer<Int8>
    let batch: Int
    let output: UnsafeMutablePointer<Int32>

    /// Computes `rows` of the product; vector `b`'s row `r` goes to `output[b * layout.rows + r]`.
    func run(rows: Range<Int>) {
        guard !rows.isEmpty else { return }
        let rowWeights = weights + rows.lowerBound * layout.bytesPerRow
        let rowOutput = output + rows.lowerBound
        switch kernel {
        case .reference:
            TernaryKernel.multiplyReference(
                weights: weights, layout: layout, rows: rows, activations: activations, batch: batch, output: output)
        case .portable:
            TernaryKernel.multiplyPortable(
                weights: rowWeights, layout: layout, rowCount: rows.count, activations: activations, batch: batch,
                output: rowOutput)
        case .avx2:
            #if arch(x86_64)
            switch layout.packing {
            case .i2:
                bitk_i2_matmul_avx2(
                    rowWeights, rows.count, layout.bytesPerRow, activations, batch, rowOutput, layout.rows)
            case .t3:
                bitk_t3_matmul_avx2(
                    rowWeights, rows.count, layout.bytesPerRow, activations, batch, rowOutput, layout.rows)
            }
            #endif
        case .avx512VNNI:
            #if arch(x86_64)
            switch layout.packing {
            case .i2:
                bitk_i2_matmul_avx512vnni(
                    rowWeights, rows.count, layout.bytesPerRow, activations, batch, rowOutput, layout.rows)
            case .t3:
                bitk_t3_matmul_avx512vnni(
                    rowWeights, rows.count, layout.bytesPerRow, activations, batch, rowOutput, layout.rows)
            }
            #endif
        case .neon:
            #if arch(arm64)
            switch layout.packing {
            case .i2:
                bitk_i2_matmul_neon(
                    rowWeights, rows.count, layout.bytesPerRow, activations, batch, rowOutput, layout.rows)
            case .t3:
                bitk_t3_matmul_neon(
                    rowWeights, rows.count, layout.bytesPerRow, activations, batch, rowOutput, layout.rows)
            }
            #endif
        case .neonDot:
            #if arch(arm64)
            switch layout.packing {
            case .i2:
                bitk_i2_matmul_neon_dot(
                    rowWeights, rows.count, layout.bytesPerRow, activations, batch, rowOutput, layout.rows)
            case .t3:
                bitk_t3_matmul_neon_dot(
                    rowWeights, rows.count, layout.bytesPerRow, activations, batch, rowOutput, layout.rows)
            }
            #endif
        }
    }
}
