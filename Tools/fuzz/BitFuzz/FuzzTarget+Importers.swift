import BitBake
import Foundation

/// The offline importers: safetensors, `.npy`, `.npz` and bake specs, through the same public
/// entry points `bitbake-model` uses, with the standard limits.
enum Importers {
    static func safetensors(_ bytes: UnsafeRawBufferPointer) throws(FuzzFinding) -> FuzzOutcome {
        guard let file = read(bytes, .safetensors, "fuzz.safetensors") else { return .refused }
        try checkTensors(file, .safetensors)
        try checkRoundTrip(file)
        return .accepted
    }

    static func npy(_ bytes: UnsafeRawBufferPointer) throws(FuzzFinding) -> FuzzOutcome {
        guard let file = read(bytes, .npy, "fuzz.npy") else { return .refused }
        guard file.tensors.count == 1, file.tensors[0].name == "fuzz" else {
            throw FuzzFinding(.npy, "an .npy file read as \(file.tensors.count) tensors named \(file.tensors.map(\.name))")
        }
        try checkTensors(file, .npy)
        return .accepted
    }

    static func npz(_ bytes: UnsafeRawBufferPointer) throws(FuzzFinding) -> FuzzOutcome {
        guard let file = read(bytes, .npz, "fuzz.npz") else { return .refused }
        try checkTensors(file, .npz)
        return .accepted
    }

    static func bakeSpec(_ bytes: UnsafeRawBufferPointer) -> FuzzOutcome {
        do {
            _ = try BakeSpec(json: Data(bytes), fileName: "fuzz.json")
            return .accepted
        } catch {
            _ = String(describing: error)
            return .refused
        }
    }

    /// The file, or nil when the reader refused it (its message is built, as the tool prints it).
    private static func read(_ bytes: UnsafeRawBufferPointer, _ format: ModelFileFormat, _ name: String) -> ModelFile? {
        // `Data(bytesNoCopy:)` as `Data(contentsOf:options: .alwaysMapped)` gives: no copy.
        let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!),
                        count: bytes.count, deallocator: .none)
        do {
            return try ModelFile(decoding: data, format: format, fileName: name)
        } catch {
            _ = String(describing: error)
            return nil
        }
    }

    /// Every tensor's shape is non-negative and its element count is its number of values, and
    /// the stored type matches the kind of values.
    private static func checkTensors(_ file: ModelFile, _ target: FuzzTarget) throws(FuzzFinding) {
        for tensor in file.tensors {
            var elements = 1
            for dimension in tensor.shape {
                guard dimension >= 0 else {
                    throw FuzzFinding(target, "tensor '\(tensor.name)' has negative dimension \(dimension) in \(tensor.shape)")
                }
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw FuzzFinding(target, "tensor '\(tensor.name)' shape \(tensor.shape) overflows") }
                elements = product
            }
            guard elements == tensor.elementCount else {
                throw FuzzFinding(target, "tensor '\(tensor.name)' shape \(tensor.shape) has \(elements) elements but \(tensor.elementCount) values")
            }
            let floatValues: Bool
            if case .float = tensor.values { floatValues = true } else { floatValues = false }
            guard floatValues == tensor.storedType.isFloatingPoint else {
                throw FuzzFinding(target, "tensor '\(tensor.name)' of dtype \(tensor.storedType.rawValue) holds \(floatValues ? "float" : "integer") values")
            }
            if tensor.storedType == .bool, let values = tensor.integerValues, let bad = values.first(where: { $0 != 0 && $0 != 1 }) {
                throw FuzzFinding(target, "tensor '\(tensor.name)' of dtype BOOL holds \(bad)")
            }
        }
    }

    /// A safetensors file that was accepted, written back with the project's writer, reads back
    /// as the same tensors (compared bit for bit, so NaN payloads count) and metadata.
    private static func checkRoundTrip(_ file: ModelFile) throws(FuzzFinding) {
        let encoded: [UInt8]
        do {
            encoded = try file.safetensorsEncoded()
        } catch {
            // F16 and BF16 are read but not written; everything else that was read must write.
            if let error = error as? ModelFileError, error.kind == .unsupported { return }
            throw FuzzFinding(.safetensors, "an accepted file does not write back: \(error)")
        }
        let again: ModelFile
        do {
            again = try ModelFile(decoding: Data(encoded), format: .safetensors, fileName: "roundtrip.safetensors")
        } catch {
            throw FuzzFinding(.safetensors, "the writer's encoding of an accepted file is refused: \(error)")
        }
        guard again.metadata == file.metadata else {
            throw FuzzFinding(.safetensors, "metadata changed in a round trip: \(file.metadata) became \(again.metadata)")
        }
        // The writer keeps the order it is given (data-offset order, which is how they were read).
        guard again.tensors.count == file.tensors.count else {
            throw FuzzFinding(.safetensors, "\(file.tensors.count) tensors became \(again.tensors.count) in a round trip")
        }
        for (before, after) in zip(file.tensors, again.tensors) {
            guard before.name == after.name, before.shape == after.shape, before.storedType == after.storedType,
                  sameBits(before.values, after.values) else {
                throw FuzzFinding(.safetensors, "tensor '\(before.name)' \(before.shape) \(before.storedType.rawValue) became '\(after.name)' \(after.shape) \(after.storedType.rawValue) in a round trip")
            }
        }
    }

    private static func sameBits(_ a: TensorValues, _ b: TensorValues) -> Bool {
        switch (a, b) {
        case (.float(let x), .float(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern }
        case (.integer(let x), .integer(let y)): x == y
        default: false
        }
    }
}
