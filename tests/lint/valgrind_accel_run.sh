#!/bin/sh
# accel-run under valgrind memcheck on the five golden models, on the cpu
# and sim backends: no invalid access, no uninitialised use, no leak
# (--leak-check=full, any error fails), and the output is the golden one.
# usage: valgrind_accel_run.sh ACCEL_RUN GOLDEN_DIR   (77 = skipped)
set -u
run=${1:?}
golden=${2:?}
[ -f "$golden/MANIFEST.md" ] || { echo "no golden data: skip"; exit 77; }
command -v valgrind >/dev/null || { echo "valgrind missing: skip"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
for m in hello_world_int8 keyword_scrambled_8bit micro_speech_quantized \
	 person_detect mobilenet_v2_quantized_1x3x224x224; do
	in=$(ls "$golden/$m"/*/input_0.bin 2>/dev/null | head -n 1)
	[ -n "$in" ] || { echo "FAIL: no input for $m"; failed=1; continue; }
	for b in cpu sim; do
		if ! valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
			--error-exitcode=99 "$run" "$golden/models/$m.tflite" \
			--backend $b --input "$in" --output "$tmp/out.bin" \
			> "$tmp/log" 2>&1; then
			echo "FAIL: $m --backend $b"
			tail -n 40 "$tmp/log"
			failed=1
		elif ! cmp -s "$tmp/out.bin" "$(dirname "$in")/output_0.bin"; then
			echo "FAIL: $m --backend $b: output differs from golden"
			failed=1
		else
			echo "ok: $m --backend $b"
		fi
	done
done
exit $failed
