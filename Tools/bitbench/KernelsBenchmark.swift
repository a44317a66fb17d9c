import ArgumentParser
import BitCore

/// `bitbench kernels`: ternary x int8 products against a float32 baseline (one thread), with the
/// fast kernels also split over thread pools when asked.
struct KernelsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Ternary matrix products (I2, T3; every kernel this CPU runs) against float32 GEMV.",
        discussion: """
            Shapes are rows x columns (outputs x inputs). For each shape and batch the table gives the
            best time of one product, MAC/s, packed-weight bytes read per second, and the speed-up
            over the float32 baseline and over the scalar reference of the same run. Every kernel's
            output is checked against the reference; a mismatch is reported and fails the run.
            """)

    @Option(name: .long, parsing: .upToNextOption, help: "Shapes as ROWSxCOLUMNS.")
    var shapes: [String] = ["1024x1024", "4096x4096", "4096x11008"]

    @Option(name: .long, parsing: .upToNextOption, help: "Batch sizes (activation vectors per product).")
    var batches: [Int] = [1, 8]

    @Option(name: .long, help: "Milliseconds spent timing each kernel (after at least 3 runs).")
    var milliseconds: Int = 300

    @Flag(name: .long, help: "Skip the scalar reference kernel (slow on large shapes).")
    var skipReference = false

    @Option(name: .long, parsing: .upToNextOption, help: "Thread counts to run the fast kernels with (rows split over a KernelThreadPool).")
    var threads: [Int] = [1]

    mutating func run() throws {
        let parsed = try shapes.map(Self.parseShape)
        let timing = Timing(budget: .milliseconds(milliseconds))
        let pools = try threads.map { count -> KernelThreadPool? in
            guard count > 1 else { return nil }
            guard let pool = KernelThreadPool(threads: count) else { throw ValidationError("cannot start \(count) threads") }
            return pool
        }
        print("bitbench kernels: threads \(threads.map(String.init).joined(separator: ", ")); best of runs over \(milliseconds) ms each")
        print("kernels on this CPU: \(TernaryKernel.supported.map(\.name).joined(separator: ", ")); best: \(TernaryKernel.best.name)")
        print("")
        print(
            Format.padRight("shape", to: 12) + Format.pad("batch", to: 6) + "  "
                + Format.padRight("kernel", to: 21) + Format.pad("us", to: 11) + Format.pad("GMAC/s", to: 9)
                + Format.pad("w GB/s", to: 9) + Format.pad("x f32", to: 8) + Format.pad("x ref", to: 9))
        var mismatches = 0
        for (rows, columns) in parsed {
            for batch in batches {
                mismatches += try benchmark(rows: rows, columns: columns, batch: batch, timing: timing, pools: pools)
            }
        }
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

    /// Benchmarks one shape and batch; returns the number of kernels whose output was wrong.
    private func benchmark(
        rows: Int, columns: Int, batch: Int, timing: Timing, pools: [KernelThreadPool?]
    ) throws -> Int {
        var generator = SystemRandomNumberGenerator()
        let macs = Double(rows) * Double(columns) * Double(batch)
        let label = Format.padRight("\(rows)x\(columns)", to: 12) + Format.pad(String(batch), to: 6) + "  "

        var floatMatrix = FloatMatrix(rows: rows, columns: columns, values: [])
        floatMatrix.values = (0..<rows * columns).map { _ in Float.random(in: -1...1, using: &generator) }
        let floatInput = (0..<columns * batch).map { _ in Float.random(in: -1...1, using: &generator) }
        var floatOutput = [Float](repeating: 0, count: rows * batch)
        let floatTime = timing.best { floatMatrix.multiply(floatInput, batch: batch, into: &floatOutput) }.seconds
        print(row(label, "float32", time: floatTime, macs: macs, bytes: Double(rows * columns * 4), floatTime: floatTime, referenceTime: nil))
        floatMatrix.values = []

        let codes = (0..<rows * columns).map { _ in Int8.random(in: -1...1, using: &generator) }
        var mismatches = 0
        for packing in TernaryPacking.allCases {
            let layout = try TernaryMatrixLayout(packing: packing, rows: rows, columns: columns)
            let packed = try layout.pack(codes)
            let activations = (0..<layout.paddedColumns * batch).map { _ in Int8.random(in: .min ... .max, using: &generator) }
            var expected: [Int32]?
            var referenceTime: Double?
            let kernels = TernaryKernel.supported.filter { !(skipReference && $0 == .reference) }
            for (kernel, pool) in kernels.flatMap({ kernel in pools.map { (kernel, $0) } })
            where !(kernel == .reference && pool != nil) {
                var output = [Int32](repeating: 0, count: rows * batch)
                let seconds = try packed.withUnsafeBytes { weights in
                    try activations.withUnsafeBufferPointer { x in
                        try output.withUnsafeMutableBufferPointer { y in
                            try kernel.multiply(
                                weights: weights, layout: layout, activations: x, batch: batch, output: y, threads: pool)
                            let timed = kernel == .reference ? Timing(budget: .zero, minimumRuns: 1) : timing
                            return timed.best {
                                try! kernel.multiply(
                                    weights: weights, layout: layout, activations: x, batch: batch, output: y,
                                    threads: pool)
                            }.seconds
                        }
                    }
                }
                if kernel == .reference { referenceTime = seconds }
                var name = "\(packing.name) \(kernel.name)" + (pool.map { " x\($0.count)" } ?? "")
                if let expected, expected != output {
                    name += " MISMATCH"
                    mismatches += 1
                }
                if expected == nil { expected = output }
                print(row(label, name, time: seconds, macs: macs, bytes: Double(layout.byteCount), floatTime: floatTime, referenceTime: referenceTime))
            }
        }
        print("")
        return mismatches
    }

    private func row(
        _ label: String, _ name: String, time: Double, macs: Double, bytes: Double, floatTime: Double,
        referenceTime: Double?
    ) -> String {
        label + Format.padRight(name, to: 21) + Format.number(time * 1e6, digits: 1, width: 11)
            + Format.number(macs / time / 1e9, digits: 2, width: 9)
            + Format.number(bytes / time / 1e9, digits: 2, width: 9)
            + Format.number(floatTime / time, digits: 2, width: 8)
            + Format.number(referenceTime.map { $0 / time } ?? .nan, digits: 1, width: 9)
    }
}
