import BitLayers
import Foundation

/// Rows of inputs and, when present, their class labels, read from a safetensors, `.npy` or `.npz`
/// file: what `eval`, `infer`, `finetune` and `--calibration` take.
public struct DataFile: Sendable {
    /// One row per sample; trailing dimensions of the stored tensor are flattened
    /// (`[N, 8, 8]` images become `N x 64`).
    public let inputs: Matrix
    /// One class index per row, when the file has a label tensor.
    public let labels: [Int]?

    /// Reads the input tensor `x` and, when `y` is given and present, the label tensor `y`.
    ///
    /// - Parameters:
    ///   - requireLabels: make a missing label tensor an error (evaluation and training need it).
    /// - Throws: `ModelFileError` for a file that cannot be read; `BakeError` naming the file and
    ///   tensor when a tensor is missing, has the wrong shape, or holds labels that are not
    ///   non-negative integers.
    public init(contentsOf url: URL, x: String = "x", y: String? = "y", requireLabels: Bool) throws {
        let file = try ModelFile(contentsOf: url)
        let path = url.relativePath
        let available = file.tensors.map(\.name).joined(separator: ", ")
        guard let input = file[x] else {
            throw BakeError("\(path): no tensor '\(x)' (the file has: \(available)); name the inputs with --x")
        }
        guard let rows = input.shape.first, input.shape.count >= 1, rows > 0 else {
            throw BakeError("\(path): tensor '\(x)' has shape \(input.shape); expected [samples, features]")
        }
        let columns = input.shape.count == 1 ? rows : input.elementCount / rows
        let rowCount = input.shape.count == 1 ? 1 : rows
        if let index = input.floatValues.firstIndex(where: { !$0.isFinite }) {
            throw BakeError("\(path): tensor '\(x)' holds a NaN or infinity at row \(index / columns), column \(index % columns)")
        }
        inputs = Matrix(rows: rowCount, columns: columns, values: input.floatValues)

        guard let y, let label = file[y] else {
            if requireLabels {
                throw BakeError("\(path): no label tensor '\(y ?? "y")' (the file has: \(available)); name it with --y")
            }
            labels = nil
            return
        }
        guard label.shape == [rowCount] || label.shape == [rowCount, 1] else {
            throw BakeError("\(path): labels '\(y)' have shape \(label.shape); expected [\(rowCount)] to match '\(x)'")
        }
        let values: [Int]
        if let integers = label.integerValues {
            values = integers
        } else {
            let floats = label.floatValues
            guard floats.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 < 1e9 }) else {
                throw BakeError("\(path): labels '\(y)' must be non-negative whole numbers (class indices)")
            }
            values = floats.map { Int($0) }
        }
        if let index = values.firstIndex(where: { $0 < 0 }) {
            throw BakeError("\(path): label \(values[index]) at row \(index) is negative; labels are class indices")
        }
        labels = values
    }

    /// Checks that rows have `features` columns and labels fit `classes` outputs.
    public func check(features: Int, classes: Int?, file: String) throws(BakeError) {
        guard inputs.columns == features else {
            throw BakeError("\(file): rows have \(inputs.columns) features, the model takes \(features)")
        }
        if let classes, let labels, let index = labels.firstIndex(where: { $0 >= classes }) {
            throw BakeError("\(file): label \(labels[index]) at row \(index) is not below the model's \(classes) classes")
        }
    }
}
