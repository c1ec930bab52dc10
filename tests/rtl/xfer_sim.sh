#!/bin/sh
# ctest rtl_xfer_sim (label rtl): rtl/dnpu_xfer.v alone under Icarus
# Verilog, tb_xfer.v's random transfers against its bus/memory model and
# scoreboard, for stream widths DW = 1, 4 and 16 and two seeds each.
# Negative controls (the bench's +mutate: one wstrb bit flipped as the
# bus sees it; one sink byte expected wrong) must fail, so the checks can
# fail. ~20 CPU s.
#   xfer_sim.sh SOURCE_DIR WORK_DIR [CYCLES]
set -eu
src=$1; work=$2; cycles=${3:-20000}
mkdir -p "$work"
rtl=$src/rtl
tb=$src/tests/rtl/tb_xfer.v

fail=0
for dw in 1 4 16; do
	if ! iverilog -g2012 -Wall -I"$rtl" -Ptb_xfer.DW=$dw -s tb_xfer \
		-o "$work/xfer$dw.vvp" "$tb" "$rtl/dnpu_xfer.v" >"$work/xfer$dw-build.log" 2>&1; then
		echo "FAIL build DW=$dw ($work/xfer$dw-build.log)"; cat "$work/xfer$dw-build.log"
		fail=1
	fi
done
[ $fail = 0 ] || exit 1

run() {		# name dw plusargs... -> 0 if the bench passes
	n=$1; dw=$2; shift 2
	vvp -n "$work/xfer$dw.vvp" "$@" >"$work/$n.log" 2>&1 &&
		grep -q '^PASS tb_xfer' "$work/$n.log" && ! grep -q '^FAIL' "$work/$n.log"
}

for dw in 1 4 16; do
	for seed in 1 2; do
		n=dw$dw-seed$seed
		if run $n $dw +seed=$seed +cycles=$cycles; then
			echo "ok   $n: $(grep '^PASS' "$work/$n.log")"
		else
			echo "FAIL $n ($work/$n.log)"; grep -A1 '^FAIL' "$work/$n.log" | head -4 || true
			fail=1
		fi
	done
done

neg() {		# name dw what want-regex plusargs...: must fail with want-regex
	n=$1; dw=$2; what=$3; want=$4; shift 4
	if run "$n" "$dw" "$@" || ! grep -q "$want" "$work/$n.log"; then
		echo "FAIL $n: $what not caught ($work/$n.log)"; fail=1
	else
		echo "ok   $n ($what caught: $(grep -m1 "$want" "$work/$n.log" | sed 's/^FAIL //'))"
	fi
}
neg neg-wstrb 4 "a flipped wstrb bit" '^FAIL \(byte\|[0-9]* bytes written\|write beat\)' \
	+seed=1 +cycles=$cycles +mutate=1
neg neg-sink 16 "a wrong sink byte" '^FAIL sink byte' +seed=1 +cycles=$cycles +mutate=2
[ $fail = 0 ] && echo "PASS xfer_sim"
exit $fail
