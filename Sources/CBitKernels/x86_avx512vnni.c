// AVX-512 VNNI kernels: 64 packed bytes per step, one VPDPBUSD per plane and activation vector.
//
// A step loads 64 bytes of a row, decodes them into one register of codes (0...2) per plane, and
// multiplies each with the 64 activations of that plane (`x + p * B + j`). The last partial step
// uses masked loads, whose zero bytes decode to code 0 against activation 0.

#if defined(__x86_64__)

#include <immintrin.h>
#include "CBitKernels.h"
#include "kernel_support.h"

/// How far ahead (bytes) a long row is prefetched: the hardware prefetcher alone leaves the I2
/// GEMV at about half the DRAM bandwidth when weights stream from memory; 2 KiB ahead measured best
/// (`bitbench kernels --cold`).
static const size_t prefetch_distance = 2048;

#define VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,bmi2")))

/// Planes 0...3 of 64 i2 bytes: bits 2p and 2p+1 of every byte.
VNNI BITK_INLINE void decode_i2(__m512i packed, __m512i codes[5]) {
    const __m512i three = _mm512_set1_epi8(3);
    codes[0] = _mm512_and_si512(packed, three);
    codes[1] = _mm512_and_si512(_mm512_srli_epi16(packed, 2), three);
    codes[2] = _mm512_and_si512(_mm512_srli_epi16(packed, 4), three);
    codes[3] = _mm512_and_si512(_mm512_srli_epi16(packed, 6), three);
}

/// Planes 0...4 of 64 t3 bytes: trit p is `((byte * 3^p) mod 256 * 3) >> 8`. Each byte is moved to
/// the high half of a 16-bit lane so that VPMULLW keeps exactly `byte * 3^p mod 256` there and
/// VPMULHUW by 3 leaves the trit in the low half; even and odd bytes take one pass each.
VNNI BITK_INLINE void decode_t3(__m512i packed, __m512i codes[5]) {
    const __m512i three = _mm512_set1_epi16(3);
    const __m512i even = _mm512_slli_epi16(packed, 8);
    const __m512i odd = _mm512_andnot_si512(_mm512_set1_epi16(0x00FF), packed);
    static const short powers[5] = {1, 3, 9, 27, 81};
    for (int p = 0; p < 5; p++) {
        const __m512i power = _mm512_set1_epi16(powers[p]);
        const __m512i e = p == 0 ? even : _mm512_mullo_epi16(even, power);
        const __m512i o = p == 0 ? odd : _mm512_mullo_epi16(odd, power);
        const __m512i trit_even = _mm512_mulhi_epu16(e, three);
        const __m512i trit_odd = _mm512_mulhi_epu16(o, three);
        codes[p] = _mm512_or_si512(trit_even, _mm512_slli_epi16(trit_odd, 8));
    }
}

VNNI BITK_INLINE void decode(int planes, __m512i packed, __m512i codes[5]) {
    if (planes == 4) decode_i2(packed, codes);
    else decode_t3(packed, codes);
}

