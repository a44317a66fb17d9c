#!/usr/bin/env python3
"""Write a random float MLP for measuring how baking scales (docs/baking.md).

  python3 make_random_model.py OUT.safetensors --sizes 800,1000,200 [--seed 0]

--sizes are the layer widths, input first: 800,1000,200 has 800*1000 + 1000*200 = 1,000,000
weights; 1600,2000,400 has 4,000,000. Weights are He-normal, biases small, float32, in PyTorch
nn.Sequential naming (0.weight, 0.bias, 2.weight, ...), so `bitbake-model` bakes them as they are.
The same arguments give the same tensors. Needs numpy and safetensors.
"""

import argparse

import numpy as np
from safetensors.numpy import save_file


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output")
    parser.add_argument("--sizes", required=True, help="layer widths, input first, e.g. 800,1000,200")
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    if len(sizes) < 2 or min(sizes) < 1:
        parser.error("--sizes needs at least two positive widths")
    generator = np.random.default_rng(arguments.seed)
    tensors = {}
    for index, (inputs, outputs) in enumerate(zip(sizes, sizes[1:])):
        name = str(2 * index)
        tensors[f"{name}.weight"] = (generator.standard_normal((outputs, inputs)) * np.sqrt(2 / inputs)).astype(np.float32)
        tensors[f"{name}.bias"] = (generator.standard_normal(outputs) * 0.01).astype(np.float32)
    save_file(tensors, arguments.output)
    weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    print(f"wrote {arguments.output}: {' -> '.join(map(str, sizes))}, {weights:,} weights")


if __name__ == "__main__":
    main()
