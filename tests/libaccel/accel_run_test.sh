#!/bin/sh
# accel-run end to end on the golden person_detect case: output bytes,
# top-K print, profile table, and clear errors for bad usage.
# usage: accel_run_test.sh ACCEL_RUN GOLDEN_DIR   (exit 77 = skipped)
set -u
run=$1
golden=$2
[ -f "$golden/MANIFEST.md" ] || { echo "no golden data: skip"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

m=$golden/models/person_detect.tflite
c=$golden/person_detect/person
"$run" "$m" --backend cpu --input "$c/input_0.bin" --output "$tmp/out.bin" \
	--profile --repeat 2 > "$tmp/log" 2>&1 || fail "run failed: $(cat "$tmp/log")"
cmp -s "$tmp/out.bin" "$c/output_0.bin" || fail "output differs from golden"
grep -q "CONV_2D  *cpu" "$tmp/log" || fail "no profile table"
grep -q "RESHAPE  *-" "$tmp/log" || fail "reshape view not shown"

m=$golden/models/mobilenet_v2_quantized_1x3x224x224.tflite
c=$golden/mobilenet_v2_quantized_1x3x224x224/chelsea
"$run" "$m" --backend cpu --input "$c/input_0.bin" --top 3 > "$tmp/log" 2>&1 ||
	fail "mobilenet run failed"
grep -q "top1: \[281\] 127" "$tmp/log" || fail "top-1 is not 281 (tabby cat)"

"$run" "$golden/models/hello_world_int8.tflite" --backend cpu \
	> "$tmp/log" 2>&1 || fail "zero-input run failed"
grep -q "using zeros" "$tmp/log" || fail "no note about zero inputs"

"$run" "$golden/models/hello_world_int8.tflite" --input "$c/input_0.bin" \
	> "$tmp/log" 2>&1 && fail "wrong input size accepted"
grep -q "takes 1 bytes" "$tmp/log" || fail "unclear size error: $(cat "$tmp/log")"

"$run" "$golden/models/hello_world_int8.tflite" --backend drm \
	> "$tmp/log" 2>&1 && fail "drm backend accepted"
grep -q "backend not available: drm" "$tmp/log" || fail "unclear backend error"

"$run" --help | grep -q "usage: accel-run" || fail "--help"
"$run" > /dev/null 2>&1 && fail "no model accepted"
echo "accel-run: ok"
