/// Why a model or data file could not be read or written.
///
/// The description names the file, the tensor, member or field, and the value that was wrong:
///
///     model.safetensors: tensor '0.weight': data_offsets [0, 4096] do not match shape [256, 64] of F32 (65536 bytes)
///
/// Every importer throws only this type, so a caller maps all of them to one exit status.
public struct ModelFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of defect the file has.
    public enum Kind: Hashable, Sendable {
        /// The file system refused to open or read the file.
        case unreadable
        /// The file system refused to create or write the file.
        case unwritable
        /// The file ends before a structure it declares.
        case truncated
        /// The bytes do not follow the format's syntax (signature, JSON, header literal).
        case malformed
        /// Declared values contradict each other or the data: offsets, sizes, shapes, checksums.
        case inconsistent
        /// A valid file that uses something BitBake does not read: a dtype, a compression method, pickles.
        case unsupported
        /// A declared size passes one of ``ImportLimits``.
        case limitExceeded
    }

    /// The file as the caller named it.
    public let file: String
    /// The kind of defect, for callers that treat some differently (all mean "bad input file").
    public let kind: Kind
    /// The explanation after the file name: the tensor, member or field, then the defect.
    public let message: String

    /// An error for `file`; `message` names the part of the file and the wrong value.
    public init(file: String, kind: Kind, message: String) {
        self.file = file
        self.kind = kind
        self.message = message
    }

    /// `file: message`.
    public var description: String { "\(file): \(message)" }
}

/// Where in a file a reader is, so the errors it throws say so: "x.npz: member 'w.npy': ...".
struct ErrorContext: Sendable {
    let file: String
    private var subjects: [String] = []

    init(file: String) {
        self.file = file
    }

    /// The same file, narrowed to a part of it such as "tensor 'w'" or "member 'w.npy'".
    func narrowed(to subject: String) -> ErrorContext {
        var copy = self
        copy.subjects.append(subject)
        return copy
    }

    func error(_ kind: ModelFileError.Kind, _ detail: String) -> ModelFileError {
        ModelFileError(file: file, kind: kind, message: (subjects + [detail]).joined(separator: ": "))
    }
}
