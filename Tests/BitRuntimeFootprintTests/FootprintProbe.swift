import Foundation
import Testing

/// Runs `bitruntime-footprint-probe` (Tests/BitRuntimeFootprintProbe) on a blob in a process of
/// its own, where nothing but the runtime allocates or touches memory, and reads its figures.
struct FootprintProbe {
    /// The probe's `key=value` figures.
    let figures: [String: Int]

    subscript(key: String) -> Int {
        get throws { try #require(figures[key], "the probe printed no \(key)") }
    }

    /// Writes `blob` to a temporary file and runs the probe on it.
    init(blob: [UInt8], rounds: Int, batch: Int = 1, allocateInLoop: Bool = false) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("footprint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.bitblob")
        try Data(blob).write(to: path)

        let process = Process()
        process.executableURL = Self.executable
        process.arguments = [path.path, "\(rounds)", "\(batch)"] + (allocateInLoop ? ["--allocate-in-loop"] : [])
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "probe failed: \(text)")
        var figures: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Int(parts[1]) { figures[String(parts[0])] = value }
        }
        self.figures = figures
    }

    /// The probe is built next to the test bundle, as a dependency of this test target.
    static var executable: URL {
        let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("bitruntime-footprint-probe")
    }
}
