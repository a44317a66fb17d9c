import Foundation

/// OpenBLAS's `cblas_sgemv` / `cblas_sgemm`, loaded at run time when the library is installed
/// (Debian: `apt-get install libopenblas-dev`): a peer for the benchmark only, never a dependency
/// of BitLab's modules or of the build.
final class OpenBLAS {
    private typealias Sgemv = @convention(c) (
        Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>, Int32, UnsafePointer<Float>, Int32, Float,
        UnsafeMutablePointer<Float>, Int32
    ) -> Void
    private typealias Sgemm = @convention(c) (
        Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>, Int32, UnsafePointer<Float>, Int32,
        Float, UnsafeMutablePointer<Float>, Int32
    ) -> Void
    private typealias SetThreads = @convention(c) (Int32) -> Void

    private let sgemv: Sgemv
    private let sgemm: Sgemm
    private let setThreads: SetThreads?
    /// The library file that was loaded.
    let path: String

    /// Loads the first OpenBLAS found, or nil.
    init?() {
        let candidates = ["libopenblas.so.0", "libopenblas.so", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0"]
        for candidate in candidates {
            guard let handle = dlopen(candidate, RTLD_NOW | RTLD_LOCAL),
                let gemv = dlsym(handle, "cblas_sgemv"), let gemm = dlsym(handle, "cblas_sgemm")
            else { continue }
            sgemv = unsafeBitCast(gemv, to: Sgemv.self)
            sgemm = unsafeBitCast(gemm, to: Sgemm.self)
            setThreads = dlsym(handle, "openblas_set_num_threads").map { unsafeBitCast($0, to: SetThreads.self) }
            path = candidate
            return
        }
        return nil
    }

    /// Limits OpenBLAS to `count` threads.
    func setThreadCount(_ count: Int) { setThreads?(Int32(count)) }

    /// `y = W x` for `batch` vectors: W is `rows x columns` row-major, x is `batch x columns`,
    /// y is `batch x rows` (sgemv for one vector, sgemm for more).
    func multiply(_ matrix: FloatMatrix, _ x: [Float], batch: Int, into y: inout [Float]) {
        let rowMajor: Int32 = 101, noTrans: Int32 = 111, trans: Int32 = 112
        let rows = Int32(matrix.rows), columns = Int32(matrix.columns)
        matrix.values.withUnsafeBufferPointer { w in
            x.withUnsafeBufferPointer { input in
                y.withUnsafeMutableBufferPointer { output in
                    if batch == 1 {
                        sgemv(rowMajor, noTrans, rows, columns, 1, w.baseAddress!, columns, input.baseAddress!, 1, 0,
                              output.baseAddress!, 1)
                    } else {
                        // Y (batch x rows) = X (batch x columns) * W^T.
                        sgemm(rowMajor, noTrans, trans, Int32(batch), rows, columns, 1, input.baseAddress!, columns,
                              w.baseAddress!, columns, 0, output.baseAddress!, rows)
                    }
                }
            }
        }
    }
}
