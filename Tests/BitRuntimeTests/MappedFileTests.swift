import BitBlob
import BitRuntime
import BitRuntimeTestSupport
import CBitSystem
import Foundation
import Testing

/// `MappedFile`: a blob used in place from a real file, and errors that name the path.
@Suite struct MappedFileTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("BitRuntimeTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// A blob written to disk, mapped, validated in place and run gives the simulation's outputs.
    @Test func runsABlobFromAFile() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let baked = try DigitsExample.baked(RuntimeConfiguration(weights: .perChannel, packing: .i2))
        let path = directory.appendingPathComponent("digits.bitblob").path
        try Data(baked.bytes).write(to: URL(fileURLWithPath: path))
        let file = try MappedFile(path: path)
        #expect(file.bytes.elementsEqual(baked.bytes))
        #expect(Int(bitPattern: file.bytes.baseAddress) % 4096 == 0)
        let model = try BitBlobModel(validating: file.bytes)
        #expect(model.layer(0).weights.baseAddress! >= file.bytes.baseAddress!)
        #expect(model.layer(2).weights.baseAddress! < file.bytes.baseAddress! + file.bytes.count)
        let inputs = try DigitsExample.testInputs()
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: model.arenaBytes(batch: 16)!, alignment: 64)
        defer { arena.deallocate() }
        var runtime = try BitMLPRuntime(model: model, arena: arena, maximumBatch: 16)
        #expect(try runtime.run(inputs, batch: 16) == baked.simulate(inputs))
    }

    @Test func missingFile() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("missing.bitblob").path
        let error = try #require(throws: SystemError.self) { _ = try MappedFile(path: path) }
        #expect(error == SystemError(operation: "open", path: path, code: ENOENT))
        #expect(error.description == "open \(path): No such file or directory")
    }

    @Test func aDirectory() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try #require(throws: SystemError.self) { _ = try MappedFile(path: directory.path) }
        #expect(error == SystemError(operation: "fstat", path: directory.path, code: EINVAL))
        #expect(error.description == "fstat \(directory.path): Invalid argument")
    }

    @Test func emptyFile() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("empty.bitblob").path
        try Data().write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: SystemError.self) { _ = try MappedFile(path: path) }
        #expect(error == SystemError(operation: "mmap", path: path, code: EINVAL))
        #expect(error.description == "mmap \(path): Invalid argument")
    }
}
