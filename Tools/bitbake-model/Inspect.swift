import ArgumentParser
import BitBake
import Foundation

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a .bitblob holds: config, layers, arena, sections, provenance.",
        discussion: """
            --export writes every layer's ternary codes (int8 [out, in]), weight scales (float32), \
            biases (float32) and static input scales as layer<i>.codes, layer<i>.weight_scale, \
            layer<i>.bias, layer<i>.input_scale, to compare with PyTorch or any other tool.
            """)

    @Argument(help: "The .bitblob.")
    var blob: String

    @Flag(help: "Print the description as JSON.")
    var json = false

    @Option(help: "Write the layers' codes, scales and biases to this .safetensors file.")
    var export: String?

    mutating func run() throws {
        try reportingInputErrors {
            let url = URL(fileURLWithPath: blob)
            let buffer = try BlobBuffer(contentsOf: url)
            let fileBytes = (try? FileManager.default.attributesOfItem(atPath: blob)[.size] as? Int) ?? buffer.bytes.count
            let description = BlobDescription(buffer, fileBytes: fileBytes)
            let text = json ? try description.jsonString() : description.text
            if let export {
                try buffer.exportedTensors().writeSafetensors(to: URL(fileURLWithPath: export))
            }
            print(text)
            if let export, !json { print("wrote \(export)") }
        }
    }
}
