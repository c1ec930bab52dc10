#!/bin/bash
# Run the dnpu driver's KUnit tests (driver/tests/) under UML with kunit.py
# from Debian's linux-source tarball, and print the KTAP result.
#   tests/kunit/run.sh [BUILD_DIR]
# The source is extracted once into BUILD_DIR (default build/kunit); the
# UML build is cached there too (cold ~2 min, then seconds). Exit status is
# kunit.py's: non-zero when a test fails or the build breaks.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(mkdir -p "${1:-$ROOT/build/kunit}" && cd "${1:-$ROOT/build/kunit}" && pwd)
TARBALL=${LINUX_SOURCE_TARBALL:-$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null || true)}
SRC=$BUILD/linux-source-6.1

if [ ! -f "$BUILD/.extracted" ]; then
	if [ -z "$TARBALL" ] || [ ! -f "$TARBALL" ]; then
		echo "run.sh: no linux-source tarball (apt-get install linux-source)" >&2
		exit 77
	fi
	rm -rf "$SRC"
	tar -xJf "$TARBALL" -C "$BUILD"
	touch "$BUILD/.extracted"
fi

# Link the driver's pure logic and its tests into the tree as a small
# built-in test driver (they need no hardware and no DRM).
T=$SRC/drivers/dnpu_kunit
mkdir -p "$T"
for f in driver/dnpu_logic.c driver/dnpu_logic.h driver/tests/dnpu_logic_test.c \
	 driver/tests/dnpu_logic_test_cases.h uapi/dnpu_hw.h uapi/drm/dnpu_drm.h; do
	ln -sf "$ROOT/$f" "$T/$(basename "$f")"
done
cat > "$T/Kconfig" <<'KCONFIG'
config DNPU_KUNIT_TEST
	tristate "KUnit tests of the dnpu driver logic" if !KUNIT_ALL_TESTS
	depends on KUNIT
	default KUNIT_ALL_TESTS
KCONFIG
cat > "$T/Makefile" <<'MAKEFILE'
obj-$(CONFIG_DNPU_KUNIT_TEST) += dnpu_kunit.o
dnpu_kunit-y := dnpu_logic.o dnpu_logic_test.o
ccflags-y += -I$(srctree)/include/uapi/drm
MAKEFILE
grep -q dnpu_kunit "$SRC/drivers/Kconfig" ||
	sed -i '$i source "drivers/dnpu_kunit/Kconfig"' "$SRC/drivers/Kconfig"
grep -q dnpu_kunit "$SRC/drivers/Makefile" ||
	echo 'obj-$(CONFIG_DNPU_KUNIT_TEST) += dnpu_kunit/' >> "$SRC/drivers/Makefile"

cd "$SRC"
status=0
python3 tools/testing/kunit/kunit.py run --arch=um --jobs=2 \
	--build_dir="$BUILD/uml" --kunitconfig="$ROOT/tests/kunit/.kunitconfig" \
	</dev/null >"$BUILD/kunit.out" 2>&1 || status=$?
# KTAP as the kernel printed it
sed -n '/^\(K\)\?TAP version/,$p' "$BUILD/uml/test.log" 2>/dev/null || true
if [ $status -ne 0 ]; then
	echo "run.sh: kunit.py failed ($status); last lines of $BUILD/kunit.out:" >&2
	tail -n 40 "$BUILD/kunit.out" >&2
fi
exit $status
