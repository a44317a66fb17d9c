#!/usr/bin/env bash
# How long a release build takes to compile the sources `bitbake-model emit-swift` writes for a
# model (docs/baking.md). Builds a throwaway package that depends on this one, with the generated
# sources checked into an executable target, builds it once (the dependencies), touches the
# generated files and times the release build that recompiles and relinks that target alone.
#
#   measure_compile_time.sh MODEL [ENCODING ...]       # encodings: auto (default), words, base64
#
# MODEL is anything emit-swift reads (.safetensors, .bitblob, ...). Prints one line per encoding.
# bitbake-model is built in $SCRATCH (default .build).
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 64; }
model=$(readlink -f "$1"); shift
encodings=("$@"); [ ${#encodings[@]} -gt 0 ] || encodings=(auto)
root=$(cd "$(dirname "$0")/../../../.." && pwd)
scratch=${SCRATCH:-$root/.build}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

(cd "$root" && swift build -c release --scratch-path "$scratch" --product bitbake-model >/dev/null)
tool=$scratch/release/bitbake-model

mkdir -p "$work/Sources/Probe"
cat > "$work/Package.swift" <<MANIFEST
// swift-tools-version: 6.1
import PackageDescription
let package = Package(
    name: "probe",
    dependencies: [.package(path: "$root")],
    targets: [
        .executableTarget(
            name: "Probe", dependencies: [.product(name: "BitRuntime", package: "$(basename "$root")")],
            path: "Sources/Probe"),
    ])
MANIFEST
cat > "$work/Sources/Probe/main.swift" <<'MAIN'
let input = [Float](repeating: 0.5, count: Model.inputCount)
print(try Model.infer(input).predictedClass(0))
MAIN

for encoding in "${encodings[@]}"; do
    "$tool" emit-swift "$model" --module Model --encoding "$encoding" -o "$work/Sources/Probe" >/dev/null
    (cd "$work" && swift build -c release >/dev/null)
    touch "$work"/Sources/Probe/Model*.swift
    start=$(date +%s%N)
    (cd "$work" && swift build -c release >/dev/null)
    end=$(date +%s%N)
    bytes=$(stat -c %s "$work/Sources/Probe/Model+Blob.swift")
    held=words; grep -q blobBase64 "$work/Sources/Probe/Model+Blob.swift" && held=base64
    milliseconds=$(((end - start) / 1000000))
    printf '%s: encoding %s (%s), Model+Blob.swift %s bytes, release build %d.%01d s (load average %s)\n' \
        "$(basename "$model")" "$encoding" "$held" "$bytes" $((milliseconds / 1000)) $((milliseconds % 1000 / 100)) \
        "$(cut -d' ' -f1 /proc/loadavg)"
    "$work/.build/release/Probe" >/dev/null
done
