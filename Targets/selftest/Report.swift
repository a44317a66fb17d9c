import CBitSystem

/// The self-test's output. Standard output carries exactly the golden lines (one per case) plus a
/// `FAIL` line per failure, so `bitlab-selftest | diff golden.txt -` is the whole check; notes
/// that differ between machines (the kernels this CPU runs) go to standard error.
struct Report {
    private(set) var failures = 0

    /// A golden line.
    func line(_ text: String) {
        print(text)
    }

    /// A failure: a `FAIL` line naming the case and what was wrong.
    mutating func fail(_ name: String, _ reason: String) {
        failures += 1
        print("FAIL \(name): \(reason)")
    }

    /// A line on standard error.
    static func note(_ text: String) {
        var line = "bitlab-selftest: " + text + "\n"
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = bitsys_write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
