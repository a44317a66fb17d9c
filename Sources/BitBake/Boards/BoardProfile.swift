import Foundation

/// A small Linux board's resources, read from a JSON profile (`Targets/boards/*.json`): what
/// `bitbake-model check` compares a model against.
///
/// ```json
/// {
///   "name": "Raspberry Pi Zero 2 W",
///   "cpu": "Broadcom BCM2710A1, 4x Cortex-A53 at 1 GHz",
///   "architecture": "aarch64",
///   "cores": 4,
///   "simd": ["neon"],
///   "ram_bytes": 536870912,
///   "ram_budget_bytes": 134217728,
///   "flash_budget_bytes": 268435456,
///   "stack_bytes": 131072
/// }
/// ```
///
/// The budgets are the share of RAM and storage an application may count on after the operating
/// system and its neighbours, chosen per board (the profiles say why in `notes`).
public struct BoardProfile: Codable, Hashable, Sendable {
    public var name: String
    public var cpu: String
    /// `aarch64`, `x86_64`, `armv7`, `mips`, ...
    public var architecture: String
    public var cores: Int
    /// SIMD extensions the CPU has: `neon`, `dotprod`, `avx2`, `avx512-vnni`, ...
    public var simd: [String]
    public var ramBytes: Int
    public var ramBudgetBytes: Int
    public var flashBudgetBytes: Int
    /// Stack the process reserves (the main thread's measured high-water mark, rounded up).
    public var stackBytes: Int
    public var notes: String?

    enum CodingKeys: String, CodingKey {
        case name, cpu, architecture, cores, simd, notes
        case ramBytes = "ram_bytes"
        case ramBudgetBytes = "ram_budget_bytes"
        case flashBudgetBytes = "flash_budget_bytes"
        case stackBytes = "stack_bytes"
    }

    /// Reads a profile.
    ///
    /// - Throws: `BakeError` naming the file and the key that is missing, mistyped or out of range.
    public init(contentsOf url: URL) throws(BakeError) {
        let name = url.relativePath
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw BakeError("\(name): cannot read: \(FileErrorText.describe(error))")
        }
        do {
            self = try JSONDecoder().decode(BoardProfile.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw BakeError("\(name): missing key '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw BakeError("\(name): \(key.isEmpty ? "top level" : key): \(context.debugDescription)")
        } catch {
            throw BakeError("\(name): not a valid board profile (\(error))")
        }
        for (key, value) in [
            ("cores", cores), ("ram_bytes", ramBytes), ("ram_budget_bytes", ramBudgetBytes),
            ("flash_budget_bytes", flashBudgetBytes), ("stack_bytes", stackBytes),
        ] where value < 0 || (value == 0 && key != "stack_bytes") {
            throw BakeError("\(name): \(key) must be positive, got \(value)")
        }
        guard ramBudgetBytes <= ramBytes else {
            throw BakeError("\(name): ram_budget_bytes (\(ramBudgetBytes)) exceeds ram_bytes (\(ramBytes))")
        }
    }

    /// The BitLab kernel a board build selects on this CPU, or nil when BitLab has no build for the
    /// architecture (docs/boards.md lists the built ones).
    public var kernelName: String? {
        switch architecture {
        case "aarch64": return simd.contains("dotprod") ? "neon-dot" : "neon"
        case "x86_64":
            if simd.contains("avx512-vnni") { return "avx512-vnni" }
            return simd.contains("avx2") ? "avx2" : "portable"
        default: return nil
        }
    }
}
