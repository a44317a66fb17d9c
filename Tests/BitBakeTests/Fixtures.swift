import Foundation
import Testing
@testable import BitBake

/// The files written by `Fixtures/make_import_fixtures.py` and the values numpy computed for them.
enum Fixtures {
    static let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func valid(_ name: String) -> URL {
        root.appendingPathComponent("valid").appendingPathComponent(name)
    }

    static func corrupt(_ name: String) -> URL {
        root.appendingPathComponent("corrupt").appendingPathComponent(name)
    }

    static func files(in folder: String) -> [String] {
        let names = try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
        return (names ?? []).sorted()
    }

    /// One tensor as `expected.json` lists it.
    struct ExpectedTensor: Decodable, Sendable {
        let name: String
        let shape: [Int]
        let dtype: String
        /// Float32 bit patterns of numpy's conversion, for float tensors.
        let float32_bits: [UInt32]?
        /// Values as int64, for integer and boolean tensors.
        let integers: [Int64]?
    }

    struct ExpectedFile: Decodable, Sendable {
        let tensors: [ExpectedTensor]
        let metadata: [String: String]
    }

    static let expected: [String: ExpectedFile] = {
        let data = try! Data(contentsOf: root.appendingPathComponent("expected.json"))
        return try! JSONDecoder().decode([String: ExpectedFile].self, from: data)
    }()
}

extension ModelFile.Tensor {
    /// Float values as bit patterns, so that NaN and -0 compare exactly.
    var floatBits: [UInt32]? {
        guard case .float(let values) = values else { return nil }
        return values.map(\.bitPattern)
    }
}
