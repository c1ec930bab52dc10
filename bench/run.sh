#!/bin/bash
# `make bench`: benchmarks (not tests). Needs ../shared/golden for the models.
#   bench/run.sh [--quick]
# Writes bench/results/*.json, the per-suite Markdown reports and
# bench/results/REPORT.md (all suites of this run, with the commit); each
# sim report compares with the previous run's JSON and with
# bench/results/baseline/ (docs/BENCH.md). BENCH_RTL=0 skips the RTL run;
# the RTL run leaves out the NMC vs array vs CPU comparison (three more runs
# of each model) unless BENCH_RTL_COMPARE=1.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}/main
SHARED=${DNPU_SHARED_DIR:-$ROOT/../shared}
OUT=$ROOT/bench/results
case "${1:-}" in
-h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -v ' bench/results/')" ] && commit="$commit+dirty"
mkdir -p "$OUT"
if [ ! -d "$SHARED/golden" ]; then
	echo "bench: $SHARED/golden not found; the benchmarks run the golden models" >&2
	exit 1
fi
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# compare args: the previous run in DIR (if any) and the committed baseline
compare_args() {
	local dir=$1 base=$2
	if [ -f "$dir/sim.json" ]; then
		cp "$dir/sim.json" "$tmp/$3.prev.json"
		echo --previous "$tmp/$3.prev.json"
	fi
	[ -f "$base/sim.json" ] && echo --baseline "$base/sim.json"
	return 0
}
echo "== sim backend: cycles, utilization, DRAM traffic, energy, NMC vs array vs CPU =="
t0=$(date +%s)
# shellcheck disable=SC2046
"$BUILD/bench/sim/bench-sim" --shared "$SHARED" --out "$OUT" --commit "$commit" \
	$(compare_args "$OUT" "$OUT/baseline" cmodel) || status=1
echo "bench: C model suite took $(( $(date +%s) - t0 )) s"
if [ -f "$BUILD/sim/rtl/libdnpu_rtl.so" ] && [ "${BENCH_RTL:-1}" != 0 ]; then
	echo "== the same on the Verilator RTL device (exact cycles, simulator speed) =="
	mkdir -p "$OUT/rtl"
	t0=$(date +%s)
	# shellcheck disable=SC2046
	DNPU_SIM_DEVICE=rtl DNPU_RTL_LIB="$BUILD/sim/rtl/libdnpu_rtl.so" \
	DNPU_FIRMWARE="$BUILD/../firmware/dnpu-fw.bin" \
		"$BUILD/bench/sim/bench-sim" --shared "$SHARED" --out "$OUT/rtl" \
		--commit "$commit" --device "the Verilator RTL (exact cycles)" \
		$([ "${BENCH_RTL_COMPARE:-0}" = 1 ] || echo --no-compare) \
		$(compare_args "$OUT/rtl" "$OUT/rtl/baseline" rtl) || status=1
	echo "bench: RTL suite took $(( $(date +%s) - t0 )) s"
fi
if [ -x "$BUILD/bench/cpu/bench-cpu" ]; then
	echo "== CPU backend vs TFLite 2.9 vs XNNPACK =="
	"$BUILD/bench/cpu/bench-cpu" --shared "$SHARED" --out "$OUT" "$@" || status=1
fi
{
	echo "# dnpu benchmark report"
	echo
	echo "Commit $commit, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores."
	for md in "$OUT"/sim.md "$OUT"/rtl/sim.md "$OUT"/cpu.md; do
		[ -f "$md" ] || continue
		echo
		sed 's/^# /## /; s/^## \(.*per layer\)/### \1/' "$md"
	done
} > "$OUT/REPORT.md"
echo "bench: report in bench/results/REPORT.md"
exit $status
