import BitBake
import BitBlob
import Foundation
import Testing

/// Bad input of every kind exits with status 2 and one line naming the file and the defect, in
/// under 64 MB: the importers' corrupted-file corpus, damaged blobs, wrong data and missing files.
@Suite struct BadInputTests {
    static let corruptFiles = (try? FileManager.default.contentsOfDirectory(atPath: Repository.corruptFolder))?.sorted() ?? []

    @Test func theCorpusIsThere() {
        #expect(Self.corruptFiles.count >= 50)
    }

    /// `bake` and `eval --data` on every file of the corpus: the message is the importer's own.
    @Test(arguments: corruptFiles)
    func corruptModelOrDataFile(_ name: String) throws {
        let path = Repository.corruptFolder + "/" + name
        let importerError = try #require(throws: ModelFileError.self) {
            try ModelFile(contentsOf: URL(fileURLWithPath: path))
        }
        let folder = try BitBakeModel.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.bitblob").path

        let bake = try BitBakeModel.run(["bake", path, "-o", output])
        expectInputError(bake, naming: path)
        #expect(bake.stderr == "error: \(importerError)\n")
        #expect(!FileManager.default.fileExists(atPath: output))

        // The tests' small format fixture, baked in memory, reads the file as its data.
        let eval = try BitBakeModel.run(["eval", Repository.smallModel, "--data", path])
        expectInputError(eval, naming: path)
        #expect(eval.stderr == "error: \(importerError)\n")
    }

    // MARK: Damaged blobs

    /// A good blob of the digits model, plain and compressed, in a fresh folder.
    struct Blobs {
        let folder: URL
        let plain: [UInt8]
        let compressed: [UInt8]

        init() throws {
            folder = try BitBakeModel.temporaryFolder()
            let path = folder.appendingPathComponent("good.bitblob").path
            expectSuccess(try BitBakeModel.run(["bake", Repository.digitsModel, "-o", path]))
            plain = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            compressed = try BitBlobCompression.compress(plain)
        }

        /// Writes `bytes` as `name` and returns its path.
        func write(_ bytes: [UInt8], _ name: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url.path
        }
    }

    /// Runs inspect, eval and infer on the blob at `path`; each must refuse it with `defect`.
    private func expectRefused(_ path: String, _ defect: String, in blobs: Blobs, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let output = blobs.folder.appendingPathComponent("out.safetensors").path
        for arguments in [
            ["inspect", path], ["inspect", path, "--json"],
            ["eval", path, "--data", Repository.digitsTest],
            ["infer", path, "--input", Repository.digitsTest, "-o", output],
        ] {
            let result = try BitBakeModel.run(arguments)
            let message = expectInputError(result, naming: path, sourceLocation: sourceLocation)
            #expect(message == defect, "\(arguments[0])", sourceLocation: sourceLocation)
        }
        #expect(!FileManager.default.fileExists(atPath: output), sourceLocation: sourceLocation)
    }

    @Test func truncatedBlobs() throws {
        let blobs = try Blobs()
        defer { try? FileManager.default.removeItem(at: blobs.folder) }
        try expectRefused(
            blobs.write([], "empty.bitblob"), "truncated: the file has 0 bytes, fewer than the 64-byte header", in: blobs)
        try expectRefused(
            blobs.write(Array(blobs.plain.prefix(63)), "short.bitblob"),
            "truncated: the file has 63 bytes, fewer than the 64-byte header", in: blobs)
        try expectRefused(
            blobs.write(Array(blobs.plain.dropLast(100)), "cut.bitblob"),
            "truncated: header says \(blobs.plain.count) bytes, file has \(blobs.plain.count - 100)", in: blobs)
    }

    /// One flipped bit in the middle of each section: the section's CRC refuses it.
    @Test func flippedBitsInEverySection() throws {
        let blobs = try Blobs()
        defer { try? FileManager.default.removeItem(at: blobs.folder) }
        let sections = try blobs.plain.withUnsafeBytes { bytes in
            try BitBlobModel(validating: bytes).sections.map { ($0.kind.description, $0.index, Int($0.offset), Int($0.length)) }
        }
        #expect(sections.count == 14)
        for (position, (kind, index, offset, length)) in sections.enumerated() {
            var damaged = blobs.plain
            damaged[offset + length / 2] ^= 0x04
            let path = try blobs.write(damaged, "flipped-\(kind)-\(index).bitblob")
            let message = expectInputError(try BitBakeModel.run(["inspect", path]), naming: path)
            #expect(message.hasPrefix("section #\(position) \(kind)[\(index)] at offset \(offset): stored CRC-32 0x"), "\(message)")
        }
        var header = blobs.plain
        header[9] ^= 0x01   // the major version
        try expectRefused(blobs.write(header, "version.bitblob"), "unsupported major version 257 (this reader reads 1)", in: blobs)
    }

    /// Compressed containers whose header lies about what the stream holds.
    @Test func lyingContainers() throws {
        let blobs = try Blobs()
        defer { try? FileManager.default.removeItem(at: blobs.folder) }
        let size = UInt64(blobs.plain.count)
        func container(declaring declared: UInt64) -> [UInt8] {
            var bytes = blobs.compressed
            withUnsafeBytes(of: declared.littleEndian) { bytes.replaceSubrange(8..<16, with: $0) }
            return bytes
        }
        for (name, bytes) in [
            ("longer", container(declaring: size + 64)), ("shorter", container(declaring: size - 64)),
            ("terabyte", container(declaring: 1 << 40)), ("huge", container(declaring: 1 << 41)),
            ("zero", container(declaring: 0)),
        ] {
            let path = try blobs.write(bytes, "lying-\(name).bitblob")
            let library = try #require(throws: BakeError.self) { try BlobBuffer(contentsOf: URL(fileURLWithPath: path)) }
            try expectRefused(path, String(library.message.dropFirst(path.count + 2)), in: blobs)
        }
        var badCRC = blobs.compressed
        badCRC[16] ^= 0xFF
        let path = try blobs.write(badCRC, "crc.bitblob")
        let library = try #require(throws: BakeError.self) { try BlobBuffer(contentsOf: URL(fileURLWithPath: path)) }
        #expect(library.message.contains("CRC"))
        try expectRefused(path, String(library.message.dropFirst(path.count + 2)), in: blobs)
        try expectRefused(
            blobs.write(Array(blobs.compressed.prefix(12)), "stub.bitblob"),
            String(try #require(throws: BakeError.self) { try BlobBuffer(fileBytes: Array(blobs.compressed.prefix(12)), name: "") }
                .message.dropFirst(2)), in: blobs)
    }

    @Test func notABlob() throws {
        let blobs = try Blobs()
        defer { try? FileManager.default.removeItem(at: blobs.folder) }
        let model = Array(try Data(contentsOf: URL(fileURLWithPath: Repository.digitsModel)))
        try expectRefused(
            blobs.write(model, "model.bitblob"), "not a .bitblob: magic 0xc803000000000000 is not BITBLOB\\0", in: blobs)
    }

    // MARK: Wrong data, missing and unwritable files

    @Test func dataThatDoesNotFitTheModel() throws {
        let blobs = try Blobs()
        defer { try? FileManager.default.removeItem(at: blobs.folder) }
        let blob = try blobs.write(blobs.plain, "digits.bitblob")
        let valid = Repository.path("Tests/BitBakeTests/Fixtures/valid")
        let arrays = valid + "/arrays.npz"
        let output = blobs.folder.appendingPathComponent("out.safetensors").path

        #expect(expectInputError(try BitBakeModel.run(["eval", blob, "--data", arrays]), naming: arrays)
            == "rows have 4 features, the model takes 64")
        #expect(expectInputError(try BitBakeModel.run(["infer", blob, "--input", arrays, "-o", output]), naming: arrays)
            == "rows have 4 features, the model takes 64")
        #expect(expectInputError(try BitBakeModel.run(["eval", blob, "--data", Repository.digitsTest, "--x", "input"]),
                                 naming: Repository.digitsTest)
            == "no tensor 'input' (the file has: y, x); name the inputs with --x")
        #expect(expectInputError(try BitBakeModel.run(["eval", blob, "--data", Repository.digitsTest, "--y", "labels"]),
                                 naming: Repository.digitsTest)
            == "no label tensor 'labels' (the file has: y, x); name it with --y")
        let otherModel = valid + "/mlp_f32.safetensors"
        #expect(expectInputError(
            try BitBakeModel.run(["eval", blob, "--data", Repository.digitsTest, "--float", otherModel]), naming: otherModel)
            == "its layers (0.weight [4, 3] + 0.bias -> relu -> 2.weight [2, 4] + 2.bias) do not match the blob's; "
            + "was the blob baked from it?")
        #expect(!FileManager.default.fileExists(atPath: output))

        // Outputs that cannot be written: nothing on stdout either.
        let unwritable = blobs.folder.path + "/no/such/dir/out.safetensors"
        #expect(expectInputError(try BitBakeModel.run(["inspect", blob, "--export", unwritable]), naming: unwritable)
            == "cannot write the file: No such file or directory")
        #expect(expectInputError(
            try BitBakeModel.run(["infer", blob, "--input", Repository.digitsTest, "-o", unwritable]), naming: unwritable)
            == "cannot write the file: No such file or directory")
    }

    @Test func missingAndUnwritableFiles() throws {
        let folder = try BitBakeModel.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing").path
        let output = folder.appendingPathComponent("out.bitblob").path
        let model = Repository.digitsModel
        let cases: [([String], String, String)] = [
            (["bake", missing + ".safetensors", "-o", output], missing + ".safetensors", "cannot read: No such file or directory"),
            (["bake", missing + ".pt", "-o", output], missing + ".pt",
             "unknown model format '.pt' (expected .safetensors, .npz or .npy)"),
            (["bake", model, "-o", folder.path + "/no/such/dir/out.bitblob"], folder.path + "/no/such/dir/out.bitblob",
             "cannot write: No such file or directory"),
            (["bake", model, "-o", output, "--spec", missing + ".json"], missing + ".json",
             "cannot read the spec: No such file or directory"),
            (["bake", model, "-o", output, "--activation-granularity", "per_tensor", "--calibration", missing + ".npz"],
             missing + ".npz", "cannot read the file: No such file or directory"),
            (["inspect", missing + ".bitblob"], missing + ".bitblob", "cannot read: No such file or directory"),
            (["eval", model, "--data", missing + ".npz"], missing + ".npz", "cannot read the file: No such file or directory"),
        ]
        for (arguments, file, defect) in cases {
            #expect(expectInputError(try BitBakeModel.run(arguments), naming: file) == defect, "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func perTensorActivationsWithoutCalibration() throws {
        let folder = try BitBakeModel.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try BitBakeModel.run([
            "bake", Repository.digitsModel, "-o", folder.appendingPathComponent("x.bitblob").path,
            "--activation-granularity", "per_tensor",
        ])
        #expect(expectInputError(result, naming: nil)
            == "per_tensor activations need static scales: pass --calibration DATA with rows of 64 input features "
            + "(the training set is a good choice)")
    }
}
