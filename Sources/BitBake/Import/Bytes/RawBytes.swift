extension UnsafeRawBufferPointer {
    /// The `count` bytes at `offset`, or nil when any of them lies outside the buffer.
    ///
    /// Safe for offsets and counts straight from a file: negative values and sums that overflow give nil.
    func checkedSlice(offset: Int, count: Int) -> UnsafeRawBufferPointer? {
        guard offset >= 0, count >= 0 else { return nil }
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard !overflow, end <= self.count else { return nil }
        return UnsafeRawBufferPointer(rebasing: self[offset..<end])
    }

    /// The little-endian integer at `offset`, which the caller has checked to lie inside the buffer
    /// (typically a constant offset into a record obtained from ``checkedSlice(offset:count:)``).
    func littleEndian<Integer: FixedWidthInteger>(_: Integer.Type, at offset: Int) -> Integer {
        Integer(littleEndian: loadUnaligned(fromByteOffset: offset, as: Integer.self))
    }
}
