/// Reads the safetensors format: an 8-byte little-endian header length, a UTF-8 JSON header, then
/// the data area that the header's `data_offsets` index into.
///
/// Everything is checked before any tensor memory is allocated:
/// - the header length is at most ``ImportLimits/maximumSafetensorsHeaderBytes`` (100 MB, as the
///   reference implementation) and fits in the file;
/// - the header is one JSON object, without duplicate keys; `__metadata__` maps strings to strings;
/// - each tensor entry has a known dtype, a shape whose byte count matches its offsets, and offsets
///   inside the data area (see ``SafetensorsEntry``);
/// - the tensors tile the data area exactly, as the reference implementation requires: sorted by
///   offset, each begins where the previous one ends and the last ends at the end of the file. So
///   overlaps, gaps and trailing bytes are all refused; no writer we know of produces them.
///
/// Tensors are returned in data-offset order, which is the order the writer laid them out.
enum SafetensorsReader {
    static func read(_ file: UnsafeRawBufferPointer, limits: ImportLimits, context: ErrorContext) throws(ModelFileError) -> ModelFile {
        guard let lengthField = file.checkedSlice(offset: 0, count: 8) else {
            throw context.error(.truncated, "file has \(file.count) bytes, fewer than the 8-byte header length")
        }
        let declaredLength = lengthField.littleEndian(UInt64.self, at: 0)
        guard declaredLength <= UInt64(limits.maximumSafetensorsHeaderBytes) else {
            throw context.error(.limitExceeded, "header length \(declaredLength) exceeds the limit of \(limits.maximumSafetensorsHeaderBytes) bytes")
        }
        let headerLength = Int(declaredLength)
        guard let header = file.checkedSlice(offset: 8, count: headerLength) else {
            throw context.error(.truncated, "header length \(headerLength) exceeds the \(file.count - 8) bytes after the length field")
        }
        let dataArea = UnsafeRawBufferPointer(rebasing: file[(8 + headerLength)...])

        let json: JSONValue
        do {
            json = try JSONParser.parse(header)
        } catch {
            throw context.error(.malformed, "header is not valid JSON at byte \(error.offset): \(error.reason)")
        }
        guard case .object(let members) = json else {
            throw context.error(.malformed, "header is \(json.summary), expected a JSON object")
        }

        var metadata: [String: String] = [:]
        var entries: [SafetensorsEntry] = []
        var seenKeys: Set<String> = []
        for member in members {
            guard seenKeys.insert(member.key).inserted else {
                throw context.error(.inconsistent, "key '\(member.key)' appears twice in the header")
            }
            if member.key == "__metadata__" {
                metadata = try readMetadata(member.value, context: context.narrowed(to: "__metadata__"))
            } else {
                entries.append(try SafetensorsEntry(
                    name: member.key, json: member.value, dataAreaCount: dataArea.count,
                    limits: limits, fileContext: context))
            }
        }

        let layout = try tile(entries, dataAreaCount: dataArea.count, context: context)
        let tensors = layout.map { entry in
            ModelFile.Tensor(
                name: entry.name,
                shape: entry.shape.dimensions,
                values: entry.type.decode(UnsafeRawBufferPointer(rebasing: dataArea[entry.dataRange]), byteOrder: .littleEndian),
                storedType: entry.type)
        }
        return ModelFile(tensors: tensors, metadata: metadata)
    }

    private static func readMetadata(_ json: JSONValue, context: ErrorContext) throws(ModelFileError) -> [String: String] {
        guard case .object(let members) = json else {
            throw context.error(.malformed, "is \(json.summary), expected an object of strings")
        }
        var metadata: [String: String] = [:]
        for member in members {
            guard case .string(let value) = member.value else {
                throw context.error(.malformed, "value of '\(member.key)' is \(member.value.summary), expected a string")
            }
            guard metadata.updateValue(value, forKey: member.key) == nil else {
                throw context.error(.malformed, "key '\(member.key)' appears twice")
            }
        }
        return metadata
    }

    /// The entries in data order, after checking that they cover the data area without overlap or gap.
    private static func tile(
        _ entries: [SafetensorsEntry], dataAreaCount: Int, context: ErrorContext
    ) throws(ModelFileError) -> [SafetensorsEntry] {
        // Header order breaks ties between empty tensors at the same offset (the sort is stable).
        let sorted = entries.enumerated().sorted {
            ($0.element.dataRange.lowerBound, $0.element.dataRange.upperBound, $0.offset)
                < ($1.element.dataRange.lowerBound, $1.element.dataRange.upperBound, $1.offset)
        }.map(\.element)

        var covered = 0
        var previous: SafetensorsEntry?
        for entry in sorted {
            if entry.dataRange.lowerBound < covered, let previous {
                throw context.error(.inconsistent, "tensors '\(previous.name)' (data_offsets \(describe(previous.dataRange))) and '\(entry.name)' (data_offsets \(describe(entry.dataRange))) overlap")
            }
            if entry.dataRange.lowerBound > covered {
                let position = previous.map { "between tensors '\($0.name)' and '\(entry.name)'" } ?? "before tensor '\(entry.name)'"
                throw context.error(.inconsistent, "data area bytes [\(covered), \(entry.dataRange.lowerBound)) \(position) belong to no tensor")
            }
            covered = entry.dataRange.upperBound
            previous = entry
        }
        if covered < dataAreaCount {
            let position = previous.map { "after tensor '\($0.name)'" } ?? "with no tensor in the header"
            throw context.error(.inconsistent, "data area bytes [\(covered), \(dataAreaCount)) \(position) belong to no tensor")
        }
        return sorted
    }

    private static func describe(_ range: Range<Int>) -> String {
        "[\(range.lowerBound), \(range.upperBound)]"
    }
}
