#!/bin/bash
# The demo pipeline through its command-line tools on a small subset:
# train-fmnist -> quantize -> fmnist-eval (float and libaccel int8) via
# tools/demo/run.sh, then a cached second run, then failure exit codes.
#   demo_cli_test.sh BUILD_DIR
set -euo pipefail
BIN=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=/usr/share/datasets/fashion-mnist
[ -r "$DATA/train-images-idx3-ubyte.gz" ] || { echo "SKIP: no $DATA"; exit 77; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
run() {
	"$ROOT/tools/demo/run.sh" --bin-dir "$BIN" --out-dir "$OUT" \
		--train 400 --epochs 1 --count 300 "$@"
}

run --min-accuracy 45 > "$OUT/log1" 2>&1 || { cat "$OUT/log1"; exit 1; }
grep -q "^epoch 1/1" "$OUT/log1"
grep -q "SQNR" "$OUT/log1"
grep -q "^float accuracy: .* (.*/300)" "$OUT/log1"
grep -q "^int8 accuracy: .* on libaccel cpu backend" "$OUT/log1"
[ -s "$OUT/fmnist_float.tflite" ] && [ -s "$OUT/fmnist_int8.tflite" ]

# second run: nothing retrained or requantized, same int8 result
run --min-accuracy 45 > "$OUT/log2" 2>&1 || { cat "$OUT/log2"; exit 1; }
grep -q "using cached .*fmnist_float.tflite" "$OUT/log2"
grep -q "using cached .*fmnist_int8.tflite" "$OUT/log2"
if grep -q "^epoch" "$OUT/log2"; then echo "second run retrained"; exit 1; fi
[ "$(grep '^int8 accuracy' "$OUT/log1" | cut -d' ' -f3,4)" = \
  "$(grep '^int8 accuracy' "$OUT/log2" | cut -d' ' -f3,4)" ]

# different training settings invalidate the cache
run --epochs 2 --train 200 --min-accuracy 0 > "$OUT/log3" 2>&1 ||
	{ cat "$OUT/log3"; exit 1; }
grep -q "^epoch 2/2" "$OUT/log3"

# failures exit non-zero: unreachable accuracy, missing model, bad usage
if run --min-accuracy 101 > "$OUT/log4" 2>&1; then
	echo "run.sh succeeded with --min-accuracy 101"; exit 1
fi
if "$BIN/tools/quantize/quantize" "$OUT/missing.tflite" \
	--calib "$DATA/train-images-idx3-ubyte.gz" --out "$OUT/x.tflite" 2>/dev/null; then
	echo "quantize accepted a missing model"; exit 1
fi
rc=0
"$BIN/tools/quantize/quantize" --bogus 2>/dev/null || rc=$?
[ "$rc" = 2 ]
# (not piped into grep -q: with pipefail, an early exit of grep is a
# SIGPIPE failure of the producer)
"$BIN/tools/quantize/quantize" --help > "$OUT/help"
grep -q -- "--percentile" "$OUT/help"
echo "demo CLI ok"
