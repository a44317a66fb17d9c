import CBitKernels

/// A fixed set of threads, made once at start-up, that `TernaryKernel.multiply` splits large
/// products over (rows are divided among the threads; each computes its rows exactly as one
/// thread would, so results do not depend on the thread count).
///
/// ```swift
/// let threads = KernelThreadPool(threads: 2)!        // the caller plus one worker
/// try kernel.multiply(weights: w, layout: layout, activations: x, batch: 1, output: y, threads: threads)
/// ```
///
/// Between products the workers poll for about 200 microseconds, then sleep on a condition
/// variable; waking a sleeping worker costs microseconds (about 20 in a virtual machine), so
/// products below `minimumParallelMACs` multiply-accumulates run on the calling thread alone. A pool
/// runs one product at a time; do not share one pool between threads that multiply concurrently.
public final class KernelThreadPool {
    let pool: OpaquePointer

    /// The number of threads, the calling thread included.
    public let count: Int

    /// Products smaller than this many multiply-accumulates stay on the calling thread.
    public let minimumParallelMACs: Int

    /// Starts `threads - 1` workers; nil when `threads` is outside 1...64 or a thread cannot start.
    ///
    /// - Parameter minimumParallelMACs: the smallest product split over the threads. The default,
    ///   2^22 (about 20 microseconds of work for the fast kernels), keeps the wake-up cost below a
    ///   tenth of the work.
    public init?(threads: Int, minimumParallelMACs: Int = 1 << 22) {
        guard threads >= 1, threads <= Int(BITK_MAX_THREADS), let pool = bitk_pool_create(Int32(threads)) else {
            return nil
        }
        self.pool = pool
        self.count = threads
        self.minimumParallelMACs = minimumParallelMACs
    }

    deinit {
        bitk_pool_destroy(pool)
    }

    /// Whether `TernaryKernel.multiply` splits a product of `layout` by `batch` vectors over the
    /// threads: it needs at least `minimumParallelMACs` multiply-accumulates and 16 rows (one row
    /// group of the fast kernels) per thread; other products run on the calling thread.
    public func splits(_ layout: TernaryMatrixLayout, batch: Int) -> Bool {
        let macs = layout.weightCount.multipliedReportingOverflow(by: batch)
        return count > 1 && (macs.overflow || macs.partialValue >= minimumParallelMACs) && layout.rows >= 16 * count
    }

    /// Calls `body(index, count)` once on every thread of the pool, the calling thread as index 0,
    /// and returns when every call has returned.
    ///
    /// The calls run at the same time: `body` must keep each index to its own data (writes to
    /// shared state need their own synchronisation), and must not run this pool or multiply with
    /// it, which would wait for itself.
    public func run(_ body: (_ index: Int, _ count: Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            var task = body
            withUnsafeMutablePointer(to: &task) { context in
                bitk_pool_run(pool, { context, index, count in
                    context!.assumingMemoryBound(to: ((Int, Int) -> Void).self).pointee(Int(index), Int(count))
                }, context)
            }
        }
    }
}
