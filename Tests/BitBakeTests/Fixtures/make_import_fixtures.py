#!/usr/bin/env python3
"""Writes the fixtures of Tests/BitBakeTests: model and data files made by the real tools, the
values the Swift importers must read from them, and a corpus of corrupted files.

    python3 Tests/BitBakeTests/Fixtures/make_import_fixtures.py

Needs numpy and safetensors (pip). Deterministic: the same versions write the same bytes.

- valid/: safetensors written by the `safetensors` library (F32, F16, BF16, F64, integer
  dtypes), .npy written by numpy (format 1.0, 2.0, 3.0, Fortran order, big-endian, integer
  dtypes), .npz written by np.savez / np.savez_compressed and by Python's zipfile in the two
  layouts numpy never produces on its own: a zip64 central directory and data descriptors.
- expected.json: for each valid file, its tensors in file order with shape, dtype and values as
  numpy computes them (floats as the bit patterns of numpy's float32 conversion).
- corrupt/: one defect per file, each built from the bytes of a valid file or by hand.

numpy has no bfloat16 (and ml_dtypes is not installed), so BF16 bits are rounded from float32
by hand here (round to nearest even, as torch does) and handed to the safetensors library, which
writes the file; the expected float32 of a bfloat16 is its bits shifted left by 16.
"""

import io
import json
import struct
import warnings
import zipfile
from pathlib import Path

import numpy as np
import safetensors
from safetensors.numpy import save_file

ROOT = Path(__file__).resolve().parent
VALID = ROOT / "valid"
CORRUPT = ROOT / "corrupt"
rng = np.random.default_rng(1_58)

# Values every float conversion must get right: zeros, ties, extremes, subnormals, inf, NaN.
SPECIAL = [0.0, -0.0, 1.0, -2.5, 0.1, 1 / 3, 65504.0, 2.0**-14, 2.0**-24, 3 * 2.0**-24,
           float("inf"), float("-inf"), float("nan"), 1e-6, -7.0e4, 12345.678]


