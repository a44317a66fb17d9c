import Foundation
import Testing

/// The most memory a run may use: the bound for bad input, which every run here meets.
/// Under AddressSanitizer (Tools/fuzz/sanitizers.sh sets `BITLAB_SANITIZER=address`) the tool's
/// redzones, quarantine and shadow pages add 10 to 30 MB, so the bound is 256 MB there.
let memoryLimit = ProcessInfo.processInfo.environment["BITLAB_SANITIZER"] == "address" ? 256 << 20 : 64 << 20

/// Success: exit status 0, nothing on stderr (no progress bar when stderr is not a terminal).
func expectSuccess(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == 0, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.isEmpty, sourceLocation: sourceLocation)
    #expect(result.peakMemory < memoryLimit, sourceLocation: sourceLocation)
}

/// Bad input: exit status 2, nothing on stdout, and on stderr exactly one line
/// `error: <file>: <defect>` (or `error: <message>` when `file` is nil); the child stayed under
/// 64 MB. Returns the defect for further checks.
@discardableResult
func expectInputError(
    _ result: CommandResult, naming file: String?, sourceLocation: SourceLocation = #_sourceLocation
) -> String {
    #expect(result.status == 2, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "stdout: \(result.stdout)", sourceLocation: sourceLocation)
    #expect(result.peakMemory < memoryLimit, "peak memory \(result.peakMemory) bytes", sourceLocation: sourceLocation)
    let prefix = "error: " + (file.map { $0 + ": " } ?? "")
    #expect(result.stderr.hasPrefix(prefix), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.hasSuffix("\n"), sourceLocation: sourceLocation)
    #expect(result.stderr.filter { $0 == "\n" }.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    let defect = result.stderr.dropFirst(prefix.count).dropLast()
    #expect(defect.count >= 10, "a defect worth reading: \(result.stderr)", sourceLocation: sourceLocation)
    return String(defect)
}

/// A usage error: swift-argument-parser's own exit status 64 and its message on stderr.
func expectUsageError(
    _ result: CommandResult, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(result.status == 64, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
    #expect(result.stderr.hasPrefix("Error: "), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.contains(text), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
}
