/// Read bandwidth of this core at one buffer size: the bound a memory-bound kernel cannot beat.
enum MemoryBandwidth {
    /// Cache and memory levels the probe measures, by buffer size.
    static let levels: [(name: String, bytes: Int)] = [
        ("L2", 512 << 10), ("L3", 16 << 20), ("DRAM", 1 << 30),
    ]

    /// Bytes per second reading a buffer of `bytes` bytes sequentially (best of repeated passes).
    static func readBandwidth(bytes: Int, timing: Timing) -> Double {
        let count = bytes / 64
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count * 64, alignment: 64)
        defer { buffer.deallocate() }
        for index in 0..<buffer.count { buffer[index] = UInt8(truncatingIfNeeded: index) }
        var sink = SIMD16<UInt32>()
        let base = UnsafeRawPointer(buffer.baseAddress!)
        let seconds = timing.best {
            var a = SIMD16<UInt32>(), b = SIMD16<UInt32>()
            var index = 0
            while index + 1 < count {
                a &+= base.load(fromByteOffset: index * 64, as: SIMD16<UInt32>.self)
                b &+= base.load(fromByteOffset: (index + 1) * 64, as: SIMD16<UInt32>.self)
                index += 2
            }
            sink &+= a &+ b
        }.seconds
        precondition(sink.wrappedSum() != 1, "keeps the loads")  // never true for this data in practice
        return Double(count * 64) / seconds
    }
}
