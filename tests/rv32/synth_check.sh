#!/bin/sh
# Synthesis check of the control core and the control complex with Yosys:
# no latches after proc, synth_ice40 + check -assert, and LUT4 counts within
# a budget (a regression guard; docs/CONTROL_CORE.md has the numbers).
#   synth_check.sh RTL_DIR WORK_DIR
set -eu
rtl=$1; work=$2
mkdir -p "$work"
core_budget=3000
ctrl_budget=5600

run() {	# name top budget files...
	name=$1; top=$2; budget=$3; shift 3
	yosys -q -l "$work/$name.log" -p "read_verilog -I$rtl $*; hierarchy -top $top; proc;
		select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr;
		synth_ice40 -top $top; check -assert; stat" >/dev/null
	luts=$(grep -E '^ +SB_LUT4 +[0-9]+' "$work/$name.log" | tail -n 1 | awk '{print $2}')
	ebr=$(grep -E '^ +SB_RAM40_4K +[0-9]+' "$work/$name.log" | tail -n 1 | awk '{print $2}')
	echo "$top: $luts SB_LUT4, ${ebr:-0} SB_RAM40_4K (budget $budget LUT4)"
	[ -n "$luts" ] && [ "$luts" -le "$budget" ]
}

run core dnpu_rv32 $core_budget "$rtl/rv32/dnpu_rv32.v"
run ctrl dnpu_ctrl $ctrl_budget "$rtl/rv32/dnpu_rv32.v" "$rtl/rv32/dnpu_rv32_sram.v" "$rtl/dnpu_ctrl.v"
