// Helpers shared by the per-architecture kernel files (internal to CBitKernels).

#ifndef CBITKERNELS_KERNEL_SUPPORT_H
#define CBITKERNELS_KERNEL_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#define BITK_INLINE static inline __attribute__((always_inline))

/// The sum of `count` int8 values: the `sum(x)` of the `sum(code * x) - sum(x)` correction.
BITK_INLINE int32_t bitk_sum_i8(const int8_t *values, size_t count) {
    int32_t sum = 0;
    for (size_t i = 0; i < count; i++) sum += values[i];
    return sum;
}

#endif
