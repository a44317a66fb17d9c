@testable import BitBake
import Foundation
import Testing

/// Board profiles and the fit check behind `bitbake-model check`.
@Suite struct BoardTests {
    static let boardsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Targets/boards")

    static func profile(_ json: String) throws -> BoardProfile {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("board-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try BoardProfile(contentsOf: url)
    }

    static let small = """
        {"name": "Tiny", "cpu": "test", "architecture": "aarch64", "cores": 1, "simd": ["neon", "dotprod"],
         "ram_bytes": 1000000, "ram_budget_bytes": 100000, "flash_budget_bytes": 50000, "stack_bytes": 8192}
        """

    @Test func everyCommittedProfileReads() throws {
        let files = try FileManager.default.contentsOfDirectory(at: Self.boardsFolder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        #expect(files.count >= 3)
        for file in files {
            let board = try BoardProfile(contentsOf: file)
            #expect(board.ramBudgetBytes <= board.ramBytes, "\(file.lastPathComponent)")
        }
    }

    @Test func kernelFollowsArchitectureAndSIMD() throws {
        #expect(try Self.profile(Self.small).kernelName == "neon-dot")
        let plain = try Self.profile(Self.small.replacingOccurrences(of: ", \"dotprod\"", with: ""))
        #expect(plain.kernelName == "neon")
        let mips = try Self.profile(Self.small.replacingOccurrences(of: "aarch64", with: "mipsel"))
        #expect(mips.kernelName == nil)
    }

    @Test func fitsAndOverflowsWithTheRightMargins() throws {
        let board = try Self.profile(Self.small)
        let fitting = FitCheck(board: board, blobBytes: 20_000, arenaBytes: 1_500, batch: 1, binaryBytes: nil)
        #expect(fitting.flash.neededBytes == 20_000)
        #expect(fitting.ram.neededBytes == 20_000 + 1_500 + 8_192)
        #expect(fitting.ram.headroomBytes == 100_000 - 29_692)
        #expect(fitting.fits)
        #expect(fitting.text.contains("verdict: the model fits"))

        let tooBig = FitCheck(board: board, blobBytes: 40_000, arenaBytes: 1_500, batch: 1, binaryBytes: 30_000)
        #expect(tooBig.flash.neededBytes == 70_000)
        #expect(tooBig.flash.headroomBytes == -20_000)
        #expect(!tooBig.flash.fits)
        #expect(tooBig.ram.fits)
        #expect(!tooBig.fits)
        #expect(tooBig.text.contains("does NOT fit, 20,000 B over"))
    }

    @Test func badProfilesNameTheFileAndKey() throws {
        #expect(throws: BakeError.self) { try Self.profile("{}") }
        do {
            _ = try Self.profile(Self.small.replacingOccurrences(of: "\"cores\": 1", with: "\"cores\": -1"))
            Issue.record("a negative core count was accepted")
        } catch let error as BakeError {
            #expect(error.message.hasSuffix("cores must be positive, got -1"))
        }
        do {
            _ = try Self.profile(Self.small.replacingOccurrences(of: "\"ram_budget_bytes\": 100000", with: "\"ram_budget_bytes\": 2000000"))
            Issue.record("a budget above the RAM was accepted")
        } catch let error as BakeError {
            #expect(error.message.hasSuffix("ram_budget_bytes (2000000) exceeds ram_bytes (1000000)"))
        }
        do {
            _ = try Self.profile(Self.small.replacingOccurrences(of: "\"name\": \"Tiny\", ", with: ""))
            Issue.record("a profile without a name was accepted")
        } catch let error as BakeError {
            #expect(error.message.hasSuffix("missing key 'name'"))
        }
    }
}
