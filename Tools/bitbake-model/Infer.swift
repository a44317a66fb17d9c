import ArgumentParser
import BitBake
import Foundation

struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a .bitblob on input rows and write logits and classes to a safetensors file.",
        discussion: "The output holds 'logits' (float32 [N, C]) and 'argmax' (int64 [N]).")

    @Argument(help: "The .bitblob.")
    var blob: String

    @Option(help: "Input rows (.safetensors, .npz, .npy).")
    var input: String

    @Option(help: "The input tensor in --input.")
    var x: String = "x"

    @Option(name: .shortAndLong, help: "Where to write the outputs (.safetensors).")
    var output: String

    @Option(help: "The integer engine: simulation (the bake tool's reference) or runtime (the on-device engine).")
    var engine: Engine = .simulation

    mutating func run() throws {
        try reportingInputErrors {
            let model = try BlobBuffer(contentsOf: URL(fileURLWithPath: blob))
            let rows = try DataFile(contentsOf: URL(fileURLWithPath: input), x: x, y: nil, requireLabels: false)
            try rows.check(features: model.model.inputFeatures, classes: nil, file: input)
            let progress = ProgressBar("infer", total: rows.inputs.rows)
            let outputs = try engine.run(model, inputs: rows.inputs, progress: progress.update)
            progress.finish()
            try outputs.safetensorsFile().writeSafetensors(to: URL(fileURLWithPath: output))
            print("wrote \(output): logits [\(rows.inputs.rows), \(outputs.classCount)], argmax [\(rows.inputs.rows)]")
        }
    }
}
