#!/usr/bin/env python3
"""Make the bitbake-model CLI tests' format fixtures: one small float MLP stored four ways, and
NumPy's BitNet b1.58 codes and scales for each.

Writes, next to this script:
  model_f32.safetensors   fc1/fc2/fc3 .weight [out,in] and .bias [out], F32 (the safetensors library)
  model_f16.safetensors   the same tensors as F16
  model_bf16.safetensors  the same tensors as BF16 (rounded to nearest even by hand: numpy has no
                          bfloat16; written through the library's raw serializer)
  model.npz               layers.0/1/2 .weight and .bias, float32, np.savez_compressed (deflated)
  reference.safetensors   for each stored model <m> in f32, f16, bf16, npz, each weight granularity
                          <g> in per_tensor, per_channel and each layer i in 0, 1, 2:
                          `<m>.<g>.<i>.codes` int8 [out,in] and `<m>.<g>.<i>.scale` float32
                          ([1] per_tensor, [out] per_channel), computed from the float32 values
                          the file holds (F16 and BF16 widened exactly).

The math (DESIGN.md, float32, np.round = half to even):
  s = 1 / max(np.abs(W).mean(), 1e-5)   (per_channel: .mean(axis=1, keepdims=True))
  q = clip(round(W * s), -1, 1)

Run:  python3 Tests/BitBakeModelTests/Fixtures/make_format_fixtures.py   (numpy + safetensors;
fixed seed: the same tensors every run; model.npz bytes vary with its ZIP timestamps). Nothing at
build or test time runs Python.
"""

import os

import numpy as np
import safetensors
from safetensors.numpy import save_file

F32 = np.float32
EPS = F32(1e-5)
HERE = os.path.dirname(os.path.abspath(__file__))
WIDTHS = [24, 32, 16, 5]


def absmean(w, granularity):
    a = np.abs(w)
    mean = a.mean() if granularity == "per_tensor" else a.mean(axis=1, keepdims=True)
    s = F32(1) / np.maximum(mean, EPS)
    q = np.clip(np.round(w * s), -1, 1).astype(np.int8)
    assert np.asarray(s).dtype == F32
    return q, np.asarray(s, dtype=F32).reshape(-1)


def bf16_bits(x):
    bits = x.view(np.uint32).astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


def main():
    rng = np.random.default_rng(20240917)
    layers = []
    for fan_in, fan_out in zip(WIDTHS, WIDTHS[1:]):
        w = (rng.standard_normal((fan_out, fan_in)) * np.sqrt(2 / fan_in)).astype(F32)
        b = (rng.standard_normal(fan_out) * 0.05).astype(F32)
        layers.append((w, b))

    named = {}
    for i, (w, b) in enumerate(layers):
        named[f"fc{i + 1}.weight"] = w
        named[f"fc{i + 1}.bias"] = b
    save_file(named, os.path.join(HERE, "model_f32.safetensors"))
    save_file({k: v.astype(np.float16) for k, v in named.items()}, os.path.join(HERE, "model_f16.safetensors"))
    raw = {k: bf16_bits(v) for k, v in named.items()}
    safetensors.serialize_file(
        {k: safetensors.TensorSpec(dtype="bfloat16", shape=v.shape, data_ptr=v.ctypes.data, data_len=v.nbytes)
         for k, v in raw.items()},
        os.path.join(HERE, "model_bf16.safetensors"))
    np.savez_compressed(
        os.path.join(HERE, "model.npz"),
        **{f"layers.{i}.{part}": t for i, (w, b) in enumerate(layers) for part, t in (("weight", w), ("bias", b))})

    stored = {
        "f32": [w for w, _ in layers],
        "f16": [w.astype(np.float16).astype(F32) for w, _ in layers],
        "bf16": [(bf16_bits(w).astype(np.uint32) << 16).view(F32) for w, _ in layers],
        "npz": [w for w, _ in layers],
    }
    reference = {}
    for model, weights in stored.items():
        for granularity in ("per_tensor", "per_channel"):
            for i, w in enumerate(weights):
                q, s = absmean(np.ascontiguousarray(w), granularity)
                reference[f"{model}.{granularity}.{i}.codes"] = q
                reference[f"{model}.{granularity}.{i}.scale"] = s
    save_file(reference, os.path.join(HERE, "reference.safetensors"))
    differing = sum(int((reference[f"f16.per_tensor.{i}.codes"] != reference[f"f32.per_tensor.{i}.codes"]).sum())
                    for i in range(3))
    print(f"wrote 5 files; {differing} per_tensor codes differ between the F16 and F32 models")


if __name__ == "__main__":
    main()
