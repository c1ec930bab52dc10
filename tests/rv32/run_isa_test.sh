#!/bin/sh
# Run one ISA test on the RTL core (Verilator testbench) and, unless it is
# RTL-only, on qemu-system-riscv32 as the reference; the printed signatures
# must be identical and non-empty.
#   run_isa_test.sh TB ELF HEX [--rtl-only]
set -eu
tb=$1; elf=$2; hex=$3; mode=${4:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$tb" +hex="$hex" +max=2000000 >"$out/rtl.log" 2>&1 || {
	echo "RTL run failed:"; cat "$out/rtl.log"; exit 1; }
grep -E '^[0-9a-f]{8}$' "$out/rtl.log" >"$out/rtl.sig" || true
grep 'tb_rv32: finished' "$out/rtl.log"
words=$(wc -l <"$out/rtl.sig")
echo "signature: $words words"
[ "$words" -gt 0 ] || { echo "empty signature"; exit 1; }
if [ "$mode" = "--rtl-only" ]; then
	exit 0
fi
# c=false: no compressed instructions, so 2-byte aligned jump targets trap
timeout 30 qemu-system-riscv32 -M virt -bios none -cpu rv32,c=false \
	-display none -serial stdio -monitor none -kernel "$elf" \
	>"$out/qemu.log" 2>&1 || { echo "qemu failed:"; cat "$out/qemu.log"; exit 1; }
tr -d '\r' <"$out/qemu.log" | grep -E '^[0-9a-f]{8}$' >"$out/qemu.sig" || true
if ! diff "$out/qemu.sig" "$out/rtl.sig" >"$out/diff"; then
	echo "signature mismatch (< qemu, > rtl):"; cat "$out/diff"; exit 1
fi
echo "signatures match qemu"
