/// SHA-256 (FIPS 180-4) in pure Swift: the daemon reports a blob's digest with it, the bake tool
/// records the source model's.
///
/// ```swift
/// let digest = SHA256.hash(bytes)                 // one shot over an UnsafeRawBufferPointer
///
/// var hasher = SHA256()                           // incremental, e.g. over a file read in chunks
/// hasher.update(chunk)
/// print(hasher.finalize())                        // 64 hex digits
/// ```
///
/// Hashing allocates nothing. About 330 MB/s in release builds on x86-64; not constant-time (it hashes
/// public files, not secrets).
public struct SHA256: Sendable {
    /// The eight working words.
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    /// Bytes of a block not yet compressed (`pendingCount` of them).
    private var pending = InlineArray<64, UInt8>(repeating: 0)
    private var pendingCount = 0
    /// Message bytes so far.
    private var length: UInt64 = 0

    /// Bytes per block.
    private static let blockSize = 64

    public init() {}

    /// The digest of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> Digest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> Digest {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var offset = 0
        if pendingCount > 0 {
            let taken = min(Self.blockSize - pendingCount, bytes.count)
            for index in 0..<taken { pending[pendingCount + index] = bytes[index] }
            pendingCount += taken
            offset = taken
            guard pendingCount == Self.blockSize else { return }
            compressPending()
        }
        while bytes.count - offset >= Self.blockSize {
            compress(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Self.blockSize]))
            offset += Self.blockSize
        }
        for index in offset..<bytes.count { pending[index - offset] = bytes[index] }
        pendingCount = bytes.count - offset
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Pads the message and returns its digest.
    public consuming func finalize() -> Digest {
        let bitLength = length &* 8
        // 0x80, zeros up to 56 mod 64, then the bit length big-endian.
        pending[pendingCount] = 0x80
        pendingCount += 1
        if pendingCount > Self.blockSize - 8 {
            for index in pendingCount..<Self.blockSize { pending[index] = 0 }
            compressPending()
        }
        for index in pendingCount..<Self.blockSize - 8 { pending[index] = 0 }
        for index in 0..<8 { pending[Self.blockSize - 8 + index] = UInt8(truncatingIfNeeded: bitLength >> (56 - 8 * index)) }
        compressPending()
        return Digest(
            UInt64(state.0) << 32 | UInt64(state.1), UInt64(state.2) << 32 | UInt64(state.3),
            UInt64(state.4) << 32 | UInt64(state.5), UInt64(state.6) << 32 | UInt64(state.7))
    }

    private mutating func compressPending() {
        let block = pending
        withUnsafeBytes(of: block) { compress($0) }
        pendingCount = 0
    }

    /// One block of the FIPS 180-4 compression function.
    private mutating func compress(_ block: UnsafeRawBufferPointer) {
        var schedule = InlineArray<64, UInt32>(repeating: 0)
        for t in 0..<16 { schedule[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self)) }
        for t in 16..<64 {
            let w15 = schedule[t - 15], w2 = schedule[t - 2]
            let s0 = rotate(w15, 7) ^ rotate(w15, 18) ^ (w15 >> 3)
            let s1 = rotate(w2, 17) ^ rotate(w2, 19) ^ (w2 >> 10)
            schedule[t] = schedule[t - 16] &+ s0 &+ schedule[t - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, h) = state
        for t in 0..<64 {
            let s1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
            let choice = (e & f) ^ (~e & g)
            let t1 = h &+ s1 &+ choice &+ Self.roundConstants[t] &+ schedule[t]
            let s0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ majority
            (h, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
        }
        state = (
            state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d,
            state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h
        )
    }

    @inline(__always)
    private func rotate(_ value: UInt32, _ count: UInt32) -> UInt32 {
        value >> count | value << (32 - count)
    }

    private static let roundConstants: InlineArray<64, UInt32> = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}

extension SHA256 {
    /// A 32-byte SHA-256 digest: a collection of its bytes, printed as 64 hex digits.
    public struct Digest: Hashable, Sendable, RandomAccessCollection, CustomStringConvertible {
        /// The digest as four big-endian 64-bit words.
        private let words: (UInt64, UInt64, UInt64, UInt64)

        init(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
            words = (w0, w1, w2, w3)
        }

        public var startIndex: Int { 0 }
        public var endIndex: Int { 32 }

        public subscript(position: Int) -> UInt8 {
            precondition(position >= 0 && position < 32, "digest byte index out of range")
            let word: UInt64
            switch position >> 3 {
            case 0: word = words.0
            case 1: word = words.1
            case 2: word = words.2
            default: word = words.3
            }
            return UInt8(truncatingIfNeeded: word >> (56 - 8 * UInt64(position & 7)))
        }

        /// 64 lower-case hex digits.
        public var description: String { Hex.string(self) }

        public static func == (lhs: Digest, rhs: Digest) -> Bool {
            lhs.words == rhs.words
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
            hasher.combine(words.2)
            hasher.combine(words.3)
        }
    }
}
