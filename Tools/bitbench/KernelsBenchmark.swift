import ArgumentParser
import BitCore

/// `bitbench kernels`: ternary x int8 products against float32 peers measured in the same run.
struct KernelsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Ternary matrix products (I2, T3; every kernel this CPU runs) against float32 peers.",
        discussion: """
            Shapes are rows x columns (outputs x inputs). For each shape and batch the table gives the \
            best time of one product, MAC/s, packed-weight bytes read per second, the speed-up over the \
            peer (OpenBLAS cblas_sgemv/sgemm on one thread when libopenblas is installed, else the \
            Swift SIMD float32 baseline) and the share of the read bandwidth of the memory level the \
            weights live in, probed at start with as many threads as the row uses (the start also \
            gives the VPDPBUSD peak where the CPU has AVX-512 VNNI). Cold weights: the run cycles \
            through >= 1 GiB of weight copies so every product streams its weights from DRAM, and \
            reads DRAM again after each row for the bandwidth that row is compared with (it drifts with \
            the neighbours' load). Every kernel's output is checked against the first kernel's (the \
            scalar reference unless skipped); a mismatch fails the run. The run ends with a summary of \
            the fastest kernel on the largest shape: speed-ups over the peer, shares of the bounds, \
            batch and thread scaling, the smallest shape against the largest.

            All of docs/performance.md's kernel table in one run:
              bitbench kernels --shapes 256x256 4096x11008 --batches 1 8 --threads 1 2 \\
                --skip-reference --weights hot cold
            """)

    @Option(name: .long, parsing: .upToNextOption, help: "Shapes as ROWSxCOLUMNS.")
    var shapes: [String] = ["1024x1024", "4096x4096", "4096x11008"]

    @Option(name: .long, parsing: .upToNextOption, help: "Batch sizes (activation vectors per product).")
    var batches: [Int] = [1, 8]

    @Option(
        name: .long, parsing: .upToNextOption,
        help: """
            Thread counts for the fast kernels and OpenBLAS. A pool splits products of at least 2^22 \
            MACs with 16 rows per thread; smaller ones get no row for it.
            """)
    var threads: [Int] = [1]

    @Option(name: .long, help: "Milliseconds spent timing each figure (after at least 3 runs).")
    var milliseconds: Int = 300

    @Flag(name: .long, help: "Skip the scalar reference kernel (slow on large shapes).")
    var skipReference = false

    @Option(
        name: .long, parsing: .upToNextOption,
        help: "Where the weights come from: hot (reused from cache) and/or cold (streamed from DRAM).")
    var weights: [WeightResidence] = [.hot]

    mutating func run() throws {
        let parsed = try shapes.map(Self.parseShape)
        let timing = Timing(budget: .milliseconds(milliseconds))
        let pools = try threads.map { count -> KernelThreadPool? in
            guard count > 1 else { return nil }
            guard let pool = KernelThreadPool(threads: count) else { throw ValidationError("cannot start \(count) threads") }
            return pool
        }
        let openBLAS = OpenBLAS()
        print("bitbench kernels: weights " + weights.map(\.rawValue).joined(separator: ", ") + "; threads "
              + threads.map(String.init).joined(separator: ", ") + "; best of runs over \(milliseconds) ms each")
        print("kernels on this CPU: \(TernaryKernel.supported.map(\.name).joined(separator: ", ")); best: \(TernaryKernel.best.name)")
        print("peer: " + (openBLAS.map { "OpenBLAS \($0.path), one thread" } ?? "Swift float32 SIMD baseline (install libopenblas-dev for OpenBLAS)"))
        var bandwidths: [Int: [Bandwidth]] = [:]
        let buffers = MachineBounds.levels.map { MachineBounds.filledBuffer(bytes: $0.bytes) }
        // One thread always: the float32 baselines and the one-thread rows compare with it.
        for (count, pool) in [(1, nil)] + zip(threads, pools) where bandwidths[count] == nil {
            bandwidths[count] = zip(MachineBounds.levels, buffers).map { level, buffer in
                Bandwidth(
                    name: level.name, bytes: level.bytes,
                    perSecond: MachineBounds.readBandwidth(of: UnsafeRawBufferPointer(buffer), threads: pool, timing: timing))
            }
            print("read bandwidth, \(count) thread\(count == 1 ? "" : "s"): " + bandwidths[count]!.map {
                "\($0.name) (\($0.bytes >> 10) KiB) \(Format.fixed($0.perSecond / 1e9, digits: 1)) GB/s"
            }.joined(separator: ", "))
        }
        // Only a cold run reads DRAM again, after each of its rows.
        let dramBuffer = weights.contains(.cold) ? buffers.last! : nil
        for buffer in buffers where buffer.baseAddress != dramBuffer?.baseAddress { buffer.deallocate() }
        defer { dramBuffer?.deallocate() }
        let vnniPeak = MachineBounds.vnniPeak(timing: timing)
        if let vnniPeak {
            print("VPDPBUSD on registers alone, one core: \(Format.fixed(vnniPeak / 1e9, digits: 1)) GMAC/s")
        }
        var figures: [KernelFigure] = []
        for residence in weights {
            print("")
            print(residence == .hot ? "hot: weights reused from cache" : "cold: weights streamed from DRAM")
            print(
                Format.padRight("shape", to: 12) + Format.pad("batch", to: 6) + "  " + Format.padRight("kernel", to: 24)
                    + Format.pad("us", to: 11) + Format.pad("GMAC/s", to: 9) + Format.pad("w GB/s", to: 9)
                    + Format.pad("x peer", to: 8) + Format.pad("% bw", to: 7))
            for (rows, columns) in parsed {
                for batch in batches {
                    let context = ShapeRun(
                        rows: rows, columns: columns, batch: batch, timing: timing, pools: pools, openBLAS: openBLAS,
                        bandwidths: bandwidths,
                        dramBuffer: residence == .cold ? dramBuffer.map(UnsafeRawBufferPointer.init) : nil,
                        skipReference: skipReference)
                    figures += try context.run()
                }
            }
        }
        let summary = KernelsSummary(figures: figures, kernel: TernaryKernel.best, vnniPeak: vnniPeak)
        for line in summary.lines() { print(line) }
        let mismatches = figures.filter { !$0.matchesReference }.count
        if mismatches > 0 {
            throw ValidationError("\(mismatches) kernel result(s) differed from the reference")
        }
    }

    private static func parseShape(_ text: String) throws -> (Int, Int) {
        let parts = text.split(separator: "x")
        guard parts.count == 2, let rows = Int(parts[0]), let columns = Int(parts[1]), rows > 0, columns > 0,
            columns % 64 == 0
        else {
            throw ValidationError("shape '\(text)' is not ROWSxCOLUMNS with columns a multiple of 64")
        }
        return (rows, columns)
    }
}

