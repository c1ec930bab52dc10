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
exec "$ROOT/tools/demo/run.sh" --bin-dir "$BUILD/main" --out-dir "$BUILD/demo" \
	--backend "${ACCEL_BACKEND:-sim}" "$@"
