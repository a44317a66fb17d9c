// AVX-512 versions of the integer engine's requantization loops (BitCore's IntegerLayer), 8 int64
// lanes per step. They compute exactly what the Swift definitions compute; BitCore calls them only
// when their range preconditions hold and tests them against the Swift loops.

#if defined(__x86_64__)

#include <immintrin.h>
#include "CBitKernels.h"
#include "kernel_support.h"

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,bmi2")))

/// round(x / 2^shift), half away from zero: (x + 2^(shift-1) - [x < 0]) >> shift for shift > 0
/// (exact while x + 2^(shift-1) does not overflow), x for shift 0.
AVX512 BITK_INLINE __m512i rounding_shift(__m512i x, __m128i count, __m512i half, __m512i adjust) {
    const __m512i negative = _mm512_and_si512(_mm512_srai_epi64(x, 63), adjust);
    return _mm512_sra_epi64(_mm512_sub_epi64(_mm512_add_epi64(x, half), negative), count);
}

AVX512 BITK_INLINE __m512i half_of(int shift) {
    return _mm512_set1_epi64(shift > 0 ? (int64_t)1 << (shift - 1) : 0);
}

AVX512 BITK_INLINE __m512i adjust_of(int shift) { return _mm512_set1_epi64(shift > 0 ? 1 : 0); }

AVX512 uint32_t bitk_requantize_avx512(int32_t *values, size_t count, int64_t step,
                                       const int32_t *multipliers, int per_channel, int64_t combined,
                                       int to_common, const int32_t *bias, int bias_shift, int relu,
                                       int normalization) {
    const __m512i step_v = _mm512_set1_epi64(step);
    const __m128i count31 = _mm_cvtsi32_si128(31);
    const __m512i half31 = half_of(31), adjust31 = adjust_of(31);
    const __m128i common_count = _mm_cvtsi32_si128(to_common);
    const __m512i common_half = half_of(to_common), common_adjust = adjust_of(to_common);
    const int bias_right = bias_shift > 0 ? bias_shift : 0;
    const __m128i bias_left_count = _mm_cvtsi32_si128(bias_shift < 0 ? -bias_shift : 0);
    const __m128i bias_right_count = _mm_cvtsi32_si128(bias_right);
    const __m512i bias_half = half_of(bias_right), bias_adjust = adjust_of(bias_right);
    const __m128i normal_count = _mm_cvtsi32_si128(normalization);
    const __m512i normal_half = half_of(normalization), normal_adjust = adjust_of(normalization);
    const __m512i shared = _mm512_set1_epi64(combined);
    __m512i largest = _mm512_setzero_si512();
    for (size_t o = 0; o < count; o += 8) {
        const __mmask8 mask = count - o >= 8 ? 0xFF : (__mmask8)((1u << (count - o)) - 1);
        const __m512i acc = _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(mask, values + o));
        __m512i c = shared;
        if (per_channel) {
            const __m512i m = _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(mask, multipliers + o));
            c = rounding_shift(_mm512_mul_epi32(m, step_v), count31, half31, adjust31);
        }
        __m512i w = rounding_shift(_mm512_mul_epi32(acc, c), common_count, common_half, common_adjust);
        if (bias) {
            const __m512i b = _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(mask, bias + o));
            w = _mm512_add_epi64(
                w, rounding_shift(_mm512_sll_epi64(b, bias_left_count), bias_right_count, bias_half, bias_adjust));
        }
        if (relu) w = _mm512_max_epi64(w, _mm512_setzero_si512());
        const __m512i v = rounding_shift(w, normal_count, normal_half, normal_adjust);
        _mm256_mask_storeu_epi32(values + o, mask, _mm512_cvtepi64_epi32(v));
        largest = _mm512_mask_max_epu64(largest, mask, largest, _mm512_abs_epi64(v));
    }
    return (uint32_t)_mm512_reduce_max_epu64(largest);
}

AVX512 void bitk_quantize_codes_avx512(const int32_t *values, size_t count, int64_t multiplier, int shift,
                                       int8_t *codes) {
    const __m512i m = _mm512_set1_epi64(multiplier);
    const __m128i shift_count = _mm_cvtsi32_si128(shift);
    const __m512i half = half_of(shift), adjust = adjust_of(shift);
    for (size_t i = 0; i < count; i += 8) {
        const __mmask8 mask = count - i >= 8 ? 0xFF : (__mmask8)((1u << (count - i)) - 1);
        const __m512i v = _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(mask, values + i));
        const __m512i q = rounding_shift(_mm512_mul_epi32(v, m), shift_count, half, adjust);
        _mm512_mask_cvtsepi64_storeu_epi8(codes + i, mask, q);
    }
}

#endif
