#!/bin/bash
# `make run`: the main job. Trains a small CNN on Fashion-MNIST, quantizes
# it to int8 and classifies the test set through libaccel — on the simulated
# accelerator by default (ACCEL_BACKEND=cpu|sim|drm to choose).
#   tools/run.sh [demo options, see tools/demo/run.sh --help]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
case "${1:-}" in
-h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exec "$ROOT/tools/demo/run.sh" --help ;;
esac
"$ROOT/tools/demo/run.sh" --bin-dir "$BUILD/main" --out-dir "$BUILD/demo" \
	--backend "${ACCEL_BACKEND:-sim}" "$@"

# The functional model above gives the device's results for all images; the
# Verilator RTL (RV32 firmware + engine) gives its exact cycles on a sample.
RTL_LIB=$BUILD/main/sim/rtl/libdnpu_rtl.so
RTL_IMAGES=${RTL_IMAGES:-100}
if [ "${ACCEL_BACKEND:-sim}" = sim ] && [ -f "$RTL_LIB" ] && [ "$RTL_IMAGES" -gt 0 ]; then
	echo "== 4. the same int8 model on the RTL device (first $RTL_IMAGES images) =="
	DNPU_SIM_DEVICE=rtl DNPU_RTL_LIB=$RTL_LIB DNPU_FIRMWARE=$BUILD/firmware/dnpu-fw.bin \
		"$BUILD/main/tools/demo/fmnist-eval" "$BUILD/demo/fmnist_int8.tflite" \
		--engine accel --backend sim --count "$RTL_IMAGES" --same-as cpu \
		--label "int8 (RTL device)" --quiet
fi
