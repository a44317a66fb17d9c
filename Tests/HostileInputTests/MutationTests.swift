import BitBlob
import BitFuzz
import BitLayers
import Foundation
import Testing

/// Structure-aware mutations: random bytes rarely get past a CRC or a length check, so these
/// change one field that the format defines (a length, an offset, a count, a dimension, a CRC)
/// in a valid file, usually repairing the checksums afterwards so the change reaches the checks
/// behind them. Every mutant must give a clean error or a load whose result holds together (the
/// fuzz entry points check that, and run an accepted blob); a crash fails the whole run.
///
/// The generator is seeded: a failure names the case number, which reproduces it.
@Suite struct MutationTests {
    static let corpus = CorpusTests.fuzzFolder.appendingPathComponent("corpus")

    static func seeds(_ target: String, prefix: String = "", suffix: String) throws -> [[UInt8]] {
        let folder = corpus.appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }.sorted()
        return try names.map { try [UInt8](Data(contentsOf: folder.appendingPathComponent($0))) }
    }

    /// Runs `cases` mutants from `seeds` through `target`; returns (accepted, refused).
    static func run(
        _ target: FuzzTarget, seeds: [[UInt8]], cases: Int, seed: UInt64,
        mutate: (inout [UInt8], inout SplitMix64) -> Void
    ) -> (accepted: Int, refused: Int) {
        var random = SplitMix64(seed: seed)
        var accepted = 0
        var refused = 0
        for number in 0..<cases {
            var bytes = seeds[number % seeds.count]
            let mutations = 1 + random.below(3)
            for _ in 0..<mutations { mutate(&bytes, &random) }
            do {
                switch try target.run(bytes) {
                case .accepted: accepted += 1
                case .refused: refused += 1
                }
            } catch {
                Issue.record("\(target.rawValue) case \(number) (seed \(seed)): \(error)")
            }
        }
        return (accepted, refused)
    }

    // MARK: safetensors

    @Test func safetensors() throws {
        let seeds = try Self.seeds("safetensors", prefix: "valid-", suffix: ".safetensors")
        #expect(seeds.count >= 5)
        let (accepted, refused) = Self.run(.safetensors, seeds: seeds, cases: 3000, seed: 1) { bytes, random in
            SafetensorsMutator.mutate(&bytes, &random)
        }
        // Changing a data byte keeps a file valid; most field changes are refused.
        #expect(accepted > 100 && refused > 1000, "accepted \(accepted), refused \(refused)")
    }

    // MARK: npz

    @Test func npz() throws {
        let seeds = try Self.seeds("npz", prefix: "valid-", suffix: ".npz")
        #expect(seeds.count >= 4)
        let (accepted, refused) = Self.run(.npz, seeds: seeds, cases: 3000, seed: 2) { bytes, random in
            ZipMutator.mutate(&bytes, &random)
        }
        #expect(accepted > 100 && refused > 1000, "accepted \(accepted), refused \(refused)")
    }

    // MARK: bitblob

    @Test func bitblob() throws {
        let seeds = try Self.seeds("bitblob", prefix: "mlp-", suffix: ".bitblob").filter { !BlobMutator.isContainer($0) }
        #expect(seeds.count >= 5)
        let (accepted, refused) = Self.run(.bitblob, seeds: seeds, cases: 4000, seed: 3) { bytes, random in
            BlobMutator.mutate(&bytes, &random)
        }
        #expect(accepted > 100 && refused > 1000, "accepted \(accepted), refused \(refused)")
    }

    @Test func compressedBitblob() throws {
        let seeds = try Self.seeds("bitblob", suffix: ".bitblob").filter { BlobMutator.isContainer($0) }
        #expect(!seeds.isEmpty)
        let (accepted, refused) = Self.run(.bitblob, seeds: seeds, cases: 500, seed: 4) { bytes, random in
            BlobMutator.mutateContainer(&bytes, &random)
        }
        #expect(refused > 100, "accepted \(accepted), refused \(refused)")
    }
}

