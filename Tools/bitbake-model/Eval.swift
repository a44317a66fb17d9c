import ArgumentParser
import BitBake
import Foundation

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accuracy of the integer model on labelled data, and how it compares with the float model.",
        discussion: """
            Given a .bitblob, evaluates it (add --float MODEL to compare with the float model it came \
            from). Given a float model, bakes it in memory with the quant options first and compares. \
            With --json the report is one JSON object (docs/cli.md).
            """)

    @Argument(help: "A .bitblob, or a float model (.safetensors, .npz, .npy) to bake in memory.")
    var model: String

    @Option(help: "Labelled data (.safetensors, .npz, .npy).")
    var data: String

    @Option(help: "The input tensor in --data.")
    var x: String = "x"

    @Option(help: "The label tensor in --data.")
    var y: String = "y"

    @Option(help: "The float model a .bitblob was baked from, for comparison.")
    var float: String?

    @Option(help: "The integer engine: simulation (the bake tool's reference) or runtime (the on-device engine).")
    var engine: Engine = .simulation

    @OptionGroup var quant: QuantOptions

    @Flag(help: "Print the report as JSON.")
    var json = false

    mutating func run() throws {
        try reportingInputErrors {
            let blob: BlobBuffer
            var floatModel: FloatModelFile?
            if model.hasSuffix(".bitblob") {
                blob = try BlobBuffer(contentsOf: URL(fileURLWithPath: model))
                if let float {
                    floatModel = try FloatModelFile(url: URL(fileURLWithPath: float), spec: try quant.loadSpec())
                }
            } else {
                let (source, baked) = try quant.bake(model)
                blob = try BlobBuffer(fileBytes: baked.blob, name: model)
                floatModel = source
            }
            let dataFile = try DataFile(contentsOf: URL(fileURLWithPath: data), x: x, y: y, requireLabels: true)
            try dataFile.check(features: blob.model.inputFeatures, classes: blob.model.outputFeatures, file: data)
            let progress = ProgressBar("eval", total: dataFile.inputs.rows)
            let report = try Evaluator.evaluate(
                blob, data: dataFile, engine: engine, float: floatModel, progress: progress.update)
            progress.finish()
            if json {
                print(try report.jsonString())
            } else {
                print(report.text)
            }
        }
    }
}

