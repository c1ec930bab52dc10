#!/bin/sh
# Install libaccel into a temporary prefix and build + run a program
# against it with pkg-config (checks accel.pc, the header and the .so).
# usage: install_test.sh BUILD_DIR C_COMPILER
set -eu
build=$1
cc=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake -DCMAKE_INSTALL_PREFIX="$tmp/prefix" \
      -P "$build/libaccel/cmake_install.cmake" >/dev/null
pc=$(find "$tmp/prefix" -name accel.pc)
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
cat > "$tmp/t.c" <<'C'
#include <stdio.h>
#include <accel.h>
int main(void)
{
	accel_context *ctx;
	int rc = accel_open(&ctx, ACCEL_BACKEND_CPU);
	printf("accel_open(cpu): %s\n", accel_status_str(rc));
	accel_close(ctx);
	return rc != ACCEL_OK;
}
C
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Werror "$tmp/t.c" -o "$tmp/t" \
	$(pkg-config --cflags --libs accel)
LD_LIBRARY_PATH=$(pkg-config --variable=libdir accel) "$tmp/t"
