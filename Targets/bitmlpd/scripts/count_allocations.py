#!/usr/bin/env python3
"""Counts the heap allocations bitmlpd makes for 100 requests and for 20,000: equal counts mean
nothing is allocated per request.

The daemon runs with an LD_PRELOAD library that counts malloc, calloc, realloc, aligned_alloc and
posix_memalign calls and prints the total at exit. It needs a dynamically linked release build (a
static executable cannot take LD_PRELOAD; a debug build allocates for unspecialized generics):

    swift build -c release --product bitmlpd --scratch-path .build-dynamic
    python3 Targets/bitmlpd/scripts/count_allocations.py .build-dynamic/release/bitmlpd

The requests mix float32 frames, text vectors, info, stats, and malformed lines (wrong length, NaN,
junk, empty, a 5,000-byte line over the default 4,096-byte limit).
"""
import os, socket, struct, subprocess, sys, tempfile, time

COUNTER = r"""
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
static unsigned long count;
void *malloc(size_t n) { count++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { count++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { count++; return __libc_realloc(p, n); }
void *aligned_alloc(size_t a, size_t n) { count++; return __libc_memalign(a, n); }
int posix_memalign(void **p, size_t a, size_t n) { count++; *p = __libc_memalign(a, n); return *p ? 0 : 12; }
__attribute__((destructor)) static void report(void) {
    char line[64];
    int length = snprintf(line, sizeof line, "allocations: %lu\n", count);
    write(2, line, length);
}
"""


def run(daemon, blob, counter, work, requests):
    path = os.path.join(work, "d.sock")
    process = subprocess.Popen([daemon, blob, "--socket", path], stderr=subprocess.PIPE,
                               env=dict(os.environ, LD_PRELOAD=counter))
    while not os.path.exists(path):
        time.sleep(0.01)
    row = ",".join(["0.5"] * 64).encode() + b"\n"
    payload = struct.pack("<64f", *([0.25] * 64))
    frame = b"\xb1MLP" + bytes([1, 1, 0, 0]) + struct.pack("<II", 1, len(payload)) + payload
    other = [b"1,2\n", b"nan\n", b"x\n", b"\n", b"9" * 5000 + b"\n", b"stats\n", b"info\n"]
    client = socket.socket(socket.AF_UNIX)
    client.connect(path)
    stream = client.makefile("rwb")
    for index in range(requests):
        if index % 4 == 0:
            stream.write(frame)
            stream.flush()
            header = stream.read(16)
            stream.read(struct.unpack("<I", header[12:16])[0])
        else:
            stream.write(other[index % len(other)] if index % 4 == 1 else row)
            stream.flush()
            stream.readline()
    client.close()
    time.sleep(0.1)
    process.terminate()
    process.wait()
    log = process.stderr.read().decode()
    return int(log.rsplit("allocations: ", 1)[1].split()[0])


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    daemon = os.path.abspath(sys.argv[1])
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    with tempfile.TemporaryDirectory(prefix="bitmlpd-allocations-") as work:
        counter = os.path.join(work, "count.so")
        source = os.path.join(work, "count.c")
        with open(source, "w") as f:
            f.write(COUNTER)
        subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", counter, source], check=True)
        blob = os.path.join(work, "model.bitblob")
        tool = os.path.join(os.path.dirname(daemon), "bitbake-model")
        if not os.path.exists(tool):
            tool = None
        model = os.path.join(root, "Targets/examples/digits/digits-mlp.safetensors")
        if tool:
            subprocess.run([tool, "bake", model, "-o", blob], check=True, stdout=subprocess.DEVNULL)
        else:
            subprocess.run(["swift", "run", "bitbake-model", "bake", model, "-o", blob], check=True,
                           stdout=subprocess.DEVNULL, cwd=root)
        few, many = run(daemon, blob, counter, work, 100), run(daemon, blob, counter, work, 20_000)
        print(f"allocations: {few} for 100 requests, {many} for 20,000 requests"
              + (" (none per request)" if few == many else f" ({(many - few) / 19_900:.2f} per request)"))
        sys.exit(0 if few == many else 1)


if __name__ == "__main__":
    main()
