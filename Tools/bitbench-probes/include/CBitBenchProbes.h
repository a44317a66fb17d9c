// The bounds `bitbench kernels` measures kernels against: how fast one core reads memory, and
// how fast it multiplies when nothing but registers are involved. Benchmark support only.

#ifndef CBITBENCHPROBES_H
#define CBITBENCHPROBES_H

#include <stddef.h>
#include <stdint.h>

/// Reads `bytes` bytes (a multiple of 128, 64-byte aligned) from `buffer` in order with the widest
/// loads the CPU has (AVX-512, AVX2, else 8-byte words) and returns a checksum of them, which the
/// caller must use so that the loads stay.
uint64_t bitbench_read(const void *buffer, size_t bytes);

/// Runs `rounds` rounds of 16 independent AVX-512 VNNI VPDPBUSD (64 multiply-accumulates each, so
/// 1,024 per round) on registers only and returns a checksum. Returns 0 without running where the
/// CPU lacks AVX-512 VNNI (see `bitbench_has_vnni`).
uint64_t bitbench_vnni_peak(size_t rounds);

/// Whether this CPU runs `bitbench_vnni_peak`.
int bitbench_has_vnni(void);

#endif
