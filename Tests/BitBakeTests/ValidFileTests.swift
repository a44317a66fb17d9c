import Foundation
import Testing
@testable import BitBake

/// Every valid fixture reads back exactly as numpy and the safetensors library see it.
@Suite struct ValidFileTests {
    @Test(arguments: Fixtures.expected.keys.sorted())
    func readsExactlyWhatNumpyWrote(fileName: String) throws {
        let expected = try #require(Fixtures.expected[fileName])
        let file = try ModelFile(contentsOf: Fixtures.valid(fileName))

        #expect(file.tensors.map(\.name) == expected.tensors.map(\.name))
        #expect(file.metadata == expected.metadata)
        for (tensor, want) in zip(file.tensors, expected.tensors) {
            #expect(tensor.shape == want.shape, "\(tensor.name)")
            #expect(tensor.storedType.rawValue == want.dtype, "\(tensor.name)")
            #expect(tensor.elementCount == want.shape.reduce(1, *), "\(tensor.name)")
            if let bits = want.float32_bits {
                #expect(tensor.floatBits == bits, "\(tensor.name)")
            } else {
                #expect(tensor.values == .integer(want.integers ?? []), "\(tensor.name)")
            }
        }
    }

    @Test func everyValidFixtureIsListedInExpectedJSON() {
        #expect(Fixtures.files(in: "valid") == Fixtures.expected.keys.sorted())
    }

    @Test func labelsReadAsIntAndFloat() throws {
        let file = try ModelFile(contentsOf: Fixtures.valid("arrays.npz"))
        let labels = try #require(file["y"])
        let integers = try #require(labels.integerValues)
        #expect(labels.floatValues == integers.map(Float.init))
        #expect(file["x"]?.integerValues == nil)
        #expect(file["missing"] == nil)
    }

    @Test func npyTensorIsNamedAfterTheFile() throws {
        let file = try ModelFile(contentsOf: Fixtures.valid("labels_i8.npy"))
        #expect(file.tensors.map(\.name) == ["labels_i8"])
        #expect(file.metadata.isEmpty)
    }

    @Test func fortranOrderIsTransposedToRowMajor() throws {
        // mask_b1.npy holds [[True, False, False], [False, True, True]] in column-major order.
        let file = try ModelFile(contentsOf: Fixtures.valid("mask_b1.npy"))
        #expect(file.tensors[0].shape == [2, 3])
        #expect(file.tensors[0].values == .integer([1, 0, 0, 0, 1, 1]))
    }

    @Test func decodesFromMemoryWithTheSameResult() throws {
        let url = Fixtures.valid("data_descriptor.npz")
        let fromMemory = try ModelFile(decoding: Data(contentsOf: url), format: .npz, fileName: "data_descriptor.npz")
        #expect(fromMemory == (try ModelFile(contentsOf: url)))
    }

    @Test func formatComesFromTheExtension() {
        #expect(ModelFileFormat(fileExtension: "SafeTensors") == .safetensors)
        #expect(ModelFileFormat(fileExtension: "npz") == .npz)
        #expect(ModelFileFormat(fileExtension: "pt") == nil)
    }
}
