import BitCore

/// One ternary matrix product the self-test runs through every kernel this CPU supports.
struct KernelCase {
    /// How the weights and activations are filled.
    enum Pattern {
        /// Uniform codes and int8 activations.
        case random
        /// Codes -1 against activations -128: every sum is `128 * columns`, the largest there is.
        case largestSum
        /// Codes +1 against activations -128: every sum is `-128 * columns`, the smallest.
        case smallestSum
        /// Nine codes in ten are 0, activations only -128 and 127.
        case sparse

        var name: String {
            switch self {
            case .random: return "random"
            case .largestSum: return "largest-sum"
            case .smallestSum: return "smallest-sum"
            case .sparse: return "sparse"
            }
        }
    }

    let packing: TernaryPacking
    let rows: Int
    let columns: Int
    let batch: Int
    let pattern: Pattern

    /// Odd shapes (rows and columns that fill no SIMD step, plane or batch tile evenly), each
    /// pattern, batches across the kernels' 8-vector tiles, the longest row a layout takes, and
    /// one product large enough for the thread pool.
    static var all: [KernelCase] {
        let shapes = [
            (1, 1), (1, 4), (2, 5), (3, 7), (5, 16), (7, 17), (16, 31), (17, 33), (9, 64), (33, 65),
            (4, 79), (6, 80), (8, 81), (31, 161), (64, 255), (3, 1000), (40, 320),
        ]
        var cases: [KernelCase] = []
        for packing in TernaryPacking.allCases {
            for (rows, columns) in shapes {
                for batch in [1, 2, 3, 8, 9, 17] {
                    cases.append(KernelCase(packing: packing, rows: rows, columns: columns, batch: batch, pattern: .random))
                }
                for pattern in [Pattern.largestSum, .smallestSum, .sparse] {
                    for batch in [1, 9] {
                        cases.append(KernelCase(packing: packing, rows: rows, columns: columns, batch: batch, pattern: pattern))
                    }
                }
            }
            let longest = TernaryMatrixLayout.maximumColumns
            cases.append(KernelCase(packing: packing, rows: 2, columns: longest, batch: 1, pattern: .largestSum))
            cases.append(KernelCase(packing: packing, rows: 2, columns: longest, batch: 1, pattern: .smallestSum))
            cases.append(KernelCase(packing: packing, rows: 64, columns: 16384, batch: 1, pattern: .random))
        }
        return cases
    }

    /// `kernel t3 17x33 batch 3 random`.
    var name: String {
        "kernel \(packing.name) \(rows)x\(columns) batch \(batch) \(pattern.name)"
    }
}

/// Runs every kernel case: the reference kernel's result is digested into the case's golden line,
/// and every other kernel (and every kernel over a 2-thread pool, where the product is large
/// enough to be split) must give exactly the same numbers.
struct KernelCheck {
    let kernels: [TernaryKernel]
    let threads: KernelThreadPool?

    func run(_ test: KernelCase, seed: UInt64, report: inout Report) {
        guard let layout = try? TernaryMatrixLayout(packing: test.packing, rows: test.rows, columns: test.columns)
        else {
            report.fail(test.name, "the layout is refused")
            return
        }
        var random = SplitMix64(seed: seed)
        var codes = [Int8](repeating: 0, count: layout.weightCount)
        for index in codes.indices {
            switch test.pattern {
            case .random: codes[index] = random.code()
            case .largestSum: codes[index] = -1
            case .smallestSum: codes[index] = 1
            case .sparse: codes[index] = random.next() % 10 == 0 ? (random.next() & 1 == 0 ? -1 : 1) : 0
            }
        }
        var activations = [Int8](repeating: 0, count: test.batch * layout.paddedColumns)
        for index in activations.indices {
            // Padding entries get any value: they meet code 0 and must not count.
            let isPadding = index % layout.paddedColumns >= layout.columns
            switch test.pattern {
            case .random: activations[index] = random.int8()
            case .largestSum, .smallestSum: activations[index] = isPadding ? random.int8() : -128
            case .sparse: activations[index] = isPadding ? random.int8() : (random.next() & 1 == 0 ? -128 : 127)
            }
        }
        guard let packed = try? layout.pack(codes) else {
            report.fail(test.name, "packing refused the codes")
            return
        }
        guard let expected = product(.reference, layout, packed, activations, test.batch, pool: nil) else {
            report.fail(test.name, "the reference kernel refused the buffers")
            return
        }
        report.line("\(test.name) \(expected.digest)")
        let macs = layout.weightCount * test.batch
        let pools: [KernelThreadPool?] = macs >= (threads?.minimumParallelMACs ?? Int.max) ? [nil, threads] : [nil]
        for kernel in kernels {
            for pool in pools where kernel != .reference || pool != nil {
                let label = pool == nil ? kernel.name : "\(kernel.name) on \(pool?.count ?? 1) threads"
                guard let actual = product(kernel, layout, packed, activations, test.batch, pool: pool) else {
                    report.fail(test.name, "\(label) refused the buffers")
                    continue
                }
                if let difference = actual.firstDifference(from: expected) {
                    let vector = difference.index / test.rows, row = difference.index % test.rows
                    report.fail(
                        test.name,
                        "\(label): vector \(vector) row \(row) is \(difference.actual ?? 0), the reference \(difference.expected ?? 0)")
                }
            }
        }
    }

    private func product(
        _ kernel: TernaryKernel, _ layout: TernaryMatrixLayout, _ packed: [UInt8], _ activations: [Int8], _ batch: Int,
        pool: KernelThreadPool?
    ) -> Transcript? {
        var output = [Int32](repeating: 0, count: batch * layout.rows)
        let succeeded = packed.withUnsafeBytes { weights in
            activations.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer { y in
                    (try? kernel.multiply(
                        weights: weights, layout: layout, activations: x, batch: batch, output: y, threads: pool)) != nil
                }
            }
        }
        guard succeeded else { return nil }
        var transcript = Transcript()
        output.withUnsafeBufferPointer { transcript.append($0) }
        return transcript
    }
}
