import BitCore

/// Why a blob was refused, or why contents could not be written. Every case carries the section,
/// layer or field it is about and the values that were wrong; `description` says what the defect
/// is.
///
/// The reader's cases follow the checks of docs/bitblob.md in order; then come the writer's and
/// the compressed container's.
public enum BitBlobError: Error, Hashable, Sendable, CustomStringConvertible {
    // MARK: Header (check 1)

    /// The buffer is shorter than the header.
    case truncatedHeader(size: Int)
    /// The buffer does not start at a multiple of `alignment`, which the in-place arrays need.
    case misalignedBuffer(address: UInt, alignment: Int)
    /// The first eight bytes are not `BITBLOB\0` (`found` is them read little-endian).
    case badMagic(found: UInt64)
    case unsupportedMajorVersion(found: UInt16, supported: UInt16)
    case headerSize(found: UInt32, expected: Int)
    case headerCRC(stored: UInt32, computed: UInt32)
    /// The header's file size is not the buffer's: the file was truncated or extended.
    case fileSize(declared: UInt64, actual: Int)
    /// A reserved field (header, table entry, record, container) has a non-zero byte at `offset`.
    case nonZeroReserved(field: String, offset: Int, value: UInt8)

    // MARK: Section table (check 2)

    case sectionCount(found: UInt32, maximum: Int)
    /// The table of `sectionCount` entries would end past the file.
    case tableOutOfBounds(sectionCount: Int, tableEnd: Int, fileSize: Int)
    case tableCRC(stored: UInt32, computed: UInt32)

    // MARK: Sections (check 3)

    /// The section's offset is not a multiple of 64.
    case sectionMisaligned(BitBlobSection)
    /// The section starts before the table ends.
    case sectionInsideTable(BitBlobSection, tableEnd: Int)
    /// The section starts before the previous one ends (overlapping or out of order).
    case sectionOverlap(BitBlobSection, previousEnd: Int)
    /// The section ends past the file (or its end overflows).
    case sectionOutOfBounds(BitBlobSection, fileSize: Int)
    /// A byte between or after the sections is not zero.
    case nonZeroPadding(offset: Int, value: UInt8)
    /// The section's bytes do not match its stored CRC (`section.crc`).
    case sectionCRC(BitBlobSection, computed: UInt32)

    // MARK: Structure (check 4)

    /// No section of `kind` for layer `index` (0 for model-wide kinds).
    case missingSection(kind: BitBlobSectionKind, index: Int)
    /// A second section of a known kind for the same index.
    case duplicateSection(BitBlobSection, first: BitBlobSection)
    /// A known section's index is not one it may have.
    case sectionIndex(BitBlobSection, expected: String)
    /// A `BIAS` section for a layer whose `LAYR` says it has no bias.
    case unexpectedBias(BitBlobSection)

    // MARK: Fields (check 5)

    /// A `MODL`, `LAYR` or `PROV` field holds a value outside its range.
    case fieldOutOfRange(BitBlobSection, field: String, value: Int64, expected: String)
    /// The section's length is not what the shapes imply.
    case sectionLength(BitBlobSection, expected: Int, reason: String)
    /// `MODL`'s input or output features differ from the first layer's inputs or last layer's outputs.
    case modelFeatures(field: String, stored: Int, layers: Int)
    /// Layer `layer` has `inputs` inputs but the layer before it has `previousOutputs` outputs.
    case chainBreak(layer: Int, inputs: Int, previousOutputs: Int)
    /// The packed weights are not a valid matrix of the layer's shape and packing.
    case invalidWeights(layer: Int, BitCoreError)
    /// A float value (weight scale, bias, static input scale) is not `expected`.
    case invalidValue(layer: Int, field: String, index: Int, bitPattern: UInt32, expected: String)
    /// A weight multiplier is zero or negative.
    case multiplierNotPositive(layer: Int, output: Int, value: Int32)
    /// The largest weight multiplier is below 2^30.
    case multipliersNotNormalized(layer: Int, largest: Int32)
    /// The largest bias mantissa magnitude is outside 2^30 ... 2^31 - 1 (and not an all-zero bias
    /// with shift 0).
    case biasNotNormalized(layer: Int, largestMagnitude: UInt32, shift: Int32)
    /// A `PROV` text field is not UTF-8.
    case invalidUTF8(BitBlobSection, field: String)

    // MARK: Arena (check 6)

    /// `MODL`'s arena figure differs from `ArenaPlan`'s for the validated shapes.
    case arenaMismatch(field: String, stored: UInt64, expected: Int)

    // MARK: Writer

