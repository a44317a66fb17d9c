import BitLayers
import Testing

@Suite struct MatrixProductTests {
    /// The obviously correct reference: a triple loop in double precision.
    private func naiveProduct(_ a: Matrix, _ b: Matrix, transposeA: Bool, transposeB: Bool) -> [Double] {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let n = transposeB ? b.rows : b.columns
        var result = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k {
                    let aValue = transposeA ? a[p, i] : a[i, p]
                    let bValue = transposeB ? b[j, p] : b[p, j]
                    sum += Double(aValue) * Double(bValue)
                }
                result[i * n + j] = sum
            }
        }
        return result
    }

    @Test(arguments: [
        (1, 1, 1), (3, 17, 5), (65, 33, 7), (4, 8, 300), (5, 9, 513), (32, 10, 64), (130, 70, 40), (2, 3, 0),
    ])
    func matchesNaiveTripleLoop(shape: (m: Int, n: Int, k: Int)) {
        var generator = SplitMix64(seed: UInt64(shape.m * 10_000 + shape.n * 100 + shape.k))
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = Matrix.random(
                rows: transposeA ? shape.k : shape.m, columns: transposeA ? shape.m : shape.k, using: &generator)
            let b = Matrix.random(
                rows: transposeB ? shape.n : shape.k, columns: transposeB ? shape.k : shape.n, using: &generator)
            let product = Matrix.product(a, b, transposeA: transposeA, transposeB: transposeB)
            #expect(product.rows == shape.m && product.columns == shape.n)
            let expected = naiveProduct(a, b, transposeA: transposeA, transposeB: transposeB)
            // Each term is below 1 in magnitude: float32 summation error stays below k * 2^-24.
            let tolerance = Double(max(shape.k, 1)) * 1.2e-7
            let worst = zip(product.values, expected).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst <= tolerance, "transposeA \(transposeA), transposeB \(transposeB)")
        }
    }

    @Test func emptyShapesGiveEmptyOrZeroProducts() {
        let empty = Matrix.product(Matrix(rows: 0, columns: 3), Matrix(rows: 3, columns: 4))
        #expect(empty.rows == 0 && empty.columns == 4 && empty.values.isEmpty)
        let zeros = Matrix.product(Matrix(rows: 2, columns: 0), Matrix(rows: 0, columns: 3))
        #expect(zeros == Matrix(rows: 2, columns: 3))
    }
}
