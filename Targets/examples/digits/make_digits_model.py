#!/usr/bin/env python3
"""Train BitLab's example float model: a 64-256-256-10 ReLU MLP on the UCI digits.

What it makes (next to this script):
  digits-mlp.safetensors    float32 weights in PyTorch nn.Sequential naming
                            (Linear, ReLU, Linear, ReLU, Linear):
                              0.weight [256,64]  0.bias [256]
                              2.weight [256,256] 2.bias [256]
                              4.weight [10,256]  4.bias [10]
                            with __metadata__: description, dataset, float test accuracy.
  digits-train.safetensors  x float32 [1437,64] (pixels / 16, in [0,1]), y int64 [1437]
  digits-test.safetensors   x float32 [360,64], y int64 [360]
  digits-test.npz           the same test split (np.savez_compressed, keys x and y)

Data: scikit-learn's bundled copy of the UCI "Optical Recognition of Handwritten Digits"
(E. Alpaydin and C. Kaynak, CC BY 4.0); 1797 samples of 8x8 pixels valued 0..16. The split is
stratified and deterministic (sklearn train_test_split, test_size=360, random_state=0).

Training is a small, plain numpy implementation: He-normal init, zero biases, softmax
cross-entropy, Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8), mini-batches of 32, 60 epochs,
all in float32 with fixed seeds. Tensor bytes are reproducible on one machine (another BLAS
build may differ in the last bits); the order of the `__metadata__` keys in the file header
is not (safetensors keeps metadata in a hash map), so the file hash can change between
runs. This is a fixture maker, not a runtime dependency.

Run:  python3 Targets/examples/digits/make_digits_model.py
Needs numpy, scikit-learn, safetensors.
"""

import os

import numpy as np
from safetensors.numpy import save_file
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = [64, 256, 256, 10]          # input, hidden, hidden, classes
EPOCHS = 60
BATCH = 32
LEARNING_RATE = 1e-3
BETA1, BETA2, ADAM_EPS = 0.9, 0.999, 1e-8
SPLIT_SEED = 0
TRAIN_SEED = 0

F32 = np.float32


def load_split():
    digits = load_digits()
    x = (digits.data / 16.0).astype(F32)            # 0..16 -> [0, 1]
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=360, stratify=y, random_state=SPLIT_SEED)
    return (np.ascontiguousarray(x_train), np.ascontiguousarray(y_train),
            np.ascontiguousarray(x_test), np.ascontiguousarray(y_test))


def init_params(rng, sizes=SIZES):
    """He-normal weights [out, in] (PyTorch layout), zero biases."""
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        w = (rng.standard_normal((fan_out, fan_in)) * np.sqrt(2.0 / fan_in)).astype(F32)
        b = np.zeros(fan_out, dtype=F32)
        params += [w, b]
    return params


def forward(params, x):
    """Returns the logits and the list of layer inputs (needed by backward)."""
    inputs = []
    h = x
    n_layers = len(params) // 2
    for i in range(n_layers):
        w, b = params[2 * i], params[2 * i + 1]
        inputs.append(h)
        h = h @ w.T + b
        if i < n_layers - 1:
            h = np.maximum(h, F32(0))
    return h, inputs


def loss_and_grads(params, x, y):
    logits, inputs = forward(params, x)
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    probs = exp / exp.sum(axis=1, keepdims=True)
    n = x.shape[0]
    loss = -np.log(probs[np.arange(n), y] + F32(1e-12)).mean()

    grads = [None] * len(params)
    delta = probs
    delta[np.arange(n), y] -= F32(1)
    delta /= F32(n)                                  # d(mean loss)/d(logits)
    for i in reversed(range(len(params) // 2)):
        w = params[2 * i]
        grads[2 * i] = delta.T @ inputs[i]
        grads[2 * i + 1] = delta.sum(axis=0)
        if i > 0:
            delta = (delta @ w) * (inputs[i] > 0)    # through the ReLU that made inputs[i]
    return float(loss), grads


def accuracy(params, x, y):
    logits, _ = forward(params, x)
    return float((logits.argmax(axis=1) == y).mean())


def train(x_train, y_train, sizes=SIZES, epochs=EPOCHS, seed=TRAIN_SEED):
    """Adam on mini-batches of BATCH; also what ../qat/make_datasets.py trains its models with."""
    rng = np.random.default_rng(seed)
    params = init_params(rng, sizes)
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    step = 0
    n = x_train.shape[0]
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, BATCH):
            idx = order[start:start + BATCH]
            loss, grads = loss_and_grads(params, x_train[idx], y_train[idx])
            total += loss * len(idx)
            step += 1
            for p, g, mi, vi in zip(params, grads, m, v):
                mi *= F32(BETA1)
                mi += F32(1 - BETA1) * g
                vi *= F32(BETA2)
                vi += F32(1 - BETA2) * g * g
                m_hat = mi / F32(1 - BETA1 ** step)
                v_hat = vi / F32(1 - BETA2 ** step)
                p -= F32(LEARNING_RATE) * m_hat / (np.sqrt(v_hat) + F32(ADAM_EPS))
        if epoch == 1 or epoch % 10 == 0:
            print(f"epoch {epoch:3d}  loss {total / n:.4f}  "
                  f"train acc {accuracy(params, x_train, y_train):.4f}")
    return params


def main():
    x_train, y_train, x_test, y_test = load_split()
    assert x_train.shape == (1437, 64) and x_test.shape == (360, 64)
    params = train(x_train, y_train)
    for p in params:
        assert p.dtype == F32 and np.all(np.isfinite(p))
    train_acc = accuracy(params, x_train, y_train)
    test_acc = accuracy(params, x_test, y_test)
    print(f"float train accuracy {train_acc:.4f}  test accuracy {test_acc:.4f} "
          f"({int(round(test_acc * 360))}/360)")

    names = ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    tensors = {name: np.ascontiguousarray(p) for name, p in zip(names, params)}
    metadata = {
        "description": "BitLab example: float32 MLP 64-256-256-10, ReLU between layers, "
                       "none after the last; PyTorch nn.Sequential naming "
                       "(0 Linear, 1 ReLU, 2 Linear, 3 ReLU, 4 Linear); input = 8x8 pixels / 16",
        "dataset": "UCI Optical Recognition of Handwritten Digits (E. Alpaydin, C. Kaynak; "
                   "CC BY 4.0) via sklearn.datasets.load_digits; stratified split "
                   "1437 train / 360 test, random_state 0",
        "float_test_accuracy": f"{test_acc:.6f}",
        "float_train_accuracy": f"{train_acc:.6f}",
        "training": f"numpy, He init, Adam lr {LEARNING_RATE}, batch {BATCH}, "
                    f"{EPOCHS} epochs, seed {TRAIN_SEED}",
    }
    save_file(tensors, os.path.join(HERE, "digits-mlp.safetensors"), metadata=metadata)

    for split, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        save_file({"x": x, "y": y}, os.path.join(HERE, f"digits-{split}.safetensors"),
                  metadata={"description": f"UCI digits {split} split: x = pixels / 16 "
                                           "(float32 [N,64], row-major 8x8), y = label 0..9 "
                                           "(int64 [N])"})
    np.savez_compressed(os.path.join(HERE, "digits-test.npz"), x=x_test, y=y_test)
    print("wrote digits-mlp.safetensors, digits-train.safetensors, "
          "digits-test.safetensors, digits-test.npz")


if __name__ == "__main__":
    main()
