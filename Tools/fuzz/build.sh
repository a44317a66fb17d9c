#!/usr/bin/env bash
# Builds one libFuzzer binary per fuzz target into .build-fuzz/bin/fuzz-<target>, with
# AddressSanitizer (docs/security.md, "Fuzzing").
#
#   Tools/fuzz/build.sh              # every target
#   Tools/fuzz/build.sh npz bitblob  # some
#
# How: SwiftPM builds the BitFuzz library and everything it depends on in release mode with
# `-sanitize=fuzzer,address` (coverage instrumentation and ASan, no libFuzzer main yet) into
# .build-fuzz; then swiftc links each target from a three-line entry file that defines
# LLVMFuzzerTestOneInput, which brings in libFuzzer's main. (`swift build -Xswiftc
# -sanitize=fuzzer` cannot link the binaries itself: libFuzzer's main would clash with the
# package's executables.) daemon-serve compiles the daemon's sources (not its main.swift) with
# Tools/fuzz/DaemonServe, so it drives the daemon's own request code.
set -euo pipefail
cd "$(dirname "$0")/../.."

targets=(safetensors npy npz bitblob bake-spec daemon-text daemon-frame daemon-serve)
[ $# -gt 0 ] && targets=("$@")
jobs=${FUZZ_BUILD_JOBS:-1}

build=.build-fuzz
out=$build/bin
release=$build/release
mkdir -p "$out" "$build/entry"

swift build -c release --build-path "$build" --target BitFuzz -j "$jobs" \
    -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address

includes=(-I "$release/Modules" -I Sources/CZlib -I Sources/CBitKernels/include -I Sources/CBitSystem/include)
objects() {
    for module in "$@"; do find "$release/$module.build" -name '*.o'; done
}
device=(CBitKernels BitCore BitBlob CBitSystem BitRuntime BitmlpdProtocol)
offline=(BitLayers BitModels BitBake BitFuzz)

for target in "${targets[@]}"; do
    echo "== fuzz-$target"
    if [ "$target" = daemon-serve ]; then
        # -parse-as-library: the entry points are @_cdecl functions, libFuzzer has the main.
        swiftc -O -parse-as-library -sanitize=fuzzer,address -module-name bitmlpd "${includes[@]}" \
            $(find Targets/bitmlpd -name '*.swift' ! -name main.swift | sort) Tools/fuzz/DaemonServe/*.swift \
            $(objects "${device[@]}") -lz -lm -o "$out/fuzz-$target"
        continue
    fi
    case "$target" in
        safetensors) name=safetensors ;;
        npy) name=npy ;;
        npz) name=npz ;;
        bitblob) name=bitblob ;;
        bake-spec) name=bakeSpec ;;
        daemon-text) name=daemonText ;;
        daemon-frame) name=daemonFrame ;;
        *) echo "unknown target $target; the targets: ${targets[*]}" >&2; exit 64 ;;
    esac
    entry=$build/entry/$target.swift
    cat > "$entry" <<SWIFT
import BitFuzz

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        _ = try FuzzTarget.$name.run(UnsafeRawBufferPointer(start: data, count: size))
    } catch {
        fatalError("finding: \(error)")
    }
    return 0
}
SWIFT
    swiftc -O -parse-as-library -sanitize=fuzzer,address -module-name FuzzEntry "${includes[@]}" "$entry" \
        $(objects "${device[@]}" "${offline[@]}") -lz -lm -o "$out/fuzz-$target"
done
ls -la "$out"
