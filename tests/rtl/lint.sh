#!/bin/sh
# verilator --lint-only -Wall on every module in rtl/ (each as its own top,
# submodules found through -y). Any warning fails.
set -eu
RTL=${1:?usage: lint.sh RTL_DIR}
status=0
for f in "$RTL"/*.v; do
	top=$(basename "$f" .v)
	if verilator --lint-only -Wall -y "$RTL" -I"$RTL" --top-module "$top" "$f"; then
		echo "lint ok: $top"
	else
		echo "lint FAILED: $top"
		status=1
	fi
done
exit $status
