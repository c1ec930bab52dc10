#!/bin/bash
# Boot a Debian kernel under QEMU (TCG) with the dnpu-cosim daemon attached
# as an ivshmem-doorbell device, run tests in a busybox initramfs and report.
#   tools/vm/run.sh [--kernel 6.1|6.12] [--device cmodel|rtl] [options]
# Options:
#   --kernel V       6.1 (default) or 6.12: newest /boot/vmlinuz-V.*-amd64
#   --device NAME    device model in the daemon (default cmodel)
#   --device-opt K=V option for the device model (repeatable; rtl: lib=PATH,
#                    latency=, bytes_per_cycle=, trace=FILE.fst)
#   --daemon BIN     daemon binary (default: BUILD/cosim/sim/cosim/dnpu-cosim,
#                    built on demand)
#   --driver         build driver/ for the guest kernel (into BUILD/vm/src-KVER)
#                    and insmod dnpu.ko with its in-kernel dependencies
#   --driver-tree D  take driver/, uapi/ and Kbuild from D instead of this tree
#   --module-args A  parameters for insmod dnpu.ko (e.g. fw_boot_timeout_ms=)
#   --test "NAME CMD" run CMD in the guest (repeatable; CMD may use the guest
#                    programs in /tests: cosim_transport, ...)
#   --file SRC:DST   copy host file SRC to DST in the initramfs (repeatable;
#                    prebuilt guest programs, test data read at test time)
#   --timeout S      kill QEMU after S seconds (default 60)
#   --cmdline ARGS   extra kernel command line (e.g. loglevel=7 for driver info)
#   --out DIR        work directory (default BUILD/vm/run-KVER-DEVICE)
#   -v, --verbose    daemon logs every register access; show the console
#   -h, --help       this text
# Exit status: 0 all guest tests passed and the kernel log is clean,
# 1 a test failed, 2 bad usage or a build failed, 77 a prerequisite is
# missing (kernel, QEMU, busybox-static, headers: ctest reports a skip),
# 124 timeout.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
kernel=6.1
device=cmodel
daemon=""
driver=0
driver_tree=""
module_args=""
cmdline=""
timeout_s=60
out=""
verbose=0
tests=()
files=()
device_opts=()

usage() { sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "run.sh: $*" >&2; exit 2; }
skip() { echo "run.sh: SKIP: $*" >&2; exit 77; }

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2:?}; shift ;;
	--device) device=${2:?}; shift ;;
	--device-opt) device_opts+=(-o "${2:?}"); shift ;;
	--daemon) daemon=${2:?}; shift ;;
	--driver) driver=1 ;;
	--driver-tree) driver_tree=${2:?}; shift ;;
	--module-args) module_args=${2:?}; shift ;;
	--test) tests+=("${2:?}"); shift ;;
	--file) files+=("${2:?}"); shift ;;
	--timeout) timeout_s=${2:?}; shift ;;
	--cmdline) cmdline=${2:?}; shift ;;
	--out) out=${2:?}; shift ;;
	-v|--verbose) verbose=1 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
case "$kernel" in 6.1|6.12) ;; *) die "--kernel must be 6.1 or 6.12" ;; esac
case "$timeout_s" in ''|*[!0-9]*) die "--timeout needs seconds" ;; esac

