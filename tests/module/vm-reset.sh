#!/bin/bash
# Hang recovery with several jobs in flight, in the co-simulation VM: builds
# the guest program driver/tests/guest/dnpu_reset.c and runs it through
# tools/vm/run.sh with the driver built for the guest kernel.
#   tests/module/vm-reset.sh KERNEL(6.1|6.12) WORK_DIR [run.sh options]
# Exit status: run.sh's (0 pass, 1 fail, 77 skip: no QEMU/kernel/daemon).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KERNEL=${1:?usage: vm-reset.sh 6.1|6.12 WORK_DIR}
WORK=${2:?usage: vm-reset.sh 6.1|6.12 WORK_DIR}
shift 2
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -I"$ROOT/uapi" \
	-I"$ROOT/uapi/drm" $(pkg-config --cflags libdrm 2>/dev/null) \
	-o "$WORK/dnpu_reset" "$ROOT/driver/tests/guest/dnpu_reset.c"
exec "$ROOT/tools/vm/run.sh" --kernel "$KERNEL" --driver --timeout 150 \
	--out "$WORK/run" --file "$WORK/dnpu_reset:/tests/dnpu_reset" \
	--test "dnpu_reset /tests/dnpu_reset" "$@"