def normal(shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def labels(count):
    return rng.integers(0, 10, size=count).astype(np.int64)


# MARK: expected values

expected = {}


def float_bits(array):
    return np.ascontiguousarray(array, dtype=np.float32).reshape(-1).view(np.uint32).tolist()


def describe(name, array, dtype, float32_values=None):
    """One tensor as expected.json lists it; float32_values overrides numpy's conversion (bf16)."""
    entry = {"name": name, "shape": list(array.shape), "dtype": dtype}
    if dtype in ("F64", "F32", "F16", "BF16"):
        entry["float32_bits"] = float_bits(array if float32_values is None else float32_values)
    else:
        entry["integers"] = np.asarray(array).astype(np.int64).reshape(-1).tolist()
    return entry


def expect(file_name, tensors, metadata=None):
    expected[file_name] = {"tensors": tensors, "metadata": metadata or {}}


def file_order(path):
    """Tensor names of a safetensors file in data-offset order, read from its header."""
    raw = path.read_bytes()
    header = json.loads(raw[8:8 + struct.unpack("<Q", raw[:8])[0]])
    header.pop("__metadata__", None)
    return sorted(header, key=lambda name: tuple(header[name]["data_offsets"]))


SAFETENSORS_DTYPE = {np.float64: "F64", np.float32: "F32", np.float16: "F16", np.int64: "I64",
                     np.int32: "I32", np.int16: "I16", np.int8: "I8", np.uint8: "U8", np.bool_: "BOOL"}


def write_safetensors(file_name, tensors, metadata=None):
    path = VALID / file_name
    save_file(tensors, str(path), metadata=metadata)
    described = [describe(name, tensors[name], SAFETENSORS_DTYPE[tensors[name].dtype.type])
                 for name in file_order(path)]
    expect(file_name, described, metadata)
    return path


# MARK: valid safetensors

def make_valid_safetensors():
    write_safetensors("mlp_f32.safetensors", {
        "0.weight": normal((4, 3)), "0.bias": normal(4),
        "2.weight": normal((2, 4)), "2.bias": normal(2),
        "y": labels(5),
    }, metadata={"source": "make_import_fixtures.py"})

    halves = np.array(SPECIAL + list(rng.standard_normal(14)), dtype=np.float16).reshape(5, 6)
    subnormal_halves = np.arange(0, 1024, 97, dtype=np.uint16).view(np.float16)
    write_safetensors("halves_f16.safetensors", {"h": halves, "subnormals": subnormal_halves})

    doubles = np.array(SPECIAL + [1e300, -1e300, 1e-50, 1e-40, 2.0**-149, 0.1 + 2.0**-30]
                       + list(rng.standard_normal(8)), dtype=np.float64).reshape(3, 10)
    write_safetensors("doubles_f64.safetensors", {"d": doubles})

    write_safetensors("integers.safetensors", {
        "i8": np.array([-128, -1, 0, 1, 127], dtype=np.int8),
        "i16": np.array([-32768, -2, 300, 32767], dtype=np.int16),
        "i32": np.array([[-2**31, 7], [2**31 - 1, 0]], dtype=np.int32),
        "i64": np.array([-2**63, -5, 2**40, 2**63 - 1], dtype=np.int64),
        "u8": np.array([0, 1, 200, 255], dtype=np.uint8),
        "mask": np.array([True, False, True], dtype=np.bool_),
        "empty": np.zeros((0, 3), dtype=np.float32),
        "scalar": np.array(2.5, dtype=np.float32),
    })

    # BF16 through the library's raw serializer: round float32 to nearest even by hand.
    floats = np.array(SPECIAL + list(rng.standard_normal(14)), dtype=np.float32).reshape(5, 6)
    bits = floats.view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    rounded[np.isnan(floats)] = 0x7FC0
    path = VALID / "brains_bf16.safetensors"
    safetensors.serialize_file({"b": safetensors.TensorSpec(
        dtype="bfloat16", shape=rounded.shape, data_ptr=rounded.ctypes.data, data_len=rounded.nbytes)},
        str(path))
    widened = (rounded.astype(np.uint32) << 16).view(np.float32)
    expect(path.name, [describe("b", rounded, "BF16", float32_values=widened)])

    # The reference writer's own order (alignment, then name) and padding: the Swift writer must
    # produce these exact bytes when given the tensors in this order.
    write_safetensors("reference_layout.safetensors", {
        "a": np.arange(6, dtype=np.float32).reshape(2, 3) / 4,
        "b": np.array([-1, 0, 1], dtype=np.int8),
        "y": np.array([3, 9], dtype=np.int64),
    }, metadata={"k": "v"})


# MARK: valid .npy and .npz

def write_npy(file_name, array, version=None, dtype=None):
    with open(VALID / file_name, "wb") as f:
        np.lib.format.write_array(f, array, version=version)
    name = file_name.removesuffix(".npy")
    dtype = dtype or SAFETENSORS_DTYPE[array.dtype.type]
    expect(file_name, [describe(name, array, dtype)])


def make_valid_npy():
    write_npy("v1_f4.npy", normal((3, 4)), version=(1, 0))
    write_npy("v2_f2.npy", np.array(SPECIAL, dtype=np.float16).reshape(4, 4), version=(2, 0))
    write_npy("v3_f8.npy", normal((2, 3), np.float64), version=(3, 0))
    write_npy("fortran_f4.npy", np.asfortranarray(normal((2, 3, 4))))
    write_npy("big_endian_f4.npy", normal((2, 5)).astype(">f4"), dtype="F32")
    write_npy("big_endian_i8.npy", np.array([-3, 2**40, 7], dtype=">i8"), dtype="I64")
    write_npy("labels_i8.npy", labels(7))
    write_npy("codes_i1.npy", np.array([-1, 0, 1, 1, -128, 127], dtype=np.int8))
    write_npy("pixels_u1.npy", np.array([[0, 17], [128, 255]], dtype=np.uint8))
    write_npy("ids_i4.npy", np.array([5, -6, 2**31 - 1], dtype=np.int32))
    write_npy("mask_b1.npy", np.asfortranarray(np.array([[True, False, False], [False, True, True]])))
    write_npy("scalar.npy", np.array(-0.75, dtype=np.float32))
    write_npy("empty.npy", np.zeros((0, 3), dtype=np.float32))


class Unseekable(io.RawIOBase):
    """A write-only stream without seek or tell: zipfile then writes data descriptors."""

    def __init__(self):
        self.buffer = bytearray()

    def writable(self):
        return True

    def write(self, data):
        self.buffer += data
        return len(data)


def write_members(archive, arrays):
    for name, array in arrays.items():
        with archive.open(name + ".npy", "w", force_zip64=True) as member:
            np.lib.format.write_array(member, array)


def expect_npz(file_name, arrays):
    expect(file_name, [describe(name, a, SAFETENSORS_DTYPE[a.dtype.type]) for name, a in arrays.items()])


def make_valid_npz():
    stored = {"x": normal((3, 4)), "y": labels(3)}
    np.savez(VALID / "arrays.npz", **stored)
    expect_npz("arrays.npz", stored)

    compressed = {"x": normal((8, 8)), "y": labels(8), "h": np.array(SPECIAL, dtype=np.float16)}
    np.savez_compressed(VALID / "arrays_compressed.npz", **compressed)
    expect_npz("arrays_compressed.npz", compressed)

    # zipfile switches to zip64 records past ZIP64_LIMIT; lowering it gives zip64 extra fields in
    # the central directory and a zip64 end record on a small file.
    small_limit = {"w": normal((2, 2)), "labels": labels(4)}
    default_limit = zipfile.ZIP64_LIMIT
    zipfile.ZIP64_LIMIT = 16
    try:
        with zipfile.ZipFile(VALID / "zip64_directory.npz", "w", zipfile.ZIP_DEFLATED) as archive:
            write_members(archive, small_limit)
    finally:
        zipfile.ZIP64_LIMIT = default_limit
    expect_npz("zip64_directory.npz", small_limit)

    streamed = {"w": normal((6, 6)), "b": normal(6)}
    stream = Unseekable()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        write_members(archive, streamed)
    (VALID / "data_descriptor.npz").write_bytes(bytes(stream.buffer))
    expect_npz("data_descriptor.npz", streamed)


# MARK: corrupted files

def corrupt(file_name, data):
    (CORRUPT / file_name).write_bytes(bytes(data))


def raw_safetensors(header, data=b"", length=None):
    """A safetensors file from a header (dict or raw text/bytes), optionally lying about its length."""
    text = header if isinstance(header, (str, bytes)) else json.dumps(header, separators=(",", ":"))
    text = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(text) if length is None else length) + text + data


