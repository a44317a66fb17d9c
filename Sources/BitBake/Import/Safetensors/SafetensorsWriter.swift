/// Encodes tensors in the safetensors format, laid out as the reference writer lays them out:
/// `__metadata__` first (keys sorted), then one entry per tensor in the order given, compact JSON,
/// the header padded with spaces to a multiple of 8 bytes, and the data contiguous in the same order.
///
/// The reference writer also sorts tensors by alignment then name; we keep the caller's order, so
/// the bytes match the reference exactly when the caller gives that order. Each tensor is written
/// as its `storedType`, values checked to fit (see ``writableTypes``).
enum SafetensorsWriter {
    /// F16 and BF16 are read but not written: rounding floats to them is a quantizer's decision.
    static let writableTypes: [TensorElementType] = [.float64, .float32, .int64, .int32, .int16, .int8, .uint8, .bool]

    static func encode(_ file: ModelFile, context: ErrorContext) throws(ModelFileError) -> [UInt8] {
        var headerEntries: [String] = []
        if !file.metadata.isEmpty {
            let pairs = file.metadata.sorted { $0.key < $1.key }.map { "\($0.key.jsonStringLiteral):\($0.value.jsonStringLiteral)" }
            headerEntries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var names: Set<String> = []
        var dataCount = 0
        for tensor in file.tensors {
            let context = context.narrowed(to: "tensor '\(tensor.name)'")
            guard tensor.name != "__metadata__", names.insert(tensor.name).inserted else {
                throw context.error(.inconsistent, "the name is reserved or used twice")
            }
            let (end, overflow) = dataCount.addingReportingOverflow(try checkedByteCount(of: tensor, context: context))
            guard !overflow else { throw context.error(.limitExceeded, "the data area would exceed \(Int.max) bytes") }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            headerEntries.append("\(tensor.name.jsonStringLiteral):{\"dtype\":\"\(tensor.storedType.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(dataCount),\(end)]}")
            dataCount = end
        }
        var header = "{\(headerEntries.joined(separator: ","))}"
        header += String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.utf8.count + dataCount)
        bytes.appendLittleEndian(UInt64(header.utf8.count))
        bytes.append(contentsOf: header.utf8)
        for tensor in file.tensors {
            try appendData(of: tensor, to: &bytes, context: context.narrowed(to: "tensor '\(tensor.name)'"))
        }
        return bytes
    }

    /// Checks that the shape matches the values and that `storedType` can hold them; returns the byte count.
    private static func checkedByteCount(of tensor: ModelFile.Tensor, context: ErrorContext) throws(ModelFileError) -> Int {
        let type = tensor.storedType
        guard writableTypes.contains(type) else {
            throw context.error(.unsupported, "cannot write dtype \(type.rawValue); the writer stores \(writableTypes.map(\.rawValue).joined(separator: ", "))")
        }
        if case .float = tensor.values, !type.isFloatingPoint {
            throw context.error(.inconsistent, "holds float values but its dtype is \(type.rawValue)")
        }
        if case .integer = tensor.values, type.isFloatingPoint {
            throw context.error(.inconsistent, "holds integer values but its dtype is \(type.rawValue)")
        }
        let shape = try CheckedShape(tensor.shape, of: type, typeName: type.rawValue, limits: .standard, context: context)
        guard shape.elementCount == tensor.elementCount else {
            throw context.error(.inconsistent, "shape \(tensor.shape) has \(shape.elementCount) elements but the tensor holds \(tensor.elementCount) values")
        }
        return shape.byteCount
    }

    private static func appendData(of tensor: ModelFile.Tensor, to bytes: inout [UInt8], context: ErrorContext) throws(ModelFileError) {
        switch (tensor.values, tensor.storedType) {
        case (.float(let values), .float64):
            for value in values { bytes.appendLittleEndian(Double(value).bitPattern) }
        case (.float(let values), _):
            for value in values { bytes.appendLittleEndian(value.bitPattern) }
        case (.integer(let values), .int32):
            try appendNarrowed(values, as: Int32.self, typeName: "I32", to: &bytes, context: context)
        case (.integer(let values), .int16):
            try appendNarrowed(values, as: Int16.self, typeName: "I16", to: &bytes, context: context)
        case (.integer(let values), .int8):
            try appendNarrowed(values, as: Int8.self, typeName: "I8", to: &bytes, context: context)
        case (.integer(let values), .uint8):
            try appendNarrowed(values, as: UInt8.self, typeName: "U8", to: &bytes, context: context)
        case (.integer(let values), .bool):
            try appendNarrowed(values, as: UInt8.self, in: 0...1, typeName: "BOOL", to: &bytes, context: context)
        case (.integer(let values), _):
            for value in values { bytes.appendLittleEndian(value) }
        }
    }

    private static func appendNarrowed<Narrow: FixedWidthInteger>(
        _ values: [Int64], as _: Narrow.Type, in range: ClosedRange<Int64>? = nil, typeName: String,
        to bytes: inout [UInt8], context: ErrorContext
    ) throws(ModelFileError) {
        for (index, value) in values.enumerated() {
            guard let narrow = Narrow(exactly: value), range?.contains(value) ?? true else {
                throw context.error(.inconsistent, "value \(value) at index \(index) does not fit \(typeName)")
            }
            bytes.appendLittleEndian(narrow)
        }
    }
}

extension [UInt8] {
    mutating func appendLittleEndian<Integer: FixedWidthInteger>(_ value: Integer) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
