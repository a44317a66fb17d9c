/// Reads one NumPy `.npy` array (format versions 1.0, 2.0 and 3.0), as `np.save` writes it.
///
/// - dtypes: `f2`, `f4`, `f8` read as floats; `i1`, `i2`, `i4`, `i8`, `u1`, `b1` as integers
///   (label arrays). Big-endian (`>`) data is byte-swapped, not refused.
/// - Fortran-order arrays are reordered to C order, so values are always row-major.
/// - Refused with a clear error: pickled object arrays (`|O`), structured dtypes, other dtypes,
///   a header that is not a plain dict literal (it is parsed, never evaluated), and data whose
///   length is not exactly what the shape needs (short or with trailing bytes).
enum NpyReader {
    static func read(
        _ file: UnsafeRawBufferPointer, tensorName: String, limits: ImportLimits, context: ErrorContext
    ) throws(ModelFileError) -> ModelFile.Tensor {
        let header = try NpyHeader(file, limits: limits, context: context)
        let dataCount = file.count - header.dataOffset
        let needed = header.shape.byteCount
        let shapeText = PythonLiteral.tuple(header.shape.dimensions.map(PythonLiteral.integer)).repr
        guard dataCount >= needed else {
            throw context.error(.truncated, "array data has \(dataCount) bytes, shape \(shapeText) of '\(header.descr)' needs \(needed)")
        }
        guard dataCount == needed else {
            throw context.error(.inconsistent, "\(dataCount - needed) bytes follow the array data of shape \(shapeText) of '\(header.descr)'")
        }
        let data = UnsafeRawBufferPointer(rebasing: file[header.dataOffset...])
        var values = header.type.decode(data, byteOrder: header.byteOrder)
        if header.isFortranOrder {
            values = values.rowMajor(fromColumnMajorShape: header.shape.dimensions)
        }
        return ModelFile.Tensor(name: tensorName, shape: header.shape.dimensions, values: values, storedType: header.type)
    }
}
