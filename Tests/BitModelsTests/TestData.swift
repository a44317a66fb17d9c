import BitLayers
import BitModels

/// Synthetic classification data, deterministic per seed.
enum TestData {
    /// `count` points in `features` dimensions around one random center per class, with uniform
    /// noise of `noise` per coordinate; class `i % classes` for sample `i`.
    static func clusters(
        count: Int, features: Int, classes: Int, noise: Float, seed: UInt64
    ) throws -> Dataset {
        var generator = SplitMix64(seed: seed)
        let centers = (0..<classes).map { _ in (0..<features).map { _ in Float.random(in: -2...2, using: &generator) } }
        var values: [Float] = []
        var labels: [Int] = []
        for sample in 0..<count {
            labels.append(sample % classes)
            values += centers[sample % classes].map { $0 + Float.random(in: -noise...noise, using: &generator) }
        }
        return try Dataset(inputs: Matrix(rows: count, columns: features, values: values), labels: labels)
    }
}
