#!/usr/bin/env python3
"""Float MLPs and train/test splits on real data sets, to measure what ternary baking loses and
what quantization-aware fine-tuning (`bitbake-model finetune`) wins back.

For every data set below and every split seed, it writes into OUT (default /tmp/bitlab-qat-data):
  <name>-s<seed>-mlp.safetensors    float32 MLP, PyTorch nn.Sequential naming (0.weight, 0.bias,
                                    2.weight, ...), trained in NumPy exactly as the digits example
                                    (../digits/make_digits_model.py: He init, Adam 1e-3, batches
                                    of 32, seeded), with its float test accuracy in the metadata
  <name>-s<seed>-train.safetensors  x float32 [N, F], y int64 [N]
  <name>-s<seed>-test.safetensors   x float32 [M, F], y int64 [M]

The data sets are the real ones scikit-learn bundles (no network needed), plus two harder views
of them:
  digits        UCI handwritten digits, 8x8 pixels / 16, 64-256-256-10 (the example's recipe)
  digits4x4     the same images averaged over 2x2 blocks (4x4 pixels): harder, 16-128-128-10
  breast_cancer Wisconsin diagnostic breast cancer, 30 features standardized, 30-64-64-2
  wine          wine recognition, 13 features standardized, 13-64-64-3
  iris          Fisher's iris, 4 features standardized, 4-32-32-3
  diabetes3     the diabetes regression set with its target cut at the tertiles of the training
                split into 3 classes: a hard, noisy real task, 10-64-64-3
Features are standardized with the training split's mean and standard deviation. Splits are
stratified (sklearn train_test_split, random_state = seed); each split seed trains its own float
model (NumPy seed = seed). Small test sets make one sample worth several points, so the
benchmark (run_benchmark.py) averages over seeds.

Run:  python3 Targets/examples/qat/make_datasets.py [--out DIR] [--seeds 0 1 2]
Needs numpy, scikit-learn, safetensors. A fixture maker, never a runtime dependency.
"""

import argparse
import contextlib
import io
import os
import sys

import numpy as np
from safetensors.numpy import save_file
from sklearn import datasets
from sklearn.model_selection import train_test_split

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "digits"))
import make_digits_model as numpy_mlp  # noqa: E402  (the example's NumPy training, reused)

F32 = np.float32


def digits():
    data = datasets.load_digits()
    return data.data / 16.0, data.target


def digits4x4():
    x, y = digits()
    pooled = x.reshape(-1, 4, 2, 4, 2).mean(axis=(2, 4)).reshape(-1, 16)
    return pooled, y


def diabetes3():
    data = datasets.load_diabetes()
    return data.data, data.target     # cut into classes per split (see split())


# name: (loader, hidden sizes, test fraction, float epochs, standardize, regression target)
DATASETS = {
    "digits": (digits, [256, 256], 360, 60, False, False),
    "digits4x4": (digits4x4, [128, 128], 360, 60, False, False),
    "breast_cancer": (lambda: datasets.load_breast_cancer(return_X_y=True), [64, 64], 0.25, 100, True, False),
    "wine": (lambda: datasets.load_wine(return_X_y=True), [64, 64], 0.25, 200, True, False),
    "iris": (lambda: datasets.load_iris(return_X_y=True), [32, 32], 0.25, 200, True, False),
    "diabetes3": (diabetes3, [64, 64], 0.25, 100, True, True),
}


def split(name, seed):
    loader, _, test_size, _, standardize, regression = DATASETS[name]
    x, y = loader()
    x = np.asarray(x, dtype=np.float64)
    if regression:
        # Stratify on coarse target bins, then cut at the training split's tertiles.
        bins = np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))
        x_train, x_test, t_train, t_test = train_test_split(
            x, y, test_size=test_size, stratify=bins, random_state=seed)
        edges = np.quantile(t_train, [1 / 3, 2 / 3])
        y_train, y_test = np.digitize(t_train, edges), np.digitize(t_test, edges)
    else:
        x_train, x_test, y_train, y_test = train_test_split(
            x, y, test_size=test_size, stratify=y, random_state=seed)
    if standardize:
        mean, std = x_train.mean(axis=0), x_train.std(axis=0)
        std[std == 0] = 1
        x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    return (np.ascontiguousarray(x_train, dtype=F32), np.asarray(y_train, dtype=np.int64),
            np.ascontiguousarray(x_test, dtype=F32), np.asarray(y_test, dtype=np.int64))


def write_model_and_splits(prefix, name, seed, sizes, epochs, x_train, y_train, x_test, y_test):
    """Trains the float model on the training rows and writes it with both splits."""
    with contextlib.redirect_stdout(io.StringIO()):    # its per-10-epoch log
        params = numpy_mlp.train(x_train, y_train, sizes=sizes, epochs=epochs, seed=seed)
    train_acc = numpy_mlp.accuracy(params, x_train, y_train)
    test_acc = numpy_mlp.accuracy(params, x_test, y_test)
    names = [f"{2 * (i // 2)}.{'weight' if i % 2 == 0 else 'bias'}" for i in range(len(params))]
    save_file({n: np.ascontiguousarray(p) for n, p in zip(names, params)}, prefix + "-mlp.safetensors",
              metadata={"dataset": name, "split_seed": str(seed), "layers": str(sizes),
                        "float_test_accuracy": f"{test_acc:.6f}",
                        "float_train_accuracy": f"{train_acc:.6f}",
                        "training": f"numpy (../digits/make_digits_model.py), {epochs} epochs, seed {seed}"})
    for part, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        save_file({"x": x, "y": y}, f"{prefix}-{part}.safetensors",
                  metadata={"dataset": name, "split_seed": str(seed), "part": part})
    print(f"{os.path.basename(prefix):22s} {sizes}, train {len(y_train)}, test {len(y_test)}, "
          f"float train {train_acc:.4f} test {test_acc:.4f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="/tmp/bitlab-qat-data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=list(DATASETS))
    parser.add_argument("--tuning", action="store_true",
                        help="also write <name>-s<seed>-tune-*: 20%% of the training split held out as its "
                             "'test' rows and a float model trained on the rest, to choose a recipe on "
                             "without looking at the real test rows")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    for name in args.datasets:
        _, hidden, _, epochs, _, _ = DATASETS[name]
        for seed in args.seeds:
            x_train, y_train, x_test, y_test = split(name, seed)
            sizes = [x_train.shape[1], *hidden, int(y_train.max()) + 1]
            prefix = os.path.join(args.out, f"{name}-s{seed}")
            write_model_and_splits(prefix, name, seed, sizes, epochs, x_train, y_train, x_test, y_test)
            if args.tuning:
                x_fit, x_dev, y_fit, y_dev = train_test_split(
                    x_train, y_train, test_size=0.2, stratify=y_train, random_state=seed)
                write_model_and_splits(prefix + "-tune", name, seed, sizes, epochs, x_fit, y_fit, x_dev, y_dev)


if __name__ == "__main__":
    main()