// MARK: - Generator

/// Choices for the mutators, from BitLayers' seeded generator (the same sequence on every machine).
extension SplitMix64 {
    /// 0 ..< bound.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    /// A value that tends to break size arithmetic: edges, powers of two, and a neighbour of the
    /// original (`original` is what the field held).
    mutating func interesting(near original: UInt64, width: Int) -> UInt64 {
        let mask: UInt64 = width >= 8 ? .max : (1 << UInt64(width * 8)) - 1
        let value: UInt64
        switch below(8) {
        case 0: value = [0, 1, 2, 3, 4, 7, 8, 15, 16, 63, 64, 65, 255, 256][below(14)]
        case 1: value = mask &- UInt64(below(4))                          // -1, -2 ... or the maximum
        case 2: value = (mask >> 1) &+ UInt64(below(3))                   // around the signed maximum
        case 3: value = 1 << UInt64(below(width * 8))                     // a power of two
        case 4: value = original &+ UInt64(1 + below(8))
        case 5: value = original &- UInt64(1 + below(8))
        case 6: value = original &* UInt64(2 + below(3))
        default: value = next()
        }
        return value & mask
    }
}

// MARK: - Little-endian fields and CRC-32

extension Array where Element == UInt8 {
    func load(_ offset: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in (0..<width).reversed() { value = value << 8 | UInt64(self[offset + index]) }
        return value
    }

    mutating func store(_ value: UInt64, at offset: Int, width: Int) {
        for index in 0..<width { self[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(8 * index)) }
    }

    /// Sets the `width`-byte field at `offset` (when it is inside the array) to an interesting value.
    mutating func mutateField(at offset: Int, width: Int, _ random: inout SplitMix64) {
        guard offset >= 0, width <= count, offset <= count - width else { return }
        store(random.interesting(near: load(offset, width: width), width: width), at: offset, width: width)
    }
}

extension CRC32 {
    /// The CRC-32 of part of a file being mutated.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}

// MARK: - Mutators

enum SafetensorsMutator {
    static func mutate(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
        guard bytes.count >= 8 else { return }
        let headerLength = Int(clamping: bytes.load(0, width: 8))
        guard headerLength <= bytes.count - 8 else {
            bytes.mutateField(at: 0, width: 8, &random)
            return
        }
        var header = Array(bytes[8..<8 + headerLength])
        let data = Array(bytes[(8 + headerLength)...])
        var body = data
        switch random.below(10) {
        case 0:
            // The header length itself.
            bytes.mutateField(at: 0, width: 8, &random)
            return
        case 1, 2, 3:
            // A number of the JSON header (a shape dimension or a data offset).
            let numbers = digitRuns(header)
            guard !numbers.isEmpty else { return }
            let run = numbers[random.below(numbers.count)]
            let replacement: String
            switch random.below(6) {
            case 0: replacement = String(random.interesting(near: UInt64(String(decoding: header[run], as: UTF8.self)) ?? 0, width: 8))
            case 1: replacement = "-" + String(random.below(10))
            case 2: replacement = ["1e3", "0.5", "18446744073709551616", "99999999999999999999999", "-0", "1E+2"][random.below(6)]
            default: replacement = String((Int(String(decoding: header[run], as: UTF8.self)) ?? 0) &+ random.below(9) &- 4)
            }
            header.replaceSubrange(run, with: Array(replacement.utf8))
        case 4:
            // A dtype name.
            let names = ["F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL", "U64", "F8_E4M3", ""]
            guard let range = quotedValue(after: "\"dtype\"", in: header, &random) else { return }
            header.replaceSubrange(range, with: Array(names[random.below(names.count)].utf8))
        case 5:
            // A structural character of the JSON.
            let structural = header.indices.filter { "{}[]:,\"".utf8.contains(header[$0]) }
            guard !structural.isEmpty else { return }
            let index = structural[random.below(structural.count)]
            if random.chance(50) { header.remove(at: index) } else { header.insert(header[index], at: index) }
        case 6:
            // Truncate or extend the data area.
            if random.chance(50), !body.isEmpty {
                body.removeLast(1 + random.below(body.count))
            } else {
                body.append(contentsOf: [UInt8](repeating: UInt8(random.below(256)), count: 1 + random.below(16)))
            }
        default:
            // A data byte: the file stays valid (bool data becomes a value other than 0 or 1).
            guard !body.isEmpty else { return }
            body[random.below(body.count)] = UInt8(truncatingIfNeeded: random.next())
        }
        // Usually the length field follows the header, so the change reaches the JSON checks.
        let declared = random.chance(85) ? UInt64(header.count) : UInt64(headerLength)
        var rebuilt = [UInt8](repeating: 0, count: 8)
        rebuilt.store(declared, at: 0, width: 8)
        bytes = rebuilt + header + body
    }

