#!/usr/bin/env bash
# What baking a model into a binary costs and saves at run time (docs/baking.md).
#
#   measure_footprint.sh [MODEL]
#
# 1. digits-classify (the digits model baked in by BitBakePlugin) next to bitmlpd serving the same
#    model from a .bitblob file: stripped size, and peak resident memory over the 360 digits test
#    rows on standard input (`bitmlpd --stdio`), release builds, dynamic and -static-executable.
# 2. The same program three ways on MODEL (default: the example's model and bitbake.json): blob
#    compiled in as words, as base64, and mapped from a file. First call (validation, decoding,
#    runtime set-up and one inference), then the time per inference, and /proc/self/status's
#    VmRSS, RssAnon and RssFile before and after.
#
# Builds go to $SCRATCH (default .build) and $SCRATCH-static; needs python3 with numpy and
# safetensors for the test rows.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../../.." && pwd)
scratch=${SCRATCH:-$root/.build}
example=$root/Targets/examples/digits-classify
model=$(realpath -s "${1:-$example/Digits.safetensors}")
spec=(); [ $# -ge 1 ] || spec=(--spec "$example/bitbake.json")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$root"

python3 - "$root/Targets/examples/digits/digits-test.safetensors" > "$work/rows.txt" <<'PY'
import sys
from safetensors.numpy import load_file
for row in load_file(sys.argv[1])["x"]:
    print(" ".join(repr(float(v)) for v in row))
PY

stripped_size() { strip -o "$work/stripped" "$1" && stat -c %s "$work/stripped"; }
# The least of three runs' peak resident set (VmHWM), in kB.
peak_kb() {
    for run in 1 2 3; do /usr/bin/time -f %M "$@" < "$work/rows.txt" 2>&1 >/dev/null | tail -1; done | sort -n | head -1
}

swift build -c release --scratch-path "$scratch" --product bitbake-model >/dev/null 2>&1
tool=$scratch/release/bitbake-model
"$tool" bake "$model" "${spec[@]}" -o "$work/model.bitblob" >/dev/null

echo "== digits-classify (baked) and bitmlpd (blob file), 360 rows on standard input"
for mode in ${MODES:-dynamic static}; do
    flags=(); path=$scratch
    [ $mode = static ] && { flags=(-Xswiftc -static-executable); path=$scratch-static; }
    swift build -c release --scratch-path "$path" --product digits-classify "${flags[@]}" >/dev/null 2>&1
    swift build -c release --scratch-path "$path" --product bitmlpd "${flags[@]}" >/dev/null 2>&1
    bin=$path/release
    printf '%-8s digits-classify: %9s B stripped, peak RSS %6s kB\n' $mode \
        "$(stripped_size "$bin/digits-classify")" "$(peak_kb "$bin/digits-classify")"
    printf '%-8s bitmlpd:         %9s B stripped, peak RSS %6s kB (+ the %s B blob file)\n' $mode \
        "$(stripped_size "$bin/bitmlpd")" "$(peak_kb "$bin/bitmlpd" "$work/model.bitblob" --stdio)" \
        "$(stat -c %s "$work/model.bitblob")"
done

echo "== one program, three ways to hold $(basename "$model")"
probe=$work/probe
mkdir -p "$probe/Sources/Common" "$probe/Sources/Words" "$probe/Sources/Base64" "$probe/Sources/Mapped"
cat > "$probe/Package.swift" <<MANIFEST
// swift-tools-version: 6.1
import PackageDescription
let runtime = Target.Dependency.product(name: "BitRuntime", package: "$(basename "$root")")
let package = Package(
    name: "probe",
    dependencies: [.package(path: "$root")],
    targets: [
        .target(name: "Common", path: "Sources/Common"),
        .executableTarget(name: "Words", dependencies: ["Common", runtime], path: "Sources/Words"),
        .executableTarget(name: "Base64", dependencies: ["Common", runtime], path: "Sources/Base64"),
        .executableTarget(
            name: "Mapped", dependencies: ["Common", runtime, .product(name: "BitBlob", package: "$(basename "$root")")],
            path: "Sources/Mapped"),
    ])
MANIFEST
cat > "$probe/Sources/Common/Measure.swift" <<'SWIFT'
import Glibc

/// Nanoseconds on the monotonic clock.
public func now() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// VmRSS, RssAnon and RssFile from /proc/self/status.
public func memory() -> String {
    guard let file = fopen("/proc/self/status", "r") else { return "?" }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    var parts: [String] = []
    while fgets(&line, 256, file) != nil {
        let text = String(cString: line)
        for key in ["VmRSS", "RssAnon", "RssFile"] where text.hasPrefix(key + ":") {
            parts.append("\(key) \(text.dropFirst(key.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" })[0]) kB")
        }
    }
    return parts.joined(separator: ", ")
}

/// Times `prepare` and the first `infer` on one input together, then the mean of 1,000 `infer`s.
public func measure<State: ~Copyable>(
    _ name: String, inputCount: Int, prepare: () throws -> State, infer: (inout State, [Float]) throws -> Int
) throws {
    let input = (0..<inputCount).map { Float($0 % 17) / 16 }
    let before = memory()
    let start = now()
    var state = try prepare()
    let predicted = try infer(&state, input)
    let first = now() - start
    let steadyStart = now()
    for _ in 0..<1000 { _ = try infer(&state, input) }
    let steady = (now() - steadyStart) / 1000
    print("\(name): first call \(first / 1000) µs (class \(predicted)), then \(steady) ns per inference")
    print("  before: \(before)")
    print("  after:  \(memory())")
}
SWIFT
for encoding in words base64; do
    target=Words; [ $encoding = base64 ] && target=Base64
    "$tool" emit-swift "$model" "${spec[@]}" --module Model --encoding $encoding \
        -o "$probe/Sources/$target" >/dev/null
    cat > "$probe/Sources/$target/main.swift" <<SWIFT
import Common
try measure("$encoding", inputCount: Model.inputCount, prepare: {}) { _, input in try Model.infer(input).predictedClass(0) }
SWIFT
done
cat > "$probe/Sources/Mapped/main.swift" <<'SWIFT'
import BitBlob
import BitRuntime
import Common

/// The mapped file and the runtime over it.
struct Loaded: ~Copyable {
    let file: MappedFile
    var runtime: BitMLPRuntime
}

try measure(
    "mapped", inputCount: Int(CommandLine.arguments[2])!,
    prepare: {
        let file = try MappedFile(path: CommandLine.arguments[1])
        let model = try BitBlobModel(validating: file.bytes)
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: model.arenaBytes(batch: 1)!, alignment: 64)
        return Loaded(file: file, runtime: try BitMLPRuntime(model: model, arena: arena))
    },
    infer: { loaded, input in try input.withUnsafeBufferPointer { try loaded.runtime.infer($0).predictedClass(0) } })
SWIFT
(cd "$probe" && swift build -c release 2>&1 | grep -E "error" || true)
inputs=$(grep -o 'inputCount = [0-9]*' "$probe/Sources/Words/Model.swift" | grep -o '[0-9]*')
for target in Words Base64; do
    "$probe/.build/release/$target"
    echo "  binary: $(stripped_size "$probe/.build/release/$target") B stripped"
done
"$probe/.build/release/Mapped" "$work/model.bitblob" "$inputs"
echo "  binary: $(stripped_size "$probe/.build/release/Mapped") B stripped, + the $(stat -c %s "$work/model.bitblob") B blob file"
