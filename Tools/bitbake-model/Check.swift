import ArgumentParser
import BitBake
import Foundation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say whether a .bitblob fits a board's RAM and flash budget, and by how much.",
        discussion: """
            Board profiles live in Targets/boards/*.json (docs/boards.md describes the keys). Flash
            counts the blob (and the program with --binary); RAM counts every weight (the runtime reads
            all of them in place from the mapped blob), the arena for --batch vectors and the stack
            (and the program's code with --binary). Exit status 0 when the model fits, 1 when it does
            not, 2 for input that cannot be used.
            """)

    @Option(help: "The board profile (.json).")
    var board: String

    @Argument(help: "The .bitblob.")
    var blob: String

    @Option(help: "Vectors per inference the arena is sized for.")
    var batch = 1

    @Option(help: "The program that serves the model on the board (e.g. .build-boards/aarch64/bitmlpd), counted in flash and RAM.")
    var binary: String?

    @Flag(help: "Print the check as JSON.")
    var json = false

    mutating func run() throws {
        var fits = true
        try reportingInputErrors {
            let profile = try BoardProfile(contentsOf: URL(fileURLWithPath: board))
            let model = try BlobBuffer(contentsOf: URL(fileURLWithPath: blob))
            guard batch >= 1, let arena = model.model.arenaBytes(batch: batch) else {
                throw BakeError("--batch \(batch): the arena size is not defined for this batch")
            }
            let blobBytes = try Self.fileSize(blob)
            let binaryBytes = try binary.map(Self.fileSize)
            let check = FitCheck(
                board: profile, blobBytes: blobBytes, arenaBytes: arena, batch: batch, binaryBytes: binaryBytes)
            print(json ? try check.jsonString() : check.text)
            fits = check.fits
        }
        if !fits { throw ExitCode(1) }
    }

    private static func fileSize(_ path: String) throws -> Int {
        do {
            return try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        } catch {
            throw BakeError("\(path): cannot read: \(FileErrorText.describe(error))")
        }
    }
}
