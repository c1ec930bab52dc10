#!/bin/sh
# ctest fpga_ecp5_mux (label fpga): the ECP5 flow's wide-mux map
# (tools/fpga/ecp5_mux_map.v: `muxcover`'s $_MUX4_/$_MUX8_/$_MUX16_ cells
# as LUT4 + PFUMX + L6MUX21) is equivalent to the cells it replaces,
# proven with Yosys' SAT solver on a miter, the Lattice primitives taken
# from Yosys' own ECP5 simulation models. A deliberately wrong map (the
# PFUMX inputs swapped) must fail, so the check can fail.
#   mux_equiv.sh SOURCE_DIR WORK_DIR
set -eu
src=$1; work=$2
mkdir -p "$work"
models=/usr/share/yosys/ecp5/cells_sim.v
[ -f "$models" ] || { echo "FAIL no Yosys ECP5 models at $models"; exit 1; }

muxmod() {	# module name, N inputs (4, 8, 16): an N:1 mux in Verilog
	echo "module $1 (input wire [$(($2 - 1)):0] d, input wire [$3:0] s, output wire y);"
	echo "    assign y = d[s];"
	echo "endmodule"
}

prove() {	# name N map -> 0 if equivalent
	case $2 in 4) sb=1 ;; 8) sb=2 ;; 16) sb=3 ;; esac
	muxmod gold "$2" "$sb" >"$work/$1.v"
	muxmod gate "$2" "$sb" >>"$work/$1.v"
	# gate: Yosys' gate mapping, muxcover (only $_MUX<N>_), then the map
	cat >"$work/$1.ys" <<EOY
read_verilog $work/$1.v
proc
techmap gate
opt -fast gate
muxcover -mux$2 -nodecode -nopartial gate
select -assert-min 1 gate/t:\$_MUX$2_
techmap -map $3 gate
select -assert-none gate/t:\$_MUX4_ gate/t:\$_MUX8_ gate/t:\$_MUX16_
select -assert-min 1 gate/t:PFUMX
read_verilog $models
hierarchy -check
flatten gate
miter -equiv -flatten -make_assert gold gate miter
sat -verify -prove-asserts -show-inputs miter
EOY
	yosys -q -l "$work/$1.log" "$work/$1.ys" >/dev/null 2>&1
}

map=$src/tools/fpga/ecp5_mux_map.v
fail=0
for n in 4 8 16; do
	if prove "mux$n" "$n" "$map"; then echo "ok   mux$n"; else echo "FAIL mux$n ($work/mux$n.log)"; fail=1; fi
done
# negative control: the PFUMX's inputs swapped
sed 's/PFUMX u_mux (.ALUT(hi), .BLUT(lo)/PFUMX u_mux (.ALUT(lo), .BLUT(hi)/' "$map" >"$work/bad_map.v"
if cmp -s "$map" "$work/bad_map.v"; then
	echo "FAIL neg_control: could not build the wrong map"; fail=1
elif prove neg_control 16 "$work/bad_map.v" ||
	! grep -q 'SAT proof finished - model found' "$work/neg_control.log"; then
	echo "FAIL neg_control: a wrong map was not detected"; fail=1
else
	echo "ok   neg_control (wrong map detected)"
fi
[ $fail = 0 ] && echo "PASS mux_equiv"
exit $fail
