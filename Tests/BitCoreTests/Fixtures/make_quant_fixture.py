#!/usr/bin/env python3
"""Make quant_fixture.safetensors: NumPy reference codes and scales for BitCore's quantizers.

Writes, next to this script, `quant_fixture.safetensors` (see README.md here for every tensor):
  - weight matrices `w.<case>` (float32 [rows, cols]) with their absmean ternary codes and scales,
    per_tensor and per_channel (one scale per output row);
  - activation matrices `x.<case>` (float32 [tokens, features]) with their absmax int8 codes and
    per-token scales, and codes under one static per-tensor scale.

The math is DESIGN.md's, computed by NumPy in float32 (the reference the Swift code must match
bit for bit; np.round rounds half to even):
  weights      s = np.float32(1) / np.maximum(np.abs(W).mean(), np.float32(1e-5))
               q = np.clip(np.round(W * s), -1, 1).astype(np.int8)
               per_channel: np.abs(W).mean(axis=1, keepdims=True)
  activations  s = np.float32(127) / np.maximum(np.abs(x).max(axis=1, keepdims=True), np.float32(1e-5))
               q = np.clip(np.round(x * s), -128, 127).astype(np.int8)
               per_tensor: one static scale S (float32), q = clip(round(x * S), -128, 127),
               S = np.float32(127) / (np.float32(0.8) * max|x| over the matrix) so that values
               above 0.8 * max|x| clip at -128/127 (the `ties` case uses S = 32, see below)

The script checks that the cases built to hit exact rounding ties really do in float32 (and that
rounding half away from zero would give different codes there), prints how many ties and clips
every case has, and is deterministic (fixed seed).

Run:  python3 Tests/BitCoreTests/Fixtures/make_quant_fixture.py
Needs numpy and safetensors. A fixture maker only; nothing at build or test time runs Python.
"""

import os

import numpy as np
from safetensors.numpy import save_file

F32 = np.float32
EPS = F32(1e-5)
SEED = 20240601
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "quant_fixture.safetensors")


# ----------------------------------------------------------------------------- the reference math

def absmean(w):
    """(codes_per_tensor, scale_per_tensor [1], codes_per_channel, scale_per_channel [rows])."""
    assert w.dtype == F32 and w.ndim == 2 and w.flags.c_contiguous
    a = np.abs(w)
    s_t = F32(1) / np.maximum(a.mean(), EPS)
    q_t = np.clip(np.round(w * s_t), -1, 1).astype(np.int8)
    s_c = F32(1) / np.maximum(a.mean(axis=1, keepdims=True), EPS)
    q_c = np.clip(np.round(w * s_c), -1, 1).astype(np.int8)
    assert np.asarray(s_t).dtype == F32 and s_c.dtype == F32
    return q_t, np.array([s_t], dtype=F32), q_c, s_c.reshape(-1)


def absmax_per_token(x):
    """(codes_per_token, scale_per_token [tokens])."""
    assert x.dtype == F32 and x.ndim == 2 and x.flags.c_contiguous
    s = F32(127) / np.maximum(np.abs(x).max(axis=1, keepdims=True), EPS)
    q = np.clip(np.round(x * s), -128, 127).astype(np.int8)
    assert s.dtype == F32
    return q, s.reshape(-1)


def absmax_static(x, scale):
    q = np.clip(np.round(x * scale), -128, 127).astype(np.int8)
    return q


def default_static_scale(x):
    """127 / (0.8 * max|x|) over the whole matrix: calibrated as if the largest value were 0.8 of
    the true one (as when calibration data misses the extremes), so the largest values clip."""
    return F32(127) / (F32(0.8) * np.maximum(np.abs(x).max(), EPS))


# ----------------------------------------------------------------------------- diagnostics

def ties(scaled):
    """How many float32 products sit exactly on a .5 boundary."""
    return int(np.count_nonzero(np.abs(scaled - np.floor(scaled)) == F32(0.5)))


def round_half_away(v):
    return np.sign(v) * np.floor(np.abs(v) + F32(0.5))


def diff_if_half_away(scaled, lo, hi):
    """How many codes would change if rounding were half away from zero (Swift's .rounded())."""
    even = np.clip(np.round(scaled), lo, hi)
    away = np.clip(round_half_away(scaled), lo, hi)
    return int(np.count_nonzero(even != away))


def clips(scaled, lo, hi):
    r = np.round(scaled)
    return int(np.count_nonzero((r < lo) | (r > hi)))


def naive_mean(a):
    """float32 mean with a left-to-right sum: differs from NumPy's pairwise mean on long rows."""
    total = F32(0)
    for v in a.ravel():
        total = F32(total + v)
    return F32(total / F32(a.size))


# ----------------------------------------------------------------------------- cases