vmlinuz=$(ls /boot/vmlinuz-"$kernel".*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$vmlinuz" ] || skip "no /boot/vmlinuz-$kernel.*-amd64"
kver=${vmlinuz#/boot/vmlinuz-}
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing"
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
	skip "busybox-static missing"
busybox=/bin/busybox
[ -n "$out" ] || out=$BUILD/vm/run-$kver-$device
rm -rf "$out"
mkdir -p "$out" || die "cannot create $out"

log() { echo "run.sh: $*"; }

# ---- daemon ----
if [ -z "$daemon" ]; then
	daemon=$BUILD/cosim/sim/cosim/dnpu-cosim
	if [ ! -x "$daemon" ] || [ -n "$(find "$ROOT/sim" -newer "$daemon" -name '*.[ch]' | head -n 1)" ]; then
		log "building dnpu-cosim in $BUILD/cosim"
		cmake -S "$ROOT" -B "$BUILD/cosim" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$out/cmake.log" 2>&1 &&
			cmake --build "$BUILD/cosim" -j2 --target dnpu-cosim >>"$out/cmake.log" 2>&1 ||
			{ tail -n 20 "$out/cmake.log"; die "daemon build failed"; }
	fi
	# The RTL device library is found next to the daemon (device_rtl.c).
	if [ "$device" = rtl ] && ! printf '%s\n' ${device_opts[@]+"${device_opts[@]}"} | grep -q '^lib='; then
		log "building libdnpu_rtl.so in $BUILD/cosim (Verilator, slow the first time)"
		cmake --build "$BUILD/cosim" -j2 --target dnpu_rtl >>"$out/cmake.log" 2>&1 ||
			{ tail -n 20 "$out/cmake.log"; die "RTL device build failed"; }
	fi
fi
[ -x "$daemon" ] || die "no daemon binary $daemon"
# Backends are built only when their model exists (sim/cosim/CMakeLists.txt).
"$daemon" --help | grep -Eq "^ +$device +" ||
	skip "$(basename "$daemon") has no device '$device' (not built yet)"

# ---- guest programs (static) ----
root=$out/initramfs
mkdir -p "$root"/{bin,etc/dnpu,lib/modules,lib/firmware/dnpu,tests,proc,sys,dev,tmp}
for src in "$ROOT"/tests/vm/guest/*.c; do
	[ -f "$src" ] || continue
	prog=$(basename "$src" .c)
	gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -I"$ROOT/uapi" \
		-I"$ROOT/uapi/drm" $(pkg-config --cflags libdrm 2>/dev/null) \
		-o "$root/tests/$prog" "$src" 2>"$out/gcc-$prog.log" ||
		{ cat "$out/gcc-$prog.log"; die "guest program $prog failed to build"; }
done
for f in ${files[@]+"${files[@]}"}; do
	case "$f" in /*:/*) ;; *) die "--file needs SRC:DST with absolute paths: $f" ;; esac
	mkdir -p "$root$(dirname "${f#*:}")" && cp -L "${f%%:*}" "$root${f#*:}" ||
		die "cannot copy $f into the initramfs"
done

# ---- driver and its in-kernel dependencies ----
if [ "$driver" = 1 ]; then
	[ -d "/lib/modules/$kver/build" ] || skip "no headers for $kver"
	: "${driver_tree:=$ROOT}"
	[ -f "$driver_tree/driver/Kbuild" ] || skip "driver/ has no Kbuild yet"
	# Build a private copy so the driver engineer's tree is left alone.
	src=$BUILD/vm/src-$kver
	mkdir -p "$src"
	rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.cmd' \
		--exclude '*.mod*' --exclude 'modules.order' --exclude 'Module.symvers' \
		"$driver_tree/driver" "$driver_tree/uapi" "$driver_tree/Kbuild" "$src/" ||
		die "rsync of driver sources failed"
	log "building dnpu.ko for $kver"
	if ! make -s -C "/lib/modules/$kver/build" M="$src" -j2 modules >"$out/module-build.log" 2>&1; then
		tail -n 30 "$out/module-build.log"
		die "dnpu.ko build failed for $kver"
	fi
	ko=$(find "$src" -name dnpu.ko | head -n 1)
	[ -n "$ko" ] || die "build produced no dnpu.ko"
	: > "$root/etc/dnpu/modules"
	deps=$(modinfo -F depends "$ko" | tr ',' ' ')
	for dep in $deps; do
		modprobe --show-depends -S "$kver" "$dep" 2>/dev/null |
			awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' > "$out/deps.list"
	while read -r path; do
		base=$(basename "$path")
		case "$base" in
		*.ko.xz) xz -dc "$path" > "$root/lib/modules/${base%.xz}"; base=${base%.xz} ;;
		*.ko.zst) zstd -qdc "$path" > "$root/lib/modules/${base%.zst}"; base=${base%.zst} ;;
		*) cp "$path" "$root/lib/modules/" ;;
		esac
		echo "$base" >> "$root/etc/dnpu/modules"
	done < "$out/deps.list"
	cp "$ko" "$root/lib/modules/dnpu.ko"
	echo "dnpu.ko $module_args" >> "$root/etc/dnpu/modules"
	log "modules: $(tr '\n' ' ' < "$root/etc/dnpu/modules")"
	# The driver loads dnpu/dnpu-fw.bin with request_firmware().
	if [ -f "$ROOT/firmware/Makefile" ]; then
		make -s -C "$ROOT/firmware" O="$BUILD/vm/firmware" >"$out/firmware-build.log" 2>&1 ||
			{ tail -n 20 "$out/firmware-build.log"; die "firmware build failed"; }
	fi
	for fw in "$BUILD"/vm/firmware/*.bin; do
		[ -f "$fw" ] && cp "$fw" "$root/lib/firmware/dnpu/"
	done
fi

: > "$root/etc/dnpu/tests"
for t in "${tests[@]}"; do
	echo "$t" >> "$root/etc/dnpu/tests"
done

# ---- initramfs ----
cp "$busybox" "$root/bin/busybox"
cp "$ROOT/tools/vm/init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initramfs.cpio.gz" ||
	die "initramfs build failed"

# ---- run: daemon first, then QEMU, both bounded ----
ram_dir=/dev/shm
[ -d "$ram_dir" ] && [ -w "$ram_dir" ] || ram_dir=$out
sock=$out/ivshmem.sock
mem=512M
ram=""
daemon_pid=""
qemu_pid=""
cleanup() {
	[ -n "$qemu_pid" ] && kill -9 "$qemu_pid" 2>/dev/null
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null
	rm -f "$ram"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One boot: a fresh guest RAM file and daemon, QEMU until the guest
# powers off or the timeout; leaves console.txt and the exit codes.
boot() {
	ram=$(mktemp "$ram_dir/dnpu-vm-ram.XXXXXX") || die "mktemp failed"
	truncate -s "$mem" "$ram"
	rm -f "$sock"
	daemon_args=(--socket "$sock" --guest-ram "$ram" --device "$device" -v
		${device_opts[@]+"${device_opts[@]}"})
	[ "$verbose" = 1 ] && daemon_args+=(-v)
	"$daemon" "${daemon_args[@]}" >"$out/daemon.log" 2>&1 &
	daemon_pid=$!
	for _ in $(seq 100); do
		grep -q 'listening on' "$out/daemon.log" 2>/dev/null && break
		kill -0 "$daemon_pid" 2>/dev/null || break
		sleep 0.05
	done
	if ! grep -q 'listening on' "$out/daemon.log"; then
		cat "$out/daemon.log"
		die "daemon did not start"
	fi

	log "booting $kver, device $device, timeout ${timeout_s}s (console: $out/console.log)"
	start=$(date +%s.%N)
	qemu-system-x86_64 -accel tcg -machine q35,memory-backend=mem \
		-object memory-backend-file,id=mem,size=$mem,mem-path="$ram",share=on \
		-m $mem -smp 2 -nographic -no-reboot \
		-kernel "$vmlinuz" -initrd "$out/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 loglevel=4 $cmdline" \
		-chardev socket,path="$sock",id=ivs \
		-device ivshmem-doorbell,chardev=ivs,vectors=1 \
		</dev/null >"$out/console.log" 2>&1 &
	qemu_pid=$!
	timed_out=0
	deadline=$(( $(date +%s) + timeout_s ))
	ram_unlinked=0
	while kill -0 "$qemu_pid" 2>/dev/null; do
		# Both processes hold the RAM file mapped once QEMU is connected: drop
		# the name so nothing is left in /dev/shm even if this script is killed.
		if [ "$ram_unlinked" = 0 ] && grep -q 'guest connected' "$out/daemon.log"; then
			rm -f "$ram"
			ram_unlinked=1
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			timed_out=1
			kill -9 "$qemu_pid" 2>/dev/null
			break
		fi
		sleep 0.2
	done
	wait "$qemu_pid" 2>/dev/null
	qemu_rc=$?
	qemu_pid=""
	elapsed=$(echo "$(date +%s.%N) - $start" | bc)

	# The daemon exits by itself once QEMU is gone; give it a moment.
	for _ in $(seq 50); do
		kill -0 "$daemon_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$daemon_pid" 2>/dev/null; then
		echo "run.sh: daemon still running after QEMU exited, killing it" >> "$out/daemon.log"
		kill -9 "$daemon_pid" 2>/dev/null
		daemon_ok=0
	else
		daemon_ok=1
	fi
	wait "$daemon_pid" 2>/dev/null
	daemon_rc=$?
	daemon_pid=""

	tr -d '\r' < "$out/console.log" > "$out/console.txt"
}

boot
# QEMU TCG with 2 vCPUs has crashed a 6.12 guest once in early boot
# (int3 Oops in sched_clock_cpu: a kernel text patch racing the other
# vCPU), before init ran and before any dnpu code was loaded. Only that
# case is retried, once: a panic after init's test plan is a result.
if [ "$timed_out" = 0 ] && grep -q 'Kernel panic' "$out/console.txt" &&
	! grep -qE '^[0-9]+\.\.[0-9]+$' "$out/console.txt"; then
	cp "$out/console.txt" "$out/console-boot1.txt"
	rm -f "$ram"
	log "guest kernel panicked during boot, before init's tests (console-boot1.txt); booting again"
	boot
fi
if [ "$verbose" = 1 ]; then
	cat "$out/console.txt"
	cat "$out/daemon.log"
else
	# KTAP lines and anything the kernel complained about
	grep -E '^ *(ok|not ok|#|KTAP|[0-9]+\.\.)|DNPU-VM|WARNING:|BUG:|Oops|Kernel panic' "$out/console.txt"
	grep -E 'requests|refused|error' "$out/daemon.log" | tail -n 3
fi
guest_rc=$(sed -n 's/^DNPU-VM-EXIT: \([0-9]*\).*/\1/p' "$out/console.txt" | tail -n 1)
printf 'run.sh: %s device=%s: %.1f s, guest exit %s, qemu %s, daemon exit %s%s\n' \
	"$kver" "$device" "$elapsed" "${guest_rc:-none}" "$qemu_rc" "$daemon_rc" \
	"$([ "$daemon_ok" = 1 ] || echo ' (had to be killed)')"
if [ "$timed_out" = 1 ]; then
	echo "run.sh: TIMEOUT after ${timeout_s}s" >&2
	exit 124
fi
[ "$guest_rc" = 0 ] && [ "$daemon_ok" = 1 ] && [ "$daemon_rc" = 0 ] || exit 1
exit 0
