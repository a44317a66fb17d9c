import Foundation

/// A model or data file read into memory: its tensors in file order and its string metadata.
///
///     let model = try ModelFile(contentsOf: URL(fileURLWithPath: "model.safetensors"))
///     for tensor in model.tensors { print(tensor.name, tensor.shape, tensor.storedType) }
///
/// Reading checks every length, offset, shape and count against the file before using it and
/// throws ``ModelFileError`` naming the defect. Memory: the file is mapped, and each tensor is
/// converted into its own array (4 bytes per float, 8 per integer element).
public struct ModelFile: Hashable, Sendable {
    /// Safetensors: in data-offset order. NumPy `.npz`: in archive order. `.npy`: one tensor.
    public var tensors: [Tensor]
    /// The safetensors `__metadata__` map; empty for NumPy files.
    public var metadata: [String: String]

    /// A file's contents built in memory, for instance to write with ``writeSafetensors(to:)``.
    public init(tensors: [Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The first tensor with this name.
    public subscript(name: String) -> Tensor? {
        tensors.first { $0.name == name }
    }
}

extension ModelFile {
    /// Reads a `.safetensors`, `.npy` or `.npz` file, chosen by its extension.
    ///
    /// A `.npy` file's one tensor is named after the file: `labels.npy` gives tensor `labels`.
    /// Errors name the file as `url.relativePath` (the path as the caller gave it).
    /// - Throws: ``ModelFileError``.
    public init(contentsOf url: URL, limits: ImportLimits = .standard) throws {
        let fileName = url.relativePath
        guard let format = ModelFileFormat(fileExtension: url.pathExtension) else {
            let supported = ModelFileFormat.allCases.map { ".\($0.rawValue)" }.joined(separator: ", ")
            throw ModelFileError(file: fileName, kind: .unsupported, message: "unknown file extension '\(url.pathExtension)'; BitBake reads \(supported)")
        }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw ModelFileError(file: fileName, kind: .unreadable, message: "cannot read the file: \(FileErrorText.describe(error))")
        }
        try self.init(decoding: bytes, format: format, fileName: fileName, limits: limits)
    }

    /// Decodes file contents already in memory.
    ///
    /// - Parameter fileName: the name used in error messages, and the tensor name of an `.npy` file
    ///   (without directory and extension).
    /// - Throws: ``ModelFileError``.
    public init(decoding bytes: Data, format: ModelFileFormat, fileName: String, limits: ImportLimits = .standard) throws {
        let context = ErrorContext(file: fileName)
        self = try bytes.withUnsafeBytes { (file: UnsafeRawBufferPointer) throws(ModelFileError) -> ModelFile in
            switch format {
            case .safetensors:
                return try SafetensorsReader.read(file, limits: limits, context: context)
            case .npy:
                let name = URL(fileURLWithPath: fileName).deletingPathExtension().lastPathComponent
                return ModelFile(tensors: [try NpyReader.read(file, tensorName: name, limits: limits, context: context)])
            case .npz:
                return ModelFile(tensors: try NpzReader.read(file, limits: limits, context: context))
            }
        }
    }

    /// The safetensors encoding of these tensors and metadata, in the order given (see
    /// ``writeSafetensors(to:)``).
    ///
    /// - Parameter fileName: the name used in error messages.
    /// - Throws: ``ModelFileError`` when a name is repeated or reserved, a shape does not match its
    ///   values, or a value does not fit its `storedType`.
    public func safetensorsEncoded(fileName: String = "output.safetensors") throws -> [UInt8] {
        try SafetensorsWriter.encode(self, context: ErrorContext(file: fileName))
    }

    /// Writes these tensors as a safetensors file, atomically.
    ///
    /// Each tensor is stored as its `storedType`: F32 or F64 for float values; I64, I32, I16, I8,
    /// U8 or BOOL for integer values, each value checked to fit. Metadata keys are written sorted,
    /// tensors in the order of ``tensors``, so the output is deterministic and the reference
    /// `safetensors` library reads it.
    /// - Throws: ``ModelFileError``.
    public func writeSafetensors(to url: URL) throws {
        let bytes = try safetensorsEncoded(fileName: url.relativePath)
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw ModelFileError(file: url.relativePath, kind: .unwritable, message: "cannot write the file: \(FileErrorText.describe(error))")
        }
    }
}
