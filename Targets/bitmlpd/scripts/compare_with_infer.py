#!/usr/bin/env python3
"""Checks bitmlpd against `bitbake-model infer` with clients that are not BitLab's own.

For every row of a test set, the daemon's answer over a plain Python socket (text mode and binary
mode) and over socat (text mode, when socat is installed) must carry the class and the float32
logits that `bitbake-model infer` writes, bit for bit.

    swift build -c release --product bitmlpd --product bitbake-model
    python3 Targets/bitmlpd/scripts/compare_with_infer.py --bin .build/release

Needs numpy. Exits 1 on the first mismatch.
"""
import argparse, json, os, shutil, socket, struct, subprocess, sys, tempfile, time

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    types = {"F32": np.float32, "I64": np.int64, "F64": np.float64}
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[start:end], dtype=types[entry["dtype"]]).reshape(entry["shape"])
    return tensors


def text_answer_matches(answer, cls, logits):
    fields = answer.split()
    if len(fields) != 2 + len(logits) or fields[0] != "ok" or int(fields[1]) != cls:
        return False
    parsed = np.array([np.float32(float(v)) for v in fields[2:]], dtype=np.float32)
    return parsed.tobytes() == logits.astype(np.float32).tobytes()


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(root, ".build/release"), help="directory with bitmlpd and bitbake-model")
    parser.add_argument("--model", default=os.path.join(root, "Targets/examples/digits/digits-mlp.safetensors"))
    parser.add_argument("--rows", default=os.path.join(root, "Targets/examples/digits/digits-test.safetensors"))
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="bitmlpd-check-")
    blob, out, sock = (os.path.join(work, n) for n in ("model.bitblob", "infer.safetensors", "d.sock"))
    tool = os.path.join(args.bin, "bitbake-model")
    subprocess.run([tool, "bake", args.model, "-o", blob], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([tool, "infer", blob, "--input", args.rows, "-o", out], check=True, stdout=subprocess.DEVNULL)
    expected = read_safetensors(out)
    rows = read_safetensors(args.rows)["x"].astype(np.float32).reshape(expected["argmax"].shape[0], -1)

    daemon = subprocess.Popen([os.path.join(args.bin, "bitmlpd"), blob, "--socket", sock], stderr=subprocess.PIPE)
    try:
        for _ in range(500):
            if os.path.exists(sock):
                break
            time.sleep(0.01)
        client = socket.socket(socket.AF_UNIX)
        client.connect(sock)
        stream = client.makefile("rwb")
        counts = {"python text": 0, "python binary": 0, "socat text": 0}
        socat = shutil.which("socat")
        for index, row in enumerate(rows):
            cls, logits = int(expected["argmax"][index]), expected["logits"][index]
            line = ",".join(repr(float(v)) for v in row)
            stream.write(line.encode() + b"\n")
            stream.flush()
            answer = stream.readline().decode()
            if not text_answer_matches(answer, cls, logits):
                sys.exit(f"row {index}: text answer {answer!r}, expected class {cls} logits {logits}")
            counts["python text"] += 1

            payload = row.astype("<f4").tobytes()
            stream.write(b"\xb1MLP" + bytes([1, 0x01, 0, 0]) + struct.pack("<II", 1, len(payload)) + payload)
            stream.flush()
            header = stream.read(16)
            body = stream.read(struct.unpack("<I", header[12:16])[0])
            if header[5] != 0x81 or struct.unpack("<I", body[:4])[0] != cls or body[4:] != logits.astype("<f4").tobytes():
                sys.exit(f"row {index}: binary answer {header.hex()} {body.hex()}, expected class {cls} logits {logits}")
            counts["python binary"] += 1

            if socat:
                answer = subprocess.run([socat, "-", f"UNIX-CONNECT:{sock}"], input=line.encode() + b"\n",
                                        capture_output=True, check=True).stdout.decode()
                if not text_answer_matches(answer, cls, logits):
                    sys.exit(f"row {index}: socat answer {answer!r}, expected class {cls} logits {logits}")
                counts["socat text"] += 1
        print(", ".join(f"{name}: {count}/{len(rows)} rows equal" for name, count in counts.items())
              + " to bitbake-model infer (class and float32 logits, bit for bit)")
        if not socat:
            print("socat is not installed: apt-get install socat")
    finally:
        daemon.terminate()
        daemon.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
