#!/bin/bash
# checkpatch.pl (from Debian's linux-source tarball) over the driver's
# sources: fails on any error or warning.
#   tests/module/checkpatch.sh [WORK_DIR]
# Uses the tree tests/kunit/run.sh extracted if present, else extracts just
# checkpatch.pl and its data files. Exit 77 (skip) without the tarball.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${1:-$ROOT/build/checkpatch}
TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
CP=$ROOT/build/kunit/linux-source-6.1/scripts/checkpatch.pl
if [ ! -f "$CP" ]; then
	CP=$WORK/linux-source-6.1/scripts/checkpatch.pl
	if [ ! -f "$CP" ]; then
		[ -f "$TARBALL" ] || { echo "checkpatch.sh: no $TARBALL, skipping"; exit 77; }
		mkdir -p "$WORK"
		tar -xJf "$TARBALL" -C "$WORK" linux-source-6.1/scripts/checkpatch.pl \
			linux-source-6.1/scripts/spelling.txt \
			linux-source-6.1/scripts/const_structs.checkpatch
	fi
fi
cd "$ROOT"
files=$(ls driver/*.c driver/*.h driver/compat/*.c driver/tests/*.c driver/tests/*.h | grep -v '\.mod\.c$')
out=$(perl "$CP" --no-tree --terse --show-types -f $files 2>&1 | grep -v '^total:' || true)
if [ -n "$out" ]; then
	echo "$out"
	echo "FAIL: checkpatch reports the above"
	exit 1
fi
echo "PASS: checkpatch clean on $(echo "$files" | wc -w) files"
