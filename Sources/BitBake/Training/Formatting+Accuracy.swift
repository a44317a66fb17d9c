extension Formatting {
    /// An accuracy to 0.01%, `97.50%`: one row of a 360-row test split is 0.28%, so tenths would
    /// hide single rows.
    static func accuracy(_ fraction: Double) -> String { fixed(fraction * 100, 2) + "%" }
}