def weight_cases(rng):
    cases = {}
    for rows, cols in [(7, 13), (33, 65), (1, 1), (5, 1), (1, 300)]:
        cases[f"normal_{rows}x{cols}"] = rng.standard_normal((rows, cols)).astype(F32)

    # Exact ties: every row has mean|W| = 2^-3, so per_tensor and per_channel scales are both
    # exactly 8 and W * s is exactly +-0.5, +-1.5, +-2.5 (and some 1, 0). The row pattern's
    # magnitudes sum to 8 (in units of the mean) over 8 columns; rows are signed permutations.
    unit = F32(2.0 ** -3)
    pattern = np.array([0.5, 0.5, 0.5, 0.5, 1.5, 1.5, 2.5, 0.5], dtype=F32)   # sum = 8
    rows = []
    for r in range(6):
        perm = rng.permutation(8)
        signs = rng.choice(np.array([-1, 1], dtype=F32), size=8)
        rows.append(pattern[perm] * signs)
    # One fixed row with exact integers and zeros too: 0.5+0.5+1+1+2.5+2.5+0+0 = 8.
    rows.append(np.array([0.5, -0.5, 1.0, -1.0, 2.5, -2.5, 0.0, 0.0], dtype=F32))
    cases["ties"] = np.ascontiguousarray(np.stack(rows) * unit)

    # Per-row ties with different power-of-two means (2^-1 ... 2^-5): per_channel scales are
    # 2, 4, ..., 32 and every per_channel product is an exact half or integer; the per_tensor mean
    # is not a power of two.
    rows = []
    for k, r in zip(range(1, 6), range(5)):
        perm = rng.permutation(8)
        signs = rng.choice(np.array([-1, 1], dtype=F32), size=8)
        rows.append(pattern[perm] * signs * F32(2.0 ** -k))
    cases["ties_rows"] = np.ascontiguousarray(np.stack(rows))

    cases["zeros"] = np.zeros((4, 6), dtype=F32)
    # mean|W| ~ 3e-6 < 1e-5: the eps clamp sets s = 1e5; entries above 5e-6 still get codes +-1.
    cases["tiny"] = (rng.standard_normal((3, 5)) * 4e-6).astype(F32)
    # Rows 0 and 2 are tiny (their per_channel scale is clamped), rows 1 and 3 are normal.
    mixed = rng.standard_normal((4, 9)).astype(F32)
    mixed[0] *= F32(2e-6)
    mixed[2] *= F32(3e-7)
    cases["mixed_rows"] = mixed
    cases["large"] = (rng.standard_normal((4, 9)) * 1e30).astype(F32)
    # Long rows (257 > 128) and 8481 elements in all: NumPy's pairwise summation splits them.
    cases["normal_33x257"] = rng.standard_normal((33, 257)).astype(F32)
    return cases


def activation_cases(rng):
    cases, static = {}, {}
    cases["normal_5x17"] = rng.standard_normal((5, 17)).astype(F32)

    # Exact ties: row r has max|x| = 127 * 2^-k (k = 2, 3, 4, 5), so s = 127 / max = 2^k exactly
    # and x * s lands on n + 0.5 for the other entries. The static scale is 2^5 (the finest row's),
    # so the k = 5 row has ties under per_tensor too, and the coarser rows clip.
    halves = np.array([0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 125.5, -126.5, 3.0, 0.0], dtype=F32)
    rows = []
    for k in (2, 3, 4, 5):
        row = np.concatenate([halves[rng.permutation(len(halves))], [F32(127.0)]])
        if k % 2:
            row[-1] = -row[-1]                      # the max is negative in odd rows: code -127
        rows.append(row.astype(F32) * F32(2.0 ** -k))
    cases["ties"] = np.ascontiguousarray(np.stack(rows))
    static["ties"] = F32(2.0 ** 5)

    cases["zeros"] = np.zeros((3, 8), dtype=F32)
    tiny = rng.standard_normal((4, 6)).astype(F32)
    tiny[1] *= F32(3e-6)                            # max|x| < 1e-5: the eps clamp applies
    tiny[3] = F32(0)
    cases["tiny_row"] = tiny
    cases["large"] = (rng.standard_normal((3, 7)) * 1e30).astype(F32)
    cases["one_element"] = np.array([[0.75], [-3.0], [0.0], [2e-6], [-1e30], [1e-12]], dtype=F32)
    for name, x in cases.items():
        static.setdefault(name, default_static_scale(x))
    return cases, static


# ----------------------------------------------------------------------------- main

