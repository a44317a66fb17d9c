#!/usr/bin/env python3
"""NumPy reference for BitLab's BitNet b1.58 fake-quant forward (docs: /DESIGN.md "The math").

It is what the Swift bake tool (`bitbake-model`) is checked against. Given a float MLP in
safetensors (PyTorch nn.Sequential naming: `<i>.weight` [out,in] float32 and optional `<i>.bias`,
Linear layers in index order, ReLU between consecutive Linear layers, none after the last) and a
data file (`x` float32 [N,in], `y` int [N]; safetensors or .npz), it prints the float accuracy, the
fake-quant accuracy and the argmax agreement (fake-quant vs float) for every configuration asked.

The math, all in float32 (numpy scalars and arrays are float32 throughout):
  weights, absmean   m = max(np.abs(W).mean(), 1e-5)      per_tensor: one mean over the matrix
                     s_w = 1 / m                          per_channel: .mean(axis=1, keepdims=True)
                     q_w = clip(np.round(W * s_w), -1, 1)    (np.round: half to even)
  activations, absmax int8
                     per_token:  s_x = 127 / max(max|x_row|, 1e-5), one per input vector
                     per_tensor: s_x = static per layer, calibrated (below)
                     q_x = clip(np.round(x * s_x), -128, 127)
                     float32:    x is not quantized (reference/training only)
  layer              y = (q_x . q_w) / (s_x * s_w) + b
                     q_x . q_w is an exact integer dot product (int64 here, < 2^24 so exact
                     in float32 too), converted to float32, then divided by the float32
                     product s_x * s_w, then b added.  In float32 mode: y = (x @ q_w.T) / s_w + b
                     (a float32 matmul: not a bit-exact target).
                     ReLU after every layer but the last.

Calibration rule for per_tensor activations (static scale, one per Linear layer input):
  s_x[layer] = 127 / max(M, 1e-5) where M = max |x| over every element of that layer's input,
  over the whole calibration set, with the inputs produced by the fake-quant network itself
  (same weight granularity, earlier layers already using their calibrated static scales), i.e.
  layers are calibrated in order, 0 first. Layer 0's input is the raw data, so its scale is
  127 / max|x_calib|. The calibration set defaults to digits-train.safetensors (the training
  split); values beyond the calibrated range clip at -128/127. `--calibration float` instead
  takes M from the float network's layer inputs (TFLite-style); it is not the default.

Usage:
  python3 reference.py                                  # defaults: the digits model, test split
  python3 reference.py --model digits-mlp.safetensors --data digits-test.npz \
      --calib digits-train.safetensors --weights per_tensor per_channel \
      --activations per_token per_tensor float32 --dump-logits reference-logits.safetensors

--dump-logits writes float32 tensors `float.logits` [N,C] and `<weights>.<activations>.logits`
[N,C] for every configuration run, `<weights>.per_tensor.static_scale` [layers] (the calibrated
s_x) when per_tensor activations ran, and `y` int64 [N]; the metadata records the files and rule.

--dump-weights writes, for every weight granularity run and every Linear layer i (0, 1, ... in
order), `<weights>.<i>.codes` int8 [out,in] (q_w) and `<weights>.<i>.scale` float32 (s_w: [1] for
per_tensor, [out] for per_channel): the codes and scales a baked blob must hold.
"""

import argparse
import os
import re

import numpy as np
from safetensors.numpy import load_file, save_file

F32 = np.float32
EPS = F32(1e-5)
HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------------------- loading

def load_model(path):
    """Returns [(weight [out,in], bias [out] or None)] in Linear-index order."""
    tensors = load_file(path)
    indices = sorted({int(m.group(1)) for k in tensors
                      if (m := re.fullmatch(r"(\d+)\.weight", k))})
    if not indices:
        raise SystemExit(f"{path}: no '<i>.weight' tensors")
    layers = []
    for i in indices:
        w = tensors[f"{i}.weight"]
        b = tensors.get(f"{i}.bias")
        if w.dtype != F32 or w.ndim != 2 or (b is not None and (b.dtype != F32 or b.shape != (w.shape[0],))):
            raise SystemExit(f"{path}: layer {i}: expected float32 weight [out,in] and bias [out]")
        layers.append((w, b))
    for (w0, _), (w1, _) in zip(layers, layers[1:]):
        if w1.shape[1] != w0.shape[0]:
            raise SystemExit(f"{path}: layer chain mismatch {w0.shape} -> {w1.shape}")
    return layers


