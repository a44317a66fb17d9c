#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora, Tools/fuzz/corpus/<target>/, from the project's own fixtures.

    swift build --product bitbake-model && python3 Tools/fuzz/make_corpus.py

Only the standard library; run from anywhere. The seeds are small valid and corrupt inputs, so
the fuzzers start from every structure the parsers know: the importer fixtures of
Tests/BitBakeTests/Fixtures (made by its make_import_fixtures.py), blobs baked by bitbake-model from
one of them in each packing, granularity and container, the bake specs of the docs and the
example, and daemon requests in both protocol modes (docs/protocol.md).
"""
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "BitBakeTests", "Fixtures")
CORPUS = os.path.join(ROOT, "Tools", "fuzz", "corpus")
BAKE = os.environ.get("BITBAKE_MODEL", os.path.join(ROOT, ".build", "debug", "bitbake-model"))


def target_dir(name):
    path = os.path.join(CORPUS, name)
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(path)
    return path


def write(target, name, data):
    with open(os.path.join(CORPUS, target, name), "wb") as file:
        file.write(data)


def copy_fixtures(target, extension):
    for kind in ("valid", "corrupt"):
        folder = os.path.join(FIXTURES, kind)
        for name in sorted(os.listdir(folder)):
            if name.endswith(extension):
                shutil.copy(os.path.join(folder, name), os.path.join(CORPUS, target, f"{kind}-{name}"))


def safetensors(tensors):
    """tensors: list of (name, dtype, shape, raw bytes)."""
    header, offset, data = {}, 0, b""
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        data += raw
    import json
    text = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(text)) + text + data


def blobs():
    target_dir("bitblob")
    model = os.path.join(FIXTURES, "valid", "mlp_f32.safetensors")  # 3 -> 4 -> 2, with biases
    with tempfile.TemporaryDirectory() as scratch:
        calibration = os.path.join(scratch, "calibration.safetensors")
        values = [0.5, -1.0, 2.0, 1.5, 0.25, -0.75, -2.0, 1.0, 0.0]
        with open(calibration, "wb") as file:
            file.write(safetensors([("x", "F32", [3, 3], struct.pack("<9f", *values))]))
        variants = {
            "t3-per-tensor": [],
            "i2-per-tensor": ["--packing", "i2"],
            "t3-per-channel": ["--weight-granularity", "per_channel"],
            "i2-per-channel": ["--weight-granularity", "per_channel", "--packing", "i2"],
            "t3-static-scales": ["--activation-granularity", "per_tensor", "--calibration", calibration],
            "i2-compressed": ["--packing", "i2", "--compress"],
        }
        for name, options in variants.items():
            output = os.path.join(CORPUS, "bitblob", f"mlp-{name}.bitblob")
            subprocess.run([BAKE, "bake", model, "-o", output, *options], check=True, stdout=subprocess.DEVNULL)
        # 128 -> 8 -> 2: a valid model with more inputs than the digits model, which a daemon
        # started on digits must refuse at reload (its buffers are sized at start-up); soak.py uses it.
        rng = random.Random(128)
        wide = os.path.join(scratch, "wide.safetensors")
        layers = [("0.weight", [8, 128]), ("0.bias", [8]), ("2.weight", [2, 8]), ("2.bias", [2])]
        tensors = []
        for name, shape in layers:
            count = shape[0] * (shape[1] if len(shape) > 1 else 1)
            tensors.append((name, "F32", shape, struct.pack(f"<{count}f", *[rng.uniform(-1, 1) for _ in range(count)])))
        with open(wide, "wb") as file:
            file.write(safetensors(tensors))
        subprocess.run([BAKE, "bake", wide, "-o", os.path.join(CORPUS, "bitblob", "wide-128-inputs.bitblob")],
                       check=True, stdout=subprocess.DEVNULL)
    # The digits model: 64 -> ... -> 10, what the daemon-serve fuzzer serves.
    shutil.copy(os.path.join(ROOT, "Tests", "BakingTests", "Generated", "digits-static.bitblob"),
                os.path.join(CORPUS, "bitblob", "digits-static.bitblob"))


def bake_specs():
    target_dir("bake-spec")
    specs = {
        "example.json": open(os.path.join(ROOT, "Targets", "examples", "digits-classify", "bitbake.json"), "rb").read(),
        "full.json": b'{"layers": [{"weight": "encoder.fc.weight", "bias": "encoder.fc.bias"},'
                     b' {"weight": "head.weight", "activation": "none"}], "activation": "relu",'
                     b' "weight_granularity": "per_channel", "activation_dtype": "int8",'
                     b' "activation_granularity": "per_token", "packing": "t3"}',
        "empty.json": b"{}",
        "escapes.json": b'{"layers": [{"weight": "a\\u00e9\\n\\"b\\ud83d\\ude00"}], "packing": "I2"}',
        "numbers.json": b'{"layers": [1, -2.5e10, 0.0, true, false, null, [], {}]}',
        "duplicate.json": b'{"packing": "t3", "packing": "i2"}',
        "nested.json": b"[" * 40 + b"]" * 40,
        "unknown.json": b'{"layerz": [], "activation": "gelu"}',
    }
    for name, data in specs.items():
        write("bake-spec", name, data)


def daemon_text():
    target_dir("daemon-text")
    # Byte 0 picks the input count: (byte % 64) + 1.
    seeds = {
        "three.txt": b"\x02" + b"1,2,3\n0.5 -1 2e3\n  1 ,\t2, 3 \r\n.25,3.,+7E+02\n",
        "commands.txt": b"\x00" + b"info\nstats\nINFO\nhelp\n\n   \n",
        "refused.txt": b"\x01" + b"1,,2\n1,2,\nnan,1\n-inf 2\n1e39 1\n0x1p3 1\n1 2 3\n" + b"9" * 70 + b" 1\n",
        "tiny.txt": b"\x00" + b"1e-50\n-0\n4.9e-46\n",
    }
    for name, data in seeds.items():
        write("daemon-text", name, data)


def frame(kind, count=0, payload=b"", code=0, magic=0x504C4DB1, version=1, reserved=0, length=None):
    length = len(payload) if length is None else length
    return struct.pack("<IBBBBII", magic, version, kind, code, reserved, count, length) + payload


def daemon_frames():
    target_dir("daemon-frame")
    seeds = {
        "info-stats.bin": frame(3) + frame(4),
        "float.bin": frame(1, 1, struct.pack("<3f", 1, 2, 3)) + frame(3),
        "int8.bin": frame(2, 2, struct.pack("<f", 0.5) + bytes([1, 255, 3, 4])),
        "bad-magic.bin": frame(3, magic=0x12345678),
        "bad-version.bin": frame(3, version=2),
        "reserved.bin": frame(3, reserved=1),
        "answer-type.bin": frame(0x81, 1, b"\0" * 12),
        "long-length.bin": frame(1, 1, b"", length=0xFFFFFFFF),
    }
    for name, data in seeds.items():
        write("daemon-frame", name, data)


def daemon_serve():
    """Byte 0: read size (0: all at once); then a client's input to the 64-input digits model."""
    target_dir("daemon-serve")
    vector = ",".join(str(i % 17) for i in range(64)).encode()
    floats = struct.pack("<64f", *[float(i % 17) for i in range(64)])
    codes = bytes((i * 37) % 256 for i in range(64))
    seeds = {
        "text.bin": b"\x00" + vector + b"\ninfo\nstats\n" + vector.replace(b",", b" ") + b"\r\n",
        "text-errors.bin": b"\x07" + b"1,2,3\nnope\n\n" + vector + b",1\nnan" + vector[1:] + b"\n" + b"1e39," * 64 + b"\n",
        "text-no-newline.bin": b"\x00" + vector,
        "overlong-line.bin": b"\x40" + b"1," * 3000 + b"\ninfo\n",
        "float-frames.bin": b"\x00" + frame(1, 1, floats) + frame(1, 2, floats * 2) + frame(3) + frame(4),
        "int8-frames.bin": b"\x10" + frame(2, 1, struct.pack("<f", 0.125) + codes) + frame(2, 1, struct.pack("<f", -1) + codes),
        "frame-errors.bin": b"\x00" + frame(1, 0, b"") + frame(1, 5, floats * 5) + frame(1, 1, floats[:-4]) + frame(3, 1),
        "frame-too-large.bin": b"\x00" + frame(1, 1, b"", length=1 << 30),
        "mixed.bin": b"\x05" + b"info\n" + frame(4) + vector + b"\n" + frame(9),
        "partial-frame.bin": b"\x00" + frame(1, 1, floats)[:40],
    }
    for name, data in seeds.items():
        write("daemon-serve", name, data)


def main():
    if not os.path.exists(BAKE):
        sys.exit(f"{BAKE} is missing: run `swift build --product bitbake-model` first (or set BITBAKE_MODEL)")
    for target, extension in (("safetensors", ".safetensors"), ("npy", ".npy"), ("npz", ".npz")):
        target_dir(target)
        copy_fixtures(target, extension)
    blobs()
    bake_specs()
    daemon_text()
    daemon_frames()
    daemon_serve()
    for target in sorted(os.listdir(CORPUS)):
        folder = os.path.join(CORPUS, target)
        sizes = [os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder)]
        print(f"{target}: {len(sizes)} files, {sum(sizes)} bytes")


if __name__ == "__main__":
    main()
