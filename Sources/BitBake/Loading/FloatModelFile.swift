import BitBlob
import Foundation

/// A float model file read for baking: its tensors, its SHA-256, and the layer chain (from a spec
/// or inferred from the names).
public struct FloatModelFile: Sendable {
    public let url: URL
    public let file: ModelFile
    /// SHA-256 of the file's bytes.
    public let sha256: [UInt8]
    public let model: FloatMLP

    /// Reads `url` and resolves its layers, with `spec` naming them when given.
    ///
    /// - Throws: `ModelFileError` for a file that cannot be parsed, `BakeError` for a file that
    ///   cannot be read or a chain that cannot be worked out (naming the model file, or the spec
    ///   file and key when the spec names the layers).
    public init(url: URL, spec: BakeSpec?) throws {
        let format = try Self.format(of: url)
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw BakeError("\(url.relativePath): cannot read: \(FileErrorText.describe(error))")
        }
        self.url = url
        file = try ModelFile(decoding: data, format: format, fileName: url.relativePath)
        sha256 = Array(data.withUnsafeBytes { SHA256.hash($0) })
        let shapes = file.tensors.map { (name: $0.name, shape: $0.shape) }
        var description: MLPDescription
        if let named = try spec?.description(for: shapes) {
            description = named
        } else {
            do {
                description = try MLPDescription.infer(from: shapes)
            } catch {
                throw BakeError("\(url.relativePath): \(error)")
            }
            if let hidden = spec?.hiddenActivation {
                for index in description.layers.indices.dropLast() { description.layers[index].activation = hidden }
            }
        }
        do {
            model = try FloatMLP(file: file, description: description)
        } catch {
            throw BakeError("\(url.relativePath): \(error)")
        }
    }

    private static func format(of url: URL) throws(BakeError) -> ModelFileFormat {
        guard let format = ModelFileFormat(fileExtension: url.pathExtension) else {
            throw BakeError(
                "\(url.relativePath): unknown model format '.\(url.pathExtension)' (expected .safetensors, .npz or .npy)")
        }
        return format
    }
}