def load_data(path):
    if path.endswith(".npz"):
        with np.load(path) as z:
            x, y = z["x"], z["y"]
    else:
        t = load_file(path)
        x, y = t["x"], t["y"]
    return np.ascontiguousarray(x, dtype=F32), y.astype(np.int64)


# ----------------------------------------------------------------------------- quantizers

def weight_quant(w, granularity):
    """Absmean ternary codes (int8) and scale s_w (float32: shape [] or [out,1])."""
    a = np.abs(w)
    if granularity == "per_tensor":
        mean = a.mean()                                   # float32, numpy pairwise order
    elif granularity == "per_channel":
        mean = a.mean(axis=1, keepdims=True)
    else:
        raise ValueError(granularity)
    s = F32(1) / np.maximum(mean, EPS)
    q = np.clip(np.round(w * s), -1, 1).astype(np.int8)
    assert np.asarray(s).dtype == F32
    return q, s


def act_scale_per_token(x):
    return F32(127) / np.maximum(np.abs(x).max(axis=1, keepdims=True), EPS)


def act_codes(x, s):
    return np.clip(np.round(x * s), -128, 127).astype(np.int8)


# ----------------------------------------------------------------------------- forwards

def float_forward(layers, x, record_inputs=None):
    h = x
    for i, (w, b) in enumerate(layers):
        if record_inputs is not None:
            record_inputs.append(h)
        h = h @ w.T
        if b is not None:
            h = h + b
        if i < len(layers) - 1:
            h = np.maximum(h, F32(0))
    return h


def quant_layer(h, q_w, s_w, b, activations, static_scale):
    """One fake-quant Linear: y = (q_x . q_w) / (s_x * s_w) + b, float32."""
    s_w_row = s_w.reshape(1, -1) if np.ndim(s_w) else s_w       # [1,out] or scalar
    if activations == "float32":
        y = (h @ q_w.T.astype(F32)) / s_w_row
    else:
        if activations == "per_token":
            s_x = act_scale_per_token(h)                          # [N,1]
        elif activations == "per_tensor":
            s_x = static_scale                                    # float32 scalar
        else:
            raise ValueError(activations)
        q_x = act_codes(h, s_x)
        acc = q_x.astype(np.int64) @ q_w.T.astype(np.int64)      # exact integer dot products
        assert np.abs(acc).max(initial=0) < 2 ** 24
        y = acc.astype(F32) / (s_x * s_w_row)
    if b is not None:
        y = y + b
    assert y.dtype == F32
    return y


def quant_forward(qlayers, x, activations, static_scales=None):
    h = x
    for i, (q_w, s_w, b) in enumerate(qlayers):
        h = quant_layer(h, q_w, s_w, b, activations,
                        None if static_scales is None else static_scales[i])
        if i < len(qlayers) - 1:
            h = np.maximum(h, F32(0))
    return h


def calibrate(layers, qlayers, x_calib, rule):
    """Static per-layer input scales s_x = 127 / max(max|layer input|, 1e-5) (see docstring)."""
    if rule == "float":
        inputs = []
        float_forward(layers, x_calib, inputs)
        return np.array([F32(127) / np.maximum(np.abs(h).max(), EPS) for h in inputs], dtype=F32)
    scales = []
    h = x_calib
    for i, (q_w, s_w, b) in enumerate(qlayers):
        s = F32(127) / np.maximum(np.abs(h).max(), EPS)
        scales.append(s)
        h = quant_layer(h, q_w, s_w, b, "per_tensor", s)
        if i < len(qlayers) - 1:
            h = np.maximum(h, F32(0))
    return np.array(scales, dtype=F32)


# ----------------------------------------------------------------------------- main

