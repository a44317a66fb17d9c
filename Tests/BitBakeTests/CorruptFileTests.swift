import Foundation
import Testing
@testable import BitBake

/// Every corrupted fixture is refused with the error that names its defect.
@Suite struct CorruptFileTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        let kind: ModelFileError.Kind
        /// A part of the message that names the defect and the wrong value.
        let message: String

        init(_ file: String, _ kind: ModelFileError.Kind, _ message: String) {
            self.file = file
            self.kind = kind
            self.message = message
        }

        var testDescription: String { file }
    }

    static let cases: [Case] = [
        // safetensors
        Case("truncated_data.safetensors", .truncated, "tensor '2.weight': data_offsets [112, 144] reach past the end of the data area (137 bytes)"),
        Case("truncated_length.safetensors", .truncated, "file has 5 bytes, fewer than the 8-byte header length"),
        Case("header_length_past_end.safetensors", .truncated, "header length 512 exceeds the 504 bytes after the length field"),
        Case("header_length_huge.safetensors", .limitExceeded, "header length 1099511627776 exceeds the limit of 100000000 bytes"),
        Case("header_length_short.safetensors", .malformed, "header is not valid JSON at byte"),
        Case("overlapping_offsets.safetensors", .inconsistent, "tensors 'a' (data_offsets [0, 16]) and 'b' (data_offsets [8, 24]) overlap"),
        Case("reversed_offsets.safetensors", .inconsistent, "tensor 'a': data_offsets [16, 0] are reversed"),
        Case("shape_overflow.safetensors", .limitExceeded, "tensor 'a': shape [4294967296, 4294967296, 4294967296] overflows"),
        Case("huge_shape.safetensors", .inconsistent, "tensor 'a': data_offsets [0, 16] do not match shape [1099511627776] of F32 (4398046511104 bytes)"),
        Case("unknown_dtype.safetensors", .unsupported, "unsupported dtype F8_E4M3 in tensor w"),
        Case("gap.safetensors", .inconsistent, "data area bytes [8, 16) between tensors 'a' and 'b' belong to no tensor"),
        Case("trailing_bytes.safetensors", .inconsistent, "data area bytes [8, 16) after tensor 'a' belong to no tensor"),
        Case("duplicate_name.safetensors", .inconsistent, "key 'a' appears twice in the header"),
        Case("offsets_mismatch.safetensors", .inconsistent, "tensor '0.weight': data_offsets [0, 4096] do not match shape [256, 64] of F32 (65536 bytes)"),
        Case("negative_dimension.safetensors", .malformed, "tensor 'a': shape [-1, 4] has a negative dimension -1"),
        Case("offset_past_end.safetensors", .truncated, "tensor 'a': data_offsets [0, 16] reach past the end of the data area (12 bytes)"),
        Case("metadata_not_strings.safetensors", .malformed, "__metadata__: value of 'epochs' is 5, expected a string"),
        Case("not_utf8.safetensors", .malformed, "string is not valid UTF-8"),
        Case("deep_nesting.safetensors", .malformed, "nesting deeper than 128 levels"),
        Case("not_json.safetensors", .malformed, "header is not valid JSON at byte 0: expected a JSON value, found 'm'"),
        Case("missing_offsets.safetensors", .malformed, "tensor 'a': data_offsets is missing, expected [begin, end]"),
        // .npy
        Case("truncated.npy", .truncated, "array data has 43 bytes, shape (3, 4) of '<f4' needs 48"),
        Case("trailing_bytes.npy", .inconsistent, "4 bytes follow the array data of shape (3, 4) of '<f4'"),
        Case("bad_magic.npy", .malformed, "not a NumPy .npy array"),
        Case("version_4.npy", .unsupported, "format version 4.0; BitBake reads 1.0, 2.0 and 3.0"),
        Case("header_length_over_limit.npy", .limitExceeded, "header length 60000 exceeds the limit of 10000 bytes"),
        Case("header_length_past_end.npy", .truncated, "header length 5000 exceeds the 2 bytes after the preamble"),
        Case("huge_shape.npy", .truncated, "array data has 16 bytes, shape (1099511627776,) of '<f4' needs 4398046511104"),
        Case("shape_overflow.npy", .limitExceeded, "shape [4294967296, 4294967296, 4294967296] overflows"),
        Case("missing_shape.npy", .malformed, "header lacks key 'shape'"),
        Case("code_in_header.npy", .malformed, "header is not a dict literal (byte 10: expected a literal, found '_')"),
        Case("pickled_object.npy", .unsupported, "pickled object array (dtype '|O') is not supported"),
        Case("complex_dtype.npy", .unsupported, "unsupported dtype '<c8'"),
        Case("structured_dtype.npy", .unsupported, "structured dtype [('x', '<f4'), ('y', '<i8')] is not supported"),
        // .npz
        Case("truncated.npz", .malformed, "no end-of-central-directory record"),
        Case("bad_crc.npz", .inconsistent, "member 'x.npy': CRC-32 of the contents is 0x"),
        Case("broken_deflate.npz", .malformed, "member 'x.npy': broken deflate stream: invalid block type"),
        Case("size_smaller_than_data.npz", .inconsistent, "member 'w.npy': deflate stream inflates to more than the declared 262 bytes"),
        Case("size_larger_than_data.npz", .inconsistent, "member 'w.npy': deflate stream inflates to 272 bytes, but the archive declares 282"),
        Case("size_beyond_deflate_ratio.npz", .inconsistent, "member 'w.npy': declares 50000000 bytes inflated from"),
        Case("size_over_member_limit.npz", .limitExceeded, "member 'w.npy': uncompressed size 2147483647 exceeds the limit of 1073741824 bytes"),
        Case("overlapping_members.npz", .inconsistent, "members 'w.npy' (bytes 0..<377) and 'b.npy' (from byte 301) overlap"),
        Case("encrypted.npz", .unsupported, "member 'x.npy': is encrypted"),
        Case("local_name_differs.npz", .inconsistent, "member 'x.npy': local header at offset 0 disagrees with the central directory"),
        Case("local_crc_differs.npz", .inconsistent, "member 'x.npy': local header declares CRC 0x12345678 and sizes 176 -> 176, the central directory CRC 0x"),
        Case("zip64_locator_wrong.npz", .malformed, "zip64 locator points to offset 3, where there is no zip64 end record"),
        Case("bzip2_member.npz", .unsupported, "member 'x.npy': compression method 12; BitBake reads stored (0) and deflated (8) members"),
        Case("not_npy_member.npz", .unsupported, "member 'README.txt': is not a .npy array"),
        Case("duplicate_member.npz", .inconsistent, "member 'x.npy' appears twice"),
        Case("pickled_member.npz", .unsupported, "member 'objects.npy': pickled object array (dtype '|O') is not supported"),
    ]

    @Test(arguments: cases)
    func refusesWithTheDefectNamed(_ testCase: Case) throws {
        let url = Fixtures.corrupt(testCase.file)
        let error = #expect(throws: ModelFileError.self) { try ModelFile(contentsOf: url) }
        #expect(error?.kind == testCase.kind, "\(error.map(String.init(describing:)) ?? "")")
        #expect(error?.message.contains(testCase.message) == true, "\(error.map(String.init(describing:)) ?? "")")
        #expect(error?.description.hasPrefix(url.relativePath + ": ") == true)
    }

    @Test func everyCorruptFixtureHasACase() {
        #expect(Fixtures.files(in: "corrupt") == Self.cases.map(\.file).sorted())
    }
}
