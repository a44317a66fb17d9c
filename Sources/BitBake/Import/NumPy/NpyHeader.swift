/// The preamble and header of an `.npy` array: format version, element type, byte order, shape
/// and memory order, all checked (see ``NpyReader``).
struct NpyHeader: Sendable {
    /// The dtype string as numpy wrote it, such as `<f4`.
    let descr: String
    let type: TensorElementType
    let byteOrder: ByteOrder
    let shape: CheckedShape
    let isFortranOrder: Bool
    /// Where the array data begins, from the start of the file.
    let dataOffset: Int

    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    private static let requiredKeys: Set = ["descr", "fortran_order", "shape"]

    init(_ file: UnsafeRawBufferPointer, limits: ImportLimits, context: ErrorContext) throws(ModelFileError) {
        guard let preamble = file.checkedSlice(offset: 0, count: 10) else {
            throw context.error(.truncated, "file has \(file.count) bytes, fewer than the 10-byte .npy preamble")
        }
        guard preamble.prefix(6).elementsEqual(Self.magic) else {
            throw context.error(.malformed, "not a NumPy .npy array: it does not begin with \\x93NUMPY")
        }
        let (major, minor) = (preamble[6], preamble[7])
        let headerStart: Int
        let headerLength: Int
        switch (major, minor) {
        case (1, 0):
            headerStart = 10
            headerLength = Int(preamble.littleEndian(UInt16.self, at: 8))
        case (2, 0), (3, 0):
            guard let lengthField = file.checkedSlice(offset: 8, count: 4) else {
                throw context.error(.truncated, "file ends inside the 4-byte header length of format \(major).\(minor)")
            }
            headerStart = 12
            headerLength = Int(lengthField.littleEndian(UInt32.self, at: 0))
        default:
            throw context.error(.unsupported, "format version \(major).\(minor); BitBake reads 1.0, 2.0 and 3.0")
        }
        guard headerLength <= limits.maximumNpyHeaderBytes else {
            throw context.error(.limitExceeded, "header length \(headerLength) exceeds the limit of \(limits.maximumNpyHeaderBytes) bytes")
        }
        guard let headerText = file.checkedSlice(offset: headerStart, count: headerLength) else {
            throw context.error(.truncated, "header length \(headerLength) exceeds the \(file.count - headerStart) bytes after the preamble")
        }
        let entries: [(key: String, value: PythonLiteral)]
        do {
            entries = try PythonLiteralParser.parseDictionary(headerText)
        } catch {
            throw context.error(.malformed, "header is not a dict literal (byte \(error.offset): \(error.reason))")
        }
        var fields: [String: PythonLiteral] = [:]
        for entry in entries {
            guard Self.requiredKeys.contains(entry.key) else {
                throw context.error(.malformed, "header has unexpected key '\(entry.key)'")
            }
            guard fields.updateValue(entry.value, forKey: entry.key) == nil else {
                throw context.error(.malformed, "header key '\(entry.key)' appears twice")
            }
        }
        guard let descrValue = fields["descr"], let fortranValue = fields["fortran_order"], let shapeValue = fields["shape"] else {
            let missing = Self.requiredKeys.subtracting(fields.keys).sorted()
            throw context.error(.malformed, "header lacks key '\(missing.joined(separator: "', '"))'")
        }

        (descr, type, byteOrder) = try Self.elementType(of: descrValue, context: context)
        guard case .boolean(let isFortranOrder) = fortranValue else {
            throw context.error(.malformed, "fortran_order is \(fortranValue.repr), expected True or False")
        }
        guard case .tuple(let elements) = shapeValue, let dimensions = Self.integers(elements) else {
            throw context.error(.malformed, "shape is \(shapeValue.repr), expected a tuple of integers")
        }
        self.shape = try CheckedShape(dimensions, of: type, typeName: "'\(descr)'", limits: limits, context: context)
        self.isFortranOrder = isFortranOrder
        self.dataOffset = headerStart + headerLength
    }

    private static func integers(_ elements: [PythonLiteral]) -> [Int]? {
        var integers: [Int] = []
        for element in elements {
            guard case .integer(let integer) = element else { return nil }
            integers.append(integer)
        }
        return integers
    }

    /// Maps a dtype string (byte order, kind, size) to an element type: `<f4`, `>i8`, `|u1` ...
    private static func elementType(
        of descr: PythonLiteral, context: ErrorContext
    ) throws(ModelFileError) -> (String, TensorElementType, ByteOrder) {
        guard case .string(let descr) = descr else {
            if case .list = descr {
                throw context.error(.unsupported, "structured dtype \(descr.repr) is not supported; save one plain numeric array per name")
            }
            throw context.error(.malformed, "descr is \(descr.repr), expected a dtype string such as '<f4'")
        }
        if descr.dropFirst().hasPrefix("O") {
            throw context.error(.unsupported, "pickled object array (dtype '\(descr)') is not supported: BitBake reads numeric arrays and never unpickles")
        }
        let types: [String: TensorElementType] = [
            "f2": .float16, "f4": .float32, "f8": .float64,
            "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64, "u1": .uint8, "b1": .bool,
        ]
        guard let order = descr.first, let type = types[String(descr.dropFirst())],
              order == "<" || order == ">" || (order == "|" && type.byteSize == 1)
        else {
            throw context.error(.unsupported, "unsupported dtype '\(descr)'; BitBake reads f2, f4, f8, i1, i2, i4, i8, u1 and b1 in either byte order")
        }
        return (descr, type, order == ">" ? .bigEndian : .littleEndian)
    }
}
