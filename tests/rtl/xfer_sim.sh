#!/bin/sh
# ctest rtl_xfer_sim (label rtl): rtl/dnpu_xfer.v alone under Icarus
# Verilog, tb_xfer.v's random transfers against its bus/memory model and
# scoreboard, for stream widths DW = 1, 4 and 16 and two seeds each, and
# the read-only instance (WRITES=0, DW 16).
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
build() {	# name iverilog-args...
	n=$1; shift
	iverilog -g2012 -Wall -I"$rtl" -s tb_xfer -o "$work/$n.vvp" "$@" "$tb" \
		"$rtl/dnpu_xfer.v" >"$work/$n-build.log" 2>&1 && [ ! -s "$work/$n-build.log" ] ||
		{ echo "FAIL build $n ($work/$n-build.log)"; cat "$work/$n-build.log"; fail=1; }
}
for dw in 1 4 16; do
	build dw$dw -Ptb_xfer.DW=$dw
done
build ro16 -Ptb_xfer.DW=16 -Ptb_xfer.WRITES=0
[ $fail = 0 ] || exit 1

run() {		# name build plusargs... -> 0 if the bench passes
	n=$1; b=$2; shift 2
	vvp -n "$work/$b.vvp" "$@" >"$work/$n.log" 2>&1 &&
		grep -q '^PASS tb_xfer' "$work/$n.log" && ! grep -q '^FAIL' "$work/$n.log"
}
check() {	# name build plusargs...
	if run "$@"; then
		echo "ok   $1: $(grep '^PASS' "$work/$1.log")"
	else
		echo "FAIL $1 ($work/$1.log)"; grep -A1 '^FAIL' "$work/$1.log" | head -4 || true
		fail=1
	fi
}

for dw in 1 4 16; do
	for seed in 1 2; do
		check dw$dw-seed$seed dw$dw +seed=$seed +cycles=$cycles
	done
done
# the read-only instance (command fetch: WRITES=0), reads only
check ro16-seed1 ro16 +seed=1 +cycles=$((cycles / 2))

neg() {		# name build what want-regex plusargs...: must fail with want-regex
	n=$1; b=$2; what=$3; want=$4; shift 4
	if run "$n" "$b" "$@" || ! grep -q "$want" "$work/$n.log"; then
		echo "FAIL $n: $what not caught ($work/$n.log)"; fail=1
	else
		echo "ok   $n ($what caught: $(grep -m1 "$want" "$work/$n.log" | sed 's/^FAIL //'))"
	fi
}
neg neg-wstrb dw4 "a flipped wstrb bit" '^FAIL \(byte\|[0-9]* bytes written\|write beat\)' \
	+seed=1 +cycles=$cycles +mutate=1
neg neg-sink dw16 "a wrong sink byte" '^FAIL sink byte' +seed=1 +cycles=$cycles +mutate=2
[ $fail = 0 ] && echo "PASS xfer_sim"
exit $fail
