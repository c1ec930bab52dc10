#!/bin/sh
# Yosys synthesis checks of the engine in the small (4x4, DNPU_SMALL_*)
# configuration: generic `synth` and `synth_ice40`. Fails on any inferred
# latch; prints the cell statistics (docs/RTL.md quotes them).
#   synth.sh RTL_DIR OUT_DIR generic|ice40
set -eu
RTL=$1
OUT=$2
FLOW=$3
mkdir -p "$OUT"
SRCS="dnpu_engine.v dnpu_qctl.v dnpu_dma.v dnpu_xfer.v dnpu_busarb.v dnpu_compute.v
      dnpu_array.v dnpu_ppu.v dnpu_mbqm.v dnpu_add_core.v dnpu_spad_lanes.v dnpu_spad.v"
reads=""
for f in $SRCS; do reads="$reads read_verilog -I$RTL $RTL/$f;"; done
case "$FLOW" in
# generic: stop before memory_map so scratchpads stay RAM cells instead of
# being exploded into flip-flops, then map the logic to gates
generic) cmd="synth -top dnpu_engine -run begin:fine; opt -fast -full; techmap; opt -fast; abc -fast; opt -fast; stat" ;;
ice40)   cmd="synth_ice40 -top dnpu_engine -dsp; stat" ;;
*) echo "unknown flow $FLOW" >&2; exit 2 ;;
esac
log="$OUT/synth_$FLOW.log"
yosys -q -l "$log" -p "$reads hierarchy -top dnpu_engine; $cmd" >/dev/null
if grep -q -e 'Latch inferred' -e '\$dlatch' -e '\$_DLATCH' "$log"; then
	echo "synth $FLOW: latch inferred" >&2
	grep -e 'Latch inferred' -e 'dlatch' -e 'DLATCH' "$log" | head >&2
	exit 1
fi
# the top-level statistics block
awk '/=== design hierarchy ===/ {p = 1} p' "$log" | tail -40
echo "synth $FLOW: ok, no latches"