def f32_entry(shape, begin, end, dtype="F32"):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def make_corrupt_safetensors():
    valid = (VALID / "mlp_f32.safetensors").read_bytes()
    header_length = struct.unpack("<Q", valid[:8])[0]
    corrupt("truncated_data.safetensors", valid[:-7])
    corrupt("truncated_length.safetensors", valid[:5])
    corrupt("header_length_past_end.safetensors", struct.pack("<Q", len(valid)) + valid[8:])
    corrupt("header_length_huge.safetensors", struct.pack("<Q", 2**40) + valid[8:])
    corrupt("header_length_short.safetensors", struct.pack("<Q", header_length - 10) + valid[8:])
    corrupt("overlapping_offsets.safetensors", raw_safetensors(
        {"a": f32_entry([4], 0, 16), "b": f32_entry([4], 8, 24)}, bytes(24)))
    corrupt("reversed_offsets.safetensors", raw_safetensors({"a": f32_entry([4], 16, 0)}, bytes(16)))
    corrupt("shape_overflow.safetensors", raw_safetensors({"a": f32_entry([2**32] * 3, 0, 4)}, bytes(4)))
    corrupt("huge_shape.safetensors", raw_safetensors({"a": f32_entry([2**40], 0, 16)}, bytes(16)))
    corrupt("unknown_dtype.safetensors", raw_safetensors({"w": f32_entry([4], 0, 4, "F8_E4M3")}, bytes(4)))
    corrupt("gap.safetensors", raw_safetensors(
        {"a": f32_entry([2], 0, 8), "b": f32_entry([2], 16, 24)}, bytes(24)))
    corrupt("trailing_bytes.safetensors", raw_safetensors({"a": f32_entry([2], 0, 8)}, bytes(16)))
    corrupt("duplicate_name.safetensors", raw_safetensors(
        '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
        '"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', bytes(8)))
    corrupt("offsets_mismatch.safetensors", raw_safetensors(
        {"0.weight": f32_entry([256, 64], 0, 4096)}, bytes(4096)))
    corrupt("negative_dimension.safetensors", raw_safetensors({"a": f32_entry([-1, 4], 0, 16)}, bytes(16)))
    corrupt("offset_past_end.safetensors", raw_safetensors({"a": f32_entry([4], 0, 16)}, bytes(12)))
    corrupt("metadata_not_strings.safetensors", raw_safetensors(
        {"__metadata__": {"epochs": 5}, "a": f32_entry([1], 0, 4)}, bytes(4)))
    corrupt("not_utf8.safetensors", raw_safetensors(
        b'{"\xff\xfe":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', bytes(4)))
    corrupt("deep_nesting.safetensors", raw_safetensors('{"a":' + "[" * 1000 + "]" * 1000 + "}"))
    corrupt("not_json.safetensors", raw_safetensors("model weights follow"))
    corrupt("missing_offsets.safetensors", raw_safetensors({"a": {"dtype": "F32", "shape": [1]}}, bytes(4)))


