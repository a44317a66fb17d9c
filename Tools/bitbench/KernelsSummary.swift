import ArgumentParser
import BitCore

/// Where `bitbench kernels` reads the weights from.
enum WeightResidence: String, ExpressibleByArgument, CaseIterable {
    /// One copy, reused: it stays in the smallest cache that holds it.
    case hot
    /// Copies totalling at least 1 GiB, cycled: every product streams its weights from DRAM.
    case cold
}

/// One measured row of `bitbench kernels`.
struct KernelFigure {
    let rows: Int
    let columns: Int
    let batch: Int
    let cold: Bool
    /// "i2 avx512-vnni", "float32 openblas", ...
    let kernel: String
    let threads: Int
    /// Multiply-accumulates of all the batch's vectors per second.
    let macsPerSecond: Double
    /// The one-thread peer's time over this figure's time.
    let peerSpeedUp: Double
    /// Weight bytes read per second over the read bandwidth of the level they come from.
    let bandwidthShare: Double
    /// Whether the output equalled the first kernel's.
    let matchesReference: Bool
}

/// The lines `bitbench kernels` ends with: for the fastest kernel on the largest shape measured,
/// each packing's throughput against the peer and the bounds, how it scales with the batch and the
/// threads, and the smallest shape against the largest. A line whose figures the run did not
/// measure (no cold run, one batch, one thread count, one shape) is left out.
struct KernelsSummary {
    let figures: [KernelFigure]
    let kernel: TernaryKernel
    /// VPDPBUSD on registers alone, multiply-accumulates per second, where the CPU has it.
    let vnniPeak: Double?

    private var packings: [String] { TernaryPacking.allCases.map(\.name) }

    func lines() -> [String] {
        let ternary = figures.filter { $0.kernel.hasSuffix(" " + kernel.name) }
        guard let largest = ternary.max(by: { $0.rows * $0.columns < $1.rows * $1.columns }),
            let smallest = ternary.min(by: { $0.rows * $0.columns < $1.rows * $1.columns })
        else { return [] }
        let large = (largest.rows, largest.columns), small = (smallest.rows, smallest.columns)
        guard ternary.contains(where: {
            $0.rows == large.0 && $0.columns == large.1 && $0.batch == 1 && $0.threads == 1
        }) else { return [] }  // every line compares with it
        let widestBatch = ternary.map(\.batch).max()!
        let mostThreads = ternary.map(\.threads).max()!

        func find(_ packing: String, _ shape: (Int, Int), batch: Int = 1, cold: Bool = false, threads: Int = 1)
            -> KernelFigure?
        {
            ternary.first {
                $0.kernel == "\(packing) \(kernel.name)" && $0.rows == shape.0 && $0.columns == shape.1
                    && $0.batch == batch && $0.cold == cold && $0.threads == threads
            }
        }
        var lines = [
            "summary: \(kernel.name), \(large.0)x\(large.1), one thread, batch 1, hot unless stated",
            Format.padRight("", to: 46) + packings.map { Format.pad($0, to: 10) }.joined(),
        ]
        func line(_ label: String, _ value: (String) -> String?) {
            let values = packings.map(value)
            guard values.contains(where: { $0 != nil }) else { return }
            lines.append(Format.padRight(label, to: 46) + values.map { Format.pad($0 ?? "-", to: 10) }.joined())
        }
        func gmacs(_ figure: KernelFigure?) -> String? { figure.map { Format.fixed($0.macsPerSecond / 1e9, digits: 1) } }
        func times(_ ratio: Double?) -> String? { ratio.map { Format.fixed($0, digits: 2) + "x" } }
        func percent(_ ratio: Double?) -> String? { ratio.map { Format.fixed($0 * 100, digits: 0) + "%" } }
        func ratio(_ numerator: KernelFigure?, _ denominator: KernelFigure?) -> Double? {
            guard let numerator, let denominator else { return nil }
            return numerator.macsPerSecond / denominator.macsPerSecond
        }

        line("GMAC/s") { gmacs(find($0, large)) }
        line("  speed-up over the peer") { times(find($0, large)?.peerSpeedUp) }
        line("  share of the cache's read bandwidth") { percent(find($0, large)?.bandwidthShare) }
        line("cold (DRAM): GMAC/s") { gmacs(find($0, large, cold: true)) }
        line("  share of DRAM read bandwidth") { percent(find($0, large, cold: true)?.bandwidthShare) }
        line("  over the peer (its float matrix reused)") { times(find($0, large, cold: true)?.peerSpeedUp) }
        if widestBatch > 1 {
            line("batch \(widestBatch) over batch 1, per vector") {
                times(ratio(find($0, large, batch: widestBatch), find($0, large)))
            }
            if let vnniPeak, kernel == .avx512VNNI {
                line("  batch \(widestBatch): share of the VPDPBUSD peak") {
                    percent(find($0, large, batch: widestBatch).map { $0.macsPerSecond / vnniPeak })
                }
            }
        }
        if mostThreads > 1 {
            line("\(mostThreads) threads over 1") { times(ratio(find($0, large, threads: mostThreads), find($0, large))) }
            if widestBatch > 1 {
                line("\(mostThreads) threads over 1, batch \(widestBatch)") {
                    times(ratio(
                        find($0, large, batch: widestBatch, threads: mostThreads), find($0, large, batch: widestBatch)))
                }
            }
        }
        if small != large {
            line("\(small.0)x\(small.1) GMAC/s over \(large.0)x\(large.1)'s") {
                percent(ratio(find($0, small), find($0, large)))
            }
        }
        return lines
    }
}
