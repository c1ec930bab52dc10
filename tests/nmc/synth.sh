#!/bin/sh
# Yosys synthesis of dnpu_nmc: generic `synth` or `synth_ice40 -dsp` at a
# lane count (spad sizes don't change the logic). Fails on an inferred
# latch; prints the top-level cell statistics (docs/NMC.md quotes them).
#   synth.sh RTL_DIR OUT_DIR LANES generic|ice40
set -eu
RTL=$1
OUT=$2
LANES=$3
FLOW=$4
mkdir -p "$OUT"
reads=""
for f in dnpu_nmc.v dnpu_add_core.v dnpu_mbqm.v; do
	reads="$reads read_verilog -I$RTL $RTL/$f;"
done
case "$FLOW" in
generic) cmd="synth -top dnpu_nmc -flatten; stat" ;;
ice40)   cmd="synth_ice40 -top dnpu_nmc -dsp; stat" ;;
*) echo "unknown flow $FLOW" >&2; exit 2 ;;
esac
log="$OUT/synth_nmc_l${LANES}_$FLOW.log"
yosys -q -l "$log" -p "$reads chparam -set LANES $LANES dnpu_nmc; hierarchy -top dnpu_nmc; $cmd" >/dev/null
# a latch shows as a proc_dlatch message or as a latch cell in the final
# statistics (the techmap library always mentions $_DLATCH_*, so the whole
# log cannot be grepped)
stats=$(awk '/Printing statistics/ {p = 1} p' "$log" | tail -45)
if grep -q 'Latch inferred' "$log" || echo "$stats" | grep -qi 'latch'; then
	echo "synth $FLOW: latch inferred" >&2
	grep 'Latch inferred' "$log" | head >&2
	exit 1
fi
echo "$stats"
echo "synth nmc LANES=$LANES $FLOW: ok, no latches"
