/// Request latencies in fixed buckets, for the `stats` percentiles without storing samples.
///
/// Log-linear buckets (as HdrHistogram): exact below 8 ns, then eight buckets per power of two, so a
/// percentile is reported as its bucket's upper bound, at most 12.5% above the true value. Values
/// from 2^48 ns (3 days) up share the last bucket.
struct LatencyHistogram {
    private static let subBuckets = 8
    private static let bucketCount = 8 + 45 * 8
    private var buckets = InlineArray<368, UInt64>(repeating: 0)
    private(set) var total: UInt64 = 0

    mutating func record(nanoseconds: UInt64) {
        buckets[Self.bucket(of: nanoseconds)] &+= 1
        total &+= 1
    }

    /// The upper bound of the bucket holding the `percent`-th percentile (nearest rank), or 0 when
    /// nothing was recorded.
    func percentile(_ percent: UInt64) -> UInt64 {
        guard total > 0 else { return 0 }
        let rank = max(1, (total * percent + 99) / 100)
        var seen: UInt64 = 0
        for index in 0..<Self.bucketCount {
            seen += buckets[index]
            if seen >= rank { return Self.upperBound(of: index) }
        }
        return Self.upperBound(of: Self.bucketCount - 1)
    }

    static func bucket(of value: UInt64) -> Int {
        if value < 8 { return Int(value) }
        let power = min(63 - value.leadingZeroBitCount, 47)
        let clamped = min(value, (1 << 48) - 1)
        let sub = Int(clamped >> UInt64(power - 3)) & 7
        return 8 + (power - 3) * subBuckets + sub
    }

    static func upperBound(of bucket: Int) -> UInt64 {
        if bucket < 8 { return UInt64(bucket) }
        let power = (bucket - 8) / subBuckets + 3
        let sub = UInt64((bucket - 8) % subBuckets)
        let width: UInt64 = 1 << UInt64(power - 3)
        return (8 + sub) * width + width - 1
    }
}
