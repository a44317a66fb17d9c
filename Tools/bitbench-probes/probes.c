// Memory-read and multiply-peak probes for `bitbench kernels` (see CBitBenchProbes.h).
//
// In C rather than Swift for the load width: the Swift probe bitbench had first compiled to
// 16-byte loads for the baseline x86-64 target and read DRAM at about 34 GB/s where 64-byte loads
// read 41 (same machine, same buffer), which made every "% bw" figure about a fifth too kind.

#include "CBitBenchProbes.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f"))) static uint64_t read_avx512(const uint8_t *bytes, size_t count) {
    __m512i a = _mm512_setzero_si512(), b = a;
    for (size_t i = 0; i < count; i += 128) {
        a = _mm512_xor_si512(a, _mm512_load_si512(bytes + i));
        b = _mm512_xor_si512(b, _mm512_load_si512(bytes + i + 64));
    }
    return (uint64_t)_mm512_reduce_add_epi64(_mm512_xor_si512(a, b));
}

__attribute__((target("avx2"))) static uint64_t read_avx2(const uint8_t *bytes, size_t count) {
    __m256i a = _mm256_setzero_si256(), b = a, c = a, d = a;
    for (size_t i = 0; i < count; i += 128) {
        a = _mm256_xor_si256(a, _mm256_load_si256((const __m256i *)(bytes + i)));
        b = _mm256_xor_si256(b, _mm256_load_si256((const __m256i *)(bytes + i + 32)));
        c = _mm256_xor_si256(c, _mm256_load_si256((const __m256i *)(bytes + i + 64)));
        d = _mm256_xor_si256(d, _mm256_load_si256((const __m256i *)(bytes + i + 96)));
    }
    const __m256i all = _mm256_xor_si256(_mm256_xor_si256(a, b), _mm256_xor_si256(c, d));
    return (uint64_t)(_mm256_extract_epi64(all, 0) ^ _mm256_extract_epi64(all, 1) ^ _mm256_extract_epi64(all, 2)
                      ^ _mm256_extract_epi64(all, 3));
}

__attribute__((target("avx512f,avx512vnni"))) uint64_t bitbench_vnni_peak(size_t rounds) {
    if (!bitbench_has_vnni()) return 0;
    __m512i acc[16];
    for (int i = 0; i < 16; i++) acc[i] = _mm512_set1_epi32(i);
    const __m512i u = _mm512_set1_epi8(1), s = _mm512_set1_epi8(-1);
    for (size_t r = 0; r < rounds; r++) {
        for (int i = 0; i < 16; i++) acc[i] = _mm512_dpbusd_epi32(acc[i], u, s);
        __asm__ volatile("" : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]), "+v"(acc[3]), "+v"(acc[4]), "+v"(acc[5]),
                         "+v"(acc[6]), "+v"(acc[7]));
        __asm__ volatile("" : "+v"(acc[8]), "+v"(acc[9]), "+v"(acc[10]), "+v"(acc[11]), "+v"(acc[12]),
                         "+v"(acc[13]), "+v"(acc[14]), "+v"(acc[15]));
    }
    __m512i total = acc[0];
    for (int i = 1; i < 16; i++) total = _mm512_add_epi32(total, acc[i]);
    return (uint64_t)(uint32_t)_mm512_reduce_add_epi32(total);
}

int bitbench_has_vnni(void) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vnni");
}
#else
uint64_t bitbench_vnni_peak(size_t rounds) {
    (void)rounds;
    return 0;
}

int bitbench_has_vnni(void) { return 0; }
#endif

static uint64_t read_words(const uint8_t *bytes, size_t count) {
    uint64_t a = 0, b = 0;
    const uint64_t *words = (const uint64_t *)bytes;
    for (size_t i = 0; i < count / 8; i += 2) {
        a ^= words[i];
        b ^= words[i + 1];
    }
    return a ^ b;
}

uint64_t bitbench_read(const void *buffer, size_t bytes) {
    const uint8_t *start = buffer;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f")) return read_avx512(start, bytes);
    if (__builtin_cpu_supports("avx2")) return read_avx2(start, bytes);
#endif
    return read_words(start, bytes);
}
