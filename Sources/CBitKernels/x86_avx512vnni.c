// AVX-512 VNNI kernels: 64 packed bytes per step, one VPDPBUSD per plane, row and vector.
//
// A step loads 64 bytes of a row, decodes them into one register of codes (0...2) per plane, and
// multiplies each with the 64 activations of that plane (`x + p * B + j`). The last partial step
// uses masked loads, whose zero bytes decode to code 0 against activation 0.

#if defined(__x86_64__)

#include <immintrin.h>
#include "CBitKernels.h"
#include "kernel_support.h"

/// How far ahead (bytes) the weights are prefetched, in two steps: into L1 2 KiB ahead of a row's
/// loads, and into L2 8 KiB ahead in memory (the next rows). From DRAM (4096 x 11008, `bitbench
/// kernels --weights cold`) the hardware prefetcher alone left the I2 GEMV at about 59 GMAC/s; the
/// L1 prefetch raised it to 92-97 (61-66% of the read probe), the L2 prefetch on top to 116-126
/// (79-85%). In the batched blocks, which read four to eight rows side by side, the L2 prefetch
/// lands in a later block: cold I2 batches of 2 to 8 went from 120-170 to 222-313 GMAC/s. With the
/// weights in L3 neither changes the hot figures beyond noise (within 4%), and while neighbours
/// loaded the machine the L1 prefetch kept I2 batches of 2 to 8 at 280-480 GMAC/s where without it
/// they fell to 80-240.
static const size_t l1_prefetch_distance = 2048;
static const size_t l2_prefetch_distance = 8192;

#define VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,bmi2")))

/// Prefetches the weights that follow `at`: the line `l1_prefetch_distance` ahead into L1 and the
/// one `l2_prefetch_distance` ahead into L2.
BITK_INLINE void prefetch_ahead(const uint8_t *at) {
    _mm_prefetch((const char *)(at + l1_prefetch_distance), _MM_HINT_T0);
    _mm_prefetch((const char *)(at + l2_prefetch_distance), _MM_HINT_T2);
}

/// The codes of plane `p` of a step: `state` starts as the step's 64 packed bytes and the planes
/// are taken in order 0, 1, ... (T3 advances the state). Plane by plane, so that a block of rows
/// holds one register per row rather than one per row and plane.
VNNI BITK_INLINE __m512i decode_plane(int planes, int p, __m512i *state) {
    if (planes == 4) {
        // Bits 2p and 2p+1 of every byte.
        const __m512i shifted = p == 0 ? *state : _mm512_srli_epi16(*state, 2 * p);
        return _mm512_and_si512(shifted, _mm512_set1_epi8(3));
    }
    // Trit p of a byte is `((byte * 3^p) mod 256 * 3) >> 8` (docs/formats.md): the state holds
    // `byte * 3^p mod 256`, multiplied by 3 per plane. VPMULHUW by 3 of an even byte moved to the
    // high half of its 16-bit lane leaves the trit in the low half; by 3 * 256 of an odd byte in
    // place (low half cleared) leaves the trit in bits 8 and 9 over junk that the final mask drops.
    const __m512i t = *state, high = _mm512_set1_epi16((short)0xFF00);
    const __m512i even = _mm512_mulhi_epu16(_mm512_slli_epi16(t, 8), _mm512_set1_epi16(3));
    const __m512i odd = _mm512_mulhi_epu16(_mm512_and_si512(t, high), _mm512_set1_epi16(3 << 8));
    *state = _mm512_add_epi8(t, _mm512_add_epi8(t, t));
    return _mm512_ternarylogic_epi32(odd, high, even, 0xEA); // (odd & high) | even
}

