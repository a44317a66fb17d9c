import Dispatch
import Foundation

/// Row-major float32 matrix multiplication `C = op(A) · op(B)`, blocked for cache and split
/// across cores.
///
/// Both operands are first packed into panels (`GEMM+Packing.swift`), zero-padded to the micro
/// kernel's tile, which handles transposition and ragged edges once, outside the hot loop. The
/// product then runs over depth blocks of `depthBlock` (so one block of B's panels stays in L2 and
/// one panel of A in L1), and row panels are divided among the cores with
/// `DispatchQueue.concurrentPerform`. Every element of C is summed by one thread in a fixed order,
/// so results do not depend on the number of cores.
enum GEMM {
    /// A read-only view of `op(X)`: element `(i, j)` sits at `base[i * rowStride + j * columnStride]`.
    struct Operand {
        let base: UnsafePointer<Float>
        let rowStride: Int
        let columnStride: Int

        @inline(__always)
        subscript(row: Int, column: Int) -> Float { base[row * rowStride + column * columnStride] }
    }

    /// The depth (k) extent of one cache block.
    static let depthBlock = 256
    /// Products with fewer multiply-adds than this run on the calling thread: dispatching to the
    /// other cores costs more than it saves.
    static let parallelThreshold = 1 << 17

    private static let coreCount = ProcessInfo.processInfo.activeProcessorCount

    /// Overwrites the `m x n` row-major `c` with `a · b`, where `a` is `m x k` and `b` is `k x n`.
    static func multiply(
        m: Int, n: Int, k: Int, a: Operand, b: Operand, c: UnsafeMutablePointer<Float>
    ) {
        c.update(repeating: 0, count: m * n)
        guard m > 0, n > 0, k > 0 else { return }
        let rowPanels = (m + MicroKernel.rows - 1) / MicroKernel.rows
        let columnPanels = (n + MicroKernel.columns - 1) / MicroKernel.columns
        let packedA = UnsafeMutablePointer<Float>.allocate(capacity: rowPanels * MicroKernel.rows * k)
        let packedB = UnsafeMutablePointer<Float>.allocate(capacity: columnPanels * MicroKernel.columns * k)
        defer {
            packedA.deallocate()
            packedB.deallocate()
        }
        packRowPanels(a, rows: m, depth: k, into: packedA)
        packColumnPanels(b, columns: n, depth: k, into: packedB)

        let tiles = Tiles(
            packedA: packedA, packedB: packedB, c: c, m: m, n: n, k: k,
            rowPanels: rowPanels, columnPanels: columnPanels)
        let (work, overflow) = m.multipliedReportingOverflow(by: n * k)
        let workers = overflow || work >= parallelThreshold ? min(coreCount, rowPanels) : 1
        if workers <= 1 {
            tiles.run(panels: 0..<rowPanels)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                tiles.run(panels: rowPanels * worker / workers ..< rowPanels * (worker + 1) / workers)
            }
        }
    }

    /// The packed operands and the output of one product; each worker runs a disjoint range of
    /// row panels, so workers write disjoint rows of `c`.
    private struct Tiles: @unchecked Sendable {
        let packedA: UnsafePointer<Float>
        let packedB: UnsafePointer<Float>
        let c: UnsafeMutablePointer<Float>
        let m: Int, n: Int, k: Int
        let rowPanels: Int, columnPanels: Int

        func run(panels: Range<Int>) {
            for depthStart in stride(from: 0, to: k, by: GEMM.depthBlock) {
                let depth = min(GEMM.depthBlock, k - depthStart)
                for panel in panels {
                    let row = panel * MicroKernel.rows
                    let aPanel = packedA + panel * MicroKernel.rows * k + depthStart * MicroKernel.rows
                    for columnPanel in 0..<columnPanels {
                        let column = columnPanel * MicroKernel.columns
                        MicroKernel.accumulate(
                            a: aPanel,
                            b: packedB + columnPanel * MicroKernel.columns * k + depthStart * MicroKernel.columns,
                            depth: depth, c: c + row * n + column, rowStride: n,
                            rows: min(MicroKernel.rows, m - row), columns: min(MicroKernel.columns, n - column))
                    }
                }
            }
        }
    }
}
