#!/usr/bin/env bash
# Runs one fuzz target for a number of seconds (docs/security.md, "Fuzzing"):
#
#   Tools/fuzz/build.sh npz && Tools/fuzz/run.sh npz 600
#
# The fuzzer starts from the committed seeds (Tools/fuzz/corpus/TARGET) and the regression
# inputs (Tools/fuzz/regressions/TARGET); what it discovers goes to .build-fuzz/corpus/TARGET (not
# committed), and a crashing input to .build-fuzz/artifacts/TARGET/. AddressSanitizer is on; a
# finding, an input slower than 10 s, or more than 2 GB of memory ends the run with a report and
# a non-zero status. Extra arguments go to libFuzzer (for example -jobs=2, -dict=...).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ $# -lt 2 ]; then
    echo "usage: Tools/fuzz/run.sh TARGET SECONDS [libFuzzer options]" >&2
    echo "targets: safetensors npy npz bitblob bake-spec daemon-text daemon-frame daemon-serve" >&2
    exit 64
fi
target=$1
seconds=$2
shift 2

binary=.build-fuzz/bin/fuzz-$target
[ -x "$binary" ] || { echo "$binary is missing: run Tools/fuzz/build.sh $target" >&2; exit 64; }

# Inputs up to a few times the largest seed: the blob seeds include the 20 KB digits model.
case "$target" in
    bitblob) max_len=65536 ;;
    daemon-serve) max_len=32768 ;;
    safetensors | npz) max_len=16384 ;;
    *) max_len=4096 ;;
esac

work=.build-fuzz/corpus/$target
artifacts=.build-fuzz/artifacts/$target/
mkdir -p "$work" "$artifacts" "Tools/fuzz/regressions/$target"
# ASan: report leaks too (a parser that leaks on an error path leaks per hostile file).
# Swift's backtracer would catch a crash before ASan and libFuzzer report it (and can hang).
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
exec "$binary" "$work" "Tools/fuzz/corpus/$target" "Tools/fuzz/regressions/$target" \
    -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$artifacts" -print_final_stats=1 "$@"
