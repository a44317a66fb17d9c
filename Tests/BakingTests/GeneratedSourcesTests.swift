import BitBake
import BitBlob
import BitRuntime
import Foundation
import Testing

/// The sources in Generated/, compiled into this target as a client would check them in: the
/// digits model with static (per_tensor) activation scales (Generated/digits-static.bitblob), once
/// as words and once as base64.
@Suite struct GeneratedSourcesTests {
    let blob = DigitsData.staticScalesBlob

    /// The checked-in files are what the emitter writes today for their blob (regenerate them as
    /// Generated/README.md shows when the emitter or the tool version changes).
    @Test(arguments: [("DigitsStaticWords", BlobEncoding.words), ("DigitsStaticBase64", .base64)])
    func checkedInSourcesAreCurrent(_ name: String, _ encoding: BlobEncoding) throws {
        let emitter = SwiftModelEmitter(typeName: try SwiftTypeName(name), encoding: encoding)
        for source in emitter.emit(blob) {
            let file = Repository.generated.appendingPathComponent(source.fileName)
            #expect(try String(contentsOf: file, encoding: .utf8) == source.contents, "\(source.fileName) is stale")
        }
    }

    @Test func constantsAreTheBlobs() throws {
        let digest = Hex.string(SHA256.hash(blob.bytes))
        #expect(DigitsStaticWords.blobSHA256 == digest)
        #expect(DigitsStaticBase64.blobSHA256 == digest)
        #expect(DigitsStaticWords.blobBytes == blob.bytes.count)
        #expect(DigitsStaticWords.inputCount == 64)
        #expect(DigitsStaticWords.outputCount == 10)
        #expect(DigitsStaticWords.arenaBytes == blob.model.arenaBytes(batch: 1))
        #expect(try DigitsStaticWords.model().provenance?.bakeOptions == blob.model.provenance?.bakeOptions)
    }

    /// Words are used where they lie: the model's bytes are the array's.
    @Test func wordsAreReadInPlace() throws {
        let bytes = try DigitsStaticWords.model().bytes
        #expect(bytes.baseAddress == DigitsStaticWords.blobWords.withUnsafeBytes { $0.baseAddress })
        #expect(Array(bytes) == Array(blob.bytes))
        let decoded = try DigitsStaticBase64.model().bytes
        #expect(Array(decoded) == Array(blob.bytes))
    }

    /// Both baked types answer as the runtime and the bake tool's simulation do on every test row:
    /// the same integer logits, exponent and class.
    @Test func answersEqualTheRuntimeAndTheSimulation() throws {
        let runtime = try Engine.runtime.run(blob, inputs: DigitsData.test.inputs)
        let simulation = try Engine.simulation.run(blob, inputs: DigitsData.test.inputs)
        #expect(runtime == simulation)
        for row in 0..<DigitsData.test.inputs.rows {
            let input = DigitsData.row(row)
            let expected = Array(runtime.logits[row * 10..<(row + 1) * 10])
            for result in [try DigitsStaticWords.infer(input), try DigitsStaticBase64.infer(input)] {
                #expect(Array(result.logits(0)) == expected)
                #expect(result.exponent(0) == runtime.exponents[row])
                #expect(result.predictedClass(0) == runtime.classes[row])
            }
        }
        #expect(throws: RuntimeError.inputLength(expected: 64, actual: 3)) { try DigitsStaticWords.infer([1, 2, 3]) }
        #expect(throws: RuntimeError.nonFiniteInput(index: 5)) {
            try DigitsStaticBase64.infer((0..<64).map { $0 == 5 ? .nan : 0 })
        }
    }
}
