#!/bin/sh
# Synthesis check of the control core and the control complex with Yosys
# (defaults, and the UP5K options):
# no latches after proc, synth_ice40 + check -assert, and LUT4 counts within
# a budget (a regression guard; docs/CONTROL_CORE.md has the numbers).
#   synth_check.sh RTL_DIR WORK_DIR
set -eu
rtl=$1; work=$2
mkdir -p "$work"
core_budget=3100
ctrl_budget=5600
core_small_budget=1975
ctrl_small_budget=3300

run() {	# name top budget chparam-args files...
	name=$1; top=$2; budget=$3; chp=$4; shift 4
	yosys -q -l "$work/$name.log" -p "read_verilog -I$rtl $*; ${chp:+chparam $chp $top;} hierarchy -top $top; proc;
		select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr;
		synth_ice40 -top $top; check -assert; stat" >/dev/null
	luts=$(grep -E '^ +SB_LUT4 +[0-9]+' "$work/$name.log" | tail -n 1 | awk '{print $2}')
	ebr=$(grep -E '^ +SB_RAM40_4K +[0-9]+' "$work/$name.log" | tail -n 1 | awk '{print $2}')
	echo "$top: $luts SB_LUT4, ${ebr:-0} SB_RAM40_4K (budget $budget LUT4)"
	[ -n "$luts" ] && [ "$luts" -le "$budget" ]
}

run core dnpu_rv32 $core_budget "" "$rtl/rv32/dnpu_rv32.v"
run ctrl dnpu_ctrl $ctrl_budget "" "$rtl/rv32/dnpu_rv32.v" "$rtl/rv32/dnpu_rv32_sram.v" "$rtl/dnpu_ctrl.v"
# the UP5K options (tools/fpga/fpga-build.sh; PERF_MASK 0 as on the soft
# config)
small="-set CORE_MULDIV 0 -set CORE_COUNTERS 0 -set CORE_MTVAL 0 -set CORE_SHIFT_SERIAL 1 -set HOSTREG_RAM 1 -set PERF_MASK 0"
run core_small dnpu_rv32 $core_small_budget "-set MULDIV 0 -set COUNTERS 0 -set MTVAL 0 -set SHIFT_SERIAL 1" "$rtl/rv32/dnpu_rv32.v"
run ctrl_small dnpu_ctrl $ctrl_small_budget "$small" "$rtl/rv32/dnpu_rv32.v" "$rtl/rv32/dnpu_rv32_sram.v" "$rtl/dnpu_ctrl.v"