/// One shape and batch: the peers, then every packing and kernel.
private struct ShapeRun {
    let rows: Int
    let columns: Int
    let batch: Int
    let timing: Timing
    /// One per thread count asked for: nil for one thread.
    let pools: [KernelThreadPool?]
    let openBLAS: OpenBLAS?
    let bandwidths: [Int: [Bandwidth]]
    /// The DRAM probe's buffer when the run is cold: read again after every row.
    let dramBuffer: UnsafeRawBufferPointer?
    private var cold: Bool { dramBuffer != nil }
    let skipReference: Bool

    private var macs: Double { Double(rows) * Double(columns) * Double(batch) }
    private var label: String { Format.padRight("\(rows)x\(columns)", to: 12) + Format.pad(String(batch), to: 6) + "  " }

    /// Runs everything for this shape and prints a row per figure.
    func run() throws -> [KernelFigure] {
        var generator = SystemRandomNumberGenerator()
        var matrix = FloatMatrix(rows: rows, columns: columns, values: [])
        matrix.values = (0..<rows * columns).map { _ in Float.random(in: -1...1, using: &generator) }
        let input = (0..<columns * batch).map { _ in Float.random(in: -1...1, using: &generator) }
        var output = [Float](repeating: 0, count: rows * batch)
        let floatBytes = Double(rows * columns * 4)
        let swiftTime = timing.best { matrix.multiply(input, batch: batch, into: &output) }.seconds
        var peerTime = swiftTime
        var peerTimes: [(pool: KernelThreadPool?, seconds: Double)] = []
        if let openBLAS {
            for pool in pools {
                openBLAS.setThreadCount(pool?.count ?? 1)
                let seconds = timing.best { openBLAS.multiply(matrix, input, batch: batch, into: &output) }.seconds
                if pool == nil { peerTime = seconds }
                peerTimes.append((pool, seconds))
            }
            openBLAS.setThreadCount(1)
        }
        var figures = [figure("float32 swift simd", swiftTime, bytes: floatBytes, peer: peerTime, streamed: false)]
        for (pool, seconds) in peerTimes {
            figures.append(figure(
                "float32 openblas", seconds, bytes: floatBytes, threads: pool, peer: peerTime, streamed: false))
        }
        matrix.values = []

        let codes = (0..<rows * columns).map { _ in Int8.random(in: -1...1, using: &generator) }
        for packing in TernaryPacking.allCases {
            let layout = try TernaryMatrixLayout(packing: packing, rows: rows, columns: columns)
            let copies = WeightCopies(packed: try layout.pack(codes), count: cold ? max(1, (1 << 30) / layout.byteCount + 1) : 1)
            defer { copies.deallocate() }
            // 64-byte aligned, as the runtime's arena places every layer's codes (ArenaPlan): a Swift
            // array's elements start 32 bytes into a cache line, which costs the GEMV up to a third.
            let activationBytes = UnsafeMutableRawBufferPointer.allocate(
                byteCount: layout.paddedColumns * batch, alignment: ArenaPlan.alignment)
            defer { activationBytes.deallocate() }
            for index in activationBytes.indices {
                activationBytes[index] = UInt8(bitPattern: Int8.random(in: .min ... .max, using: &generator))
            }
            let x = UnsafeBufferPointer(activationBytes.bindMemory(to: Int8.self))
            var expected: [Int32]?
            for kernel in TernaryKernel.supported where !(skipReference && kernel == .reference) {
                // A pool row only where the pool splits the product: a smaller one runs on the
                // calling thread and would repeat the one-thread row under another name.
                for pool in pools where !(kernel == .reference && (pool != nil || cold))
                    && pool.map({ $0.splits(layout, batch: batch) }) ?? true
                {
                    var result = [Int32](repeating: 0, count: rows * batch)
                    let seconds = try result.withUnsafeMutableBufferPointer { y in
                        try kernel.multiply(weights: copies[0], layout: layout, activations: x, batch: batch, output: y, threads: pool)
                        let timed = kernel == .reference ? Timing(budget: .zero, minimumRuns: 1) : timing
                        var next = 0
                        // One timed run is a pass over every copy, so each product reads fresh weights.
                        return timed.best {
                            for _ in 0..<copies.count {
                                try! kernel.multiply(
                                    weights: copies[next], layout: layout, activations: x, batch: batch, output: y,
                                    threads: pool)
                                next = (next + 1) % copies.count
                            }
                        }.seconds / Double(copies.count)
                    }
                    figures.append(figure(
                        "\(packing.name) \(kernel.name)", seconds, bytes: Double(layout.byteCount), threads: pool,
                        peer: peerTime, matchesReference: expected.map { $0 == result } ?? true))
                    if expected == nil { expected = result }
                }
            }
        }
        print("")
        return figures
    }

