#!/usr/bin/env bash
# Runs files through every fuzz entry point once, under AddressSanitizer (the binaries of
# Tools/fuzz/build.sh): a clean refusal or a consistent load is a pass; a crash, a sanitizer
# report, a leak or a FuzzFinding fails, and names the file and the target.
#
#   Tools/fuzz/replay.sh ~/corrupted/*              # every file through every target
#   REPLAY_TARGETS="npz bitblob" Tools/fuzz/replay.sh dir/*
#
# Exit status 0 when every target survived every file.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

if [ $# -eq 0 ]; then
    echo "usage: Tools/fuzz/replay.sh FILE..." >&2
    exit 64
fi
targets=(${REPLAY_TARGETS:-safetensors npy npz bitblob bake-spec daemon-text daemon-frame daemon-serve})
files=()
for file in "$@"; do [ -f "$file" ] && files+=("$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"); done

# Swift's backtracer would catch a crash before ASan and libFuzzer report it (and can hang).
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
failed=0
cd "$root"  # daemon-serve finds its model relative to the package root
for target in "${targets[@]}"; do
    binary=$root/.build-fuzz/bin/fuzz-$target
    [ -x "$binary" ] || { echo "$binary is missing: run Tools/fuzz/build.sh" >&2; exit 64; }
    log=$(mktemp)
    # Given files rather than directories, libFuzzer runs each once and stops at the first failure;
    # so run them in batches and, on a failure, one by one to name every failing file.
    if "$binary" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 "${files[@]}" > "$log" 2>&1; then
        echo "$target: ${#files[@]} files, no failure"
    else
        for file in "${files[@]}"; do
            if ! "$binary" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 "$file" > "$log" 2>&1; then
                echo "$target: FAILED on $file:"
                grep -E "ERROR|SUMMARY|finding|Fatal error|panic|deadly signal" "$log" | head -5 | sed 's/^/    /'
                failed=1
            fi
        done
    fi
    rm -f "$log"
done
exit $failed
