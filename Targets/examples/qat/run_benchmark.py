#!/usr/bin/env python3
"""Float -> bake, and float -> finetune -> bake, on the data sets make_datasets.py writes: the
accuracy each reaches on held-out test rows, run by the on-device integer engine.

For every <name>-s<seed> in DATA it runs the bitbake-model tool:
  bake MODEL -o plain.bitblob
  eval plain.bitblob --data TEST --float MODEL --engine runtime --json   -> float, plain bake
  finetune MODEL --data TRAIN -o qat.safetensors [FINETUNE ARGS]
  bake qat.safetensors -o qat.bitblob
  eval qat.bitblob --data TEST --engine runtime --json                    -> finetune + bake
and prints a Markdown table: per data set the mean over seeds, and the per-seed values.

--variant tune runs on the <name>-s<seed>-tune files instead (a float model trained without
20% of the training split, measured on that 20%): for choosing a recipe without ever looking
at the real test rows.

Run (after `swift build -c release --product bitbake-model`):
  python3 Targets/examples/qat/run_benchmark.py --tool .build/release/bitbake-model
  python3 Targets/examples/qat/run_benchmark.py --variant tune -- --epochs 40 --lr 2e-3
Needs only the Python standard library.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

DATASETS = ["digits", "digits4x4", "breast_cancer", "wine", "iris", "diabetes3"]


def tool(binary, *args):
    result = subprocess.run([binary, *args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join([binary, *args])} failed ({result.returncode}):\n{result.stderr}{result.stdout}")
    return result.stdout


def measure(binary, prefix, finetune_args, work):
    model, train, test = (f"{prefix}-{part}.safetensors" for part in ("mlp", "train", "test"))
    plain = os.path.join(work, "plain.bitblob")
    tool(binary, "bake", model, "-o", plain)
    report = json.loads(tool(binary, "eval", plain, "--data", test, "--float", model, "--engine", "runtime", "--json"))
    tuned = os.path.join(work, "qat.safetensors")
    start = time.monotonic()
    tool(binary, "finetune", model, "--data", train, "-o", tuned, *finetune_args)
    seconds = time.monotonic() - start
    tuned_blob = os.path.join(work, "qat.bitblob")
    tool(binary, "bake", tuned, "-o", tuned_blob)
    qat = json.loads(tool(binary, "eval", tuned_blob, "--data", test, "--engine", "runtime", "--json"))
    return {"float": report["float"]["floatAccuracy"], "bake": report["accuracy"], "qat": qat["accuracy"],
            "rows": report["rows"], "seconds": seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="/tmp/bitlab-qat-data")
    parser.add_argument("--tool", default=".build/release/bitbake-model")
    parser.add_argument("--variant", choices=["test", "tune"], default="test")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--datasets", nargs="+", default=DATASETS, choices=DATASETS)
    parser.add_argument("finetune_args", nargs="*", help="extra `finetune` arguments, after --")
    args = parser.parse_args()

    def pct(value):
        return f"{100 * value:.2f}"

    print(f"finetune arguments: {' '.join(args.finetune_args) or '(defaults)'}; variant {args.variant}")
    print("| data set | test rows | float | plain bake | finetune + bake | bake - float | finetune - float |"
          " per seed: float / bake / finetune + bake |")
    print("|---|---|---|---|---|---|---|---|")
    gaps = []
    with tempfile.TemporaryDirectory() as work:
        for name in args.datasets:
            runs = []
            for seed in args.seeds:
                prefix = os.path.join(args.data, f"{name}-s{seed}" + ("-tune" if args.variant == "tune" else ""))
                runs.append(measure(args.tool, prefix, args.finetune_args, work))
            mean = {key: statistics.mean(run[key] for run in runs) for key in ("float", "bake", "qat")}
            gaps.append(mean["qat"] - mean["float"])
            seeds = ", ".join(f"{pct(r['float'])} / {pct(r['bake'])} / {pct(r['qat'])}" for r in runs)
            print(f"| {name} | {'/'.join(str(r['rows']) for r in runs)} | {pct(mean['float'])} | {pct(mean['bake'])} "
                  f"| {pct(mean['qat'])} | {100 * (mean['bake'] - mean['float']):+.2f} "
                  f"| {100 * (mean['qat'] - mean['float']):+.2f} | {seeds} |", flush=True)
    print(f"mean finetune - float over data sets: {100 * statistics.mean(gaps):+.2f} points")


if __name__ == "__main__":
    main()