    static func digitRuns(_ text: [UInt8]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var index = 0
        while index < text.count {
            if text[index] &- UInt8(ascii: "0") < 10 {
                let start = index
                while index < text.count, text[index] &- UInt8(ascii: "0") < 10 { index += 1 }
                runs.append(start..<index)
            } else {
                index += 1
            }
        }
        return runs
    }

    /// The range of the string value after one occurrence of `key`.
    static func quotedValue(after key: String, in text: [UInt8], _ random: inout SplitMix64) -> Range<Int>? {
        let pattern = Array(key.utf8)
        var starts: [Int] = []
        if text.count >= pattern.count {
            for index in 0...(text.count - pattern.count) where Array(text[index..<index + pattern.count]) == pattern {
                starts.append(index)
            }
        }
        guard !starts.isEmpty else { return nil }
        var index = starts[random.below(starts.count)] + pattern.count
        while index < text.count, text[index] != UInt8(ascii: "\"") { index += 1 }
        let start = index + 1
        var end = start
        while end < text.count, text[end] != UInt8(ascii: "\"") { end += 1 }
        return start < text.count && end < text.count ? start..<end : nil
    }
}

/// ZIP: the local headers, central directory entries and end record of an .npz.
enum ZipMutator {
    static let localSignature: UInt64 = 0x0403_4B50
    static let centralSignature: UInt64 = 0x0201_4B50
    static let endSignature: UInt64 = 0x0605_4B50

    /// (offset, width) of the fields of each structure.
    static let localFields = [(4, 2), (6, 2), (8, 2), (14, 4), (18, 4), (22, 4), (26, 2), (28, 2)]
    static let centralFields = [(6, 2), (8, 2), (10, 2), (16, 4), (20, 4), (24, 4), (28, 2), (30, 2), (32, 2), (34, 2), (42, 4)]
    static let endFields = [(4, 2), (6, 2), (8, 2), (10, 2), (12, 4), (16, 4), (20, 2)]

    static func signatures(_ bytes: [UInt8], _ signature: UInt64) -> [Int] {
        guard bytes.count >= 4 else { return [] }
        return (0...(bytes.count - 4)).filter { bytes.load($0, width: 4) == signature }
    }

