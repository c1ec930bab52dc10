#!/bin/bash
# Fashion-MNIST end to end: train a small CNN (C), export float32 TFLite,
# quantize it to int8, classify the test set with libaccel.
#   tools/demo/run.sh [--bin-dir BUILD] [--out-dir DIR] [--retrain]
#                     [--epochs N] [--train N] [--count N] [--backend B]
# BUILD is the CMake build directory holding the binaries (default build/);
# artifacts are cached in DIR (default build/demo/): a second run skips
# training/quantization when the models exist. The int8 model always runs
# on libaccel's CPU backend; with --backend sim|drm|auto also there (a
# backend that is not available is reported and skipped). Exits non-zero on
# failure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/build
OUT=$ROOT/build/demo
EPOCHS=4
TRAIN=0
COUNT=0
BACKEND=cpu
RETRAIN=0
MIN_ACC=85

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
	case "$1" in
	--bin-dir) BIN=$2; shift 2 ;;
	--out-dir) OUT=$2; shift 2 ;;
	--epochs) EPOCHS=$2; shift 2 ;;
	--train) TRAIN=$2; shift 2 ;;
	--count) COUNT=$2; shift 2 ;;
	--backend) BACKEND=$2; shift 2 ;;
	--min-accuracy) MIN_ACC=$2; shift 2 ;;
	--retrain) RETRAIN=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
done

TRAIN_BIN=$BIN/tools/train-fmnist/train-fmnist
QUANT_BIN=$BIN/tools/quantize/quantize
EVAL_BIN=$BIN/tools/demo/fmnist-eval
for b in "$TRAIN_BIN" "$QUANT_BIN" "$EVAL_BIN"; do
	if [ ! -x "$b" ]; then
		echo "run.sh: $b not built (cmake --build $BIN --target fmnist-eval train-fmnist quantize)" >&2
		exit 1
	fi
done
DATA=/usr/share/datasets/fashion-mnist
if [ ! -r "$DATA/train-images-idx3-ubyte.gz" ]; then
	echo "run.sh: Fashion-MNIST not found in $DATA (tools/deps.sh installs dataset-fashion-mnist)" >&2
	exit 1
fi

mkdir -p "$OUT"
FLOAT=$OUT/fmnist_float.tflite
INT8=$OUT/fmnist_int8.tflite
t_start=$(date +%s.%N)

# The cached model is reused only if it was trained with the same settings.
STAMP=$OUT/fmnist_float.settings
SETTINGS="epochs=$EPOCHS train=$TRAIN"
echo "== 1. train (float32) =="
if [ "$RETRAIN" = 0 ] && [ -s "$FLOAT" ] && [ -f "$STAMP" ] &&
   [ "$(cat "$STAMP")" = "$SETTINGS" ]; then
	echo "using cached $FLOAT ($SETTINGS; --retrain to train again)"
else
	"$TRAIN_BIN" --epochs "$EPOCHS" --train "$TRAIN" --test "$COUNT" \
		--out "$FLOAT.tmp"
	mv "$FLOAT.tmp" "$FLOAT"
	echo "$SETTINGS" > "$STAMP"
fi

echo "== 2. quantize (int8) =="
if [ -s "$INT8" ] && [ "$INT8" -nt "$FLOAT" ]; then
	echo "using cached $INT8"
else
	"$QUANT_BIN" "$FLOAT" --calib "$DATA/train-images-idx3-ubyte.gz" \
		--calib-count 500 --out "$INT8.tmp"
	mv "$INT8.tmp" "$INT8"
fi

echo "== 3. classify the test set =="
"$EVAL_BIN" "$FLOAT" --engine float --count "$COUNT" --label float \
	--min-accuracy "$MIN_ACC"
"$EVAL_BIN" "$INT8" --engine accel --backend cpu --count "$COUNT" \
	--label int8 --min-accuracy "$MIN_ACC"
if [ "$BACKEND" != cpu ]; then
	# the device line: skipped (not failed) while that backend is absent
	rc=0
	"$EVAL_BIN" "$INT8" --engine accel --backend "$BACKEND" \
		--count "$COUNT" --label "int8 ($BACKEND)" --same-as cpu \
		--min-accuracy "$MIN_ACC" || rc=$?
	if [ "$rc" = 3 ]; then
		echo "int8 ($BACKEND): skipped, backend not available"
	elif [ "$rc" != 0 ]; then
		exit "$rc"
	fi
fi

t_end=$(date +%s.%N)
printf 'demo wall time: %.1f s (artifacts in %s)\n' \
	"$(awk "BEGIN { print $t_end - $t_start }")" "$OUT"
