import Foundation
import Testing
@testable import BitBake

/// Damaged copies of every valid fixture: each must read or throw `ModelFileError`, never crash,
/// trap or allocate from an unchecked size (a trap ends the test process, failing the run).
@Suite struct RobustnessTests {
    static let validFiles = Fixtures.files(in: "valid")

    @Test(arguments: validFiles)
    func everyTruncationIsRefused(fileName: String) throws {
        let bytes = try Data(contentsOf: Fixtures.valid(fileName))
        let format = try #require(ModelFileFormat(fileExtension: URL(fileURLWithPath: fileName).pathExtension))
        for length in 0..<bytes.count {
            #expect(throws: ModelFileError.self, "\(fileName) cut to \(length) bytes") {
                try ModelFile(decoding: bytes.prefix(length), format: format, fileName: fileName)
            }
        }
    }

    @Test(arguments: validFiles)
    func everyFlippedByteReadsOrFailsCleanly(fileName: String) throws {
        let bytes = try Data(contentsOf: Fixtures.valid(fileName))
        let format = try #require(ModelFileFormat(fileExtension: URL(fileURLWithPath: fileName).pathExtension))
        for offset in 0..<bytes.count {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = bytes
                damaged[offset] ^= mask
                do {
                    _ = try ModelFile(decoding: damaged, format: format, fileName: fileName)
                } catch is ModelFileError {
                    // Refused cleanly; reading is fine too when the byte was data.
                } catch {
                    Issue.record("\(fileName) with byte \(offset) ^ \(mask): unexpected \(error)")
                }
            }
        }
    }

    /// Formats read each other's bytes: wrong-format input fails with a clean error too.
    @Test(arguments: validFiles)
    func otherFormatsAreRefused(fileName: String) throws {
        let bytes = try Data(contentsOf: Fixtures.valid(fileName))
        let own = ModelFileFormat(fileExtension: URL(fileURLWithPath: fileName).pathExtension)
        for format in ModelFileFormat.allCases where format != own {
            #expect(throws: ModelFileError.self) { try ModelFile(decoding: bytes, format: format, fileName: fileName) }
        }
    }
}
