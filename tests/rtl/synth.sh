#!/bin/sh
# Yosys 0.23 synthesis check of one module (small configuration defaults):
# generic `synth` or `synth_ice40`. Fails on any inferred latch; prints the
# cell statistics (docs/RTL.md quotes them).
#   synth.sh RTL_DIR OUT_DIR generic|ice40 TOP FILE...
set -eu
RTL=$1
OUT=$2
FLOW=$3
TOP=$4
shift 4
mkdir -p "$OUT"
reads=""
for f in "$@"; do reads="$reads read_verilog -I$RTL $RTL/$f;"; done
case "$FLOW" in
# generic: scratchpads stay RAM cells (no memory_map into flip-flops)
generic) cmd="synth -top $TOP -run begin:fine; opt -fast -full; techmap; opt -fast; abc -fast; opt -fast; stat" ;;
ice40)   cmd="synth_ice40 -top $TOP -dsp; stat" ;;
*) echo "unknown flow $FLOW" >&2; exit 2 ;;
esac
log="$OUT/synth_${TOP}_$FLOW.log"
yosys -q -l "$log" -p "$reads hierarchy -top $TOP; $cmd" >/dev/null
stats=$(awk '/Printing statistics/ {p = 1} p' "$log")
if grep -q 'Latch inferred' "$log" || echo "$stats" | grep -q -i 'dlatch'; then
	echo "synth $FLOW $TOP: latch inferred" >&2
	grep 'Latch inferred' "$log" | head >&2
	exit 1
fi
echo "$stats" | awk '/Number of cells:/ {p = 1} p' | tail -30
echo "synth $FLOW $TOP: ok, no latches"
