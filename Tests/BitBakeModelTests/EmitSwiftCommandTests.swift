import BitBake
import Foundation
import Testing

/// `emit-swift` through the real binary: the files SwiftModelEmitter writes, byte for byte, from a
/// float model or a blob; usage and input errors.
@Suite struct EmitSwiftCommandTests {
    static let spec = Repository.path("Targets/examples/digits-classify/bitbake.json")

    /// The sources the library writes for the digits model baked with the example's bitbake.json.
    static func libraryEmit(_ encoding: BlobEncoding) throws -> [GeneratedSource] {
        let spec = try BakeSpec(contentsOf: URL(fileURLWithPath: Self.spec))
        let source = try FloatModelFile(url: URL(fileURLWithPath: Repository.digitsModel), spec: spec)
        let baked = try Baker.bake(
            source.model, options: try BakeOptions(spec: spec), sourceName: "digits-mlp.safetensors",
            sourceSHA256: source.sha256)
        let blob = try BlobBuffer(fileBytes: baked.blob, name: "digits")
        return SwiftModelEmitter(typeName: try SwiftTypeName("Digits"), encoding: encoding).emit(blob)
    }

    /// The files in `folder`, by name.
    static func files(in folder: URL) throws -> [String: String] {
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            files[name] = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }
        return files
    }

    @Test(arguments: [(nil, BlobEncoding.words), ("words", .words), ("base64", .base64)])
    func emitsWhatTheLibraryEmitsTwiceAlike(_ option: String?, _ encoding: BlobEncoding) throws {
        let folder = try BitBakeModel.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var outputs: [[String: String]] = []
        for run in ["first", "second"] {
            let output = folder.appendingPathComponent(run)
            let result = try BitBakeModel.run(
                ["emit-swift", Repository.digitsModel, "--spec", Self.spec, "--module", "Digits", "-o", output.path]
                    + (option.map { ["--encoding", $0] } ?? []))
            expectSuccess(result)
            #expect(result.stdout == "wrote \(output.path)/Digits.swift\nwrote \(output.path)/Digits+Blob.swift\n")
            outputs.append(try Self.files(in: output))
        }
        #expect(outputs[0] == outputs[1])
        let expected = try Self.libraryEmit(encoding)
        #expect(outputs[0] == Dictionary(uniqueKeysWithValues: expected.map { ($0.fileName, $0.contents) }))
    }

    /// A blob baked by `bake` emits the same sources as the float model it came from.
    @Test func blobEmitsWhatItsModelEmits() throws {
        let folder = try BitBakeModel.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let blob = folder.appendingPathComponent("digits.bitblob").path
        expectSuccess(try BitBakeModel.run(["bake", Repository.digitsModel, "--spec", Self.spec, "-o", blob]))
        let output = folder.appendingPathComponent("generated")
        expectSuccess(try BitBakeModel.run(["emit-swift", blob, "--module", "Digits", "-o", output.path]))
        let expected = try Self.libraryEmit(.words)
        #expect(try Self.files(in: output) == Dictionary(uniqueKeysWithValues: expected.map { ($0.fileName, $0.contents) }))
    }

    @Test func helpListsTheOptions() throws {
        let result = try BitBakeModel.run(["emit-swift", "--help"])
        expectSuccess(result)
        for text in [
            "USAGE: bitbake-model emit-swift <model> --module <name> --output <dir>", "--encoding",
            "(values: words, base64, auto; default: auto)",
            "--spec", "--calibration", "NAME+Blob.swift",
        ] {
            #expect(result.stdout.contains(text), "\(text)")
        }
        #expect(try BitBakeModel.run(["--help"]).stdout.contains("emit-swift"))
    }

    @Test(arguments: [
        (["--module", "2layers"], "--module: '2layers' is not a Swift type name"),
        (["--module", "BitRuntime"], "--module: 'BitRuntime' is a Swift keyword or a name the generated code uses"),
        (["--module", "Digits", "--encoding", "hex"], "--encoding"),
        ([], "--module"),
    ])
    func usageErrors(_ arguments: [String], _ message: String) throws {
        let result = try BitBakeModel.run(["emit-swift", Repository.digitsModel, "-o", "/tmp/unused"] + arguments)
        expectUsageError(result, mentioning: message)
    }

    @Test func unreadableModelIsAnInputError() throws {
        let folder = try BitBakeModel.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing.bitblob").path
        let output = folder.appendingPathComponent("out")
        let defect = expectInputError(
            try BitBakeModel.run(["emit-swift", missing, "--module", "Digits", "-o", output.path]), naming: missing)
        #expect(defect == "cannot read: No such file or directory")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
