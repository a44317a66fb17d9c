#!/usr/bin/env bash
# Builds BitLab's on-device programs as static Embedded Swift executables for Linux boards:
# bitmlpd (the daemon) and bitlab-selftest (kernels and runtime against Targets/selftest/golden.txt),
# for x86_64 and aarch64, C shims included. docs/boards.md explains the steps and the sizes.
#
#   Targets/boards/build.sh [--arch x86_64|aarch64]... [--out DIR]
#
# Default: both architectures into .build-boards/<arch>/. Each gets the stripped executables, the
# unstripped ones (*.debug), the link maps and sizes.txt (file sizes and the project's own code);
# for a CPU other than the host's, <name>-qemu runs <name> under qemu-<arch>-static.
#
# Needs Swift 6.3 (its Embedded standard libraries, clang and lld) and, per architecture, Debian's
# musl-dev and zlib1g-dev (for aarch64 the :arm64 ones) and libgcc (gcc, gcc-aarch64-linux-gnu).
# .ci/run installs them when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

architectures=()
out=.build-boards
while [ $# -gt 0 ]; do
    case "$1" in
    --arch) architectures+=("$2"); shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (see --help)" >&2; exit 64 ;;
    esac
done
[ ${#architectures[@]} -gt 0 ] || architectures=(x86_64 aarch64)

toolchain=$(dirname "$(readlink -f "$(command -v swiftc)")")

build_architecture() {
    local arch=$1
    dir="$out/$arch"
    obj="$dir/obj"
    # The Embedded standard library is built for bare metal (<arch>-none-none-elf); the C side,
    # both what Swift imports and what clang compiles, sees Linux with musl, which links into
    # small static executables (static glibc alone is 0.7 MB).
    local swift_target musl_include=/usr/include/$arch-linux-musl libc=/usr/lib/$arch-linux-musl
    local zlib=/usr/lib/$arch-linux-gnu/libz.a libgcc
    case "$arch" in
    x86_64)
        swift_target=x86_64-unknown-none-elf
        libgcc=$(gcc -print-libgcc-file-name)
        ;;
    aarch64)
        swift_target=aarch64-none-none-elf
        libgcc=$(aarch64-linux-gnu-gcc -print-libgcc-file-name)
        ;;
    *) echo "build.sh: unknown architecture '$arch' (x86_64 or aarch64)" >&2; exit 64 ;;
    esac
    local unicode=$toolchain/../lib/swift/embedded/$swift_target/libswiftUnicodeDataTables.a
    local file
    for file in "$musl_include/stdlib.h" "$libc/libc.a" "$zlib" "$libgcc" "$unicode"; do
        [ -f "$file" ] || { echo "build.sh: $file is missing (see docs/boards.md for the packages)" >&2; exit 1; }
    done
    rm -rf "$dir"
    mkdir -p "$obj/include"
    # zlib's headers live beside glibc's in /usr/include, which the musl build must not see.
    ln -s /usr/include/zlib.h /usr/include/zconf.h "$obj/include/"

    local -a c_flags=(--target="$arch-linux-musl" -nostdlibinc -isystem "$musl_include" -isystem "$obj/include")
    local -a swiftc=(swiftc -enable-experimental-feature Embedded -wmo -Osize -target "$swift_target"
        -Xfrontend -function-sections -I "$obj" -I Sources/CBitKernels/include -I Sources/CBitSystem/include
        -I Sources/CZlib)
    local flag
    for flag in "${c_flags[@]}"; do swiftc+=(-Xcc "$flag"); done

    echo "== $arch: C kernels and shims"
    local c
    for c in Sources/CBitKernels/*.c; do
        # The kernels at -O3 as Package.swift builds them (-Os makes them 1.5 to 3 times slower).
        "$toolchain/clang" "${c_flags[@]}" -O3 -ffunction-sections -fdata-sections -Wall \
            -I Sources/CBitKernels/include -c "$c" -o "$obj/CBitKernels-$(basename "$c" .c).o"
    done
    "$toolchain/clang" "${c_flags[@]}" -Os -Wall -c Targets/boards/musl_support.c -o "$obj/musl_support.o"

    echo "== $arch: Swift modules"
    local module
    for module in BitCore BitBlob BitRuntime BitmlpdProtocol; do
        "${swiftc[@]}" -parse-as-library -module-name "$module" \
            -emit-module -emit-module-path "$obj/$module.swiftmodule" \
            -c $(sources "Sources/$module") -o "$obj/$module.o"
    done

    echo "== $arch: executables"
    "${swiftc[@]}" -module-name bitmlpd -c $(sources Targets/bitmlpd) -o "$obj/bitmlpd.o"
    link_program bitmlpd "$obj/bitmlpd.o" "$obj/BitmlpdProtocol.o"
    "${swiftc[@]}" -parse-as-library -module-name SelfTest -c $(sources Targets/selftest) -o "$obj/SelfTest.o"
    link_program bitlab-selftest "$obj/SelfTest.o"

    report_sizes "$arch" bitmlpd bitlab-selftest
}

# Lists a target's Swift sources (sorted, so builds are reproducible).
sources() { find "$1" -name '*.swift' | LC_ALL=C sort; }

# Links, strips and maps one executable from its own objects plus the libraries' (unused
# functions are left out): musl's start files and libc, zlib, libgcc (128-bit division and, on
# aarch64, the outline atomics), the Unicode tables of String comparison.
link_program() {
    local name=$1; shift
    "$toolchain/clang" --target="$arch-linux-musl" -static -nostdlib -fuse-ld=lld -Wl,--gc-sections \
        -Wl,-Map="$dir/$name.map" -o "$dir/$name.debug" "$libc/crt1.o" "$libc/crti.o" \
        "$@" "$obj"/BitCore.o "$obj"/BitBlob.o "$obj"/BitRuntime.o "$obj"/CBitKernels-*.o "$obj/musl_support.o" \
        "$unicode" "$zlib" "$libc/libc.a" "$libgcc" "$libc/crtn.o"
    "$toolchain/llvm-objcopy" --strip-all "$dir/$name.debug" "$dir/$name"
    # On another CPU, <name>-qemu runs it under user-mode emulation (BOARD_QEMU_CPU picks the
    # emulated CPU: max has every extension, cortex-a53 has no dot product).
    if [ "$arch" != "$(uname -m)" ]; then
        printf '#!/bin/sh\nexec qemu-%s-static -cpu "${BOARD_QEMU_CPU:-max}" "$(dirname "$0")/%s" "$@"\n' \
            "$arch" "$name" > "$dir/$name-qemu"
        chmod +x "$dir/$name-qemu"
    fi
}

# sizes.txt: each stripped executable's size, and what the project's own objects (obj/: the Swift
# modules and the C kernels and shims) put into it, read from the link map: code split into
# BitLab's Swift functions, the standard-library functions Embedded Swift compiles into the same
# objects, and C; then read-only data.
report_sizes() {
    local arch=$1; shift
    local name
    for name in "$@"; do
        echo "$name ($arch): $(stat -c %s "$dir/$name") bytes stripped"
        awk -v obj="$obj/" '
            function hex(text,    value, i) {
                value = 0
                for (i = 1; i <= length(text); i++) value = value * 16 + index("0123456789abcdef", substr(text, i, 1)) - 1
                return value
            }
            # lld map lines: VMA LMA Size Align Out/In/Symbol; an input section names its object.
            NF == 5 && $5 ~ /^\./ && index($5, ":(") == 0 { section = $5 }
            NF == 5 && index($5, obj) == 1 && index($5, ":(") > 0 {
                size = hex($3)
                if (section ~ /^\.rodata/) { rodata += size; next }
                if (section !~ /^\.text/) next
                symbol = substr($5, index($5, ":(") + 2)
                sub(/^\.text\./, "", symbol)
                if ($5 ~ /CBitKernels-|musl_support/ || symbol ~ /^bitsys_/) c += size
                else if (symbol ~ /^\$e[0-9]/) swift += size
                else stdlib += size
            }
            END {
                printf "  project objects: %d bytes of code (BitLab Swift %d, standard library %d, C %d), %d of read-only data\n",
                    swift + stdlib + c, swift, stdlib, c, rodata
            }
        ' "$dir/$name.map"
    done | tee "$dir/sizes.txt"
}

for arch in "${architectures[@]}"; do build_architecture "$arch"; done