    static func mutate(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
        let locals = signatures(bytes, localSignature)
        let centrals = signatures(bytes, centralSignature)
        let ends = signatures(bytes, endSignature)
        switch random.below(8) {
        case 0, 1:
            guard let header = locals.randomElement(using: &random) else { return }
            let (offset, width) = localFields[random.below(localFields.count)]
            bytes.mutateField(at: header + offset, width: width, &random)
        case 2, 3:
            guard let entry = centrals.randomElement(using: &random) else { return }
            let (offset, width) = centralFields[random.below(centralFields.count)]
            bytes.mutateField(at: entry + offset, width: width, &random)
        case 4:
            guard let end = ends.last else { return }
            let (offset, width) = endFields[random.below(endFields.count)]
            bytes.mutateField(at: end + offset, width: width, &random)
        case 5:
            // A byte of a stored member's data (its .npy header or values), with both CRCs repaired,
            // so that the change reaches the .npy reader.
            guard let header = locals.randomElement(using: &random), header + 30 <= bytes.count else { return }
            let method = bytes.load(header + 8, width: 2)
            let size = Int(bytes.load(header + 18, width: 4))
            let start = header + 30 + Int(bytes.load(header + 26, width: 2)) + Int(bytes.load(header + 28, width: 2))
            guard method == 0, size > 0, start + size <= bytes.count else { return }
            let position = start + (random.chance(70) ? random.below(min(size, 128)) : random.below(size))
            bytes[position] = random.chance(50) ? UInt8(truncatingIfNeeded: random.next()) : bytes[position] &+ UInt8(1 + random.below(3))
            let crc = UInt64(CRC32.checksum(bytes[start..<start + size]))
            bytes.store(crc, at: header + 14, width: 4)
            let name = bytes[(header + 30)..<min(bytes.count, header + 30 + Int(bytes.load(header + 26, width: 2)))]
            for entry in centrals where entry + 46 + name.count <= bytes.count
                && Array(bytes[(entry + 46)..<(entry + 46 + name.count)]) == Array(name) {
                bytes.store(crc, at: entry + 16, width: 4)
            }
        case 6:
            // Truncate, or cut a piece out of the middle.
            guard bytes.count > 1 else { return }
            let cut = random.below(bytes.count)
            if random.chance(50) {
                bytes.removeLast(bytes.count - cut)
            } else {
                bytes.removeSubrange(cut..<min(bytes.count, cut + 1 + random.below(32)))
            }
        default:
            guard !bytes.isEmpty else { return }
            bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
        }
    }
}

/// .bitblob (docs/bitblob.md): header, section table, MODL and LAYR records, section bytes;
/// the checksums usually repaired afterwards.
enum BlobMutator {
    static let headerFields = [(8, 2), (10, 2), (12, 4), (16, 8), (24, 4), (28, 4), (32, 4), (36, 4), (60, 4)]
    static let entryFields = [(0, 4), (4, 4), (8, 8), (16, 8), (24, 4), (28, 4)]
    static let modelFields = [(0, 4), (4, 4), (8, 4), (12, 1), (13, 1), (14, 1), (15, 1), (16, 8), (24, 8), (32, 4)]
    static let layerFields = [(0, 4), (4, 4), (8, 1), (9, 1), (10, 2), (12, 4), (16, 4), (20, 4), (24, 4), (28, 4), (32, 4), (36, 4), (40, 4)]

    static func isContainer(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes(BitBlobCompression.isContainer)
    }

    /// The section table: (entry offset, kind, section offset, length).
    static func sections(_ bytes: [UInt8]) -> [(entry: Int, kind: String, offset: Int, length: Int)] {
        guard bytes.count >= 64 else { return [] }
        let count = min(Int(bytes.load(24, width: 4)), 4096)
        var sections: [(Int, String, Int, Int)] = []
        for index in 0..<count {
            let entry = 64 + 32 * index
            guard entry + 32 <= bytes.count else { break }
            let kind = String(decoding: bytes[entry..<entry + 4], as: UTF8.self)
            // Clamped, so that offset arithmetic here cannot overflow; such a section is past the end anyway.
            sections.append((entry, kind, Int(min(bytes.load(entry + 8, width: 8), 1 << 40)), Int(min(bytes.load(entry + 16, width: 8), 1 << 40))))
        }
        return sections
    }

