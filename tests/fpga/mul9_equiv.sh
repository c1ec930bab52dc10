#!/bin/sh
# ctest fpga_ecp5_mul9 (label fpga): the ECP5 flow's product map
# (tools/fpga/ecp5_mul9_map.v: a $mul with operands of <= 9 bits becomes a
# MULT9X9D) is equivalent to the behavioural product, proven with Yosys'
# SAT solver on a miter for every operand shape the map accepts that the
# RTL can produce (signed and unsigned, 2..9-bit operands, truncated and
# extended results), using the MULT9X9D model in tools/fpga/ecp5_mult9x9d.v.
# A deliberately wrong pairing (a signed product against the map of the
# unsigned one) must fail, so the check can fail.
#   mul9_equiv.sh SOURCE_DIR WORK_DIR
set -eu
src=$1; work=$2
mkdir -p "$work"
map=$src/tools/fpga/ecp5_mul9_map.v
model=$src/tools/fpga/ecp5_mult9x9d.v

prove() {	# name gold-verilog gate-verilog -> 0 if equivalent
	cat >"$work/$1.ys" <<EOT
read_verilog <<EOV
module gold $2
endmodule
module gate $3
endmodule
EOV
proc
techmap -map $map gate
select -assert-count 1 gate/t:MULT9X9D
select -assert-none gate/t:\$mul
read_verilog $model
flatten gate
miter -equiv -flatten -make_assert gold gate miter
sat -verify -prove-asserts miter
EOT
	yosys -q -l "$work/$1.log" "$work/$1.ys" >/dev/null 2>&1
}

fail=0
for s in signed unsigned; do
	for w in "8 8 16" "8 8 32" "9 9 18" "9 9 12" "2 9 11" "9 5 20" "7 3 4"; do
		set -- $w
		k=$s; [ "$s" = signed ] || k=""
		p="(input $k [$(($1 - 1)):0] a, input $k [$(($2 - 1)):0] b, output [$(($3 - 1)):0] y); assign y = a * b;"
		n=mul_${s}_$1x$2_$3
		if prove "$n" "$p" "$p"; then echo "ok   $n"; else echo "FAIL $n ($work/$n.log)"; fail=1; fi
	done
done
# negative control: signed product vs the map of the unsigned one
g="(input signed [7:0] a, input signed [7:0] b, output [15:0] y); assign y = a * b;"
u="(input [7:0] a, input [7:0] b, output [15:0] y); assign y = a * b;"
if prove neg_control "$g" "$u" ||
	! grep -q 'SAT proof finished - model found' "$work/neg_control.log"; then
	echo "FAIL neg_control: a signed/unsigned mismatch was not detected"; fail=1
else
	echo "ok   neg_control (mismatch detected)"
fi
[ $fail = 0 ] && echo "PASS mul9_equiv"
exit $fail
