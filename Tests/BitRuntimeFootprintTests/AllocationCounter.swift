import Glibc
import MallocInterposerSwift
import Synchronization

/// Counts the heap allocations the calling thread makes while a closure runs, with
/// malloc-interposer (linked into the test process, it replaces `malloc`, `calloc`, `realloc`,
/// `posix_memalign`, `aligned_alloc` and `memalign` for every library in it).
///
/// The interposer's counters are process-wide, and the other test suites keep allocating on their
/// own threads while this one measures; so the interposer's per-allocation hook, which runs on the
/// allocating thread, counts only the allocations of the measuring thread. The closure must not
/// hand work to other threads (the runtime does not).
enum AllocationCounter {
    private static let measuredThread = Atomic<UInt>(0)
    private static let allocations = Atomic<Int>(0)
    private static let bytes = Atomic<Int>(0)

    /// What the calling thread allocated while `body` ran.
    struct Count: Equatable, CustomStringConvertible {
        var allocations: Int
        var bytes: Int
        var description: String { "\(allocations) allocations, \(bytes) bytes" }
    }

    /// Runs `body` with counting on and returns the calling thread's allocations.
    static func count(_ body: () throws -> Void) rethrows -> Count {
        // Touch the counters first so that no lazy global initialization happens inside the hook.
        allocations.store(0, ordering: .relaxed)
        bytes.store(0, ordering: .relaxed)
        measuredThread.store(pthread_self(), ordering: .relaxed)
        MallocInterposerSwift.setAllocationHook { size in
            guard pthread_self() == AllocationCounter.measuredThread.load(ordering: .relaxed) else { return }
            AllocationCounter.allocations.add(1, ordering: .relaxed)
            AllocationCounter.bytes.add(size, ordering: .relaxed)
        }
        MallocInterposerSwift.hook()
        defer { MallocInterposerSwift.setAllocationHook(nil) }
        do {
            defer { MallocInterposerSwift.unhook() }
            try body()
        }
        return Count(allocations: allocations.load(ordering: .relaxed), bytes: bytes.load(ordering: .relaxed))
    }
}
