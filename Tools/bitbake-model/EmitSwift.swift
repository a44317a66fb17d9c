import ArgumentParser
import BitBake
import Foundation

struct EmitSwift: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emit-swift",
        abstract: "Write Swift sources that bake a model into a program: no file to ship or load on the device.",
        discussion: """
            Writes DIR/NAME.swift (enum NAME: inputCount, outputCount, arenaBytes, a static arena and \
            NAME.infer(...)) and DIR/NAME+Blob.swift (the blob's bytes). The code imports BitBlob, \
            BitCore and BitRuntime only and compiles as Embedded Swift; the same model gives the same \
            bytes. MODEL is a .bitblob, or a float model baked in memory with the quant options. \
            BitBakePlugin runs this at `swift build` (docs/baking.md).
            """)

    @Argument(help: "A .bitblob, or a float model (.safetensors, .npz, .npy) to bake with the quant options.")
    var model: String

    @Option(name: .customLong("module"), help: ArgumentHelp("The generated type's name: NAME.infer(...).", valueName: "name"))
    var typeName: String

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("The directory to write NAME.swift and NAME+Blob.swift to (created if missing).", valueName: "dir"))
    var output: String

    @Option(help: "How the blob's bytes are held: words (read in place, slower to compile), base64 (fast to compile, decoded into static storage), or auto (words up to 512 KiB).")
    var encoding: BlobEncoding = .auto

    @OptionGroup var quant: QuantOptions

    func validate() throws {
        do {
            _ = try SwiftTypeName(typeName)
        } catch {
            throw ValidationError("--module: \(error.message)")
        }
    }

    mutating func run() throws {
        try reportingInputErrors {
            let blob: BlobBuffer
            if model.hasSuffix(".bitblob") {
                blob = try BlobBuffer(contentsOf: URL(fileURLWithPath: model))
            } else {
                blob = try BlobBuffer(fileBytes: try quant.bake(model).1.blob, name: model)
            }
            let emitter = SwiftModelEmitter(typeName: try SwiftTypeName(typeName), encoding: encoding)
            let directory = URL(fileURLWithPath: output, isDirectory: true)
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw BakeError("\(output): cannot create the directory: \(error.localizedDescription)")
            }
            for source in emitter.emit(blob) {
                let path = directory.appendingPathComponent(source.fileName).path
                do {
                    try Data(source.contents.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                } catch {
                    throw BakeError("\(path): cannot write: \(error.localizedDescription)")
                }
                print("wrote \(path)")
            }
        }
    }
}