    /// Only int8 activations are bakeable.
    case unbakeableActivationDType(BitQuantConfig.ActivationDType)
    case layerCount(Int, maximum: Int)
    /// A layer's inputs or outputs are outside `1 ... maximum`.
    case layerDimension(layer: Int, field: String, value: Int, maximum: Int)
    /// A layer has `count` weight scales or biases where `expected` are needed.
    case valueCount(layer: Int, field: String, count: Int, expected: Int)
    /// A weight scale is so much larger than the layer's smallest that its multiplier rounds to 0.
    case multiplierUnderflow(layer: Int, output: Int, scaleBits: UInt32)
    /// A static input scale is missing (per_tensor) or present (per_token).
    case staticInputScale(layer: Int, granularity: BitQuantConfig.ActivationGranularity, present: Bool)
    /// The source SHA-256 is not 32 bytes.
    case provenanceDigestLength(Int)
    case provenanceFieldTooLong(field: String, length: Int)

    // MARK: Compressed container

    /// The buffer is shorter than the 24-byte container header.
    case truncatedContainer(size: Int)
    /// The first eight bytes are not `BITBLOBZ`.
    case badContainerMagic(found: UInt64)
    case uncompressedSizeTooLarge(declared: UInt64, maximum: UInt64)
    /// The destination buffer is not exactly the declared uncompressed size.
    case destinationSize(expected: Int, actual: Int)
    /// The stream (or its input) ended after `produced` of the `expected` bytes.
    case streamEndedEarly(produced: Int, expected: Int)
    /// The stream holds more than the `expected` bytes.
    case streamTooLong(expected: Int)
    /// Bytes follow the end of the zlib stream.
    case trailingData(count: Int)
    /// zlib found the stream corrupt (including a wrong Adler-32).
    case corruptStream(message: String)
    case uncompressedCRC(stored: UInt32, computed: UInt32)
    /// A zlib call failed for a reason other than the data (memory, a bad level).
    case zlib(function: String, code: Int32)

