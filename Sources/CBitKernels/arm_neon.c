// AArch64 kernels: 16 packed bytes per step, decoded into one register of codes (0...2) per plane.
//
// neon: SMULL/SMLAL2 multiply codes by activations into 16-bit lanes (per lane two products per
// plane, at most 5 * 2 * 2 * 128 = 2560 over five planes, so the planes add in 16 bits), and
// SADALP widens each step's sums into the 32-bit accumulator.
// neon-dot (FEAT_DotProd): SDOT adds four code x activation products into each 32-bit lane; codes
// 0...2 are valid signed bytes, so one instruction per plane does the work.
//
// Decoding: i2 plane p is `(byte >> 2p) & 3` (USHR, AND); t3 plane p is `((byte * 3^p) mod 256 * 3)
// >> 8` (docs/formats.md): MUL on bytes keeps exactly the low 8 bits, UMULL/UMULL2 by 3 widen to 16
// bits and UZP2 gathers the high bytes, which are the trits.
//
// The last partial step runs on zero-padded copies, as in x86_avx2.c: zero bytes decode to code 0
// in both packings and meet activation 0.

#if defined(__aarch64__)

#include <arm_neon.h>
#include <string.h>
#include "CBitKernels.h"
#include "kernel_support.h"

#define DOTPROD __attribute__((target("dotprod")))

BITK_INLINE void decode_i2(uint8x16_t packed, int8x16_t codes[5]) {
    const uint8x16_t three = vdupq_n_u8(3);
    codes[0] = vreinterpretq_s8_u8(vandq_u8(packed, three));
    codes[1] = vreinterpretq_s8_u8(vandq_u8(vshrq_n_u8(packed, 2), three));
    codes[2] = vreinterpretq_s8_u8(vandq_u8(vshrq_n_u8(packed, 4), three));
    codes[3] = vreinterpretq_s8_u8(vshrq_n_u8(packed, 6));
}

BITK_INLINE void decode_t3(uint8x16_t packed, int8x16_t codes[5]) {
    static const uint8_t powers[5] = {1, 3, 9, 27, 81};
    const uint8x16_t three = vdupq_n_u8(3);
    for (int p = 0; p < 5; p++) {
        const uint8x16_t shifted = p == 0 ? packed : vmulq_u8(packed, vdupq_n_u8(powers[p]));
        const uint16x8_t low = vmull_u8(vget_low_u8(shifted), vget_low_u8(three));
        const uint16x8_t high = vmull_high_u8(shifted, three);
        codes[p] = vreinterpretq_s8_u8(vuzp2q_u8(vreinterpretq_u8_u16(low), vreinterpretq_u8_u16(high)));
    }
}

BITK_INLINE void decode(int planes, uint8x16_t packed, int8x16_t codes[5]) {
    if (planes == 4) decode_i2(packed, codes);
    else decode_t3(packed, codes);
}

/// Adds `sum over planes of codes[p] * x[p]` to `acc` (x[p] at `x + p * stride`) with 16-bit
/// products: even and odd planes go to separate 16-bit sums so the multiply-adds pair up.
BITK_INLINE int32x4_t dot_planes_neon(int planes, int32x4_t acc, const int8x16_t codes[5],
                                      const int8_t *x, size_t stride) {
    int16x8_t sums[2];
    for (int p = 0; p < planes; p++) {
        const int8x16_t xv = vld1q_s8(x + (size_t)p * stride);
        const int16x8_t low = p < 2 ? vmull_s8(vget_low_s8(codes[p]), vget_low_s8(xv))
                                    : vmlal_s8(sums[p & 1], vget_low_s8(codes[p]), vget_low_s8(xv));
        sums[p & 1] = vmlal_high_s8(low, codes[p], xv);
    }
    return vpadalq_s16(vpadalq_s16(acc, sums[0]), sums[1]);
}

/// The same sum with SDOT, one instruction per plane.
DOTPROD BITK_INLINE int32x4_t dot_planes_sdot(int planes, int32x4_t acc, const int8x16_t codes[5],
                                              const int8_t *x, size_t stride) {
    for (int p = 0; p < planes; p++) acc = vdotq_s32(acc, codes[p], vld1q_s8(x + (size_t)p * stride));
    return acc;
}

/// One of the two above. The kernels pass it as a constant, so after inlining the call is direct;
/// only the dotprod entry points ever name the SDOT version, so no function without the feature
/// inlines it.
typedef int32x4_t (*dot_planes_fn)(int planes, int32x4_t acc, const int8x16_t codes[5], const int8_t *x,
                                   size_t stride);

