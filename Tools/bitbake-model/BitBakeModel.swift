import ArgumentParser
import BitBake

/// `bitbake-model`: turn float MLPs into ternary BitNet b1.58 models for small devices.
@main
struct BitBakeModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bitbake-model",
        abstract: "Bake float MLPs into ternary (BitNet b1.58) .bitblob models and check them.",
        discussion: """
            Typical use:
              bitbake-model bake model.safetensors -o model.bitblob
              bitbake-model eval model.bitblob --data test.npz --float model.safetensors

            Exit status: 0 on success, 2 for input that cannot be used (the message names the file \
            and the defect), 64 for command-line usage errors.
            """,
        version: Baker.toolVersion,
        subcommands: [Bake.self, Inspect.self, Eval.self, Infer.self, Check.self, FineTune.self, Train.self, EmitSwift.self])
}
