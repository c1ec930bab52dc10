#!/bin/sh
# FPGA synthesis check (ctest fpga_synth_small, label fpga), one Yosys run
# of ~5 CPU minutes: the small config as tools/fpga builds it for the iCE40
# UP5K (2x2, NMC=0 REGIONS=8 CORE_MULDIV=0 CORE_COUNTERS=0 QSLOT=0) still
# synthesizes with synth_ice40 (no check errors), its block RAMs and SPRAMs
# fit the UP5K, and its logic and DSPs stay within a regression budget.
# The logic and DSPs do not fit the UP5K yet (docs/FPGA.md has the numbers
# and what blocks it); the test prints the overrun.
#   synth_budget.sh SOURCE_DIR WORK_DIR
set -eu
src=$1; work=$2
build="$src/tools/fpga/fpga-build.sh"
mkdir -p "$work"

field() {	# resource name in a fit report -> used count
	awk -v r="$2" '$1 == r { print $2 }' "$1"
}

"$build" --synth-only --fw none --no-fit-fail --timeout 1300 \
	--build "$work" ice40
fit=$work/ice40-fit.txt
# budgets (memories: the UP5K's): 47,943 LC and 41 DSP measured at
# a29cec2 (DW-byte DMA, COLS PPU lanes; was 26,804 / 25 before it) plus
# ~5%; docs/FPGA.md has the numbers
status=0
for r in "LC(>=):50500" "EBR:30" "SPRAM:4" "DSP:43"; do
	name=${r%%:*}; max=${r#*:}
	used=$(field "$fit" "$name")
	[ -n "$used" ] || { echo "no $name in $fit"; exit 1; }
	if [ "$used" -gt "$max" ]; then
		echo "FAIL: $name $used > budget $max"; status=1
	fi
done
exit $status
