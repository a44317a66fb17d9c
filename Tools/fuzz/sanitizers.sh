#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and under UndefinedBehaviorSanitizer (the C targets
# only: see below) (docs/security.md, "Sanitizers"), each in its own build directory so the normal
# .build is left alone. Not part of .ci/run: each pass rebuilds the whole package instrumented
# (about 9 minutes with one job, then 3.5 minutes of tests).
#
#   Tools/fuzz/sanitizers.sh                 # both, the whole suite
#   Tools/fuzz/sanitizers.sh address         # one
#   SANITIZER_FILTER=HostileInput Tools/fuzz/sanitizers.sh address
#
# Linking uses lld: with -sanitize=address, gold stops with "internal error in
# format_file_lineno" on the bitbake-model tool that BitBakePlugin runs.
set -uo pipefail
cd "$(dirname "$0")/../.."

sanitizers=(address undefined)
[ $# -gt 0 ] && sanitizers=("$@")
jobs=${SANITIZER_JOBS:-2}
filter=()
[ -n "${SANITIZER_FILTER:-}" ] && filter=(--filter "$SANITIZER_FILTER")

# A finding ends the test process, which fails the run. Leak reports are on, without the
# objects XCTest keeps until exit (lsan.supp). Swift's own backtracer is off: after an ASan
# report it hung the test process instead of letting it exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/Tools/fuzz/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export SWIFT_BACKTRACE=enable=no

status=0
for sanitizer in "${sanitizers[@]}"; do
    echo "== swift test --sanitize=$sanitizer"
    start=$(date +%s)
    case "$sanitizer" in
        address) flags=(--sanitize=address) ;;
        # swiftc has no UBSan on Linux ("unsupported option '-sanitize=undefined' for target
        # 'x86_64-unknown-linux-gnu'"; Swift code traps on overflow and out-of-bounds access in
        # these debug builds anyway), so UBSan instruments the C targets (CBitKernels' intrinsics
        # kernels and thread pool, CBitSystem) and clang links its runtime.
        undefined) flags=(-Xcc -fsanitize=undefined -Xcc -fno-omit-frame-pointer
                          -Xswiftc -Xclang-linker -Xswiftc -fsanitize=undefined) ;;
        *) echo "unknown sanitizer $sanitizer (address or undefined)" >&2; exit 64 ;;
    esac
    # BITLAB_SANITIZER: tests that bound a tool's peak memory allow for ASan's overhead.
    if BITLAB_SANITIZER=$sanitizer swift test --build-path ".build-$sanitizer" "${flags[@]}" -j "$jobs" \
        -Xswiftc -use-ld=lld "${filter[@]}"; then
        echo "== $sanitizer: passed in $(( $(date +%s) - start )) s"
    else
        echo "== $sanitizer: FAILED after $(( $(date +%s) - start )) s"
        status=1
    fi
done
exit $status
