/// One tensor's entry in a safetensors header, checked on its own: known dtype, valid shape, ordered
/// offsets inside the data area, and a byte length that matches the shape.
struct SafetensorsEntry: Sendable {
    let name: String
    let type: TensorElementType
    let shape: CheckedShape
    /// Byte range within the data area (the bytes after the header).
    let dataRange: Range<Int>

    /// Reads the entry for tensor `name` from its JSON value.
    ///
    /// - Parameter dataAreaCount: bytes in the file after the header.
    init(
        name: String, json: JSONValue, dataAreaCount: Int,
        limits: ImportLimits, fileContext: ErrorContext
    ) throws(ModelFileError) {
        let context = fileContext.narrowed(to: "tensor '\(name)'")
        let fields = try Self.fields(of: json, context: context)

        guard case .string(let dtype)? = fields["dtype"] else {
            throw context.error(.malformed, "dtype is \(fields["dtype"]?.summary ?? "missing"), expected a string such as \"F32\"")
        }
        guard let type = TensorElementType(rawValue: dtype) else {
            throw fileContext.error(.unsupported, "unsupported dtype \(dtype) in tensor \(name)")
        }
        guard let dimensions = fields["shape"]?.integers else {
            throw context.error(.malformed, "shape is \(fields["shape"]?.summary ?? "missing"), expected an array of integers")
        }
        guard let offsets = fields["data_offsets"]?.integers, offsets.count == 2 else {
            throw context.error(.malformed, "data_offsets is \(fields["data_offsets"]?.summary ?? "missing"), expected [begin, end]")
        }
        let shape = try CheckedShape(dimensions, of: type, typeName: dtype, limits: limits, context: context)
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, end >= 0 else {
            throw context.error(.malformed, "data_offsets \(offsets) are negative")
        }
        guard begin <= end else {
            throw context.error(.inconsistent, "data_offsets \(offsets) are reversed: begin is after end")
        }
        guard end <= dataAreaCount else {
            throw context.error(.truncated, "data_offsets \(offsets) reach past the end of the data area (\(dataAreaCount) bytes)")
        }
        guard end - begin == shape.byteCount else {
            throw context.error(.inconsistent, "data_offsets \(offsets) do not match shape \(dimensions) of \(dtype) (\(shape.byteCount) bytes)")
        }
        self.name = name
        self.type = type
        self.shape = shape
        self.dataRange = begin..<end
    }

    /// The entry's keys and values; unknown keys are kept (and ignored, as the reference does).
    private static func fields(of json: JSONValue, context: ErrorContext) throws(ModelFileError) -> [String: JSONValue] {
        guard case .object(let members) = json else {
            throw context.error(.malformed, "entry is \(json.summary), expected an object with dtype, shape and data_offsets")
        }
        var fields: [String: JSONValue] = [:]
        for member in members {
            guard fields.updateValue(member.value, forKey: member.key) == nil else {
                throw context.error(.malformed, "key '\(member.key)' appears twice")
            }
        }
        return fields
    }
}
