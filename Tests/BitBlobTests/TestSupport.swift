import BitCore
import BitLayers
@testable import BitBlob

/// Builds contents for a chain of layers with random ternary weights and float values.
enum Fixtures {
    static let provenance = BitBlobProvenance(
        sourceName: "digits-mlp.safetensors",
        sourceSHA256: Array(SHA256.hash(Array("source model".utf8))),
        toolVersion: "bitbake-model 0.1.0",
        bakeOptions: "packing=t3\nweights=per_tensor\n")

    /// `features` lists the chain: layer `l` maps `features[l]` inputs to `features[l + 1]` outputs.
    static func contents(
        features: [Int], config: BitQuantConfig = BitQuantConfig(), packing: TernaryPacking = .t3,
        bias: Bool = true, seed: UInt64 = 1
    ) -> BitBlobContents {
        var random = SplitMix64(seed: seed)
        var layers: [BitBlobLayerContents] = []
        for index in 0..<features.count - 1 {
            let inputs = features[index], outputs = features[index + 1]
            let layout = try! TernaryMatrixLayout(packing: packing, rows: outputs, columns: inputs)
            let codes = (0..<outputs * inputs).map { _ in Int8.random(in: -1...1, using: &random) }
            let scaleCount = config.weightGranularity == .perTensor ? 1 : outputs
            layers.append(
                BitBlobLayerContents(
                    inputs: inputs, outputs: outputs, activation: index == features.count - 2 ? .none : .relu,
                    packedWeights: try! layout.pack(codes),
                    weightScales: (0..<scaleCount).map { _ in Float.random(in: 0.5...40, using: &random) },
                    biases: bias ? (0..<outputs).map { _ in Float.random(in: -2...2, using: &random) } : nil,
                    staticInputScale: config.activationGranularity == .perTensor
                        ? Float.random(in: 1...300, using: &random) : nil))
        }
        return BitBlobContents(config: config, packing: packing, layers: layers, provenance: provenance)
    }

    /// A small two-layer blob with a bias in both layers.
    static func smallBlob(
        config: BitQuantConfig = BitQuantConfig(activationGranularity: .perTensor)
    ) -> [UInt8] {
        try! BitBlobWriter.write(contents(features: [7, 5, 3], config: config))
    }
}

/// Runs `body` on a 64-byte aligned copy of `bytes` (as a page-aligned mapping would be).
func withAligned<Result>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
    defer { buffer.deallocate() }
    buffer.copyBytes(from: bytes)
    return try body(UnsafeRawBufferPointer(rebasing: buffer[0..<bytes.count]))
}

/// The error `BitBlobModel(validating:)` throws for `bytes`, or nil when it accepts them.
func validationError(_ bytes: [UInt8]) -> BitBlobError? {
    withAligned(bytes) { buffer -> BitBlobError? in
        do throws(BitBlobError) {
            _ = try BitBlobModel(validating: buffer)
            return nil
        } catch {
            return error
        }
    }
}

/// Edits a blob's header and table in place and reseals the CRCs the edit broke, so a test
/// reaches the check behind them.
struct BlobEditor {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var sectionCount: Int { Int(load(UInt32.self, at: 24)) }

    func entryOffset(_ position: Int) -> Int { 64 + 32 * position }

    func load<Value: FixedWidthInteger>(_: Value.Type, at offset: Int) -> Value {
        bytes.withUnsafeBytes { $0.littleEndian(Value.self, at: offset) }
    }

    mutating func store<Value: FixedWidthInteger>(_ value: Value, at offset: Int) {
        var writer = ByteWriter()
        writer.write(value)
        bytes.replaceSubrange(offset..<offset + writer.bytes.count, with: writer.bytes)
    }

    /// The entry at `position` of the table.
    func section(_ position: Int) -> BitBlobSection {
        bytes.withUnsafeBytes { BitBlobSection(decoding: $0, position: position) }
    }

    mutating func setOffset(_ position: Int, _ offset: UInt64) { store(offset, at: entryOffset(position) + 8) }
    mutating func setLength(_ position: Int, _ length: UInt64) { store(length, at: entryOffset(position) + 16) }

    /// Recomputes the table CRC and the header CRC.
    mutating func sealTable() {
        let tableEnd = min(64 + 32 * sectionCount, bytes.count)
        store(bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[64..<tableEnd])) }, at: 28)
        sealHeader()
    }

    mutating func sealHeader() {
        store(bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<32])) }, at: 32)
    }

    /// Recomputes the CRC of every section that lies within the file, then the table's and header's.
    mutating func sealAll() {
        for position in 0..<min(sectionCount, (bytes.count - 64) / 32) {
            let entry = section(position)
            guard entry.offset <= UInt64(bytes.count), entry.length <= UInt64(bytes.count) - entry.offset else {
                continue
            }
            let range = Int(entry.offset)..<Int(entry.offset + entry.length)
            store(bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[range])) },
                  at: entryOffset(position) + 24)
        }
        sealTable()
    }

    /// Changes bytes of section `position` (at `offset` within it) and reseals.
    mutating func patchSection(_ position: Int, at offset: Int, with patch: [UInt8]) {
        let start = Int(section(position).offset) + offset
        bytes.replaceSubrange(start..<start + patch.count, with: patch)
        sealAll()
    }

    /// The table position of `kind` for `index`.
    func position(of kind: BitBlobSectionKind, index: Int = 0) -> Int {
        (0..<sectionCount).first { section($0).kind == kind && section($0).index == index }!
    }
}

/// Reassembles the writer's sections after `edit` changes them: a blob whose structure lies but
/// whose CRCs are right.
func reassembled(
    _ contents: BitBlobContents, _ edit: (inout [BitBlobWriter.EncodedSection]) -> Void
) -> [UInt8] {
    var sections = try! BitBlobWriter.encodeSections(contents)
    edit(&sections)
    return BitBlobWriter.assemble(sections)
}

extension [BitBlobWriter.EncodedSection] {
    /// The position of `kind` for `index`.
    func position(of kind: BitBlobSectionKind, index: Int = 0) -> Int {
        firstIndex { $0.kind == kind && $0.index == index }!
    }

    /// Rewrites the `LAYR` record of layer `index`.
    mutating func editLayer(_ index: Int, _ edit: (inout LayerRecord) -> Void) {
        let position = position(of: .layer, index: index)
        var record = self[position].bytes.withUnsafeBytes { LayerRecord(decoding: $0, fileOffset: 0) }
        edit(&record)
        self[position].bytes = record.encoded()
    }

    /// Rewrites the `MODL` record.
    mutating func editModel(_ edit: (inout ModelRecord) -> Void) {
        let position = position(of: .model)
        var record = self[position].bytes.withUnsafeBytes { ModelRecord(decoding: $0, fileOffset: 0) }
        edit(&record)
        self[position].bytes = record.encoded()
    }
}