/// One tile of `nb` activation vectors against every row. With one or two vectors each plane gets
/// its own accumulator, so the VPDPBUSD chains run in parallel instead of back to back.
VNNI BITK_INLINE void tile(const int planes, const int nb, const uint8_t *weights, size_t rows,
                           size_t bytes_per_row, const int8_t *x, const int32_t *sums,
                           int32_t *output, size_t output_stride) {
    const size_t B = bytes_per_row, padded = B * (size_t)planes;
    const int split = nb <= 2;
    const int accumulators = split ? nb * planes : nb;
    for (size_t r = 0; r < rows; r++) {
        const uint8_t *row = weights + r * B;
        __m512i acc[10];
        for (int a = 0; a < accumulators; a++) acc[a] = _mm512_setzero_si512();
        size_t j = 0;
        for (; j + 64 <= B; j += 64) {
            __m512i codes[5];
            decode(planes, _mm512_loadu_si512(row + j), codes);
            for (int b = 0; b < nb; b++) {
                const int8_t *xb = x + (size_t)b * padded + j;
                for (int p = 0; p < planes; p++) {
                    const int a = split ? b * planes + p : b;
                    acc[a] = _mm512_dpbusd_epi32(acc[a], codes[p], _mm512_loadu_si512(xb + p * B));
                }
            }
        }
        if (j < B) {
            const __mmask64 mask = _bzhi_u64(~0ULL, (unsigned)(B - j));
            __m512i codes[5];
            decode(planes, _mm512_maskz_loadu_epi8(mask, row + j), codes);
            for (int b = 0; b < nb; b++) {
                const int8_t *xb = x + (size_t)b * padded + j;
                for (int p = 0; p < planes; p++) {
                    const int a = split ? b * planes + p : b;
                    const __m512i xv = _mm512_maskz_loadu_epi8(mask, xb + p * B);
                    acc[a] = _mm512_dpbusd_epi32(acc[a], codes[p], xv);
                }
            }
        }
        for (int b = 0; b < nb; b++) {
            __m512i total = acc[split ? b * planes : b];
            if (split) {
                for (int p = 1; p < planes; p++) total = _mm512_add_epi32(total, acc[b * planes + p]);
            }
            output[(size_t)b * output_stride + r] = _mm512_reduce_add_epi32(total) - sums[b];
        }
    }
}

/// Per 128-bit lane L, the partial sums [a_L, b_L, c_L, d_L] of four accumulators.
VNNI BITK_INLINE __m512i reduce_four(__m512i a, __m512i b, __m512i c, __m512i d) {
    const __m512i ab = _mm512_add_epi32(_mm512_unpacklo_epi32(a, b), _mm512_unpackhi_epi32(a, b));
    const __m512i cd = _mm512_add_epi32(_mm512_unpacklo_epi32(c, d), _mm512_unpackhi_epi32(c, d));
    return _mm512_add_epi32(_mm512_unpacklo_epi64(ab, cd), _mm512_unpackhi_epi64(ab, cd));
}

/// The 16 horizontal sums of acc[0..15], in order, as one vector.
VNNI BITK_INLINE __m512i reduce_sixteen(const __m512i acc[16]) {
    const __m512i w0 = reduce_four(acc[0], acc[1], acc[2], acc[3]);
    const __m512i w1 = reduce_four(acc[4], acc[5], acc[6], acc[7]);
    const __m512i w2 = reduce_four(acc[8], acc[9], acc[10], acc[11]);
    const __m512i w3 = reduce_four(acc[12], acc[13], acc[14], acc[15]);
    const __m512i s01 = _mm512_add_epi32(_mm512_shuffle_i32x4(w0, w1, _MM_SHUFFLE(1, 0, 1, 0)),
                                         _mm512_shuffle_i32x4(w0, w1, _MM_SHUFFLE(3, 2, 3, 2)));
    const __m512i s23 = _mm512_add_epi32(_mm512_shuffle_i32x4(w2, w3, _MM_SHUFFLE(1, 0, 1, 0)),
                                         _mm512_shuffle_i32x4(w2, w3, _MM_SHUFFLE(3, 2, 3, 2)));
    return _mm512_add_epi32(_mm512_shuffle_i32x4(s01, s23, _MM_SHUFFLE(2, 0, 2, 0)),
                            _mm512_shuffle_i32x4(s01, s23, _MM_SHUFFLE(3, 1, 3, 1)));
}

