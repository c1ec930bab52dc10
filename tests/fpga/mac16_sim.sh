#!/bin/sh
# ctest fpga_mac16_sim (label fpga): rtl/dnpu_mac_acc.v simulated with
# Icarus Verilog against the reference accumulator in tb_mac16.v, cycle by
# cycle (every int8 operand pair, random clear/step, enables low, the sum
# wrapping 2^32 both ways, clear on reset) in three builds:
#   beh    the behavioural branch (what Verilator and sim/rtl run)
#   mac16  the SB_MAC16 branch (DNPU_ICE40_MAC16) on Yosys' cell model
#   synth  that branch after synth_ice40 as tools/fpga/fpga-build.sh ice40
#          runs it (no -dsp), written back as a netlist: the mapping the
#          UP5K bitstream uses
# A copy with A_SIGNED=0 (a sign-configuration error) must fail, so the
# check can fail. ~15 s.
#   mac16_sim.sh SOURCE_DIR WORK_DIR
set -eu
src=$1; work=$2
mkdir -p "$work"
tb=$src/tests/fpga/tb_mac16.v
rtl=$src/rtl/dnpu_mac_acc.v
# the cell models synth_ice40 reads as +/ice40/cells_sim.v
cells=$(dirname "$(command -v yosys)")/../share/yosys/ice40/cells_sim.v
# Icarus 11 cannot parse the models' default port values; every SB_MAC16
# port is connected here, so nothing relies on them.
nodef=-DNO_ICE40_DEFAULT_ASSIGNMENTS

synth() {	# name rtl-file -> $work/name-net.v
	cat >"$work/$1.ys" <<EOT
read_verilog -lib +/ice40/cells_sim.v
read_verilog -DDNPU_ICE40_MAC16 $2
synth_ice40 -top dnpu_mac_acc -spram
check -assert
select -assert-count 1 t:SB_MAC16
select -assert-none t:SB_DFF* t:SB_CARRY
# (the accumulator stays inside the SB_MAC16: no soft flip-flops or adder)
write_verilog -noattr $work/$1-net.v
EOT
	yosys -q -l "$work/$1-synth.log" "$work/$1.ys" >/dev/null 2>&1
}

run() {		# name iverilog-args... -> 0 if the bench passes
	n=$1; shift
	iverilog -g2005 -o "$work/$n.vvp" -s tb_mac16 "$tb" "$@" \
		>"$work/$n.log" 2>&1 &&
		vvp -n "$work/$n.vvp" >>"$work/$n.log" 2>&1
	grep -q '^PASS tb_mac16' "$work/$n.log" && ! grep -q FAIL "$work/$n.log"
}

fail=0
check() {	# name iverilog-args...
	n=$1
	if run "$@"; then
		echo "ok   $n: $(grep '^PASS' "$work/$n.log")"
	else
		echo "FAIL $n ($work/$n.log)"; grep -m5 FAIL "$work/$n.log" || true
		fail=1
	fi
}

check beh "$rtl"
check mac16 -DDNPU_ICE40_MAC16 "$rtl" "$nodef" "$cells"
if synth synth "$rtl"; then
	check synth "$work/synth-net.v" "$nodef" "$cells"
else
	echo "FAIL synth: synth_ice40 ($work/synth-synth.log)"; fail=1
fi

# negative control: the operand A treated as unsigned must be caught
bad=$work/neg_dnpu_mac_acc.v
sed "s/\.A_SIGNED(1'b1)/.A_SIGNED(1'b0)/" "$rtl" >"$bad"
if cmp -s "$rtl" "$bad"; then
	echo "FAIL neg_control: no A_SIGNED(1'b1) in $rtl to break"; fail=1
elif run neg -DDNPU_ICE40_MAC16 "$bad" "$nodef" "$cells" ||
	! grep -q '^FAIL cycle' "$work/neg.log"; then
	echo "FAIL neg_control: A_SIGNED=0 not caught as a mismatch ($work/neg.log)"; fail=1
else
	echo "ok   neg_control (A_SIGNED=0 caught: $(grep -m1 "^FAIL cycle" "$work/neg.log" | sed "s/^FAIL //"))"
fi
[ $fail = 0 ] && echo "PASS mac16_sim"
exit $fail
