// CPU feature detection: CPUID plus XGETBV on x86 (the OS must save the wide registers), the
// auxiliary vector on AArch64 Linux.

#include "CBitKernels.h"

#if defined(__x86_64__)
#include <cpuid.h>

static unsigned long long read_xcr0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

static unsigned detect(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int has_osxsave = (ecx >> 27) & 1;
    if (!has_osxsave) return 0;
    const unsigned long long xcr0 = read_xcr0();
    const int ymm_enabled = (xcr0 & 0x6) == 0x6;
    const int zmm_enabled = (xcr0 & 0xE6) == 0xE6;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    unsigned features = 0;
    if (ymm_enabled && ((ebx >> 5) & 1)) features |= BITK_CPU_AVX2;
    const int avx512f = (ebx >> 16) & 1, avx512dq = (ebx >> 17) & 1, avx512bw = (ebx >> 30) & 1;
    const int avx512vl = (ebx >> 31) & 1, avx512vnni = (ecx >> 11) & 1;
    if (zmm_enabled && avx512f && avx512dq && avx512bw && avx512vl && avx512vnni) {
        features |= BITK_CPU_AVX512_VNNI;
    }
    return features;
}

#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif

static unsigned detect(void) {
    unsigned features = BITK_CPU_NEON;
    if (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) features |= BITK_CPU_NEON_DOT;
    return features;
}

#else
static unsigned detect(void) { return 0; }
#endif

unsigned bitk_cpu_features(void) {
    // Detection is idempotent, so a race between threads only repeats it.
    static volatile int cached = -1;
    if (cached < 0) cached = (int)detect();
    return (unsigned)cached;
}
