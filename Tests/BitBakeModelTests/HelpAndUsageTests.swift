import BitBake
import Testing

/// Help, version and command-line usage errors.
@Suite struct HelpAndUsageTests {
    @Test(arguments: [["--help"], ["help"], []])
    func rootHelpListsTheCommandsAndExitStatuses(_ arguments: [String]) throws {
        let result = try BitBakeModel.run(arguments)
        expectSuccess(result)
        for text in [
            "USAGE: bitbake-model <subcommand>", "bake", "inspect", "eval", "infer",
            "Exit status: 0 on success, 2 for input that cannot be used", "64 for command-line usage errors",
        ] {
            #expect(result.stdout.contains(text), "\(text)")
        }
    }

    @Test(arguments: [
        ("bake", ["--output", "--weight-granularity", "--activation-granularity", "--packing", "--spec",
                  "--calibration", "--calibration-x", "--compress", "(values: per_tensor, per_channel)",
                  "(values: i2, t3)"]),
        ("inspect", ["--json", "--export", "layer<i>.codes"]),
        ("eval", ["--data", "--x", "--y", "--float", "--engine", "--json", "--weight-granularity", "--spec"]),
        ("infer", ["--input", "--x", "--output", "--engine", "'logits' (float32 [N, C]) and 'argmax' (int64 [N])"]),
    ])
    func commandHelp(_ command: String, options: [String]) throws {
        for arguments in [[command, "--help"], ["help", command]] {
            let result = try BitBakeModel.run(arguments)
            expectSuccess(result)
            #expect(result.stdout.contains("USAGE: bitbake-model \(command)"))
            for option in options {
                #expect(result.stdout.contains(option), "\(command): \(option)")
            }
        }
    }

    @Test func version() throws {
        let result = try BitBakeModel.run(["--version"])
        expectSuccess(result)
        #expect(result.stdout == Baker.toolVersion + "\n")
        #expect(Baker.toolVersion == "bitbake-model 0.1.0")
    }

    @Test func usageErrorsKeepArgumentParsersStatus() throws {
        let model = Repository.digitsModel
        expectUsageError(try BitBakeModel.run(["bake"]), mentioning: "Missing expected argument '<model>'")
        expectUsageError(try BitBakeModel.run(["frobnicate"]), mentioning: "Unexpected argument 'frobnicate'")
        expectUsageError(try BitBakeModel.run(["bake", model]), mentioning: "Missing expected argument '--output <output>'")
        expectUsageError(
            try BitBakeModel.run(["bake", model, "-o", "x.bitblob", "--packing", "t5"]),
            mentioning: "The value 't5' is invalid for '--packing <packing>'. Please provide one of 'i2' and 't3'.")
        expectUsageError(
            try BitBakeModel.run(["bake", model, "-o", "x.bitblob", "--weight-granularity", "per_row"]),
            mentioning: "Please provide one of 'per_tensor' and 'per_channel'.")
        expectUsageError(
            try BitBakeModel.run(["bake", model, "-o", "x.bitblob", "--activation-granularity", "int4"]),
            mentioning: "Please provide one of 'per_token', 'per_tensor' or 'per_channel'.")
        expectUsageError(try BitBakeModel.run(["bake", model, "-o", "x.bitblob", "--fast"]), mentioning: "Unknown option '--fast'")
        expectUsageError(
            try BitBakeModel.run(["eval", model, "--data", Repository.digitsTest, "--engine", "gpu"]),
            mentioning: "Please provide one of 'simulation' and 'runtime'.")
        expectUsageError(try BitBakeModel.run(["eval", model]), mentioning: "Missing expected argument '--data <data>'")
        expectUsageError(try BitBakeModel.run(["infer", "x.bitblob", "--input", "x.npz"]), mentioning: "'--output <output>'")
        expectUsageError(try BitBakeModel.run(["inspect"]), mentioning: "Missing expected argument '<blob>'")
    }
}
