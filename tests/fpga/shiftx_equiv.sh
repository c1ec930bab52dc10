#!/bin/sh
# ctest fpga_shiftx_funnel (label fpga): the ECP5 flow's variable
# part-select map (tools/fpga/shiftx_funnel_map.v: a wide $shiftx with a
# narrow result becomes a funnel shifter) is equivalent to Yosys' $shiftx,
# proven with Yosys' SAT solver on a miter for the operand shapes the RTL
# has (2048-bit command buffer, 128..512-bit scratchpad lanes, bus
# registers; signed and
# unsigned shift amounts, widths that are not powers of two). Result bits
# that $shiftx leaves undefined (out of range) match anything. A
# deliberately wrong pairing (a signed shift against the map of the
# unsigned one) must fail, so the check can fail.
#   shiftx_equiv.sh SOURCE_DIR WORK_DIR
set -eu
src=$1; work=$2
mkdir -p "$work"
map=$src/tools/fpga/shiftx_funnel_map.v

cellmod() {	# name A_WIDTH B_WIDTH Y_WIDTH B_SIGNED: one $shiftx, in RTLIL
	cat <<EOV
module \\$1
  wire width $2 input 1 \\a
  wire width $3 input 2 \\b
  wire width $4 output 3 \\y
  cell \$shiftx \\s
    parameter \\A_SIGNED 0
    parameter \\B_SIGNED $5
    parameter \\A_WIDTH $2
    parameter \\B_WIDTH $3
    parameter \\Y_WIDTH $4
    connect \\A \\a
    connect \\B \\b
    connect \\Y \\y
  end
end
EOV
}

prove() {	# name A B Y gold-signed gate-signed -> 0 if equivalent
	{
		echo "read_rtlil <<EOV"
		cellmod gold "$2" "$3" "$4" "$5"
		cellmod gate "$2" "$3" "$4" "$6"
		echo "EOV"
		echo "techmap -map $map gate"
		echo "select -assert-none gate/t:\$shiftx"
		echo "techmap gate"
		echo "opt -fast gate"
		echo "miter -equiv -flatten -make_assert -ignore_gold_x gold gate miter"
		echo "sat -verify -prove-asserts -enable_undef miter"
	} >"$work/$1.ys"
	yosys -q -l "$work/$1.log" "$work/$1.ys" >/dev/null 2>&1
}

fail=0
for w in "2048 13 8 1" "2048 10 8 1" "128 13 8 1" "256 9 8 1" "256 9 64 1" \
	"512 10 32 1" "100 8 8 1" "96 5 16 0" "64 7 8 0" "64 3 8 1"; do
	set -- $w
	n=shiftx_$1_$2_$3_s$4
	if prove "$n" "$1" "$2" "$3" "$4" "$4"; then echo "ok   $n"; else echo "FAIL $n ($work/$n.log)"; fail=1; fi
done
# negative control: a signed shift amount vs the map of an unsigned one
if prove neg_control 64 7 8 1 0 ||
	! grep -q 'SAT proof finished - model found' "$work/neg_control.log"; then
	echo "FAIL neg_control: a signed/unsigned mismatch was not detected"; fail=1
else
	echo "ok   neg_control (mismatch detected)"
fi
[ $fail = 0 ] && echo "PASS shiftx_equiv"
exit $fail
