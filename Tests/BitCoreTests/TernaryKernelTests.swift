import Testing
import BitCore
import BitLayers

/// Every kernel this CPU runs equals the scalar reference, bit for bit.
@Suite struct TernaryKernelTests {
    /// Shapes with K = 1, M = 1, K around every block size (16, 32, 64 bytes of 4 or 5 codes).
    static let shapes: [(rows: Int, columns: Int)] = [
        (1, 1), (1, 7), (3, 1), (5, 63), (2, 64), (7, 65), (4, 79), (3, 80), (2, 81),
        (9, 127), (3, 128), (2, 255), (5, 256), (3, 319), (2, 320), (4, 333), (1, 1000), (17, 1031),
        // Sixteen-row groups of the fast GEMVs, with short (one step) and long rows.
        (16, 1), (16, 64), (33, 200), (20, 5), (40, 320), (32, 600),
    ]

    static var fastKernels: [TernaryKernel] { TernaryKernel.supported.filter { $0 != .reference } }

    private func check(
        _ kernel: TernaryKernel, layout: TernaryMatrixLayout, codes: [Int8], activations: [Int8],
        batch: Int
    ) throws {
        let packed = try layout.pack(codes)
        var expected = [Int32](repeating: 0, count: batch * layout.rows)
        var actual = [Int32](repeating: .min, count: batch * layout.rows)
        try packed.withUnsafeBytes { weights in
            try activations.withUnsafeBufferPointer { x in
                try expected.withUnsafeMutableBufferPointer { y in
                    try TernaryKernel.reference.multiply(
                        weights: weights, layout: layout, activations: x, batch: batch, output: y)
                }
                try actual.withUnsafeMutableBufferPointer { y in
                    try kernel.multiply(weights: weights, layout: layout, activations: x, batch: batch, output: y)
                }
            }
        }
        #expect(actual == expected, "\(kernel.name) \(layout.packing.name) \(layout.rows)x\(layout.columns) batch \(batch)")
    }

    /// The reference itself against a product written out by hand.
    @Test(arguments: TernaryPacking.allCases)
    func referenceComputesTheDotProduct(packing: TernaryPacking) throws {
        let layout = try TernaryMatrixLayout(packing: packing, rows: 2, columns: 3)
        let packed = try layout.pack([1, -1, 0, -1, -1, 1])
        var x = [Int8](repeating: 0, count: layout.paddedColumns)
        x[0] = 100; x[1] = -128; x[2] = 7
        var y = [Int32](repeating: 0, count: 2)
        try packed.withUnsafeBytes { weights in
            try x.withUnsafeBufferPointer { activations in
                try y.withUnsafeMutableBufferPointer { output in
                    try TernaryKernel.reference.multiply(
                        weights: weights, layout: layout, activations: activations, batch: 1, output: output)
                }
            }
        }
        #expect(y == [100 + 128, -100 + 128 + 7])
    }

    @Test(arguments: TernaryPacking.allCases)
    func randomInputs(packing: TernaryPacking) throws {
        var generator = SplitMix64(seed: 7)
        for kernel in Self.fastKernels {
            for shape in Self.shapes {
                let layout = try TernaryMatrixLayout(packing: packing, rows: shape.rows, columns: shape.columns)
                for batch in [1, 2, 3, 8, 9] {
                    let codes = [Int8].randomCodes(layout.weightCount, using: &generator)
                    let x = [Int8].randomActivations(batch * layout.paddedColumns, using: &generator)
                    try check(kernel, layout: layout, codes: codes, activations: x, batch: batch)
                }
            }
        }
    }

    /// Every batch size around the batched kernels' tiles (up to four vectors per pass) and row
    /// blocks (16 / vectors rows: 8, 5 or 4), with row counts that leave every remainder, on short
    /// rows (one partial 64-byte step) and rows that end inside a step.
    @Test(arguments: TernaryPacking.allCases)
    func batchedBlocks(packing: TernaryPacking) throws {
        var generator = SplitMix64(seed: 11)
        for kernel in Self.fastKernels {
            for rows in [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 21] {
                for columns in [1, 63, 64, 65, 320, 1031] {
                    let layout = try TernaryMatrixLayout(packing: packing, rows: rows, columns: columns)
                    for batch in Array(1...9) + [11, 16, 17] {
                        let codes = [Int8].randomCodes(layout.weightCount, using: &generator)
                        let x = [Int8].randomActivations(batch * layout.paddedColumns, using: &generator)
                        try check(kernel, layout: layout, codes: codes, activations: x, batch: batch)
                    }
                }
            }
        }
    }

    /// All +1, all -1, all 0 weights against activations pinned at -128 and 127: the largest sums,
    /// through the single-row paths and full row blocks of every tile width.
    @Test(arguments: TernaryPacking.allCases)
    func extremeInputs(packing: TernaryPacking) throws {
        for kernel in Self.fastKernels {
            for shape in [(rows: 3, columns: 4097), (rows: 17, columns: 4097), (rows: 2, columns: 1), (rows: 1, columns: 80)] {
                let layout = try TernaryMatrixLayout(packing: packing, rows: shape.rows, columns: shape.columns)
                for code: Int8 in [-1, 0, 1] {
                    for value: Int8 in [-128, 127, 0] {
                        for batch in [1, 2, 3, 4, 9] {
                            let codes = [Int8](repeating: code, count: layout.weightCount)
                            let x = [Int8](repeating: value, count: batch * layout.paddedColumns)
                            try check(kernel, layout: layout, codes: codes, activations: x, batch: batch)
                        }
                    }
                }
            }
        }
    }