/// One activation vector: rows in groups of 16 share every activation load and finish with one
/// transposed reduction and one store; the remaining rows go through `tile`.
VNNI BITK_INLINE void gemv(const int planes, const uint8_t *weights, size_t rows, size_t bytes_per_row,
                           const int8_t *x, int32_t sum, int32_t *output) {
    const size_t B = bytes_per_row;
    const __m512i sums = _mm512_set1_epi32(sum);
    size_t r = 0;
    for (; r + 16 <= rows; r += 16) {
        __m512i acc[16];
        if (B <= 64) {
            // Short rows: one masked step per row, the activations loaded once for all sixteen.
            const __mmask64 mask = _bzhi_u64(~0ULL, (unsigned)B);
            __m512i xv[5];
            for (int p = 0; p < planes; p++) xv[p] = _mm512_maskz_loadu_epi8(mask, x + (size_t)p * B);
            for (int i = 0; i < 16; i++) {
                __m512i codes[5];
                decode(planes, _mm512_maskz_loadu_epi8(mask, weights + (r + (size_t)i) * B), codes);
                acc[i] = _mm512_setzero_si512();
                for (int p = 0; p < planes; p++) acc[i] = _mm512_dpbusd_epi32(acc[i], codes[p], xv[p]);
            }
        } else {
            // Long rows: one row after the other, so the weights stream in order (sixteen
            // interleaved row streams defeat the hardware prefetcher when they come from DRAM).
            // Two steps per iteration into separate accumulators keep ten VPDPBUSD chains going.
            for (int i = 0; i < 16; i++) {
                const uint8_t *row = weights + (r + (size_t)i) * B;
                __m512i even[5], odd[5];
                for (int p = 0; p < planes; p++) even[p] = odd[p] = _mm512_setzero_si512();
                size_t j = 0;
                for (; j + 128 <= B; j += 128) {
                    _mm_prefetch((const char *)(row + j + prefetch_distance), _MM_HINT_T0);
                    _mm_prefetch((const char *)(row + j + prefetch_distance + 64), _MM_HINT_T0);
                    __m512i first[5], second[5];
                    decode(planes, _mm512_loadu_si512(row + j), first);
                    decode(planes, _mm512_loadu_si512(row + j + 64), second);
                    for (int p = 0; p < planes; p++) {
                        const int8_t *xp = x + (size_t)p * B + j;
                        even[p] = _mm512_dpbusd_epi32(even[p], first[p], _mm512_loadu_si512(xp));
                        odd[p] = _mm512_dpbusd_epi32(odd[p], second[p], _mm512_loadu_si512(xp + 64));
                    }
                }
                for (; j < B; j += 64) {
                    const __mmask64 mask = j + 64 <= B ? ~0ULL : _bzhi_u64(~0ULL, (unsigned)(B - j));
                    __m512i codes[5];
                    decode(planes, _mm512_maskz_loadu_epi8(mask, row + j), codes);
                    for (int p = 0; p < planes; p++) {
                        const __m512i xv = _mm512_maskz_loadu_epi8(mask, x + (size_t)p * B + j);
                        even[p] = _mm512_dpbusd_epi32(even[p], codes[p], xv);
                    }
                }
                acc[i] = _mm512_add_epi32(even[0], odd[0]);
                for (int p = 1; p < planes; p++) acc[i] = _mm512_add_epi32(acc[i], _mm512_add_epi32(even[p], odd[p]));
            }
        }
        _mm512_storeu_si512(output + r, _mm512_sub_epi32(reduce_sixteen(acc), sums));
    }
    if (r < rows) tile(planes, 1, weights + r * B, rows - r, B, x, &sum, output + r, rows - r);
}

VNNI BITK_INLINE void matmul(const int planes, const uint8_t *weights, size_t rows,
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
        case 1: gemv(planes, weights, rows, bytes_per_row, x, sums[0], out); break;
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

VNNI void bitk_i2_matmul_avx512vnni(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                                    const int8_t *activations, size_t batch, int32_t *output,
                              size_t output_stride) {
    matmul(4, weights, rows, bytes_per_row, activations, batch, output, output_stride);
}

VNNI void bitk_t3_matmul_avx512vnni(const uint8_t *weights, size_t rows, size_t bytes_per_row,
                                    const int8_t *activations, size_t batch, int32_t *output,
                              size_t output_stride) {
    matmul(5, weights, rows, bytes_per_row, activations, batch, output, output_stride);
}

#endif
