#!/usr/bin/env python3
"""Soak test for bitmlpd: hostile and honest clients plus reloads, for a fixed time.

    swift build --product bitmlpd
    python3 Tools/fuzz/soak.py --minutes 10

Starts `bitmlpd MODEL --socket SOCK` on a copy of the digits blob, then for the given time runs
concurrent clients, each connection one of:

- well-formed: text vectors, `info`, `stats`, float32 and int8 binary frames, pipelined, every
  answer read and checked (right count, `ok`, a class below the output count);
- malformed: random bytes, bad frame headers, wrong lengths, NaN, overlong lines, unknown commands,
  with answers read until the daemon closes or answers;
- abandoned: a partial request and a close, an idle connection, a flood of requests whose answers
  are never read (the daemon must stop reading it and drop it after --timeout), a close right
  after connecting;

while another thread replaces the served file by a good blob, a compressed one, a corrupt one
(truncated, bad CRC, garbage, a container declaring a huge size, a model with more inputs than the
daemon's buffers) and sends SIGHUP. A bad reload must leave the old model serving.

Ends by itself, stops the daemon with SIGTERM and prints requests served, errors returned,
crashes (the daemon exiting before SIGTERM, or non-zero after it: must be 0), reloads, and the
daemon's resident memory at the start (after warm-up) and at the end. Exit status 1 on a crash, a
wrong answer, or growth of resident memory beyond --rss-slack-kib (default 64).

Python's standard library only; a testing tool, not a runtime dependency of anything.
"""
import argparse
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MAGIC = 0x504C4DB1


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = {}

    def add(self, name, amount=1):
        with self.lock:
            self.values[name] = self.values.get(name, 0) + amount

    def get(self, name):
        with self.lock:
            return self.values.get(name, 0)


def frame(kind, count=0, payload=b"", code=0, magic=MAGIC, version=1, reserved=0, length=None):
    length = len(payload) if length is None else length
    return struct.pack("<IBBBBII", magic, version, kind, code, reserved, count, length) + payload


