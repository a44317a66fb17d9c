/// The `PROV` section (docs/bitblob.md): four length-prefixed fields, each a 4-byte length then
/// that many bytes.
struct ProvenanceRecord {
    /// Where each field's bytes are within the section.
    let sourceName: Range<Int>
    let sourceSHA256: Range<Int>
    let toolVersion: Range<Int>
    let bakeOptions: Range<Int>

    /// Finds the fields of a `PROV` section and checks them: every length within the section, the
    /// fields filling it exactly, a 32-byte digest, UTF-8 text.
    ///
    /// - Throws: `BitBlobError.sectionLength`, `.fieldOutOfRange` or `.invalidUTF8`.
    init(validating bytes: UnsafeRawBufferPointer, section: BitBlobSection) throws(BitBlobError) {
        var position = 0
        func field(_ name: String) throws(BitBlobError) -> Range<Int> {
            guard bytes.count - position >= 4 else {
                throw .sectionLength(section, expected: position + 4, reason: "room for the \(name) length")
            }
            let length = bytes.littleEndian(UInt32.self, at: position)
            position += 4
            let left = bytes.count - position
            guard UInt64(length) <= UInt64(left) else {
                throw .fieldOutOfRange(
                    section, field: "\(name) length", value: Int64(length),
                    expected: "at most \(left), the bytes left in the section")
            }
            defer { position += Int(length) }
            return position..<position + Int(length)
        }
        sourceName = try field("source name")
        sourceSHA256 = try field("source SHA-256")
        toolVersion = try field("tool version")
        bakeOptions = try field("bake options")
        guard position == bytes.count else {
            throw .sectionLength(section, expected: position, reason: "the four provenance fields")
        }
        guard sourceSHA256.count == BitBlobFormat.digestSize else {
            throw .fieldOutOfRange(
                section, field: "source SHA-256 length", value: Int64(sourceSHA256.count),
                expected: "\(BitBlobFormat.digestSize)")
        }
        func checkText(_ range: Range<Int>, _ name: String) throws(BitBlobError) {
            guard Self.isUTF8(UnsafeRawBufferPointer(rebasing: bytes[range])) else {
                throw .invalidUTF8(section, field: name)
            }
        }
        try checkText(sourceName, "source name")
        try checkText(toolVersion, "tool version")
        try checkText(bakeOptions, "bake options")
    }

    /// The section bytes for `provenance`, whose fields the writer has checked.
    static func encode(_ provenance: BitBlobProvenance) -> [UInt8] {
        var writer = ByteWriter()
        for field in [Array(provenance.sourceName.utf8), provenance.sourceSHA256,
                      Array(provenance.toolVersion.utf8), Array(provenance.bakeOptions.utf8)] {
            writer.write(UInt32(field.count))
            writer.write(field)
        }
        return writer.bytes
    }

    private static func isUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