    static func mutate(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
        let table = sections(bytes)
        func section(_ kind: String) -> (entry: Int, kind: String, offset: Int, length: Int)? {
            table.filter { $0.kind == kind }.randomElement(using: &random)
        }
        switch random.below(10) {
        case 0:
            let (offset, width) = headerFields[random.below(headerFields.count)]
            bytes.mutateField(at: offset, width: width, &random)
        case 1, 2:
            guard let entry = table.randomElement(using: &random) else { return }
            let (offset, width) = entryFields[random.below(entryFields.count)]
            if offset == 0, random.chance(50) {
                // Another known kind: a section filed under the wrong name.
                let kinds = ["MODL", "LAYR", "WGHT", "WSCL", "BIAS", "PROV", "ZZZZ"]
                bytes.replaceSubrange(entry.entry..<entry.entry + 4, with: Array(kinds[random.below(kinds.count)].utf8))
            } else {
                bytes.mutateField(at: entry.entry + offset, width: width, &random)
            }
        case 3, 4:
            guard let model = section("MODL") else { return }
            let (offset, width) = modelFields[random.below(modelFields.count)]
            if offset + width <= model.length { bytes.mutateField(at: model.offset + offset, width: width, &random) }
        case 5, 6:
            guard let layer = section("LAYR") else { return }
            let (offset, width) = layerFields[random.below(layerFields.count)]
            if offset + width <= layer.length { bytes.mutateField(at: layer.offset + offset, width: width, &random) }
        case 7:
            // A byte of weights, scales, biases or provenance: codes the packing cannot hold,
            // zero or negative multipliers, NaN scales.
            guard let target = table.filter({ $0.kind != "MODL" && $0.kind != "LAYR" }).randomElement(using: &random),
                  target.length > 0, target.offset + target.length <= bytes.count else { return }
            let position = target.offset + random.below(target.length)
            bytes[position] = random.chance(30) ? 0xFF : UInt8(truncatingIfNeeded: random.next())
        case 8:
            // Truncate or extend the file.
            if random.chance(50), bytes.count > 1 {
                bytes.removeLast(1 + random.below(min(bytes.count - 1, 200)))
            } else {
                bytes.append(contentsOf: [UInt8](repeating: 0, count: 1 + random.below(128)))
            }
        default:
            guard !bytes.isEmpty else { return }
            bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
        }
        if random.chance(85) { repairChecksums(&bytes, random.chance(80)) }
    }

    /// Recomputes each section's CRC (where its range is inside the file), the table CRC, and
    /// the header CRC; with `fileSize`, also the file size field.
    static func repairChecksums(_ bytes: inout [UInt8], _ fileSize: Bool) {
        guard bytes.count >= 64 else { return }
        if fileSize { bytes.store(UInt64(bytes.count), at: 16, width: 8) }
        let table = sections(bytes)
        for section in table where section.offset >= 0 && section.length >= 0
            && section.offset <= bytes.count && section.length <= bytes.count - section.offset {
            bytes.store(UInt64(CRC32.checksum(bytes[section.offset..<section.offset + section.length])), at: section.entry + 24, width: 4)
        }
        let tableEnd = 64 + 32 * table.count
        if tableEnd <= bytes.count { bytes.store(UInt64(CRC32.checksum(bytes[64..<tableEnd])), at: 28, width: 4) }
        bytes.store(UInt64(CRC32.checksum(bytes[0..<32])), at: 32, width: 4)
    }

    /// The container header (size, CRC, reserved) or a byte of its zlib stream.
    static func mutateContainer(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
        switch random.below(4) {
        case 0: bytes.mutateField(at: 8, width: 8, &random)
        case 1: bytes.mutateField(at: 16, width: 4, &random)
        case 2: bytes.mutateField(at: 20, width: 4, &random)
        default:
            guard bytes.count > 24 else { return }
            if random.chance(20) {
                bytes.removeLast(1 + random.below(bytes.count - 24))
            } else {
                bytes[24 + random.below(bytes.count - 24)] = UInt8(truncatingIfNeeded: random.next())
            }
        }
    }
}