    /// The widest rows a layout accepts still sum without overflow.
    @Test func longestRows() throws {
        let columns = TernaryMatrixLayout.maximumColumns
        for kernel in Self.fastKernels {
            let layout = try TernaryMatrixLayout(packing: .i2, rows: 2, columns: columns)
            let codes = [Int8](repeating: -1, count: layout.weightCount)
            let x = [Int8](repeating: -128, count: layout.paddedColumns)
            try check(kernel, layout: layout, codes: codes, activations: x, batch: 1)
        }
    }

    @Test func checksEveryBufferLength() throws {
        let layout = try TernaryMatrixLayout(packing: .t3, rows: 2, columns: 9)
        let packed = [UInt8](repeating: 128, count: layout.byteCount)
        let x = [Int8](repeating: 1, count: layout.paddedColumns)
        var y = [Int32](repeating: 0, count: 2)
        packed.withUnsafeBytes { weights in
            x.withUnsafeBufferPointer { activations in
                y.withUnsafeMutableBufferPointer { output in
                    #expect(throws: BitCoreError.bufferSize(name: "activations", expected: 20, actual: 10)) {
                        try TernaryKernel.portable.multiply(
                            weights: weights, layout: layout, activations: activations, batch: 2, output: output)
                    }
                    #expect(throws: BitCoreError.bufferSize(name: "packed weights", expected: 4, actual: 3)) {
                        try TernaryKernel.portable.multiply(
                            weights: UnsafeRawBufferPointer(rebasing: weights[0..<3]), layout: layout,
                            activations: activations, batch: 1, output: UnsafeMutableBufferPointer(rebasing: output[0..<2]))
                    }
                    #expect(throws: BitCoreError.nonPositiveDimension(name: "batch", value: 0)) {
                        try TernaryKernel.portable.multiply(
                            weights: weights, layout: layout, activations: activations, batch: 0, output: output)
                    }
                }
            }
        }
    }

    @Test func bestIsSupported() {
        #expect(TernaryKernel.best.isSupported)
        #expect(TernaryKernel.supported.contains(.reference))
        #expect(TernaryKernel.supported.contains(.portable))
    }
}

/// Splitting rows over threads changes nothing in the results.
@Suite struct KernelThreadPoolTests {
    @Test func threadedProductsEqualSingleThreaded() throws {
        var generator = SplitMix64(seed: 41)
        let pool = try #require(KernelThreadPool(threads: 3, minimumParallelMACs: 0))
        for packing in TernaryPacking.allCases {
            for (rows, columns, batch) in [(97, 3_000, 1), (64, 1_000, 2), (48, 500, 9), (61, 80, 3)] {
                let layout = try TernaryMatrixLayout(packing: packing, rows: rows, columns: columns)
                let packed = try layout.pack([Int8].randomCodes(layout.weightCount, using: &generator))
                let x = [Int8].randomActivations(batch * layout.paddedColumns, using: &generator)
                for kernel in TernaryKernel.supported where kernel != .reference {
                    var single = [Int32](repeating: 0, count: batch * rows)
                    var threaded = [Int32](repeating: -1, count: batch * rows)
                    try packed.withUnsafeBytes { weights in
                        try x.withUnsafeBufferPointer { activations in
                            try single.withUnsafeMutableBufferPointer { y in
                                try kernel.multiply(weights: weights, layout: layout, activations: activations, batch: batch, output: y)
                            }
                            try threaded.withUnsafeMutableBufferPointer { y in
                                try kernel.multiply(
                                    weights: weights, layout: layout, activations: activations, batch: batch, output: y,
                                    threads: pool)
                            }
                        }
                    }
                    #expect(threaded == single, "\(kernel.name) \(packing.name) \(rows)x\(columns) batch \(batch)")
                }
            }
        }
        #expect(KernelThreadPool(threads: 0) == nil)
        #expect(KernelThreadPool(threads: 65) == nil)
    }

    /// Runs back to back (workers still polling), after the workers have gone to sleep, and pools
    /// stopped right after a run: every run computes every row.
    @Test func runsWhilePollingAndAfterSleeping() async throws {
        var generator = SplitMix64(seed: 43)
        let layout = try TernaryMatrixLayout(packing: .i2, rows: 64, columns: 256)
        let packed = try layout.pack([Int8].randomCodes(layout.weightCount, using: &generator))
        let x = [Int8].randomActivations(layout.paddedColumns, using: &generator)
        let kernel = TernaryKernel.best
        func product(_ threads: KernelThreadPool?) throws -> [Int32] {
            var y = [Int32](repeating: .min, count: layout.rows)
            try packed.withUnsafeBytes { weights in
                try x.withUnsafeBufferPointer { activations in
                    try y.withUnsafeMutableBufferPointer { output in
                        try kernel.multiply(
                            weights: weights, layout: layout, activations: activations, batch: 1, output: output,
                            threads: threads)
                    }
                }
            }
            return y
        }
        let expected = try product(nil)
        let pool = try #require(KernelThreadPool(threads: 2, minimumParallelMACs: 0))
        for _ in 0..<500 { #expect(try product(pool) == expected) }
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(20))  // past the polling: the workers sleep
            #expect(try product(pool) == expected)
        }
        for _ in 0..<20 {
            let shortLived = try #require(KernelThreadPool(threads: 2, minimumParallelMACs: 0))
            #expect(try product(shortLived) == expected)
        }
    }
}
