import Foundation

/// A progress bar on stderr for long work, drawn only when stderr is a terminal (silent in pipes,
/// logs and CI).
final class ProgressBar {
    private let label: String
    private let total: Int
    private let enabled: Bool
    private var lastDrawn = -1

    init(_ label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
        self.enabled = isatty(STDERR_FILENO) == 1
    }

    /// Shows `done` of `total`; redraws at most once per percent.
    func update(_ done: Int) {
        guard enabled else { return }
        let percent = min(100, done * 100 / total)
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)% (\(done)/\(total))".utf8))
    }

    /// Clears the bar's line.
    func finish() {
        guard enabled, lastDrawn >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
