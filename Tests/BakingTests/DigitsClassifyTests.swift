import BitBake
import BitBlob
import Foundation
import Testing

/// The example client, `digits-classify`, as built by `swift build`: BitBakePlugin baked
/// Targets/examples/digits-classify/Digits.safetensors with its bitbake.json into the binary.
@Suite struct DigitsClassifyTests {
    /// What one run printed and how it ended.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary SwiftPM built next to the test bundle (this target depends on it) with
    /// `input` on standard input.
    static func run(_ arguments: [String], input: String = "") throws -> Run {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("BakingTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let paths = ["stdin", "stdout", "stderr"].map { folder.appendingPathComponent($0) }
        try Data(input.utf8).write(to: paths[0])
        for path in paths.dropFirst() { try Data().write(to: path) }
        let process = Process()
        let products = Bundle.main.executableURL?.deletingLastPathComponent()
            ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        process.executableURL = products.appendingPathComponent("digits-classify")
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: paths[0])
        process.standardOutput = try FileHandle(forWritingTo: paths[1])
        process.standardError = try FileHandle(forWritingTo: paths[2])
        try process.run()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: try String(contentsOf: paths[1], encoding: .utf8),
            stderr: try String(contentsOf: paths[2], encoding: .utf8))
    }

    /// Every test row on standard input: the binary's classes and logits equal the blob-loaded
    /// runtime's and the bake tool's simulation's for the blob bitbake-model bakes from the same
    /// model and options (the binary's blob, as its SHA-256 shows).
    @Test func answersEqualTheRuntimeAndTheSimulationOnEveryTestRow() throws {
        let blob = DigitsData.classifierBlob
        let about = try Self.run(["--about"])
        #expect(about.status == 0)
        #expect(about.stdout.contains("blob: \(blob.bytes.count) bytes, sha256 \(Hex.string(SHA256.hash(blob.bytes)))\n"))

        let inputs = DigitsData.test.inputs
        let text = (0..<inputs.rows).map { row in DigitsData.row(row).map { "\($0)" }.joined(separator: " ") }
            .joined(separator: "\n")
        let result = try Self.run(["--logits"], input: text + "\n")
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let lines = result.stdout.split(separator: "\n")
        try #require(lines.count == inputs.rows)
        let runtime = try Engine.runtime.run(blob, inputs: inputs)
        let simulation = try Engine.simulation.run(blob, inputs: inputs)
        #expect(runtime == simulation)
        for (row, line) in lines.enumerated() {
            let fields = line.split(separator: " ")
            #expect(Int(fields[0]) == runtime.classes[row], "row \(row)")
            #expect(fields.dropFirst().map { Float(String($0)) } == runtime.floatLogits[row * 10..<(row + 1) * 10].map { $0 }, "row \(row)")
        }
        // The classes alone, and one image given as arguments.
        let classes = try Self.run([], input: text)
        #expect(classes.stdout == runtime.classes.map { "\($0)\n" }.joined())
        let single = try Self.run(DigitsData.row(7).map { "\($0)" })
        #expect(single.stdout == "\(runtime.classes[7])\n")
    }

    @Test func badInputNamesTheLineAndExits2() throws {
        let short = try Self.run([], input: "0 1 2\n")
        #expect(short.status == 2)
        #expect(short.stderr == "digits-classify: line 1: 3 values, expected 64\n")
        let word = try Self.run([], input: "\n" + (["0.5"] + Array(repeating: "0", count: 62) + ["ink"]).joined(separator: ",") + "\n")
        #expect(word.status == 2)
        #expect(word.stderr == "digits-classify: line 2: 'ink' is not a number\n")
    }

    @Test func unknownOptionIsAUsageError() throws {
        let result = try Self.run(["--verbose"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("digits-classify: unknown option '--verbose'\nusage: digits-classify"))
    }
}
