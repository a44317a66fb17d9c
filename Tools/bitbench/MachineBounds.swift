import BitCore
import CBitBenchProbes

/// The bounds a kernel cannot beat, measured at start: how fast the cores read memory, and how
/// fast one core multiplies int8 on registers alone.
enum MachineBounds {
    /// Cache and memory levels the read probe measures, by buffer size.
    static let levels: [(name: String, bytes: Int)] = [
        ("L2", 512 << 10), ("L3", 16 << 20), ("DRAM", 1 << 30),
    ]

    /// A buffer of `bytes` bytes (64-byte aligned) with every page written, for `readBandwidth`.
    static func filledBuffer(bytes: Int) -> UnsafeMutableRawBufferPointer {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes, alignment: 64)
        buffer.initializeMemory(as: UInt8.self, repeating: 0x5A)
        return buffer
    }

    /// Bytes per second read from `buffer` (64-byte aligned), each thread of `threads` (or the
    /// calling thread alone) reading its own contiguous share in order with the widest loads the
    /// CPU has: best of repeated passes.
    static func readBandwidth(of buffer: UnsafeRawBufferPointer, threads: KernelThreadPool?, timing: Timing) -> Double {
        let lines = buffer.count / 128
        let base = buffer.baseAddress!
        // The C functions return checksums so that their loads stay; the calls themselves are opaque.
        let seconds = timing.best {
            if let threads {
                threads.run { index, count in
                    let first = lines * index / count, end = lines * (index + 1) / count
                    _ = bitbench_read(base + first * 128, (end - first) * 128)
                }
            } else {
                _ = bitbench_read(base, lines * 128)
            }
        }.seconds
        return Double(lines * 128) / seconds
    }

    /// Multiply-accumulates per second of AVX-512 VNNI VPDPBUSD on registers alone, one core: the
    /// ceiling of the VNNI kernels once decode and loads are free. Nil where the CPU lacks VNNI.
    static func vnniPeak(timing: Timing) -> Double? {
        guard bitbench_has_vnni() != 0 else { return nil }
        let rounds = 1 << 16
        let seconds = timing.best { _ = bitbench_vnni_peak(rounds) }.seconds
        return Double(rounds * 1_024) / seconds
    }
}
