/// Wall-clock timing of a repeated body: the best of several runs, the figure least disturbed by
/// other work on a shared machine.
struct Timing {
    /// Runs stop once this much time has been spent (after at least `minimumRuns`).
    var budget: Duration = .milliseconds(300)
    var minimumRuns = 3

    /// The shortest time one call of `body` took.
    func best(_ body: () -> Void) -> Duration {
        let clock = ContinuousClock()
        body()  // warm caches and page in memory
        var best = Duration.seconds(1_000_000)
        var runs = 0
        let start = clock.now
        while runs < minimumRuns || clock.now - start < budget {
            let elapsed = clock.measure(body)
            best = min(best, elapsed)
            runs += 1
        }
        return best
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}

/// Fixed-width number formatting without Foundation.
enum Format {
    /// `value` with `digits` decimals, right-aligned in `width` columns.
    static func number(_ value: Double, digits: Int, width: Int) -> String {
        pad(fixed(value, digits: digits), to: width)
    }

    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value.magnitude * scale).rounded()
        let whole = Int(scaled / scale)
        var text = (value < 0 ? "-" : "") + String(whole)
        if digits > 0 {
            let fraction = String(Int(scaled - Double(whole) * scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    static func pad(_ text: String, to width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    static func padRight(_ text: String, to width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
