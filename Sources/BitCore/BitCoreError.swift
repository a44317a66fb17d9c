/// A shape, buffer or code that BitCore cannot work with. Every case names the value that was wrong.
public enum BitCoreError: Error, Hashable, Sendable, CustomStringConvertible {
    case nonPositiveDimension(name: String, value: Int)
    case tooManyColumns(columns: Int, maximum: Int)
    case sizeOverflow(rows: Int, columns: Int)
    /// A buffer handed to pack, unpack or a kernel has the wrong length.
    case bufferSize(name: String, expected: Int, actual: Int)
    /// A code outside -1...1 was given to `pack`.
    case codeOutOfRange(index: Int, value: Int8)
    /// A packed byte that no valid row produces (an `i2` pair of value 3, a non-canonical `t3` byte).
    case invalidPackedByte(packing: TernaryPacking, row: Int, byteIndex: Int, value: UInt8)
    /// A kernel variant that this CPU or this build cannot run.
    case unsupportedKernel(name: String)

    public var description: String {
        switch self {
        case .nonPositiveDimension(let name, let value):
            return "\(name) must be positive, got \(value)"
        case .tooManyColumns(let columns, let maximum):
            return "\(columns) columns exceed the maximum of \(maximum)"
        case .sizeOverflow(let rows, let columns):
            return "a \(rows) x \(columns) matrix does not fit in memory"
        case .bufferSize(let name, let expected, let actual):
            return "\(name) holds \(actual) elements, expected \(expected)"
        case .codeOutOfRange(let index, let value):
            return "ternary code \(value) at index \(index) is not -1, 0 or 1"
        case .invalidPackedByte(let packing, let row, let byteIndex, let value):
            return "\(packing.name) row \(row) byte \(byteIndex) holds \(value), which no ternary row packs to"
        case .unsupportedKernel(let name):
            return "the \(name) kernel does not run on this CPU"
        }
    }
}
