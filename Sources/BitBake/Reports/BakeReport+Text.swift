import BitCore

extension BakeReport {
    /// The report as the `bake` command prints it: one row per layer, then the totals.
    public var text: String {
        var table = TextTable(columns: [
            .init("layer"), .init("shape", right: true), .init("-1", right: true), .init("0", right: true),
            .init("+1", right: true), .init("scale", right: true), .init("weights", right: true),
            .init("scales+bias", right: true),
        ])
        for layer in layers {
            let shares = layer.shares
            let scale = layer.scaleRange.lowerBound == layer.scaleRange.upperBound
                ? Formatting.significant(layer.scaleRange.lowerBound)
                : Formatting.significant(layer.scaleRange.lowerBound) + "..." + Formatting.significant(layer.scaleRange.upperBound)
            table.append([
                layer.name, "\(layer.outputs) x \(layer.inputs)", Formatting.percent(shares.negative),
                Formatting.percent(shares.zero), Formatting.percent(shares.positive), scale,
                Formatting.bytes(layer.packedBytes), Formatting.bytes(layer.scaleAndBiasBytes),
            ])
        }
        var lines = [table.rendered]
        lines.append(
            "total: \(Formatting.grouped(weightCount)) weights; float32 \(Formatting.bytes(floatBytes)) -> blob "
                + "\(Formatting.bytes(blobBytes)) (\(Formatting.fixed(bitsPerWeight, 3)) bits/weight with scales, "
                + "biases and headers; \(Formatting.fixed(compressionRatio, 1))x smaller)")
        lines.append(
            "arena: \(Formatting.bytes(arena.bytes(batch: 1) ?? 0)) for one vector, "
                + "+\(Formatting.bytes(arena.bytesPerVector)) per extra vector in a batch")
        return lines.joined(separator: "\n")
    }
}

/// A plain-text table with aligned columns.
struct TextTable {
    struct Column {
        var title: String
        var right: Bool
        init(_ title: String, right: Bool = false) {
            self.title = title
            self.right = right
        }
    }

    var columns: [Column]
    var rows: [[String]] = []

    init(columns: [Column]) { self.columns = columns }

    mutating func append(_ row: [String]) { rows.append(row) }

    var rendered: String {
        let all = [columns.map(\.title)] + rows
        let widths = columns.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            columns.indices.map { index in
                let cell = row[index]
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return columns[index].right ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }
}

/// Number formatting for reports (no locale: reports read the same everywhere).
enum Formatting {
    /// `12,345`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// `12,345 B`.
    static func bytes(_ value: Int) -> String { grouped(value) + " B" }

    /// `37.5%`.
    static func percent(_ fraction: Double) -> String { fixed(fraction * 100, 1) + "%" }

    /// `value` with `digits` decimals.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value.magnitude * scale).rounded()
        let whole = (scaled / scale).rounded(.down)
        var text = (value < 0 && scaled > 0 ? "-" : "") + String(Int(whole))
        if digits > 0 {
            let fraction = String(Int(scaled - whole * scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    /// Four significant digits: `12.35`, `0.001234`, `1.2e+05`.
    static func significant(_ value: Float) -> String {
        let magnitude = Double(value.magnitude)
        guard magnitude >= 1e-4, magnitude < 1e5 else { return "\(value)" }
        var digits = 3
        var bound = 1.0
        while magnitude >= bound * 10 && digits > 0 { bound *= 10; digits -= 1 }
        while magnitude < bound && digits < 8 { bound /= 10; digits += 1 }
        return fixed(Double(value), digits)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
