#!/bin/sh
# verilator --lint-only -Wall on every module file under rtl/ (each as its
# own top, submodules found through -y). Any warning fails.
set -eu
RTL=${1:?usage: lint.sh RTL_DIR}
status=0
# every directory of rtl/ is a library search path (the control core lives
# in rtl/rv32/)
libs=""
for d in $(find "$RTL" -type d ! -name generated); do libs="$libs -y $d"; done
for f in $(find "$RTL" -name '*.v' | sort); do
	top=$(basename "$f" .v)
	# shellcheck disable=SC2086
	if verilator --lint-only -Wall $libs -I"$RTL" --top-module "$top" "$f"; then
		echo "lint ok: $top"
	else
		echo "lint FAILED: $top"
		status=1
	fi
done
exit $status
