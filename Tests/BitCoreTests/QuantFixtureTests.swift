import BitBake
import BitCore
import Foundation
import Testing

/// BitCore's quantizers against NumPy, value for value: `Fixtures/quant_fixture.safetensors`
/// (made by `Fixtures/make_quant_fixture.py`; its README lists every case), read through
/// BitBake's safetensors importer.
@Suite struct QuantFixtureTests {
    static let fixture: ModelFile = {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
            .appendingPathComponent("quant_fixture.safetensors")
        return try! ModelFile(contentsOf: url)
    }()

    /// The case names under `prefix` (`w.ties` gives `ties`).
    static func cases(_ prefix: String) -> [String] {
        fixture.tensors.compactMap { tensor in
            guard tensor.name.hasPrefix(prefix + ".") else { return nil }
            let name = tensor.name.dropFirst(prefix.count + 1)
            return name.contains(".") ? nil : String(name)
        }
    }

    static let weightCases = cases("w")
    static let activationCases = cases("x")

    private func tensor(_ name: String) throws -> ModelFile.Tensor {
        try #require(Self.fixture[name], "no tensor \(name)")
    }

    private func codes(_ name: String) throws -> [Int8] {
        let stored = try tensor(name)
        #expect(stored.storedType == .int8, "\(name)")
        return try #require(stored.integerValues).map { Int8($0) }
    }

    private func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    @Test func everyCaseOfTheREADMEIsThere() {
        #expect(Self.weightCases.sorted() == [
            "large", "mixed_rows", "normal_1x1", "normal_1x300", "normal_33x257", "normal_33x65", "normal_5x1",
            "normal_7x13", "ties", "ties_rows", "tiny", "zeros",
        ])
        #expect(Self.activationCases.sorted() == ["large", "normal_5x17", "one_element", "ties", "tiny_row", "zeros"])
        #expect(Self.fixture.tensors.count == 90)
    }

    @Test(arguments: weightCases)
    func absmeanEqualsNumpy(_ name: String) throws {
        let weights = try tensor("w.\(name)")
        let (rows, columns) = (weights.shape[0], weights.shape[1])
        for granularity in [BitQuantConfig.WeightGranularity.perTensor, .perChannel] {
            let suffix = granularity == .perTensor ? "per_tensor" : "per_channel"
            let (codes, scales) = try AbsmeanQuantizer.quantize(
                weights.floatValues, rows: rows, columns: columns, granularity: granularity)
            #expect(codes == (try self.codes("w.\(name).codes_\(suffix)")), "\(name) \(suffix) codes")
            #expect(bits(scales) == bits(try tensor("w.\(name).scale_\(suffix)").floatValues), "\(name) \(suffix) scales")
        }
    }

    @Test(arguments: activationCases)
    func absmaxPerTokenEqualsNumpy(_ name: String) throws {
        let inputs = try tensor("x.\(name)")
        let (tokens, features) = (inputs.shape[0], inputs.shape[1])
        let values = inputs.floatValues
        var codes = [Int8](repeating: 0, count: tokens * features)
        var scales: [Float] = []
        for token in 0..<tokens {
            let row = Array(values[token * features ..< (token + 1) * features])
            let scale = try row.withUnsafeBufferPointer { row in
                try codes.withUnsafeMutableBufferPointer { codes in
                    try AbsmaxQuantizer.quantizeDynamic(
                        row, into: UnsafeMutableBufferPointer(rebasing: codes[token * features ..< (token + 1) * features]))
                }
            }
            scales.append(scale)
        }
        #expect(codes == (try self.codes("x.\(name).codes_per_token")))
        #expect(bits(scales) == bits(try tensor("x.\(name).scale_per_token").floatValues))
    }

    @Test(arguments: activationCases)
    func absmaxStaticEqualsNumpy(_ name: String) throws {
        let inputs = try tensor("x.\(name)").floatValues
        let scale = try tensor("x.\(name).static_scale").floatValues
        try #require(scale.count == 1)
        var codes = [Int8](repeating: 0, count: inputs.count)
        try inputs.withUnsafeBufferPointer { values in
            try codes.withUnsafeMutableBufferPointer { codes in
                try AbsmaxQuantizer.quantize(values, scale: scale[0], into: codes)
            }
        }
        #expect(codes == (try self.codes("x.\(name).codes_per_tensor")))
    }

    /// The edges the README promises the fixture holds, so a regenerated fixture cannot lose them.
    @Test func theFixtureHitsTiesAndTheEpsilonClip() throws {
        let epsilonWeightScale = Float(1) / Float(1e-5)
        #expect(try tensor("w.ties.scale_per_tensor").floatValues == [8])
        #expect(try tensor("w.ties_rows.scale_per_channel").floatValues == [2, 4, 8, 16, 32])
        #expect(try tensor("w.zeros.scale_per_tensor").floatValues == [epsilonWeightScale])
        #expect(try tensor("w.tiny.scale_per_tensor").floatValues == [epsilonWeightScale])
        let mixed = try tensor("w.mixed_rows.scale_per_channel").floatValues
        #expect(mixed[0] == epsilonWeightScale && mixed[2] == epsilonWeightScale)
        #expect(try codes("w.tiny.codes_per_tensor").contains { $0 != 0 })
        #expect(try tensor("x.ties.scale_per_token").floatValues == [4, 8, 16, 32])
        #expect(try tensor("x.ties.static_scale").floatValues == [32])
        #expect(try tensor("x.tiny_row.scale_per_token").floatValues[1] == Float(127) / Float(1e-5))
        // Half-away-from-zero rounding (`.rounded()`) would change codes in the tie cases.
        let ties = try tensor("w.ties")
        let awayCodes = ties.floatValues.map { Int8(max(-1, min(1, ($0 * 8).rounded()))) }
        #expect(awayCodes != (try codes("w.ties.codes_per_tensor")))
    }
}