def npy_bytes(header, data=b"", version=(1, 0)):
    """An .npy file with a hand-written header dict, padded as numpy pads it."""
    length_size = 2 if version == (1, 0) else 4
    text = header.encode("latin1")
    total = 6 + 2 + length_size + len(text) + 1
    text += b" " * ((64 - total % 64) % 64) + b"\n"
    length = struct.pack("<H" if length_size == 2 else "<I", len(text))
    return b"\x93NUMPY" + bytes(version) + length + text + data


def saved(array, **options):
    buffer = io.BytesIO()
    np.save(buffer, array, **options)
    return buffer.getvalue()


def make_corrupt_npy():
    valid = (VALID / "v1_f4.npy").read_bytes()
    corrupt("truncated.npy", valid[:-5])
    corrupt("trailing_bytes.npy", valid + bytes(4))
    corrupt("bad_magic.npy", b"\x93NUMPX" + valid[6:])
    corrupt("version_4.npy", valid[:6] + bytes([4, 0]) + valid[8:])
    corrupt("header_length_over_limit.npy", valid[:8] + struct.pack("<H", 60000) + valid[10:])
    corrupt("header_length_past_end.npy", npy_bytes(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", version=(2, 0))[:8]
        + struct.pack("<I", 5000) + b"{}")
    corrupt("huge_shape.npy", npy_bytes(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }", bytes(16)))
    corrupt("shape_overflow.npy", npy_bytes(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", bytes(16)))
    corrupt("missing_shape.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, }", bytes(4)))
    corrupt("code_in_header.npy", npy_bytes(
        "{'descr': __import__('os').system('true'), 'fortran_order': False, 'shape': (1,), }", bytes(4)))
    corrupt("pickled_object.npy", saved(np.array([{"weights": [1, 2]}, None], dtype=object), allow_pickle=True))
    corrupt("complex_dtype.npy", saved(np.array([1 + 2j], dtype=np.complex64)))
    corrupt("structured_dtype.npy", saved(np.zeros(2, dtype=[("x", "<f4"), ("y", "<i8")])))


def zip_locations(data):
    """For each member: (central entry offset, local header offset, data offset)."""
    end = data.rfind(b"PK\x05\x06")
    count, _, directory = struct.unpack("<HII", data[end + 10:end + 20])
    locations, offset = [], directory
    for _ in range(count):
        name_length, extra_length, comment_length = struct.unpack("<HHH", data[offset + 28:offset + 34])
        local = struct.unpack("<I", data[offset + 42:offset + 46])[0]
        local_name, local_extra = struct.unpack("<HH", data[local + 26:local + 30])
        locations.append((offset, local, local + 30 + local_name + local_extra))
        offset += 46 + name_length + extra_length + comment_length
    return locations


def patched(data, offset, fmt, value):
    data = bytearray(data)
    struct.pack_into(fmt, data, offset, value)
    return data


def member(name):
    """A ZipInfo with the fixed timestamp numpy uses (writestr would stamp the current time)."""
    return zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))


def make_corrupt_npz():
    stored = (VALID / "arrays.npz").read_bytes()
    compressed = (VALID / "arrays_compressed.npz").read_bytes()
    streamed = (VALID / "data_descriptor.npz").read_bytes()
    (central, local, data_offset), _ = zip_locations(stored)
    corrupt("truncated.npz", stored[:-30])

    flipped = bytearray(stored)
    flipped[data_offset + 100] ^= 0x01
    corrupt("bad_crc.npz", flipped)

    broken = bytearray(compressed)
    broken[zip_locations(compressed)[0][2]] |= 0x06  # block type 3, which deflate reserves
    corrupt("broken_deflate.npz", broken)

    central_streamed, _, _ = zip_locations(streamed)[0]
    uncompressed = struct.unpack("<I", streamed[central_streamed + 24:central_streamed + 28])[0]
    compressed_size = struct.unpack("<I", streamed[central_streamed + 20:central_streamed + 24])[0]
    corrupt("size_smaller_than_data.npz", patched(streamed, central_streamed + 24, "<I", uncompressed - 10))
    corrupt("size_larger_than_data.npz", patched(streamed, central_streamed + 24, "<I", uncompressed + 10))
    corrupt("size_beyond_deflate_ratio.npz", patched(streamed, central_streamed + 24, "<I", 50_000_000))
    corrupt("size_over_member_limit.npz", patched(streamed, central_streamed + 24, "<I", 0x7FFF_FFFF))
    corrupt("overlapping_members.npz", patched(streamed, central_streamed + 20, "<I", compressed_size + 100))
    corrupt("encrypted.npz", patched(stored, central + 8, "<H", 0x0001))
    corrupt("local_name_differs.npz", patched(stored, local + 30, "<B", ord("z")))
    corrupt("local_crc_differs.npz", patched(stored, local + 14, "<I", 0x1234_5678))

    zip64 = (VALID / "zip64_directory.npz").read_bytes()
    locator = zip64.rfind(b"PK\x06\x07")
    corrupt("zip64_locator_wrong.npz", patched(zip64, locator + 8, "<Q", 3))

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member("x.npy"), saved(np.zeros(2, dtype=np.float32)), zipfile.ZIP_BZIP2)
    corrupt("bzip2_member.npz", buffer.getvalue())

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member("x.npy"), saved(np.zeros(2, dtype=np.float32)))
        archive.writestr(member("README.txt"), "not an array")
    corrupt("not_npy_member.npz", buffer.getvalue())

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member("x.npy"), saved(np.zeros(2, dtype=np.float32)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # zipfile's "Duplicate name" is the point
            archive.writestr(member("x.npy"), saved(np.ones(2, dtype=np.float32)))
    corrupt("duplicate_member.npz", buffer.getvalue())

    buffer = io.BytesIO()
    np.savez(buffer, weights=np.ones(2, dtype=np.float32), objects=np.array([None, {}], dtype=object))
    corrupt("pickled_member.npz", buffer.getvalue())


def main():
    # Overflow to infinity (-7e4 as float16, 1e300 as float32) is part of what the files test.
    np.seterr(over="ignore")
    for folder in (VALID, CORRUPT):
        folder.mkdir(exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
    make_valid_safetensors()
    make_valid_npy()
    make_valid_npz()
    make_corrupt_safetensors()
    make_corrupt_npy()
    make_corrupt_npz()
    (ROOT / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    total = sum(path.stat().st_size for path in ROOT.rglob("*") if path.is_file())
    print(f"wrote {len(list(VALID.iterdir()))} valid and {len(list(CORRUPT.iterdir()))} corrupted files, "
          f"{total} bytes in all")


if __name__ == "__main__":
    main()
