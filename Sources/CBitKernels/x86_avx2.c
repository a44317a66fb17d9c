// AVX2 kernels: 32 packed bytes per step; VPMADDUBSW multiplies codes (0...2, unsigned) by
// activations (signed) into 16-bit pair sums (at most 2 * 2 * 128 = 512 per plane, so the planes
// add in 16 bits without saturating), and VPMADDWD widens them into the 32-bit accumulator.
//
// The last partial step runs on zero-padded copies: the row's remaining bytes are copied per row,
// the activations' remaining entries once per tile.

#if defined(__x86_64__)

#include <immintrin.h>
#include <string.h>
#include "CBitKernels.h"
#include "kernel_support.h"

#define AVX2 __attribute__((target("avx2")))

AVX2 BITK_INLINE void decode_i2(__m256i packed, __m256i codes[5]) {
    const __m256i three = _mm256_set1_epi8(3);
    codes[0] = _mm256_and_si256(packed, three);
    codes[1] = _mm256_and_si256(_mm256_srli_epi16(packed, 2), three);
    codes[2] = _mm256_and_si256(_mm256_srli_epi16(packed, 4), three);
    codes[3] = _mm256_and_si256(_mm256_srli_epi16(packed, 6), three);
}

/// See decode_t3 in x86_avx512vnni.c: the same multiply-high trick on 16-bit lanes.
AVX2 BITK_INLINE void decode_t3(__m256i packed, __m256i codes[5]) {
    const __m256i three = _mm256_set1_epi16(3);
    const __m256i even = _mm256_slli_epi16(packed, 8);
    const __m256i odd = _mm256_andnot_si256(_mm256_set1_epi16(0x00FF), packed);
    static const short powers[5] = {1, 3, 9, 27, 81};
    for (int p = 0; p < 5; p++) {
        const __m256i power = _mm256_set1_epi16(powers[p]);
        const __m256i e = p == 0 ? even : _mm256_mullo_epi16(even, power);
        const __m256i o = p == 0 ? odd : _mm256_mullo_epi16(odd, power);
        const __m256i trit_even = _mm256_mulhi_epu16(e, three);
        const __m256i trit_odd = _mm256_mulhi_epu16(o, three);
        codes[p] = _mm256_or_si256(trit_even, _mm256_slli_epi16(trit_odd, 8));
    }
}

AVX2 BITK_INLINE void decode(int planes, __m256i packed, __m256i codes[5]) {
    if (planes == 4) decode_i2(packed, codes);
    else decode_t3(packed, codes);
}

/// Adds `sum over planes of codes[p] * x[p]` to `acc` (x[p] found at `x + p * stride`).
AVX2 BITK_INLINE __m256i dot_planes(int planes, __m256i acc, const __m256i codes[5],
                                    const int8_t *x, size_t stride) {
    __m256i pairs = _mm256_maddubs_epi16(codes[0], _mm256_loadu_si256((const __m256i *)x));
    for (int p = 1; p < planes; p++) {
        const __m256i xv = _mm256_loadu_si256((const __m256i *)(x + (size_t)p * stride));
        pairs = _mm256_add_epi16(pairs, _mm256_maddubs_epi16(codes[p], xv));
    }
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}

AVX2 BITK_INLINE int32_t horizontal_sum(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

AVX2 BITK_INLINE void tile(const int planes, const int nb, const uint8_t *weights, size_t rows,
                           size_t bytes_per_row, const int8_t *x, const int32_t *sums,
                           int32_t *output, size_t output_stride) {
    const size_t B = bytes_per_row, padded = B * (size_t)planes;
    const size_t full = B - B % 32, rest = B - full;
    // Zero-padded copies of the activations' last partial step: plane p of vector b at
    // tail_x[b][p * 32].
    int8_t tail_x[BITK_MAX_BATCH_TILE][5 * 32];
    if (rest) {
        memset(tail_x, 0, sizeof tail_x);
        for (int b = 0; b < nb; b++)
            for (int p = 0; p < planes; p++)
                memcpy(&tail_x[b][p * 32], x + (size_t)b * padded + (size_t)p * B + full, rest);
    }
    for (size_t r = 0; r < rows; r++) {
        const uint8_t *row = weights + r * B;
        __m256i acc[BITK_MAX_BATCH_TILE];
        for (int b = 0; b < nb; b++) acc[b] = _mm256_setzero_si256();
        for (size_t j = 0; j < full; j += 32) {
            __m256i codes[5];
            decode(planes, _mm256_loadu_si256((const __m256i *)(row + j)), codes);
            for (int b = 0; b < nb; b++)
                acc[b] = dot_planes(planes, acc[b], codes, x + (size_t)b * padded + j, B);
        }
        if (rest) {
            uint8_t tail_w[32] = {0};
            memcpy(tail_w, row + full, rest);
            __m256i codes[5];
            decode(planes, _mm256_loadu_si256((const __m256i *)tail_w), codes);
            for (int b = 0; b < nb; b++)
                acc[b] = dot_planes(planes, acc[b], codes, tail_x[b], 32);
        }
        for (int b = 0; b < nb; b++)
            output[(size_t)b * output_stride + r] = horizontal_sum(acc[b]) - sums[b];
    }
}

AVX2 BITK_INLINE void matmul(const int planes, const uint8_t *weights, size_t rows,
                             size_t bytes_per_row, const int8_t *activations, size_t batch,
                             int32_t *output, size_t output_stride) {
    const size_t padded = bytes_per_row * (size_t)planes;
    for (size_t b0 = 0; b0 < batch; b0 += BITK_MAX_BATCH_TILE) {
        const size_t nb = batch - b0 < BITK_MAX_BATCH_TILE ? batch - b0 : BITK_MAX_BATCH_TILE;
        const int8_t *x = activations + b0 * padded;
        int32_t *out = output + b0 * output_stride;
        int32_t sums[BITK_MAX_BATCH_TILE];
        for (size_t b = 0; b < nb; b++) sums[b] = bitk_sum_i8(x + b * padded, padded);
        switch (nb) {
        case 1: tile(planes, 1, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        case 2: tile(planes, 2, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        case 3: tile(planes, 3, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        case 4: tile(planes, 4, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        case 5: tile(planes, 5, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        case 6: tile(planes, 6, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        case 7: tile(planes, 7, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        default: tile(planes, 8, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        }
    }
}

AVX2 void bitk_i2_matmul_avx2(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                              const int8_t *activations, size_t batch, int32_t *output,
                              size_t output_stride) {
    matmul(4, weights, rows, bytes_per_row, activations, batch, output, output_stride);
}

AVX2 void bitk_t3_matmul_avx2(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                              const int8_t *activations, size_t batch, int32_t *output,
                              size_t output_stride) {
    matmul(5, weights, rows, bytes_per_row, activations, batch, output, output_stride);
}

#endif