def read_exact(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError(f"closed after {len(data)} of {count} bytes")
        data += chunk
    return data


class LineReader:
    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def line(self):
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before a full line")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line


class Soak:
    def __init__(self, args):
        self.args = args
        self.counters = Counters()
        self.failures = []
        self.failure_lock = threading.Lock()
        self.deadline = time.monotonic() + args.minutes * 60
        self.scratch = tempfile.mkdtemp(prefix="bitmlpd-soak-")
        self.socket_path = os.path.join(self.scratch, "d.sock")
        self.served = os.path.join(self.scratch, "model.bitblob")
        self.inputs = 0
        self.outputs = 0

    def fail(self, message):
        with self.failure_lock:
            if len(self.failures) < 50:
                self.failures.append(message)

    # -- the daemon --------------------------------------------------------------------------

    def start(self):
        shutil.copy(self.args.blob, self.served)
        self.prepare_blobs()
        self.log = open(os.path.join(self.scratch, "bitmlpd.log"), "wb")
        self.daemon = subprocess.Popen(
            [self.args.daemon, self.served, "--socket", self.socket_path, "--max-clients", str(self.args.max_clients),
             "--timeout", str(self.args.timeout)],
            stdout=subprocess.DEVNULL, stderr=self.log)
        for _ in range(400):
            if os.path.exists(self.socket_path):
                break
            time.sleep(0.025)
        else:
            sys.exit("bitmlpd did not create its socket")
        info = self.request_text(b"info\n")
        fields = dict(item.split("=", 1) for item in info.split()[2:] if "=" in item)
        self.inputs, self.outputs = int(fields["inputs"]), int(fields["outputs"])

    def rss_kib(self):
        with open(f"/proc/{self.daemon.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return -1

    def prepare_blobs(self):
        good = open(self.args.blob, "rb").read()
        self.good_blobs = [("good", good)]
        self.good_blobs.append(("compressed", self.compressed(good)))
        corrupt_crc = bytearray(good)
        corrupt_crc[len(good) // 2] ^= 0xFF
        huge = struct.pack("<QQII", 0x5A424F4C42544942, 1 << 40, 0, 0) + zlib.compress(b"\0" * 1000)
        self.bad_blobs = [
            ("truncated", good[: len(good) // 3]),
            ("bad-crc", bytes(corrupt_crc)),
            ("garbage", bytes(random.Random(7).getrandbits(8) for _ in range(4096))),
            ("empty", b""),
            ("huge-container", huge),
        ]
        if self.args.wide_blob and os.path.exists(self.args.wide_blob):
            # A valid model with more inputs than the daemon's buffers: refused at reload.
            self.bad_blobs.append(("wider-model", open(self.args.wide_blob, "rb").read()))

    @staticmethod
    def compressed(blob):
        body = zlib.compress(blob, 9)
        return struct.pack("<QQII", 0x5A424F4C42544942, len(blob), zlib.crc32(blob), 0) + body

    # -- clients -----------------------------------------------------------------------------

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(15)
        sock.connect(self.socket_path)
        return sock

    def request_text(self, text):
        """The first answer line to `text`, or `err busy ...` when the daemon was full."""
        with self.connect() as sock:
            if not self.send_or_busy(sock, text):
                return "err busy"
            return LineReader(sock).line().decode()

    def vector_text(self, rng):
        return ",".join(f"{rng.uniform(-2, 16):.4g}" for _ in range(self.inputs)).encode() + b"\n"

    def check_ok(self, line, what):
        parts = line.split()
        if parts[:1] == [b"err"] and parts[1:2] == [b"busy"]:
            self.counters.add("busy")
            return
        if parts[:1] != [b"ok"]:
            self.fail(f"{what}: expected ok, got {line[:120]!r}")
            return
        self.counters.add("ok")
        if parts[1] not in (b"info", b"stats"):
            if not 0 <= int(parts[1]) < self.outputs or len(parts) != 2 + self.outputs:
                self.fail(f"{what}: bad answer {line[:120]!r}")

    def send_or_busy(self, sock, data):
        """Sends `data`; returns False when the daemon refused the connection as busy (it writes
        `err busy ...` and closes at once, so a long send can fail with EPIPE)."""
        try:
            sock.sendall(data)
            return True
        except (BrokenPipeError, ConnectionResetError):
            try:
                answer = sock.recv(256)
            except OSError:
                answer = b""
            if answer.startswith(b"err busy"):
                self.counters.add("busy")
                return False
            raise

    def well_formed_text(self, rng):
        with self.connect() as sock:
            requests = [self.vector_text(rng) for _ in range(rng.randint(1, 20))] + [b"info\n", b"stats\n"]
            rng.shuffle(requests)
            if not self.send_or_busy(sock, b"".join(requests)):
                return
            reader = LineReader(sock)
            for _ in requests:
                line = reader.line()
                if line.startswith(b"err busy"):
                    self.counters.add("busy")
                    return
                self.check_ok(line, "text")

    def well_formed_binary(self, rng):
        with self.connect() as sock:
            batch = rng.randint(1, 8)
            values = [rng.uniform(-1, 16) for _ in range(batch * self.inputs)]
            codes = bytes(rng.randrange(256) for _ in range(batch * self.inputs))
            frames = [frame(1, batch, struct.pack(f"<{len(values)}f", *values)),
                      frame(2, batch, struct.pack("<f", 0.0625) + codes), frame(3), frame(4)]
            if not self.send_or_busy(sock, b"".join(frames)):
                return
            for expected in (batch, batch, 0, 0):
                header = read_exact(sock, 16)
                if header.startswith(b"err busy"):
                    self.counters.add("busy")
                    return
                magic, _, kind, code, _, count, length = struct.unpack("<IBBBBII", header)
                payload = read_exact(sock, length)
                if magic != MAGIC or kind == 0xFF:
                    self.fail(f"binary: error frame code {code}: {payload[:100]!r}")
                    return
                if kind == 0x81:
                    if count != expected or length != count * (4 + 4 * self.outputs):
                        self.fail(f"binary: result count {count} length {length}")
                    for vector in range(count):
                        predicted = struct.unpack_from("<I", payload, vector * (4 + 4 * self.outputs))[0]
                        if predicted >= self.outputs:
                            self.fail(f"binary: class {predicted}")
                self.counters.add("ok")

    def malformed(self, rng):
        choice = rng.randrange(9)
        if choice == 0:
            data = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 4096)))
        elif choice == 1:
            data = frame(1, 1, b"", length=rng.choice([1 << 31, 0xFFFFFFFF, 1 << 20]))
        elif choice == 2:
            data = frame(rng.choice([0, 5, 0x81, 0xFF, 0x42]), 1, b"\0" * 8)
        elif choice == 3:
            data = frame(1, rng.choice([0, 33, 1000]), b"\0" * 4 * self.inputs)
        elif choice == 4:
            data = frame(2, 1, struct.pack("<f", rng.choice([0.0, -1.0, float("nan"), float("inf")])) + b"\1" * self.inputs)
        elif choice == 5:
            data = b"1," * rng.randint(3000, 40000) + b"\ninfo\n"
        elif choice == 6:
            data = b"nan," * self.inputs + b"\n" + b"1e39\n" + b"help\n" + b"\n" + b"1,,2\n" + b"0x10\n"
        elif choice == 7:
            data = frame(1, 1, struct.pack(f"<{self.inputs}f", *([float("nan")] * self.inputs))) + frame(3, 1)
        else:
            data = frame(3, magic=rng.getrandbits(32)) + b"info\n"
        with self.connect() as sock:
            try:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
                answer = b""
                while True:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    answer += chunk
            except (ConnectionError, socket.timeout, BrokenPipeError) as error:
                # A daemon that closes on a framing error may reset a sender with unread bytes.
                answer = b""
                self.counters.add("reset")
            self.counters.add("errors", answer.count(b"err ") + answer.count(bytes([0xB1, 0x4D, 0x4C, 0x50, 1, 0xFF])))
            self.counters.add("malformed")

    def abandoned(self, rng):
        choice = rng.randrange(4)
        sock = self.connect()
        try:
            if choice == 0:
                sock.sendall(self.vector_text(rng)[: rng.randint(1, 40)])
            elif choice == 1:
                sock.sendall(frame(1, 1, b"\0" * 10, length=4 * self.inputs))
            elif choice == 2:
                # Flood without reading: the daemon stops reading this client, then drops it.
                sock.setblocking(False)
                flood = (self.vector_text(rng) + b"info\n") * 200
                try:
                    for _ in range(50):
                        sock.send(flood)
                except (BlockingIOError, BrokenPipeError, ConnectionError):
                    pass
            time.sleep(rng.uniform(0, 0.5))
        except (BrokenPipeError, ConnectionError):
            pass
        finally:
            sock.close()
        self.counters.add("abandoned")

    def client(self, seed):
        rng = random.Random(seed)
        while time.monotonic() < self.deadline and self.daemon.poll() is None:
            kind = rng.choices(["text", "binary", "malformed", "abandoned"], weights=[4, 3, 3, 1])[0]
            try:
                getattr(self, {"text": "well_formed_text", "binary": "well_formed_binary",
                               "malformed": "malformed", "abandoned": "abandoned"}[kind])(rng)
                self.counters.add("connections")
            except (ConnectionError, socket.timeout, OSError) as error:
                if kind in ("text", "binary"):
                    self.fail(f"{kind}: {error!r}")
                self.counters.add("connection_errors")

    def reload(self, data):
        temporary = self.served + ".new"
        with open(temporary, "wb") as file:
            file.write(data)
        os.replace(temporary, self.served)
        self.daemon.send_signal(signal.SIGHUP)

    def warm_up(self, rng):
        """Every kind of request and of reload, so that the allocator has reached the size the
        soak needs (a reload holds two models and an inflated copy at once) before RSS is taken."""
        for _ in range(2):
            for _, data in self.good_blobs + self.bad_blobs + self.good_blobs[:1]:
                self.reload(data)
                time.sleep(0.1)
                self.request_text(b"info\n")
            for _ in range(50):
                self.well_formed_text(rng)
                self.well_formed_binary(rng)
            for _ in range(20):
                self.malformed(rng)
                self.abandoned(rng)

    def reloader(self):
        rng = random.Random(99)
        while self.args.reload_seconds > 0 and self.daemon.poll() is None:
            wake = time.monotonic() + self.args.reload_seconds
            while time.monotonic() < min(wake, self.deadline):
                time.sleep(0.1)
            if time.monotonic() >= self.deadline:
                break
            good = rng.random() < 0.5
            name, data = rng.choice(self.good_blobs if good else self.bad_blobs)
            self.reload(data)
            self.counters.add("hup_good" if good else "hup_bad")
            # Answers continue either way (from the old model after a bad blob).
            time.sleep(0.2)
            try:
                line = self.request_text(b"info\n")
                if not line.startswith("ok info") and not line.startswith("err busy"):
                    self.fail(f"after reloading {name}: {line[:100]}")
            except OSError as error:
                self.fail(f"after reloading {name}: {error!r}")
            # Put a good blob back (without a reload), so that a restarted daemon would find one.
            temporary = self.served + ".new"
            with open(temporary, "wb") as file:
                file.write(self.good_blobs[0][1])
            os.replace(temporary, self.served)

    def stats(self):
        line = self.request_text(b"stats\n")
        return dict(item.split("=", 1) for item in line.split()[2:] if "=" in item)

    def run(self):
        self.start()
        rss_launch = self.rss_kib()
        warm = random.Random(1)
        self.warm_up(warm)
        # The full mix runs for --warm-up-seconds before the starting figure is taken: glibc's heap
        # settles only after some dozens of reloads interleaved with requests (two models and an
        # inflated copy alive at once, in varying order); after that it stays flat.
        self.deadline = time.monotonic() + self.args.warm_up_seconds + self.args.minutes * 60
        measure_from = time.monotonic() + self.args.warm_up_seconds
        rss_start = None
        rss_samples = []
        threads = [threading.Thread(target=self.client, args=(seed,)) for seed in range(self.args.clients)]
        threads.append(threading.Thread(target=self.reloader))
        for thread in threads:
            thread.start()
        started = time.monotonic()
        next_report = started + self.args.report_seconds
        while any(thread.is_alive() for thread in threads):
            time.sleep(1)
            if self.daemon.poll() is not None:
                continue
            rss = self.rss_kib()
            if rss_start is None and time.monotonic() >= measure_from:
                rss_start = rss
            if rss_start is not None:
                rss_samples.append(rss)
            if time.monotonic() >= next_report:
                next_report += self.args.report_seconds
                print(f"  {int(time.monotonic() - started)} s: {self.counters.get('connections')} connections, "
                      f"rss {rss} KiB{'' if rss_start is not None else ' (warming up)'}", flush=True)
        for thread in threads:
            thread.join()
        if rss_start is None:
            rss_start = -1
        crashes = 0
        if self.daemon.poll() is not None:
            crashes = 1
            final = {}
            rss_end = -1
        else:
            # Back on the good blob, as during the soak.
            self.reload(self.good_blobs[0][1])
            time.sleep(0.2)
            final = self.stats()
            rss_end = self.rss_kib()
            self.daemon.send_signal(signal.SIGTERM)
            try:
                status = self.daemon.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                status = "hung"
            if status != 0:
                crashes = 1
                self.fail(f"bitmlpd exited with {status} after SIGTERM")
        self.log.close()
        growth = rss_end - rss_start
        print(f"bitmlpd soak: {self.args.minutes:g} min after {self.args.warm_up_seconds:g} s of warm-up, {self.args.clients} client threads")
        print(f"requests served: {final.get('requests', '?')} (daemon counter; {self.counters.get('ok')} ok answers checked by clients)")
        print(f"errors returned: {final.get('errors', '?')} (daemon counter; {self.counters.get('errors')} seen by malformed clients)")
        print(f"connections: {self.counters.get('connections')} ({self.counters.get('malformed')} malformed, "
              f"{self.counters.get('abandoned')} abandoned, {self.counters.get('busy')} busy, "
              f"{self.counters.get('connection_errors')} closed or reset by the daemon)")
        print(f"accepted {final.get('accepted', '?')}, refused {final.get('refused', '?')}")
        print(f"reloads: {self.counters.get('hup_good')} good and {self.counters.get('hup_bad')} bad blobs sent; "
              f"daemon counted reloads={final.get('reloads', '?')} reload_failures={final.get('reload_failures', '?')}")
        print(f"crashes: {crashes}")
        print(f"rss: at launch {rss_launch} KiB; after warm-up (start) {rss_start} KiB, end {rss_end} KiB, "
              f"growth {growth} KiB (min {min(rss_samples, default=-1)}, max {max(rss_samples, default=-1)} KiB while measured)")
        print(f"wrong answers: {len(self.failures)}")
        for failure in self.failures[:20]:
            print(f"  {failure}")
        if crashes or self.failures or growth > self.args.rss_slack_kib:
            print(f"FAILED (daemon log: {self.log.name})")
            return 1
        shutil.rmtree(self.scratch, ignore_errors=True)
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10, help="measured time, after the warm-up")
    parser.add_argument("--warm-up-seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=10, help="client threads (default 10, more than --max-clients)")
    parser.add_argument("--daemon", default=os.path.join(ROOT, ".build", "debug", "bitmlpd"))
    parser.add_argument("--blob", default=os.path.join(ROOT, "Tools", "fuzz", "corpus", "bitblob", "digits-static.bitblob"))
    parser.add_argument("--wide-blob", default=os.path.join(ROOT, "Tools", "fuzz", "corpus", "bitblob", "wide-128-inputs.bitblob"),
                        help="a valid blob with more inputs than --blob, refused at reload")
    parser.add_argument("--max-clients", type=int, default=8, help="bitmlpd --max-clients (default 8: some clients get busy)")
    parser.add_argument("--timeout", type=int, default=2, help="bitmlpd --timeout in seconds (default 2)")
    parser.add_argument("--reload-seconds", type=float, default=2, help="between SIGHUPs; 0: no reloads")
    parser.add_argument("--rss-slack-kib", type=int, default=64)
    parser.add_argument("--report-seconds", type=float, default=60, help="progress line interval")
    args = parser.parse_args()
    if not os.path.exists(args.daemon):
        sys.exit(f"{args.daemon} is missing: swift build --product bitmlpd (or pass --daemon)")
    sys.exit(Soak(args).run())


if __name__ == "__main__":
    main()
