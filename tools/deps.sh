#!/bin/bash
# Install everything dnpu needs on a fresh Debian 12 (bookworm), idempotently.
#   tools/deps.sh            install what is missing (quiet)
#   tools/deps.sh --check    exit 0 if everything is present, 1 otherwise
#   tools/deps.sh --help
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STAMP_DIR="$ROOT/build/deps"
NPM_DIR="$ROOT/build/deps/npm"

APT_PKGS="build-essential cmake pkg-config python3 libcmocka-dev clang llvm
libclang-rt-14-dev verilator yosys nextpnr-ice40 fpga-icestorm
fpga-icestorm-chipdb qemu-system-x86 qemu-system-misc linux-image-amd64
linux-headers-amd64 linux-source busybox-static cpio xz-utils kmod libdrm-dev
gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf sparse bc flex bison
libelf-dev libssl-dev rsync libxnnpack-dev libpthreadpool-dev
dataset-fashion-mnist python3-skimage valgrind cppcheck clang-tidy zlib1g-dev
iverilog"
# The 6.12 kernel: bookworm-backports and bookworm-security both carry it
# as linux-{image,headers}-6.12.N+deb12-amd64; take the newest.
KERNEL612_PATTERN='^linux-(image|headers)-6\.12\.[0-9]+\+(deb12|bpo)-amd64$'
NPM_PKG="tfjs-tflite-node@0.0.2"
# MediaPipe's BlazeFace models (tools/blazeface, tests/blazeface); unpacked
# into its own directory (npm tarballs all unpack to package/)
FACE_PKG="@mediapipe/face_detection@0.4.1657300184"
FACE_DIR="$NPM_DIR/mediapipe-face_detection"

usage() {
	sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
}

missing_apt() {
	local p miss="" pkgs="$APT_PKGS"
	# npm ships inside some nodejs builds; only ask Debian for it when absent
	command -v npm >/dev/null 2>&1 || pkgs="$pkgs nodejs npm"
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || miss="$miss $p"
	done
	echo "$miss"
}

have_bpo() {
	ls -d /usr/src/linux-headers-6.12.*-amd64 >/dev/null 2>&1 &&
		ls /boot/vmlinuz-6.12.* >/dev/null 2>&1
}

have_npm() {
	[ -f "$NPM_DIR/package/cc_deps/linux_amd64/libtensorflowlite_c.so" ]
}

have_face_model() {
	[ -f "$FACE_DIR/face_detection_short_range.tflite" ]
}

all_present() {
	[ -z "$(missing_apt)" ] && have_bpo && have_npm && have_face_model
}

case "${1:-}" in
-h|--help) usage; exit 0 ;;
--check) all_present; exit $? ;;
"") ;;
*) echo "deps.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

all_present && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: not root; run as root: sudo $0   (missing:$(missing_apt))" >&2
	exit 1
fi

LOG="$STAMP_DIR/deps.log"
mkdir -p "$STAMP_DIR"
: > "$LOG"
fail() {
	echo "deps.sh: $1 (log: $LOG); run by hand: sudo $0" >&2
	tail -n 5 "$LOG" >&2
	exit 1
}

export DEBIAN_FRONTEND=noninteractive
BPO_LIST=/etc/apt/sources.list.d/dnpu-bookworm-backports.sources
if [ ! -f "$BPO_LIST" ]; then
	cat > "$BPO_LIST" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	# backports only for what we ask for by name (the 6.12 kernel)
fi

miss=$(missing_apt)
if [ -n "$miss" ] || ! have_bpo; then
	echo "deps.sh: installing Debian packages (this takes a few minutes)..."
	apt-get update -qq >>"$LOG" 2>&1 || fail "apt-get update failed (no network?)"
fi
if [ -n "$miss" ]; then
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $miss >>"$LOG" 2>&1 ||
		fail "apt-get install failed"
fi
if ! have_bpo; then
	ver=$(apt-cache search --names-only 'linux-(image|headers)-6\.12\.' 2>/dev/null |
		awk '{print $1}' | grep -E "$KERNEL612_PATTERN" |
		sed -E 's/^linux-(image|headers)-//' | sort -uV | tail -n 1)
	bpo=""
	[ -n "$ver" ] && bpo="linux-image-$ver linux-headers-$ver"
	[ -n "$bpo" ] || fail "no linux-image-6.12.*+deb12-amd64 found (bookworm-backports/security)"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $bpo >>"$LOG" 2>&1 ||
		fail "installing the bookworm-backports 6.12 kernel failed"
fi
if ! have_npm; then
	echo "deps.sh: fetching $NPM_PKG (TFLite 2.9 C library, test reference)..."
	mkdir -p "$NPM_DIR"
	(cd "$NPM_DIR" && npm pack --silent "$NPM_PKG" >>"$LOG" 2>&1 &&
		tar xzf tfjs-tflite-node-0.0.2.tgz) || fail "npm pack $NPM_PKG failed"
fi
if ! have_face_model; then
	echo "deps.sh: fetching $FACE_PKG (BlazeFace models)..."
	mkdir -p "$FACE_DIR"
	(cd "$NPM_DIR" && npm pack --silent "$FACE_PKG" >>"$LOG" 2>&1 &&
		tar xzf mediapipe-face_detection-0.4.1657300184.tgz -C "$FACE_DIR" \
			--strip-components=1) || fail "npm pack $FACE_PKG failed"
fi
all_present || fail "dependencies still missing after install:$(missing_apt)"
echo "deps.sh: all dependencies installed"
