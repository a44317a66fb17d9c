import Foundation
import Testing
@testable import BitBake

@Suite struct LimitAndEntryTests {
    @Test func limitsAreEnforcedBeforeReading() {
        let cases: [(String, ImportLimits, String)] = [
            ("mlp_f32.safetensors", ImportLimits(maximumSafetensorsHeaderBytes: 64), "header length 360 exceeds the limit of 64 bytes"),
            ("v1_f4.npy", ImportLimits(maximumNpyHeaderBytes: 32), "header length 118 exceeds the limit of 32 bytes"),
            ("v1_f4.npy", ImportLimits(maximumRank: 1), "shape has 2 dimensions, more than the limit of 1"),
            ("arrays.npz", ImportLimits(maximumArchiveMemberBytes: 100), "member 'x.npy': uncompressed size 176 exceeds the limit of 100 bytes"),
        ]
        for (fileName, limits, message) in cases {
            let error = #expect(throws: ModelFileError.self) { try ModelFile(contentsOf: Fixtures.valid(fileName), limits: limits) }
            #expect(error?.kind == .limitExceeded)
            #expect(error?.message == message)
        }
    }

    @Test func unknownExtensionIsRefusedByName() {
        let error = #expect(throws: ModelFileError.self) { try ModelFile(contentsOf: URL(fileURLWithPath: "model.pt")) }
        #expect(error?.description == "model.pt: unknown file extension 'pt'; BitBake reads .safetensors, .npy, .npz")
        #expect(error?.kind == .unsupported)
    }

    @Test func missingFileIsUnreadable() {
        let error = #expect(throws: ModelFileError.self) { try ModelFile(contentsOf: URL(fileURLWithPath: "no-such-model.safetensors")) }
        #expect(error?.kind == .unreadable)
        #expect(error?.file == "no-such-model.safetensors")
    }
}
