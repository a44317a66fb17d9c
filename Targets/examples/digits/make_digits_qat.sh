#!/usr/bin/env bash
# Quantization-aware fine-tuning of the example model: digits-mlp.safetensors (float) ->
# digits-mlp-qat.safetensors (latent float weights that bake to a ternary model which keeps the
# float accuracy), then bakes it and measures it with the on-device engine on the test split.
#
# Run from anywhere: Targets/examples/digits/make_digits_qat.sh
# (BITBAKE_MODEL=path/to/bitbake-model uses an existing release build instead of building one.)
# The same seed on the same machine writes the same bytes (see README.md).
set -euo pipefail
cd "$(dirname "$0")"
root=../../..
tool="${BITBAKE_MODEL:-}"
if [ -z "$tool" ]; then
    swift build -c release --package-path "$root" --product bitbake-model >&2
    tool="$(swift build -c release --package-path "$root" --show-bin-path)/bitbake-model"
fi

"$tool" finetune digits-mlp.safetensors --data digits-train.safetensors --test digits-test.safetensors \
    --seed 0 -o digits-mlp-qat.safetensors

blob="$(mktemp -d)/digits-mlp-qat.bitblob"
"$tool" bake digits-mlp-qat.safetensors -o "$blob" > /dev/null
echo
echo "== finetune + bake, on-device engine, test split (against its own fake-quant reference)"
"$tool" eval "$blob" --data digits-test.safetensors --engine runtime --float digits-mlp-qat.safetensors
echo
echo "== the float model and its plain bake, on-device engine, test split"
"$tool" eval digits-mlp.safetensors --data digits-test.safetensors --engine runtime
rm -r "$(dirname "$blob")"
