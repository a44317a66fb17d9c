import Foundation
import Testing
@testable import BitBake

@Suite struct SafetensorsWriterTests {
    /// Files the reference library wrote from F32, I64, I8 ... tensors: reading and re-encoding
    /// them in file order must give the same bytes, header padding included.
    @Test(arguments: ["reference_layout.safetensors", "mlp_f32.safetensors", "integers.safetensors"])
    func reEncodesReferenceFilesByteForByte(fileName: String) throws {
        let url = Fixtures.valid(fileName)
        let file = try ModelFile(contentsOf: url)
        #expect(try file.safetensorsEncoded() == Array(try Data(contentsOf: url)))
    }

    @Test func writesAndReadsBackInTheGivenOrder() throws {
        let tensors = [
            ModelFile.Tensor(name: "z.weight", shape: [2, 2], values: .integer([-1, 0, 1, 1]), storedType: .int8),
            ModelFile.Tensor(name: "a.scale", shape: [], values: .float([0.25])),
            ModelFile.Tensor(name: "labels", shape: [3], values: .integer([9, 0, Int64.max])),
            ModelFile.Tensor(name: "wide", shape: [1, 2], values: .float([0.1, -3]), storedType: .float64),
            ModelFile.Tensor(name: "mask", shape: [2], values: .integer([1, 0]), storedType: .bool),
            ModelFile.Tensor(name: "quote\"back\\slash\nnew\u{1}line é", shape: [0], values: .float([])),
        ]
        let original = ModelFile(tensors: tensors, metadata: ["b": "2", "a": "1\t\"x\""])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bitbake-writer-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try original.writeSafetensors(to: url)

        let bytes = try Data(contentsOf: url)
        let headerLength = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        #expect(headerLength % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix(#"{"__metadata__":{"a":"1\t\"x\"","b":"2"},"z.weight":{"dtype":"I8","shape":[2,2],"data_offsets":[0,4]}"#))
        #expect(header.contains(#""quote\"back\\slash\nnew\u0001line é""#))

        let readBack = try ModelFile(contentsOf: url)
        #expect(readBack.tensors.map(\.name) == tensors.map(\.name))
        #expect(readBack.metadata == original.metadata)
        #expect(readBack.tensors[3].values == .float([Float(Double(Float(0.1))), -3]))
        #expect(readBack == original)
    }

    @Test func refusesWhatItCannotWriteFaithfully() {
        let cases: [(ModelFile.Tensor, String)] = [
            (.init(name: "q", shape: [2], values: .integer([1, 300]), storedType: .int8), "tensor 'q': value 300 at index 1 does not fit I8"),
            (.init(name: "m", shape: [1], values: .integer([2]), storedType: .bool), "tensor 'm': value 2 at index 0 does not fit BOOL"),
            (.init(name: "u", shape: [1], values: .integer([-1]), storedType: .uint8), "tensor 'u': value -1 at index 0 does not fit U8"),
            (.init(name: "s", shape: [2, 2], values: .float([1, 2, 3])), "tensor 's': shape [2, 2] has 4 elements but the tensor holds 3 values"),
            (.init(name: "n", shape: [-3], values: .float([])), "tensor 'n': shape [-3] has a negative dimension -3"),
            (.init(name: "h", shape: [1], values: .float([1]), storedType: .float16), "tensor 'h': cannot write dtype F16; the writer stores F64, F32, I64, I32, I16, I8, U8, BOOL"),
            (.init(name: "f", shape: [1], values: .float([1]), storedType: .int8), "tensor 'f': holds float values but its dtype is I8"),
            (.init(name: "i", shape: [1], values: .integer([1]), storedType: .float32), "tensor 'i': holds integer values but its dtype is F32"),
            (.init(name: "__metadata__", shape: [1], values: .float([1])), "tensor '__metadata__': the name is reserved or used twice"),
        ]
        for (tensor, message) in cases {
            let error = #expect(throws: ModelFileError.self) { try ModelFile(tensors: [tensor]).safetensorsEncoded(fileName: "out.safetensors") }
            #expect(error?.description == "out.safetensors: \(message)")
        }
        let twice = ModelFile.Tensor(name: "w", shape: [1], values: .float([1]))
        let error = #expect(throws: ModelFileError.self) { try ModelFile(tensors: [twice, twice]).safetensorsEncoded() }
        #expect(error?.message == "tensor 'w': the name is reserved or used twice")
    }

    @Test func reportsAnUnwritableDestination() {
        let url = URL(fileURLWithPath: "/nonexistent-bitbake-dir/out.safetensors")
        let error = #expect(throws: ModelFileError.self) { try ModelFile(tensors: []).writeSafetensors(to: url) }
        #expect(error?.kind == .unwritable)
        #expect(error?.file == "/nonexistent-bitbake-dir/out.safetensors")
    }
}