    /// One figure, printed as a table row; `% bw` compares the weight bytes read per second with the
    /// bandwidth that as many threads read from the level the weights live in: DRAM when they are
    /// `streamed` through copies in a cold run, probed again right after the row (DRAM bandwidth
    /// drifts with the neighbours' load), else the smallest probed level that holds them (the float
    /// peers reuse one matrix even in a cold run). The row names a pool's threads as `xN` and a result
    /// that differs from the first kernel's as MISMATCH.
    private func figure(
        _ kernel: String, _ seconds: Double, bytes: Double, threads pool: KernelThreadPool? = nil, peer: Double,
        streamed: Bool = true, matchesReference: Bool = true
    ) -> KernelFigure {
        let bandwidth: Double
        if let dramBuffer, streamed {
            bandwidth = MachineBounds.readBandwidth(of: dramBuffer, threads: pool, timing: timing)
        } else {
            let probed = bandwidths[pool?.count ?? 1]!
            bandwidth = (probed.first { Double($0.bytes) >= bytes } ?? probed.last!).perSecond
        }
        let figure = KernelFigure(
            rows: rows, columns: columns, batch: batch, cold: cold, kernel: kernel, threads: pool?.count ?? 1,
            macsPerSecond: macs / seconds, peerSpeedUp: peer / seconds, bandwidthShare: bytes / seconds / bandwidth,
            matchesReference: matchesReference)
        let name = kernel + (kernel.hasPrefix("float32 openblas") || pool != nil ? " x\(figure.threads)" : "")
            + (matchesReference ? "" : " MISMATCH")
        print(
            label + Format.padRight(name, to: 24) + Format.number(seconds * 1e6, digits: 1, width: 11)
                + Format.number(figure.macsPerSecond / 1e9, digits: 2, width: 9)
                + Format.number(bytes / seconds / 1e9, digits: 2, width: 9)
                + Format.number(figure.peerSpeedUp, digits: 2, width: 8)
                + Format.number(figure.bandwidthShare * 100, digits: 0, width: 6) + "%")
        return figure
    }
}

/// The read bandwidth probed at one memory level.
private struct Bandwidth {
    let name: String
    let bytes: Int
    let perSecond: Double
}

/// `count` copies of one packed matrix in one allocation (64-byte aligned each), so that a cold run
/// streams every product's weights from memory instead of cache.
private struct WeightCopies {
    let count: Int
    private let stride: Int
    private let bytes: Int
    private let base: UnsafeMutableRawPointer

    init(packed: [UInt8], count: Int) {
        self.count = count
        bytes = packed.count
        stride = (packed.count + 63) / 64 * 64
        base = UnsafeMutableRawPointer.allocate(byteCount: stride * count, alignment: 64)
        packed.withUnsafeBytes { source in
            for copy in 0..<count { (base + copy * stride).copyMemory(from: source.baseAddress!, byteCount: bytes) }
        }
    }

    subscript(copy: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + copy * stride, count: bytes)
    }

    func deallocate() { base.deallocate() }
}
