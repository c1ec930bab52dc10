#!/bin/sh
# FPGA synthesis check (ctest fpga_synth_small, label fpga), one Yosys run
# of ~1 CPU minute: the UP5K config as tools/fpga/fpga-build.sh ice40 builds
# it (the firmware-sequenced device, dnpu_top SOFT_SEQ=1) still synthesizes
# with synth_ice40 (no check errors) and fits the iCE40 UP5K by the
# synthesis counts: LC lower bound (SB_LUT4, or FFs if more) <= 5280,
# EBR <= 30, SPRAM <= 4, DSP <= 8 (docs/FPGA.md has the numbers; place and
# route is `make fpga`).
#   synth_budget.sh SOURCE_DIR WORK_DIR
set -eu
src=$1; work=$2
build="$src/tools/fpga/fpga-build.sh"
mkdir -p "$work"

field() {	# resource name in a fit report -> used count
	awk -v r="$2" '$1 == r { print $2 }' "$1"
}

"$build" --synth-only --no-fit-fail --timeout 900 --build "$work" ice40
fit=$work/ice40-fit.txt
status=0
for r in "LC(>=):5280" "EBR:30" "SPRAM:4" "DSP:8"; do
	name=${r%%:*}; max=${r#*:}
	used=$(field "$fit" "$name")
	[ -n "$used" ] || { echo "FAIL: no $name in $fit"; exit 1; }
	if [ "$used" -gt "$max" ]; then
		echo "FAIL: $name $used > UP5K $max"; status=1
	else
		echo "ok: $name $used <= UP5K $max"
	fi
done
exit $status
