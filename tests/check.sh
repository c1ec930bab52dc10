#!/bin/bash
# Run every test: `make check` calls this. Ends with "N passed, N failed".
#   tests/check.sh              all suites (bounded)
#   tests/check.sh --fuzz-long  only the fuzz targets, FUZZ_SECONDS_LONG each
#                               (default 180: three targets, ~10 min), then
#                               the longer RTL replay of their corpus
#   tests/check.sh --help
# Suites: the hardware header/Verilog include agree; the userspace build and
# its ctest tests (unit, golden, reference, rtl, fpga, kernel, vm, lint labels);
# the same unit tests under AddressSanitizer + UndefinedBehaviorSanitizer;
# libFuzzer targets for a bounded time; the command-stream corpus they left
# replayed on the RTL engine (when build/main has tests/rtl/tb_replay).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
JOBS=${JOBS:-2}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
case "${1:-}" in
-h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
--fuzz-long) FUZZ_SECONDS=${FUZZ_SECONDS_LONG:-180}; ONLY_FUZZ=1 ;;
"") ;;
*) echo "check.sh: unknown argument '$1'" >&2; exit 2 ;;
esac
export FUZZ_SECONDS

passed=0
failed=0
failures=""
log_dir="$BUILD/check"
mkdir -p "$log_dir"

note() { printf '\n=== %s ===\n' "$*"; }
record() {	# record NAME RC
	if [ "$2" = 0 ]; then passed=$((passed + 1)); echo "PASS: $1"
	else failed=$((failed + 1)); failures="$failures $1"; echo "FAIL: $1"; fi
}
# Run ctest in DIR with extra args; fold its counts into ours.
run_ctest() {	# run_ctest NAME DIR ARGS...
	local name=$1 dir=$2 out rc line p f t
	shift 2
	out="$log_dir/$name.log"
	(cd "$dir" && ctest --output-on-failure --timeout 1800 -j1 "$@") 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$out" | tail -n 1)
	if [ -n "$line" ]; then
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
		t=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/')
		p=$((t - f))
		passed=$((passed + p)); failed=$((failed + f))
		[ "$f" = 0 ] || failures="$failures $name($(grep -E '^\s+[0-9]+ - ' "$out" | awk '{print $3}' | tr '\n' ' '))"
	elif grep -q 'No tests were found' "$out"; then
		echo "($name: no tests registered)"
	else
		record "$name" "$rc"
	fi
}
configure_build() {	# configure_build NAME DIR CMAKE_ARGS...
	local name=$1 dir=$2
	shift 2
	note "build: $name"
	if cmake -S "$ROOT" -B "$dir" "$@" >"$log_dir/$name-configure.log" 2>&1 &&
	   cmake --build "$dir" -j"$JOBS" >"$log_dir/$name-build.log" 2>&1; then
		record "build-$name" 0
		return 0
	fi
	tail -n 40 "$log_dir/$name-configure.log" "$log_dir/$name-build.log" 2>/dev/null
	record "build-$name" 1
	return 1
}

if [ -z "${ONLY_FUZZ:-}" ]; then
	note "hardware definitions: uapi/dnpu_hw.h -> rtl/generated/dnpu_hw.vh"
	"$ROOT/tools/gen-hw-vh/gen-hw-vh.sh" --check
	record gen-hw-vh $?

	if [ -f "$ROOT/firmware/Makefile" ]; then
		note "firmware"
		make -s -C "$ROOT/firmware" O="$BUILD/firmware" >"$log_dir/firmware.log" 2>&1
		rc=$?; [ $rc = 0 ] || tail -n 30 "$log_dir/firmware.log"
		record firmware-build $rc
		make -s -C "$ROOT/firmware" SOFT=1 O="$BUILD/firmware-soft" >"$log_dir/firmware-soft.log" 2>&1
		rc=$?; [ $rc = 0 ] || tail -n 30 "$log_dir/firmware-soft.log"
		record firmware-soft-build $rc
	fi

	if configure_build main "$BUILD/main" -DCMAKE_BUILD_TYPE=RelWithDebInfo; then
		note "tests: all labels"
		run_ctest ctest-main "$BUILD/main"
	fi
	if configure_build asan "$BUILD/asan" -DCMAKE_BUILD_TYPE=Debug -DDNPU_SANITIZE=ON -DDNPU_HW=OFF; then
		note "tests: unit, under ASan + UBSan"
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			run_ctest ctest-asan "$BUILD/asan" -L unit
	fi
fi
if command -v clang >/dev/null 2>&1; then
	if CC=clang CXX=clang++ configure_build fuzz "$BUILD/fuzz" -DDNPU_FUZZ=ON -DDNPU_HW=OFF -DCMAKE_BUILD_TYPE=Debug; then
		note "fuzz targets, $FUZZ_SECONDS s each"
		# --fuzz-long keeps each fuzzer's final stats (executions,
		# coverage, corpus) in build/check/ctest-fuzz.log
		run_ctest ctest-fuzz "$BUILD/fuzz" -L fuzz ${ONLY_FUZZ:+-V}
	fi
fi
# The command-stream corpus (and crash files) the libFuzzer target left,
# replayed on the RTL engine against the C model (tests/rtl/tb_replay).
replay="$BUILD/main/tests/rtl/tb_replay"
corpus="$BUILD/fuzz/tests/cmodel/fuzz_cmodel_corpus"
if [ -x "$replay" ] && [ -d "$corpus" ]; then
	note "command-stream corpus on the RTL engine"
	set -- "+corpus=$corpus"
	for f in "$BUILD"/fuzz/tests/cmodel/crash-* "$BUILD"/fuzz/tests/cmodel/timeout-*; do
		[ -f "$f" ] && set -- "$@" "+streams=$f"
	done
	if [ -n "${ONLY_FUZZ:-}" ]; then
		set -- "$@" +mutate=3 +count="${REPLAY_COUNT_LONG:-5000}" +seed="$(date +%s)"
	else
		set -- "$@" +mutate=1 +count="${REPLAY_COUNT:-400}" +seed=1
	fi
	timeout 3600 "$replay" "$@" 2>&1 | tee "$log_dir/rtl-replay.log" | tail -n 25
	record rtl-replay-corpus "${PIPESTATUS[0]}"
fi

echo
[ -z "$failures" ] || echo "failed:$failures"
echo "check: $passed passed, $failed failed"
[ "$failed" = 0 ]
