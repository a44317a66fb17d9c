import Foundation
import Testing

/// `check --board`: the verdict, the exit status, and the JSON form.
@Suite struct CheckCommandTests {
    @Test func fitsOnEveryBoardAndFailsWhenTooBig() throws {
        let folder = try BitBakeModel.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let blob = folder.appendingPathComponent("digits.bitblob").path
        expectSuccess(try BitBakeModel.run(["bake", Repository.digitsModel, "-o", blob]))

        for board in ["raspberry-pi-zero-2-w", "radxa-zero-3w-1gb", "nxp-imx6ull-256mb", "onion-omega2-64mb"] {
            let result = try BitBakeModel.run(["check", "--board", Repository.path("Targets/boards/\(board).json"), blob])
            expectSuccess(result)
            #expect(result.stdout.contains("verdict: the model fits"), "\(board)")
        }

        let tiny = folder.appendingPathComponent("tiny.json")
        try Data("""
            {"name": "Tiny", "cpu": "test", "architecture": "aarch64", "cores": 1, "simd": ["neon"],
             "ram_bytes": 200000, "ram_budget_bytes": 150000, "flash_budget_bytes": 10000, "stack_bytes": 8192}
            """.utf8).write(to: tiny)
        let tooBig = try BitBakeModel.run(["check", "--board", tiny.path, blob])
        #expect(tooBig.status == 1)
        #expect(tooBig.stdout.contains("flash: blob 20,472 B = 20,472 B of 10,000 B: does NOT fit, 10,472 B over"))
        #expect(tooBig.stdout.contains("verdict: the model does NOT fit"))

        let json = try BitBakeModel.run(["check", "--board", tiny.path, blob, "--json", "--batch", "4"])
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["board", "architecture", "kernel", "batch", "flash", "ram", "fits"])
        #expect(object["fits"] as? Bool == false)
        #expect(object["batch"] as? Int == 4)

        let missing = try BitBakeModel.run(["check", "--board", folder.appendingPathComponent("none.json").path, blob])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("none.json: cannot read: No such file or directory"))
    }
}