/// One tile of `nb` activation vectors against every row.
BITK_INLINE void tile(const dot_planes_fn dot_planes, const int planes, const int nb,
                      const uint8_t *weights, size_t rows, size_t bytes_per_row, const int8_t *x,
                      const int32_t *sums, int32_t *output, size_t output_stride) {
    const size_t B = bytes_per_row, padded = B * (size_t)planes;
    const size_t full = B - B % 16, rest = B - full;
    // Zero-padded copies of the activations' last partial step: plane p of vector b at
    // tail_x[b][p * 16].
    int8_t tail_x[BITK_MAX_BATCH_TILE][5 * 16];
    if (rest) {
        memset(tail_x, 0, sizeof tail_x);
        for (int b = 0; b < nb; b++)
            for (int p = 0; p < planes; p++)
                memcpy(&tail_x[b][p * 16], x + (size_t)b * padded + (size_t)p * B + full, rest);
    }
    for (size_t r = 0; r < rows; r++) {
        const uint8_t *row = weights + r * B;
        int32x4_t acc[BITK_MAX_BATCH_TILE];
        for (int b = 0; b < nb; b++) acc[b] = vdupq_n_s32(0);
        for (size_t j = 0; j <= full; j += 16) {
            const int partial = j == full;
            if (partial && !rest) break;
            uint8_t tail_w[16] = {0};
            if (partial) memcpy(tail_w, row + full, rest);
            int8x16_t codes[5];
            decode(planes, vld1q_u8(partial ? tail_w : row + j), codes);
            for (int b = 0; b < nb; b++) {
                const int8_t *xb = partial ? tail_x[b] : x + (size_t)b * padded + j;
                const size_t stride = partial ? 16 : B;
                acc[b] = dot_planes(planes, acc[b], codes, xb, stride);
            }
        }
        for (int b = 0; b < nb; b++) output[(size_t)b * output_stride + r] = vaddvq_s32(acc[b]) - sums[b];
    }
}

BITK_INLINE void matmul(const dot_planes_fn dot_planes, const int planes, const uint8_t *weights,
                        size_t rows, size_t bytes_per_row, const int8_t *activations, size_t batch,
                        int32_t *output, size_t output_stride) {
    const size_t padded = bytes_per_row * (size_t)planes;
    for (size_t b0 = 0; b0 < batch; b0 += BITK_MAX_BATCH_TILE) {
        const size_t nb = batch - b0 < BITK_MAX_BATCH_TILE ? batch - b0 : BITK_MAX_BATCH_TILE;
        const int8_t *x = activations + b0 * padded;
        int32_t *out = output + b0 * output_stride;
        int32_t sums[BITK_MAX_BATCH_TILE];
        for (size_t b = 0; b < nb; b++) sums[b] = bitk_sum_i8(x + b * padded, padded);
        switch (nb) {
        case 1: tile(dot_planes, planes, 1, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        case 2: tile(dot_planes, planes, 2, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        case 3: tile(dot_planes, planes, 3, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        case 4: tile(dot_planes, planes, 4, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        case 5: tile(dot_planes, planes, 5, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        case 6: tile(dot_planes, planes, 6, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        case 7: tile(dot_planes, planes, 7, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        default: tile(dot_planes, planes, 8, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        }
    }
}

void bitk_i2_matmul_neon(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                         const int8_t *activations, size_t batch, int32_t *output, size_t output_stride) {
    matmul(dot_planes_neon, 4, weights, rows, bytes_per_row, activations, batch, output, output_stride);
}

void bitk_t3_matmul_neon(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                         const int8_t *activations, size_t batch, int32_t *output, size_t output_stride) {
    matmul(dot_planes_neon, 5, weights, rows, bytes_per_row, activations, batch, output, output_stride);
}

DOTPROD void bitk_i2_matmul_neon_dot(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                                     const int8_t *activations, size_t batch, int32_t *output,
                                     size_t output_stride) {
    matmul(dot_planes_sdot, 4, weights, rows, bytes_per_row, activations, batch, output, output_stride);
}

DOTPROD void bitk_t3_matmul_neon_dot(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                                     const int8_t *activations, size_t batch, int32_t *output,
                                     size_t output_stride) {
    matmul(dot_planes_sdot, 5, weights, rows, bytes_per_row, activations, batch, output, output_stride);
}

#endif
