#!/bin/sh
# Run one libFuzzer target for FUZZ_SECONDS (default 20, the bound in
# `make check`; `make fuzz` = tests/check.sh --fuzz-long raises it).
# usage: run_fuzzer.sh FUZZER [libFuzzer options and corpus dirs...]
set -u
fuzzer=${1:?usage: run_fuzzer.sh FUZZER [ARGS...]}
shift
exec "$fuzzer" -max_total_time="${FUZZ_SECONDS:-20}" "$@"