    public var description: String {
        switch self {
        case .truncatedHeader(let size):
            return "truncated: the file has \(size) bytes, fewer than the \(BitBlobFormat.headerSize)-byte header"
        case .misalignedBuffer(let address, let alignment):
            return "the blob's buffer at 0x\(Hex.digits(address)) is not aligned to \(alignment) bytes"
        case .badMagic(let found):
            return "not a .bitblob: magic 0x\(Hex.digits(found.byteSwapped)) is not BITBLOB\\0"
        case .unsupportedMajorVersion(let found, let supported):
            return "unsupported major version \(found) (this reader reads \(supported))"
        case .headerSize(let found, let expected):
            return "header size is \(found), expected \(expected)"
        case .headerCRC(let stored, let computed):
            return "header CRC-32 0x\(Hex.digits(stored)) does not match the header's 0x\(Hex.digits(computed))"
        case .fileSize(let declared, let actual):
            let defect = declared > UInt64(actual) ? "truncated" : "extended"
            return "\(defect): header says \(declared) bytes, file has \(actual)"
        case .nonZeroReserved(let field, let offset, let value):
            return "\(field): byte at offset \(offset) is 0x\(Hex.digits(value)), expected 0"
        case .sectionCount(let found, let maximum):
            return "section count \(found) is outside 1 ... \(maximum)"
        case .tableOutOfBounds(let sectionCount, let tableEnd, let fileSize):
            return "a table of \(sectionCount) sections ends at \(tableEnd), past the file's \(fileSize) bytes"
        case .tableCRC(let stored, let computed):
            return "section table CRC-32 0x\(Hex.digits(stored)) does not match the table's 0x\(Hex.digits(computed))"
        case .sectionMisaligned(let section):
            return "\(section) is not aligned to \(BitBlobFormat.sectionAlignment) bytes"
        case .sectionInsideTable(let section, let tableEnd):
            return "\(section) starts inside the section table, which ends at \(tableEnd)"
        case .sectionOverlap(let section, let previousEnd):
            return "\(section) starts before the previous section ends at \(previousEnd)"
        case .sectionOutOfBounds(let section, let fileSize):
            return "\(section) with length \(section.length) ends past the file's \(fileSize) bytes"
        case .nonZeroPadding(let offset, let value):
            return "padding byte at offset \(offset) is 0x\(Hex.digits(value)), expected 0"
        case .sectionCRC(let section, let computed):
            return "\(section): stored CRC-32 0x\(Hex.digits(section.crc)) does not match the bytes' 0x\(Hex.digits(computed))"
        case .missingSection(let kind, let index):
            return "no \(kind) section for index \(index)"
        case .duplicateSection(let section, let first):
            return "\(section) repeats \(first)"
        case .sectionIndex(let section, let expected):
            return "\(section) has index \(section.index), expected \(expected)"
        case .unexpectedBias(let section):
            return "\(section) belongs to a layer whose LAYR says it has no bias"
        case .fieldOutOfRange(let section, let field, let value, let expected):
            return "\(section): \(field) is \(value), expected \(expected)"
        case .sectionLength(let section, let expected, let reason):
            return "\(section) has length \(section.length), expected \(expected) for \(reason)"
        case .modelFeatures(let field, let stored, let layers):
            return "MODL \(field) is \(stored), but the layers have \(layers)"
        case .chainBreak(let layer, let inputs, let previousOutputs):
            return "layer \(layer) has \(inputs) inputs, but layer \(layer - 1) has \(previousOutputs) outputs"
        case .invalidWeights(let layer, let error):
            return "layer \(layer) weights: \(error)"
        case .invalidValue(let layer, let field, let index, let bitPattern, let expected):
            return "layer \(layer) \(field) [\(index)] is \(Float(bitPattern: bitPattern)), expected \(expected)"
        case .multiplierNotPositive(let layer, let output, let value):
            return "layer \(layer) weight multiplier [\(output)] is \(value), expected a positive value"
        case .multipliersNotNormalized(let layer, let largest):
            return "layer \(layer) largest weight multiplier is \(largest), expected 2^30 ... 2^31-1"
        case .biasNotNormalized(let layer, let largestMagnitude, let shift):
            return "layer \(layer) largest bias mantissa magnitude is \(largestMagnitude) with shift \(shift), "
                + "expected 2^30 ... 2^31-1 (or an all-zero bias with shift 0)"
        case .invalidUTF8(let section, let field):
            return "\(section): \(field) is not UTF-8"
        case .arenaMismatch(let field, let stored, let expected):
            return "MODL \(field) is \(stored), but the layer shapes need \(expected)"
        case .unbakeableActivationDType(let dtype):
            return "activation dtype \(dtype.name) is not bakeable (the integer runtime needs int8)"
        case .layerCount(let count, let maximum):
            return "\(count) layers, expected 1 ... \(maximum)"
        case .layerDimension(let layer, let field, let value, let maximum):
            return "layer \(layer) has \(value) \(field), expected 1 ... \(maximum)"
        case .valueCount(let layer, let field, let count, let expected):
            return "layer \(layer) has \(count) \(field), expected \(expected)"
        case .multiplierUnderflow(let layer, let output, let scaleBits):
            return "layer \(layer) weight scale [\(output)] = \(Float(bitPattern: scaleBits)) is over 2^31 times "
                + "the layer's smallest: its multiplier rounds to 0"
        case .staticInputScale(let layer, let granularity, let present):
            return present
                ? "layer \(layer) has a static input scale, but \(granularity.name) activations take none"
                : "layer \(layer) has no static input scale, which \(granularity.name) activations need"
        case .provenanceDigestLength(let length):
            return "source SHA-256 has \(length) bytes, expected \(BitBlobFormat.digestSize)"
        case .provenanceFieldTooLong(let field, let length):
            return "provenance \(field) has \(length) bytes, more than a 4-byte length holds"
        case .truncatedContainer(let size):
            return "truncated: \(size) bytes, fewer than the \(BitBlobCompression.headerSize)-byte container header"
        case .badContainerMagic(let found):
            return "not a compressed .bitblob: magic 0x\(Hex.digits(found.byteSwapped)) is not BITBLOBZ"
        case .uncompressedSizeTooLarge(let declared, let maximum):
            return "uncompressed size \(declared) exceeds \(maximum) (or this platform's address space)"
        case .destinationSize(let expected, let actual):
            return "destination holds \(actual) bytes, expected exactly the uncompressed size \(expected)"
        case .streamEndedEarly(let produced, let expected):
            return "compressed stream ends after \(produced) of \(expected) bytes"
        case .streamTooLong(let expected):
            return "compressed stream holds more than the declared \(expected) bytes"
        case .trailingData(let count):
            return "\(count) bytes follow the end of the compressed stream"
        case .corruptStream(let message):
            return "compressed stream is corrupt: \(message)"
        case .uncompressedCRC(let stored, let computed):
            return "uncompressed CRC-32 0x\(Hex.digits(stored)) does not match the inflated bytes' 0x\(Hex.digits(computed))"
        case .zlib(let function, let code):
            return "zlib \(function) failed with code \(code)"
        }
    }
}
