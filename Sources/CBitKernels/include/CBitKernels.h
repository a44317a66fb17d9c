// CBitKernels: per-architecture ternary x int8 kernels and CPU feature detection for BitCore.
//
// Not a stable API: BitCore is the only client. Every kernel computes, for each of `batch`
// activation vectors b and each weight row r,
//
//     output[b * output_stride + r] = sum over k of (code(r, k) - 1) * activations[b * padded + k]
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
    BITK_CPU_AVX512_VNNI = 1u << 1, // AVX-512 F/DQ/BW/VL + VNNI with OS support for the ZMM state.
    BITK_CPU_NEON = 1u << 2,        // AArch64 Advanced SIMD.
    BITK_CPU_NEON_DOT = 1u << 3,    // AArch64 SDOT/UDOT (FEAT_DotProd).
};

/// The kernel-relevant features of the CPU this process runs on (detected once, then cached).
unsigned bitk_cpu_features(void);

/// The largest batch one kernel call handles in one tile; larger batches loop over tiles.
#define BITK_MAX_BATCH_TILE 8

/// The most threads a pool holds.
#define BITK_MAX_THREADS 64

/// A fixed pool of threads made once at start-up (thread_pool.c).
typedef struct bitk_pool bitk_pool;

/// The work a pool runs: called as task(context, index, count) for index 0 ..< count, one call per
/// thread, index 0 on the calling thread.
typedef void (*bitk_task)(void *context, int index, int count);

/// A pool of `count` threads (the caller plus count - 1 workers), or NULL when count is outside
/// 1 ... BITK_MAX_THREADS or a thread cannot be started.
bitk_pool *bitk_pool_create(int count);

/// Stops and joins the workers and frees the pool.
void bitk_pool_destroy(bitk_pool *pool);

/// The number of threads, the caller included.
int bitk_pool_count(const bitk_pool *pool);

/// Runs `task` on every thread of the pool and returns when all calls have returned. One run at a
/// time: callers must not run the same pool from two threads at once.
void bitk_pool_run(bitk_pool *pool, bitk_task task, void *context);

#if defined(__x86_64__)
void bitk_i2_matmul_avx2(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                         const int8_t *activations, size_t batch, int32_t *output, size_t output_stride);
void bitk_t3_matmul_avx2(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                         const int8_t *activations, size_t batch, int32_t *output, size_t output_stride);
void bitk_i2_matmul_avx512vnni(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                               const int8_t *activations, size_t batch, int32_t *output, size_t output_stride);
void bitk_t3_matmul_avx512vnni(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                               const int8_t *activations, size_t batch, int32_t *output, size_t output_stride);

/// IntegerLayer.requantize (docs/integer-inference.md, steps 2-6) on 8 lanes of int64: for each o,
///   c = per_channel ? round(M[o] * step / 2^31) : combined
///   w = round(acc[o] * c / 2^to_common) + (bias ? align(B[o]) : 0), then ReLU
///   values[o] = round(w / 2^normalization)
/// with every round half away from zero, where align is a right shift by bias_shift when it is
/// positive and a left shift by -bias_shift otherwise. Returns max |values[o]|.
/// Requires 0 <= to_common <= 62, -30 <= bias_shift <= 62, 0 <= normalization <= 62 and the
/// engine's magnitudes (|M|, |B| < 2^31, 0 < step < 2^31), for which no intermediate overflows.
uint32_t bitk_requantize_avx512(int32_t *values, size_t count, int64_t step, const int32_t *multipliers,
                                int per_channel, int64_t combined, int to_common, const int32_t *bias,
                                int bias_shift, int relu, int normalization);

/// codes[i] = clamp(round(values[i] * multiplier / 2^shift), -128, 127), rounding half away from
/// zero, for 0 <= shift <= 62 and 0 < multiplier < 2^31.
void bitk_quantize_codes_avx512(const int32_t *values, size_t count, int64_t multiplier, int shift,
                                int8_t *codes);
#endif

#if defined(__aarch64__)
/// NEON (every AArch64 CPU): SMULL/SMLAL2 into 16-bit sums, SADALP into 32 bits (arm_neon.c).
void bitk_i2_matmul_neon(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                         const int8_t *activations, size_t batch, int32_t *output, size_t output_stride);
void bitk_t3_matmul_neon(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                         const int8_t *activations, size_t batch, int32_t *output, size_t output_stride);
/// NEON with SDOT: only on a CPU whose `bitk_cpu_features()` has BITK_CPU_NEON_DOT.
void bitk_i2_matmul_neon_dot(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                             const int8_t *activations, size_t batch, int32_t *output, size_t output_stride);
void bitk_t3_matmul_neon_dot(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                             const int8_t *activations, size_t batch, int32_t *output, size_t output_stride);
#endif

#ifdef __cplusplus
}
#endif

#endif