/// Every plane of 64 packed bytes.
VNNI BITK_INLINE void decode(int planes, __m512i packed, __m512i codes[5]) {
    for (int p = 0; p < planes; p++) codes[p] = decode_plane(planes, p, &packed);
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

/// `R` consecutive rows against `V` activation vectors, R x V <= 16 accumulators (of 32 registers).
///
/// Per 64-byte step and plane the block loads each vector's activations once and multiplies them
/// with every row's codes, so one activation load serves R VPDPBUSD. Batches need this: a loop that
/// decodes one row and multiplies it with eight vectors spends a 64-byte activation load on every
/// VPDPBUSD, and eight 11,008-byte vectors overflow L1 (48 KiB here), so it ran at the rate of L2
/// loads, about 115 GMAC/s, against 430-490 for blocks of five rows by three vectors (4096 x
/// 11008, batch 8; the core's VPDPBUSD peak is about 525).
/// With one row and at most two vectors each plane gets its own accumulator, so that the VPDPBUSD
/// chains still run in parallel.
VNNI BITK_INLINE void block(const int planes, const int R, const int V, const uint8_t *weights,
                            size_t bytes_per_row, const int8_t *x, const int32_t *sums,
                            int32_t *output, size_t output_stride) {
    const size_t B = bytes_per_row, padded = B * (size_t)planes;
    const int split = R * V <= 2;
    __m512i acc[16];
    for (int a = 0; a < 16; a++) acc[a] = _mm512_setzero_si512();
    for (size_t j = 0; j < B; j += 64) {
        const __mmask64 mask = j + 64 <= B ? ~0ULL : _bzhi_u64(~0ULL, (unsigned)(B - j));
        __m512i state[16];
        for (int i = 0; i < R; i++) {
            const uint8_t *row = weights + (size_t)i * B + j;
            prefetch_ahead(row);
            state[i] = _mm512_maskz_loadu_epi8(mask, row);
        }
        for (int p = 0; p < planes; p++) {
            __m512i xv[16];
            for (int v = 0; v < V; v++) {
                xv[v] = _mm512_maskz_loadu_epi8(mask, x + (size_t)v * padded + (size_t)p * B + j);
            }
            for (int i = 0; i < R; i++) {
                const __m512i codes = decode_plane(planes, p, &state[i]);
                for (int v = 0; v < V; v++) {
                    const int a = split ? (v * R + i) * planes + p : v * R + i;
                    acc[a] = _mm512_dpbusd_epi32(acc[a], codes, xv[v]);
                }
            }
        }
    }
    if (split) {
        for (int k = 0; k < R * V; k++) {
            acc[k] = acc[k * planes];
            for (int p = 1; p < planes; p++) acc[k] = _mm512_add_epi32(acc[k], acc[k * planes + p]);
        }
    }
    if (R == 1) {
        for (int v = 0; v < V; v++) {
            output[(size_t)v * output_stride] = _mm512_reduce_add_epi32(acc[v]) - sums[v];
        }
    } else {
        // Lane v * R + i of the sums is row i of vector v: move each vector's R lanes to the front.
        const __m512i totals = reduce_sixteen(acc);
        const __m512i lanes = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        for (int v = 0; v < V; v++) {
            const __m512i first = _mm512_add_epi32(lanes, _mm512_set1_epi32(v * R));
            const __m512i rows = _mm512_permutexvar_epi32(first, totals);
            _mm512_mask_storeu_epi32(output + (size_t)v * output_stride, (__mmask16)((1u << R) - 1),
                                     _mm512_sub_epi32(rows, _mm512_set1_epi32(sums[v])));
        }
    }
}

/// `V` (2...4) activation vectors against every row: blocks of 16 / V rows, then single rows.
VNNI BITK_INLINE void tile(const int planes, const int V, const uint8_t *weights, size_t rows,
                           size_t bytes_per_row, const int8_t *x, const int32_t *sums,
                           int32_t *output, size_t output_stride) {
    const int R = 16 / V;
    const size_t B = bytes_per_row;
    size_t r = 0;
    for (; r + R <= rows; r += R) block(planes, R, V, weights + r * B, B, x, sums, output + r, output_stride);
    for (; r < rows; r++) block(planes, 1, V, weights + r * B, B, x, sums, output + r, output_stride);
}

/// One activation vector: rows in groups of 16 share every activation load and finish with one
/// transposed reduction and one store; the remaining rows go through `block` one at a time.
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
                const uint8_t *row = weights + (r + (size_t)i) * B;
                prefetch_ahead(row);
                __m512i codes[5];
                decode(planes, _mm512_maskz_loadu_epi8(mask, row), codes);
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
                    // Both lines into L1, one L2 prefetch per two lines: as fast cold as one per
                    // line, and cheaper hot.
                    prefetch_ahead(row + j);
                    _mm_prefetch((const char *)(row + j + l1_prefetch_distance + 64), _MM_HINT_T0);
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
    for (; r < rows; r++) block(planes, 1, 1, weights + r * B, B, x, &sum, output + r, 0);
}

/// Vectors per pass over the weights: three for I2 (blocks of five rows, fifteen accumulators),
/// four for T3 (four rows). Wider tiles read the weights fewer times but keep more activations in
/// L1 (48 KiB here) across a sweep of the rows. I2 on 4096 x 11008, batch 8 (3 + 3 + 2), measured
/// against tiles of four: 480 GMAC/s both with 64-byte-aligned activations, 464 against 368 with
/// activations 32 bytes off (Swift arrays, as in bitbench). T3 spends about seven vector
/// operations decoding a row's plane (I2: two), so it gains more from sharing them: batch 8 ran at
/// 314 GMAC/s in tiles of four against 240 in tiles of three. Tiles of eight (2 rows x 8) ran I2 at
/// 245. Blocking the columns so that the activations stay in L1 whatever the batch lost (50-230
/// GMAC/s with 256- to 2048-byte chunks): the weights then arrive in short strided runs that the
/// prefetchers do not keep up with.
#define MAX_TILE_VECTORS 4

VNNI BITK_INLINE void matmul(const int planes, const uint8_t *weights, size_t rows,
                             size_t bytes_per_row, const int8_t *activations, size_t batch,
                             int32_t *output, size_t output_stride) {
    const size_t padded = bytes_per_row * (size_t)planes;
    if (batch == 1) {
        gemv(planes, weights, rows, bytes_per_row, activations, bitk_sum_i8(activations, padded), output);
        return;
    }
    const size_t widest = planes == 4 ? 3 : MAX_TILE_VECTORS;
    for (size_t b0 = 0, nb; b0 < batch; b0 += nb) {
        // Tiles of two or more: one vector left behind a wide tile would be a GEMV, which shares
        // nothing, so the tile before it gives up one.
        nb = batch - b0 < widest ? batch - b0 : widest;
        if (nb > 2 && batch - b0 - nb == 1) nb--;
        const int8_t *x = activations + b0 * padded;
        int32_t *out = output + b0 * output_stride;
        int32_t sums[MAX_TILE_VECTORS];
        for (size_t b = 0; b < nb; b++) sums[b] = bitk_sum_i8(x + b * padded, padded);
        switch (nb) {
        case 2: tile(planes, 2, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        case 3: tile(planes, 3, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
        default: tile(planes, 4, weights, rows, bytes_per_row, x, sums, out, output_stride); break;
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
