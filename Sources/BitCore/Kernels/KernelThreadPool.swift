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
/// Running a product wakes the workers through a condition variable, which costs microseconds:
/// small layers run on the calling thread alone (`minimumParallelMACs`). A pool runs one product
/// at a time; do not share one pool between threads that multiply concurrently.
public final class KernelThreadPool {
    let pool: OpaquePointer

    /// The number of threads, the calling thread included.
    public let count: Int

    /// Products smaller than this many multiply-accumulates stay on the calling thread.
    public static let minimumParallelMACs = 1 << 20

    /// Starts `threads - 1` workers; nil when `threads` is outside 1...64 or a thread cannot start.
    public init?(threads: Int) {
        guard threads >= 1, threads <= Int(BITK_MAX_THREADS), let pool = bitk_pool_create(Int32(threads)) else {
            return nil
        }
        self.pool = pool
        self.count = threads
    }

    deinit {
        bitk_pool_destroy(pool)
    }
}
