import BitBlob

/// The numbers a check produced, kept to compare kernels with one another and digested for the
/// golden line.
struct Transcript: Equatable {
    private(set) var values: [Int64] = []

    mutating func append(_ value: Int64) {
        values.append(value)
    }

    mutating func append(_ buffer: UnsafeBufferPointer<Int32>) {
        for value in buffer { values.append(Int64(value)) }
    }

    /// The first 16 hex digits of the SHA-256 of the values as little-endian int64.
    var digest: String {
        var hasher = SHA256()
        for value in values {
            withUnsafeBytes(of: value.littleEndian) { hasher.update($0) }
        }
        return Hex.string(hasher.finalize().prefix(8))
    }

    /// The first index where two transcripts differ, with both values (nil when equal).
    func firstDifference(from other: Transcript) -> (index: Int, expected: Int64?, actual: Int64?)? {
        for index in 0..<max(values.count, other.values.count) {
            let expected = index < other.values.count ? other.values[index] : nil
            let actual = index < values.count ? values[index] : nil
            if expected != actual { return (index, expected, actual) }
        }
        return nil
    }
}
