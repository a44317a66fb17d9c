/// Whether a baked model fits a board: flash for the blob (and the program, when given), RAM for
/// the weights the runtime touches (all of them, read in place from the mapped blob), the arena
/// and the stack.
public struct FitCheck: Encodable, Hashable, Sendable {
    public struct Budget: Encodable, Hashable, Sendable {
        /// What the model needs, item by item.
        public var items: [Item]
        public var budgetBytes: Int
        public var neededBytes: Int { items.reduce(0) { $0 + $1.bytes } }
        /// Bytes to spare (negative: bytes missing).
        public var headroomBytes: Int { budgetBytes - neededBytes }
        public var fits: Bool { headroomBytes >= 0 }

        enum CodingKeys: String, CodingKey { case items, budgetBytes, neededBytes, headroomBytes, fits }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
            try container.encode(budgetBytes, forKey: .budgetBytes)
            try container.encode(neededBytes, forKey: .neededBytes)
            try container.encode(headroomBytes, forKey: .headroomBytes)
            try container.encode(fits, forKey: .fits)
        }
    }

    public struct Item: Encodable, Hashable, Sendable {
        public var name: String
        public var bytes: Int
    }

    public var board: BoardProfile
    public var batch: Int
    public var flash: Budget
    public var ram: Budget
    public var fits: Bool { flash.fits && ram.fits }

    enum CodingKeys: String, CodingKey { case board, architecture, kernel, batch, flash, ram, fits }

    /// `{"board", "architecture", "kernel", "batch", "flash", "ram", "fits"}`; each budget has its
    /// items, `budgetBytes`, `neededBytes`, `headroomBytes` (negative when over) and `fits`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(board.name, forKey: .board)
        try container.encode(board.architecture, forKey: .architecture)
        try container.encode(board.kernelName, forKey: .kernel)
        try container.encode(batch, forKey: .batch)
        try container.encode(flash, forKey: .flash)
        try container.encode(ram, forKey: .ram)
        try container.encode(fits, forKey: .fits)
    }

    /// Checks a blob of `blobBytes` whose arena is `arenaBytes` for `batch`, with an optional
    /// program of `binaryBytes` (its code is also resident in RAM).
    public init(board: BoardProfile, blobBytes: Int, arenaBytes: Int, batch: Int, binaryBytes: Int?) {
        self.board = board
        self.batch = batch
        var flashItems = [Item(name: "blob", bytes: blobBytes)]
        var ramItems = [
            Item(name: "weights (mapped blob)", bytes: blobBytes),
            Item(name: "arena (batch \(batch))", bytes: arenaBytes),
            Item(name: "stack", bytes: board.stackBytes),
        ]
        if let binaryBytes {
            flashItems.append(Item(name: "program", bytes: binaryBytes))
            ramItems.append(Item(name: "program", bytes: binaryBytes))
        }
        flash = Budget(items: flashItems, budgetBytes: board.flashBudgetBytes)
        ram = Budget(items: ramItems, budgetBytes: board.ramBudgetBytes)
    }

    /// The check as `bitbake-model check` prints it.
    public var text: String {
        func line(_ label: String, _ budget: Budget) -> String {
            let parts = budget.items.map { "\($0.name) \(Formatting.bytes($0.bytes))" }.joined(separator: " + ")
            let share = Formatting.percent(Double(abs(budget.headroomBytes)) / Double(budget.budgetBytes))
            let verdict = budget.fits
                ? "fits, \(Formatting.bytes(budget.headroomBytes)) (\(share) of the budget) to spare"
                : "does NOT fit, \(Formatting.bytes(-budget.headroomBytes)) over (\(share) of the budget)"
            return "\(label) \(parts) = \(Formatting.bytes(budget.neededBytes)) of \(Formatting.bytes(budget.budgetBytes)): \(verdict)"
        }
        let kernel = board.kernelName.map { "BitLab kernel \($0)" }
            ?? "no BitLab board build for \(board.architecture) yet (docs/boards.md)"
        return [
            "board: \(board.name) (\(board.architecture), \(board.cores) core\(board.cores == 1 ? "" : "s"), "
                + "\(board.simd.isEmpty ? "no SIMD" : board.simd.joined(separator: "+"))); \(kernel)",
            line("flash:", flash),
            line("RAM:  ", ram),
            fits ? "verdict: the model fits" : "verdict: the model does NOT fit",
        ].joined(separator: "\n")
    }
}

extension FitCheck {
    /// The check as one JSON object (docs/cli.md).
    public func jsonString() throws -> String { try JSONOutput.string(self) }
}
