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
    /// - Throws: `ModelFileError` for a file that cannot be parsed, `BakeError` for a chain that
    ///   cannot be worked out.
    public init(url: URL, spec: BakeSpec?) throws {
        let data = try Data(contentsOf: url, options: .mappedIfSafe)
        self.url = url
        file = try ModelFile(decoding: data, format: try Self.format(of: url), fileName: url.path)
        sha256 = Array(data.withUnsafeBytes { SHA256.hash($0) })
        let shapes = file.tensors.map { (name: $0.name, shape: $0.shape) }
        var description: MLPDescription
        do {
            if let named = try spec?.description(for: shapes) {
                description = named
            } else {
                description = try MLPDescription.infer(from: shapes)
                if let hidden = try spec?.hiddenActivation() {
                    for index in description.layers.indices.dropLast() { description.layers[index].activation = hidden }
                }
            }
        } catch {
            throw BakeError("\(url.path): \(error)")
        }
        model = try FloatMLP(file: file, description: description)
    }

    private static func format(of url: URL) throws(BakeError) -> ModelFileFormat {
        guard let format = ModelFileFormat(fileExtension: url.pathExtension) else {
            throw BakeError(
                "\(url.path): unknown model format '.\(url.pathExtension)' (expected .safetensors, .npz or .npy)")
        }
        return format
    }
}
