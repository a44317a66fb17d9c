/// The file formats BitBake imports, recognized by file extension.
public enum ModelFileFormat: String, CaseIterable, Hashable, Sendable {
    /// Hugging Face safetensors: a JSON header and one data area. May carry string metadata.
    case safetensors
    /// One NumPy array (`np.save`); the tensor is named after the file.
    case npy
    /// A ZIP of `.npy` arrays (`np.savez`, `np.savez_compressed`); member `x.npy` is tensor `x`.
    case npz

    /// The format for a file extension such as "safetensors" or "NPZ" (without the dot).
    public init?(fileExtension: String) {
        self.init(rawValue: fileExtension.lowercased())
    }
}