def main():
    rng = np.random.default_rng(SEED)
    tensors = {}

    print("weights (absmean ternary)")
    print(f"  {'case':16s} {'shape':>9s}  {'per_tensor: ties clips':>24s}  "
          f"{'per_channel: ties clips':>24s}  half-away would change (t/c)")
    w_summary = {}
    for name, w in weight_cases(rng).items():
        w = np.ascontiguousarray(w, dtype=F32)
        q_t, s_t, q_c, s_c = absmean(w)
        tensors[f"w.{name}"] = w
        tensors[f"w.{name}.codes_per_tensor"] = q_t
        tensors[f"w.{name}.scale_per_tensor"] = s_t
        tensors[f"w.{name}.codes_per_channel"] = q_c
        tensors[f"w.{name}.scale_per_channel"] = s_c
        st, sc = w * s_t[0], w * s_c.reshape(-1, 1)
        stats = (ties(st), clips(st, -1, 1), ties(sc), clips(sc, -1, 1),
                 diff_if_half_away(st, -1, 1), diff_if_half_away(sc, -1, 1))
        w_summary[name] = stats
        print(f"  {name:16s} {'x'.join(map(str, w.shape)):>9s}  {stats[0]:>17d} {stats[1]:>6d}  "
              f"{stats[2]:>17d} {stats[3]:>6d}  {stats[4]}/{stats[5]}")

    # The tie cases must really tie in float32, and half-to-even must matter there.
    assert w_summary["ties"][0] > 0 and w_summary["ties"][2] > 0
    assert w_summary["ties"][4] > 0 and w_summary["ties"][5] > 0
    assert tensors["w.ties.scale_per_tensor"][0] == F32(8)
    assert np.all(tensors["w.ties.scale_per_channel"] == F32(8))
    assert w_summary["ties_rows"][2] > 0 and w_summary["ties_rows"][5] > 0
    assert np.array_equal(tensors["w.ties_rows.scale_per_channel"],
                          np.array([2, 4, 8, 16, 32], dtype=F32))
    # The eps clamp applies where intended.
    assert tensors["w.zeros.scale_per_tensor"][0] == F32(1) / EPS
    assert tensors["w.tiny.scale_per_tensor"][0] == F32(1) / EPS
    assert np.all(tensors["w.tiny.scale_per_channel"] == F32(1) / EPS)
    assert np.count_nonzero(tensors["w.tiny.codes_per_tensor"]) > 0
    mixed_s = tensors["w.mixed_rows.scale_per_channel"]
    assert mixed_s[0] == F32(1) / EPS and mixed_s[2] == F32(1) / EPS and mixed_s[1] != F32(1) / EPS
    for name in ("normal_1x300", "normal_33x257"):
        w = tensors[f"w.{name}"]
        pairwise = np.abs(w).mean()
        naive = naive_mean(np.abs(w))
        print(f"  {name}: per_tensor mean, NumPy pairwise {float(pairwise):.9g} vs "
              f"left-to-right {float(naive):.9g}"
              f" ({'differ' if pairwise != naive else 'same'})")
    rows_a = np.abs(tensors["w.normal_33x257"])
    differing = sum(rows_a[r].mean() != naive_mean(rows_a[r]) for r in range(rows_a.shape[0]))
    print(f"  normal_33x257: {differing} of {rows_a.shape[0]} per_channel means differ from a "
          "left-to-right sum")

    print("activations (absmax int8)")
    print(f"  {'case':16s} {'shape':>9s}  {'per_token: ties clips':>24s}  "
          f"{'per_tensor: ties clips':>24s}  half-away would change (tok/t)  static scale")
    x_cases, static = activation_cases(rng)
    x_summary = {}
    for name, x in x_cases.items():
        x = np.ascontiguousarray(x, dtype=F32)
        q_tok, s_tok = absmax_per_token(x)
        s_static = F32(static[name])
        q_static = absmax_static(x, s_static)
        tensors[f"x.{name}"] = x
        tensors[f"x.{name}.codes_per_token"] = q_tok
        tensors[f"x.{name}.scale_per_token"] = s_tok
        tensors[f"x.{name}.static_scale"] = np.array([s_static], dtype=F32)
        tensors[f"x.{name}.codes_per_tensor"] = q_static
        tok, stat = x * s_tok.reshape(-1, 1), x * s_static
        stats = (ties(tok), clips(tok, -128, 127), ties(stat), clips(stat, -128, 127),
                 diff_if_half_away(tok, -128, 127), diff_if_half_away(stat, -128, 127))
        x_summary[name] = stats
        print(f"  {name:16s} {'x'.join(map(str, x.shape)):>9s}  {stats[0]:>17d} {stats[1]:>6d}  "
              f"{stats[2]:>17d} {stats[3]:>6d}  {f'{stats[4]}/{stats[5]}':>30s}  {float(s_static):.8g}")

    assert x_summary["ties"][0] > 0 and x_summary["ties"][2] > 0
    assert x_summary["ties"][4] > 0 and x_summary["ties"][5] > 0
    assert np.array_equal(tensors["x.ties.scale_per_token"], np.array([4, 8, 16, 32], dtype=F32))
    assert tensors["x.zeros.scale_per_token"][0] == F32(127) / EPS
    assert tensors["x.tiny_row.scale_per_token"][1] == F32(127) / EPS
    assert np.count_nonzero(tensors["x.tiny_row.codes_per_token"][1]) > 0
    for name, stats in x_summary.items():
        if name != "zeros":
            assert stats[3] > 0, f"x.{name}: the static scale should clip some values"
    assert np.any(tensors["x.normal_5x17.codes_per_tensor"] == -128)

    for k, v in tensors.items():
        assert v.flags.c_contiguous and v.dtype in (F32, np.int8), k
    save_file(tensors, OUT, metadata={
        "description": "BitLab quantizer fixture: NumPy float32 absmean/absmax reference "
                       "(round half to even, eps 1e-5); see README.md",
        "numpy": np.__version__,
        "seed": str(SEED),
    })
    print(f"wrote {OUT}: {len(tensors)} tensors, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