def top2_gap(logits):
    """The smallest (best - second best) logit over the samples: how close an argmax is to flipping."""
    top = np.sort(logits, axis=1)
    return float((top[:, -1] - top[:, -2]).min())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default=os.path.join(HERE, "digits-mlp.safetensors"))
    p.add_argument("--data", default=os.path.join(HERE, "digits-test.safetensors"))
    p.add_argument("--calib", default=os.path.join(HERE, "digits-train.safetensors"),
                   help="calibration data for per_tensor activations (default: training split)")
    p.add_argument("--calibration", choices=["fakequant", "float"], default="fakequant",
                   help="whose layer inputs the static scales come from (default: fakequant)")
    p.add_argument("--weights", nargs="+", default=["per_tensor", "per_channel"],
                   choices=["per_tensor", "per_channel"])
    p.add_argument("--activations", nargs="+", default=["per_token", "per_tensor"],
                   choices=["per_token", "per_channel", "per_tensor", "float32"],
                   help="per_channel is accepted as the seed's name for per_token")
    p.add_argument("--dump-logits", metavar="PATH", help="write reference logits (safetensors)")
    p.add_argument("--dump-weights", metavar="PATH",
                   help="write every layer's ternary codes and weight scales (safetensors)")
    args = p.parse_args()

    layers = load_model(args.model)
    x, y = load_data(args.data)
    n = len(y)
    dims = [layers[0][0].shape[1]] + [w.shape[0] for w, _ in layers]
    print(f"model {os.path.basename(args.model)}: {'-'.join(map(str, dims))}, "
          f"data {os.path.basename(args.data)}: {n} samples")

    float_logits = float_forward(layers, x)
    float_pred = float_logits.argmax(axis=1)
    print(f"{'float':36s} accuracy {np.mean(float_pred == y):.4f} ({np.sum(float_pred == y)}/{n})")
    dump = {"float.logits": np.ascontiguousarray(float_logits, dtype=F32), "y": y}

    x_calib = None
    weights_dump = {}
    for wg in args.weights:
        qlayers = [(*weight_quant(w, wg), b) for w, b in layers]
        for i, (q_w, s_w, _) in enumerate(qlayers):
            weights_dump[f"{wg}.{i}.codes"] = np.ascontiguousarray(q_w)
            weights_dump[f"{wg}.{i}.scale"] = np.asarray(s_w, dtype=F32).reshape(-1)
        for act in args.activations:
            act = "per_token" if act == "per_channel" else act
            scales = None
            if act == "per_tensor":
                if x_calib is None:
                    x_calib, _ = load_data(args.calib)
                scales = calibrate(layers, qlayers, x_calib, args.calibration)
                dump[f"{wg}.per_tensor.static_scale"] = scales
            logits = quant_forward(qlayers, x, act, scales)
            pred = logits.argmax(axis=1)
            name = f"{wg} weights, {act} acts"
            print(f"{name:36s} accuracy {np.mean(pred == y):.4f} ({np.sum(pred == y)}/{n})  "
                  f"argmax agreement with float {np.mean(pred == float_pred):.4f} "
                  f"({np.sum(pred == float_pred)}/{n}), smallest top-2 logit gap "
                  f"{top2_gap(logits):.3g}")
            if scales is not None:
                print(f"{'':36s} static scales ({args.calibration} calibration on "
                      f"{os.path.basename(args.calib)}): "
                      + ", ".join(f"{s:.6g}" for s in scales))
            dump[f"{wg}.{act}.logits"] = np.ascontiguousarray(logits, dtype=F32)

    if args.dump_logits:
        meta = {
            "model": os.path.basename(args.model),
            "data": os.path.basename(args.data),
            "calibration_data": os.path.basename(args.calib),
            "calibration_rule": f"{args.calibration}: s_x = 127 / max(max|layer input| over the "
                                "calibration set, 1e-5), layers in order",
            "layer": "y = (q_x . q_w) / (s_x * s_w) + b in float32; ReLU between layers",
        }
        save_file(dump, args.dump_logits, metadata=meta)
        print(f"wrote {args.dump_logits}: " + ", ".join(sorted(dump)))
    if args.dump_weights:
        meta = {
            "model": os.path.basename(args.model),
            "weights": "q_w = clip(round(W * s_w), -1, 1), s_w = 1 / max(mean|W|, 1e-5) (float32, "
                       "np.round half to even); per_tensor: one mean, per_channel: one per row",
        }
        save_file(weights_dump, args.dump_weights, metadata=meta)
        print(f"wrote {args.dump_weights}: " + ", ".join(sorted(weights_dump)))


if __name__ == "__main__":
    main()
