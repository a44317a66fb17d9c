import BitRuntimeTestSupport
import Foundation
import Testing

extension FootprintTests {
    /// Resident memory and allocations of a device-like process (`FootprintProbe`): flat over
    /// 10,000 rounds of requests, the blob mapped rather than copied, zero allocations in the whole
    /// process, refused requests included. A round is one float and one int8 inference and four
    /// refused requests.
    @Suite struct ResidentMemory {
        static let mebibyte = 1 << 20

        /// 10,000 rounds (20,000 inferences) of the digits example: not one page more resident
        /// after them than after the first round, and not one allocation in the whole process.
        @Test func flatOverTenThousandRounds() throws {
            let probe = try FootprintProbe(blob: DigitsExample.baked().bytes, rounds: 10_000)
            #expect(try probe["inferences"] == 20_000)
            #expect(try probe["resident_after"] <= probe["resident_warm"])
            #expect(try probe["allocations"] == 0)
            #expect(try probe["frees"] == 0)
        }

        /// The control: one allocation per round added inside the probe's counted loop is seen,
        /// every one of them.
        @Test func probeCountsAnAddedAllocation() throws {
            let probe = try FootprintProbe(blob: DigitsExample.baked().bytes, rounds: 1_000, batch: 8, allocateInLoop: true)
            #expect(try probe["allocations"] == 1_000)
            #expect(try probe["frees"] == 1_000)
        }

        /// The acceptance figure: after loading a blob of about 16M weights and running
        /// 1,000 rounds (2,000 inferences), resident memory has grown by at most blob + arena + 1 MiB, and
        /// anonymous (heap) memory by at most arena + 1 MiB: the weights are mapped, not copied.
        @Test func sixteenMillionWeights() throws {
            let features = [2048, 4096, 2048, 10]
            let baked = try BakedTestModel(randomFeatures: features, configuration: RuntimeConfiguration(), seed: 61)
            let probe = try FootprintProbe(blob: baked.bytes, rounds: 1_000)
            let weights = try probe["weights"]
            #expect(weights == 16_797_696)
            let blob = try probe["blob_bytes"], arena = try probe["arena_bytes"]
            #expect(blob == baked.bytes.count)
            let growth = try probe["resident_after"] - probe["resident_before"]
            let anonymousGrowth = try probe["anonymous_after"] - probe["anonymous_before"]
            #expect(growth <= blob + arena + Self.mebibyte, "resident growth \(growth) B, blob \(blob) B, arena \(arena) B")
            #expect(anonymousGrowth <= arena + Self.mebibyte, "anonymous growth \(anonymousGrowth) B, arena \(arena) B")
            #expect(try probe["resident_after"] <= probe["resident_warm"])
            #expect(try probe["allocations"] == 0)
        }
    }
}
