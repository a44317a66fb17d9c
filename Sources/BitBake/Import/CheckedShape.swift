/// A shape read from a file, with its element and byte counts computed under overflow checks.
///
/// Built before any tensor memory is allocated: a header claiming 2^40 elements produces a valid
/// `CheckedShape` whose `byteCount` the reader then compares with the bytes really present.
struct CheckedShape: Sendable {
    let dimensions: [Int]
    let elementCount: Int
    let byteCount: Int

    /// - Parameter typeName: the element type as the file spells it ("F32", "'<f4'"), for messages.
    init(
        _ dimensions: [Int], of type: TensorElementType, typeName: String,
        limits: ImportLimits, context: ErrorContext
    ) throws(ModelFileError) {
        guard dimensions.count <= limits.maximumRank else {
            throw context.error(.limitExceeded, "shape has \(dimensions.count) dimensions, more than the limit of \(limits.maximumRank)")
        }
        var elementCount = 1
        for dimension in dimensions {
            guard dimension >= 0 else {
                throw context.error(.malformed, "shape \(dimensions) has a negative dimension \(dimension)")
            }
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw context.error(.limitExceeded, "shape \(dimensions) overflows: more than \(Int.max) elements")
            }
            elementCount = product
        }
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: type.byteSize)
        guard !overflow else {
            throw context.error(.limitExceeded, "shape \(dimensions) of \(typeName) overflows: more than \(Int.max) bytes")
        }
        self.dimensions = dimensions
        self.elementCount = elementCount
        self.byteCount = byteCount
    }
}
