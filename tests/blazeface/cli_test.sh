#!/bin/bash
# blazeface-quantize + blazeface-detect from the command line: an int8
# model from photos, the astronaut's face found by cpu and sim alike and
# by the float model, usage and error exits. Skips (77) without the model
# or the photos.
#   cli_test.sh BUILD_DIR MODEL SKIMAGE_DATA
set -eu
BIN="$1/tools/blazeface"
MODEL="$2"
DATA="$3"
[ -f "$MODEL" ] && [ -f "$DATA/astronaut.png" ] || {
	echo "SKIP: needs $MODEL and $DATA/astronaut.png (tools/deps.sh)"
	exit 77
}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$BIN/blazeface-detect" --help | grep -q "^usage: blazeface-detect" || fail "--help"
"$BIN/blazeface-quantize" --help | grep -q "^usage: blazeface-quantize" || fail "--help"
rc=0; "$BIN/blazeface-detect" >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "no arguments: exit $rc, want 2"
rc=0; "$BIN/blazeface-detect" "$MODEL" "$DATA/astronaut.png" --backend nosuch 2>/dev/null || rc=$?
[ $rc = 1 ] || fail "bad backend: exit $rc, want 1"
printf 'not a png' > "$TMP/bad.png"
rc=0; "$BIN/blazeface-detect" "$MODEL" "$TMP/bad.png" --float 2>"$TMP/err" || rc=$?
[ $rc = 1 ] && grep -q signature "$TMP/err" || fail "bad PNG: exit $rc"
rc=0; "$BIN/blazeface-quantize" "$MODEL" "$TMP/q.tflite" 2>/dev/null || rc=$?
[ $rc = 1 ] || fail "no calibration images: exit $rc, want 1"

"$BIN/blazeface-quantize" "$MODEL" "$TMP/q.tflite" --lfw "$DATA/lfw_subset.npy" \
	--lfw-count 8 "$DATA/camera.png" "$DATA/chelsea.png" "$DATA/coffee.png" \
	"$DATA/motorcycle_left.png" > "$TMP/report" || fail "blazeface-quantize"
grep -q "^calibration images: 12$" "$TMP/report" || fail "calibration count"
grep -q "^worst layer SQNR" "$TMP/report" || fail "SQNR report"

"$BIN/blazeface-detect" "$MODEL" "$DATA/astronaut.png" --float > "$TMP/float"
"$BIN/blazeface-detect" "$TMP/q.tflite" "$DATA/astronaut.png" > "$TMP/cpu"
"$BIN/blazeface-detect" "$TMP/q.tflite" "$DATA/astronaut.png" --backend sim > "$TMP/sim"
cat "$TMP/float" "$TMP/cpu"
[ "$(wc -l < "$TMP/float")" = 1 ] && grep -q "^face 0\.9" "$TMP/float" || fail "float: one face"
[ "$(wc -l < "$TMP/cpu")" = 1 ] && grep -q "^face 0\.[6-9]" "$TMP/cpu" || fail "int8: one face"
cmp -s "$TMP/cpu" "$TMP/sim" || fail "sim output differs from cpu"
# top boxes overlap: IoU of the two printed boxes
awk 'NR == FNR { a1 = $3; b1 = $4; c1 = $5; d1 = $6; next }
     { iw = (c1 < $5 ? c1 : $5) - (a1 > $3 ? a1 : $3)
       ih = (d1 < $6 ? d1 : $6) - (b1 > $4 ? b1 : $4)
       i = iw > 0 && ih > 0 ? iw * ih : 0
       u = (c1 - a1) * (d1 - b1) + ($5 - $3) * ($6 - $4) - i
       printf "IoU %.3f\n", i / u; exit !(i / u >= 0.8) }' \
	"$TMP/float" "$TMP/cpu" || fail "IoU below 0.8"
echo "PASS"
