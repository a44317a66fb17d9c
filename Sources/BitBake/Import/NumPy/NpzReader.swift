/// Reads a NumPy `.npz` archive (`np.savez`, `np.savez_compressed`): a ZIP of `.npy` members,
/// member `x.npy` becoming tensor `x`, in archive order.
///
/// Each member is extracted (see ``ZipArchive``) and read as an `.npy` (see ``NpyReader``) one at
/// a time, so peak memory is one member's bytes plus the tensors read so far. A member that is
/// not a `.npy` file is refused rather than skipped, so nothing in the file goes unnoticed.
enum NpzReader {
    static func read(_ file: UnsafeRawBufferPointer, limits: ImportLimits, context: ErrorContext) throws(ModelFileError) -> [ModelFile.Tensor] {
        let archive = try ZipArchive(file, context: context)
        var tensors: [ModelFile.Tensor] = []
        for member in archive.members {
            let memberContext = context.narrowed(to: "member '\(member.name)'")
            guard member.name.hasSuffix(".npy"), member.name.count > 4 else {
                throw memberContext.error(.unsupported, "is not a .npy array; an .npz holds only .npy members")
            }
            let tensorName = String(member.name.dropLast(4))
            tensors.append(try archive.withContents(of: member, limits: limits, context: memberContext) { (bytes) throws(ModelFileError) in
                try NpyReader.read(bytes, tensorName: tensorName, limits: limits, context: memberContext)
            })
        }
        return tensors
    }
}
