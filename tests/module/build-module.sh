#!/bin/bash
# Build dnpu.ko against one installed kernel and fail on any compiler or
# sparse warning from the driver's files.
#   tests/module/build-module.sh KVER [WORK_DIR]
# Builds a private copy of the sources (parallel runs for several kernels
# must not share object files). Exit 77 (skip) if the headers are missing.
set -eu
KVER=${1:?usage: build-module.sh KVER [WORK_DIR]}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${2:-$ROOT/build/module/$KVER}
KDIR=/lib/modules/$KVER/build
if [ ! -d "$KDIR" ]; then
	echo "build-module.sh: no headers for $KVER in $KDIR, skipping"
	exit 77
fi
command -v sparse >/dev/null || { echo "build-module.sh: sparse not installed" >&2; exit 1; }

SRC=$WORK/src
rm -rf "$SRC"
mkdir -p "$SRC"
cp -r "$ROOT/Kbuild" "$ROOT/driver" "$ROOT/uapi" "$SRC/"
find "$SRC" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '.*.cmd' \) -delete

fail=0
check_log() {	# check_log WHAT LOG
	# any diagnostic that points into our sources counts
	if grep -E "^$SRC/.*(warning|error):" "$2" >/dev/null ||
	   grep -E '(^|[^a-z])(warning|error):' "$2" | grep -q "$SRC"; then
		echo "FAIL: $1 has diagnostics:"
		grep -E '(warning|error):' "$2"
		fail=1
	fi
}

echo "== $KVER: build"
if ! make -C "$KDIR" M="$SRC" KCFLAGS=-Werror -j2 modules >"$WORK/build.log" 2>&1; then
	cat "$WORK/build.log"
	echo "FAIL: build against $KVER"
	exit 1
fi
check_log "build" "$WORK/build.log"
KO=$SRC/driver/dnpu.ko
[ -f "$KO" ] || { echo "FAIL: $KO not built"; exit 1; }
vermagic=$(/sbin/modinfo -F vermagic "$KO" 2>/dev/null || modinfo -F vermagic "$KO")
case "$vermagic" in
"$KVER "*) echo "vermagic: $vermagic" ;;
*) echo "FAIL: vermagic '$vermagic' is not for $KVER"; fail=1 ;;
esac

echo "== $KVER: sparse (C=2)"
make -C "$KDIR" M="$SRC" C=2 -j2 modules >"$WORK/sparse.log" 2>&1 || {
	cat "$WORK/sparse.log"; echo "FAIL: sparse build"; exit 1; }
checked=$(grep -c '  CHECK ' "$WORK/sparse.log" || true)
echo "sparse checked $checked files"
[ "$checked" -gt 0 ] || { echo "FAIL: sparse did not run"; fail=1; }
check_log "sparse" "$WORK/sparse.log"

[ $fail = 0 ] && echo "PASS: dnpu.ko for $KVER, no warnings"
exit $fail
