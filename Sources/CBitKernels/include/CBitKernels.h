// CBitKernels: per-architecture ternary x int8 kernels and CPU feature detection for BitCore.
//
// Not a stable API: BitCore is the only client. Every kernel computes, for each of `batch`
// activation vectors b and each weight row r,
//
//     output[b * rows + r] = sum over k of (code(r, k) - 1) * activations[b * padded + k]
//
// where `padded = bytes_per_row * weights_per_byte` and code() reads the planar packing of
// docs/formats.md (i2: 4 planes, t3: 5 planes). The "- 1" is applied once per vector as
// `sum(code * x) - sum(x)`, so unsigned-by-signed multiply-add instructions do the work.
// Callers check every size; the kernels trust them.

#ifndef CBITKERNELS_H
#define CBITKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Feature bits returned by `bitk_cpu_features`.
enum {
    BITK_CPU_AVX2 = 1u << 0,        // AVX2 with OS support for the YMM state.
    BITK_CPU_AVX512_VNNI = 1u << 1, // AVX-512 F/BW/VL + VNNI with OS support for the ZMM state.
    BITK_CPU_NEON = 1u << 2,        // AArch64 Advanced SIMD.
    BITK_CPU_NEON_DOT = 1u << 3,    // AArch64 SDOT/UDOT (FEAT_DotProd).
};

/// The kernel-relevant features of the CPU this process runs on (detected once, then cached).
unsigned bitk_cpu_features(void);

/// The largest batch one kernel call handles in one tile; larger batches loop over tiles.
#define BITK_MAX_BATCH_TILE 8

#if defined(__x86_64__)
void bitk_i2_matmul_avx2(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                         const int8_t *activations, size_t batch, int32_t *output);
void bitk_t3_matmul_avx2(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                         const int8_t *activations, size_t batch, int32_t *output);
void bitk_i2_matmul_avx512vnni(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                               const int8_t *activations, size_t batch, int32_t *output);
void bitk_t3_matmul_avx512vnni(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                               const int8_t *activations, size_t batch, int32_t *output);
#endif

#ifdef __cplusplus
}
#endif

#endif
