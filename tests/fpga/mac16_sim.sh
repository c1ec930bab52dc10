#!/bin/sh
# ctest fpga_mac16_sim (label fpga): the UP5K MAC array's SB_MAC16
# configuration simulated with Icarus Verilog (Verilator cannot read Yosys'
# cell models), each bench against its own reference model:
#   tb_mac16.v        one rtl/dnpu_mac_acc.v, cycle by cycle (every int8
#                     operand pair, random clear/step, enables low, the sum
#                     wrapping 2^32 both ways, clear as reset)
#   tb_softeng_mac.v  the 2x2 array in rtl/dnpu_softeng.v through its
#                     register port (operand lanes, CTRL.CLEAR, reset,
#                     ACC reads)
# each on three builds:
#   beh    the behavioural branch (what Verilator and sim/rtl run)
#   mac16  the SB_MAC16 branch (DNPU_ICE40_MAC16) on Yosys' cell model
#   synth  that branch after synth_ice40 as tools/fpga/fpga-build.sh ice40
#          runs it (no -dsp), written back as a netlist: the mapping the
#          UP5K bitstream uses
# Negative controls (A_SIGNED=0; the w lanes swapped) must fail, so the
# checks can fail. ~20 CPU s.
#   mac16_sim.sh SOURCE_DIR WORK_DIR
set -eu
src=$1; work=$2
mkdir -p "$work"
tbdir=$src/tests/fpga
rtl=$src/rtl
mac=$rtl/dnpu_mac_acc.v
eng=$rtl/dnpu_softeng.v
# the cell models synth_ice40 reads as +/ice40/cells_sim.v
cells=$(dirname "$(command -v yosys)")/../share/yosys/ice40/cells_sim.v
# Icarus 11 cannot parse the models' default port values; every cell port
# used here is connected, so nothing relies on them.
nodef=-DNO_ICE40_DEFAULT_ASSIGNMENTS

synth() {	# name top macs files... -> $work/name-net.v
	n=$1; top=$2; macs=$3; shift 3
	cat >"$work/$n.ys" <<EOT
read_verilog -lib +/ice40/cells_sim.v
read_verilog -DDNPU_ICE40_MAC16 -I$rtl $*
synth_ice40 -top $top -spram
check -assert
select -assert-count $macs t:SB_MAC16
write_verilog -noattr $work/$n-net.v
EOT
	yosys -q -l "$work/$n-synth.log" "$work/$n.ys" >/dev/null 2>&1
}

run() {		# name bench iverilog-args... -> 0 if the bench passes
	n=$1; b=$2; shift 2
	iverilog -g2005 -I"$rtl" -o "$work/$n.vvp" -s "$b" "$tbdir/$b.v" "$@" \
		>"$work/$n.log" 2>&1 &&
		vvp -n "$work/$n.vvp" >>"$work/$n.log" 2>&1
	grep -q "^PASS $b" "$work/$n.log" && ! grep -q FAIL "$work/$n.log"
}

fail=0
check() {	# name bench iverilog-args...
	if run "$@"; then
		echo "ok   $1: $(grep '^PASS' "$work/$1.log")"
	else
		echo "FAIL $1 ($work/$1.log)"; grep -m5 FAIL "$work/$1.log" || true
		fail=1
	fi
}

neg() {		# name bench what-broke iverilog-args...: must fail on a mismatch
	n=$1; b=$2; what=$3; shift 3
	if run "$n" "$b" "$@" || ! grep -q '^FAIL [co]' "$work/$n.log"; then
		echo "FAIL $n: $what not caught as a mismatch ($work/$n.log)"; fail=1
	else
		echo "ok   $n ($what caught: $(grep -m1 '^FAIL [co]' "$work/$n.log" | sed 's/^FAIL //'))"
	fi
}

check mac_beh tb_mac16 "$mac"
check mac_mac16 tb_mac16 -DDNPU_ICE40_MAC16 "$mac" "$nodef" "$cells"
# the accumulator must stay inside the SB_MAC16 (no soft flip-flops/adder)
if synth mac_synth dnpu_mac_acc 1 "$mac" &&
	! grep -q 'SB_DFF\|SB_CARRY' "$work/mac_synth-net.v"; then
	check mac_synth tb_mac16 "$work/mac_synth-net.v" "$nodef" "$cells"
else
	echo "FAIL mac_synth: synth_ice40 or its mapping ($work/mac_synth-synth.log)"; fail=1
fi

check array_beh tb_softeng_mac "$eng" "$mac"
check array_mac16 tb_softeng_mac -DDNPU_ICE40_MAC16 "$eng" "$mac" "$nodef" "$cells"
if synth array_synth dnpu_softeng 4 "$eng" "$mac"; then
	check array_synth tb_softeng_mac "$work/array_synth-net.v" "$nodef" "$cells"
else
	echo "FAIL array_synth: synth_ice40 ($work/array_synth-synth.log)"; fail=1
fi

# negative controls: copies broken by sed; a sed that no longer matches
# the RTL fails here too
break_copy() {	# out in sed-expr -> 0 if the copy differs
	sed "$3" "$2" >"$1"
	! cmp -s "$1" "$2" || { echo "FAIL: '$3' does not change $2"; fail=1; return 1; }
}
if break_copy "$work/neg_mac.v" "$mac" "s/\.A_SIGNED(1'b1)/.A_SIGNED(1'b0)/"; then
	neg neg_mac tb_mac16 A_SIGNED=0 -DDNPU_ICE40_MAC16 "$work/neg_mac.v" "$nodef" "$cells"
fi
if break_copy "$work/neg_array.v" "$eng" "s/\.w(reg_wdata\[16 + 8 \* gn +: 8\])/.w(reg_wdata[24 - 8 * gn +: 8])/"; then
	neg neg_array tb_softeng_mac "w lanes swapped" "$work/neg_array.v" "$mac"
fi
[ $fail = 0 ] && echo "PASS mac16_sim"
exit $fail
