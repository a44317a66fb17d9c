import ArgumentParser
import BitBake
import BitBlob
import Foundation

struct Bake: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Quantize a float MLP to ternary weights and write a .bitblob.",
        discussion: """
            MODEL is a .safetensors, .npz or .npy file with PyTorch-style names (0.weight, 0.bias, \
            2.weight, ... or fc1.weight, ... or layers.0.weight, ...); the layer chain is inferred \
            from names and shapes and printed. Defaults are the BitNet b1.58 recipe: per_tensor \
            absmean weights, per_token int8 absmax activations, T3 packing.
            """)

    @Argument(help: "The float model (.safetensors, .npz, .npy).")
    var model: String

    @Option(name: .shortAndLong, help: "Where to write the .bitblob.")
    var output: String

    @OptionGroup var quant: QuantOptions

    @Flag(help: "Wrap the blob in a deflate container for distribution (the loader inflates it into memory).")
    var compress = false

    mutating func run() throws {
        try reportingInputErrors {
            let (source, baked) = try quant.bake(model)
            let bytes = compress ? try BitBlobCompression.compress(baked.blob) : baked.blob
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw BakeError("\(output): cannot write: \(FileErrorText.describe(error))")
            }
            print("model: \(source.url.lastPathComponent) (sha256 \(Hex.string(source.sha256)))")
            print("layers: \(source.model.description.summary)")
            print("config: \(baked.contents.config), packing \(baked.contents.packing.name)")
            print("")
            print(baked.report.text)
            if compress { print("compressed: \(bytes.count) bytes") }
            print("wrote \(output)")
        }
    }
}
