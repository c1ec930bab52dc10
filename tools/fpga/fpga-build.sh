#!/bin/bash
# SPDX-License-Identifier: MIT
# FPGA builds of dnpu with the open toolchain (Yosys, nextpnr-ice40,
# icestorm). docs/FPGA.md explains the flows and the numbers.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: tools/fpga/fpga-build.sh [options] [FLOW...]

Flows (default: ice40 ecp5):
  ice40      the UP5K config: the firmware-sequenced device (dnpu_top
             SOFT_SEQ=1: control core + mailbox + 2x2 MAC array in 4
             SB_MAC16, IMEM/DMEM 64 KiB each in the 4 SPRAMs, RV32I core
             without counters); synth_ice40, fit check against the UP5K
             (5280 LC, 8 DSP, 30 EBR, 4 SPRAM); when it fits: nextpnr-ice40
             through the board harness rtl/fpga/dnpu_soft_ooc.v, icepack,
             icetime
  ice40-hw   the hardware-engine small config (2x2 dnpu_engine, options
             below; ~9x the UP5K): synthesis and fit check only
  ecp5       default 16x16 config: synth_ecp5 for an ECP5-85F, resource
             report and fit check (Debian ships no nextpnr-ecp5: no P&R);
             int8 products in MULT9X9D, IMEM 8 KiB + DMEM 4 KiB
  ecp5-min   the smallest 16x16 build for the ECP5-85F: default
             scratchpads, one PPU lane and no NMC (all the 85F's
             multipliers allow; CAPS/FEATURES say so), the small config's
             engine options, IMEM 4 KiB + DMEM 2 KiB in LUT RAM; fits
             multipliers, block RAM and FFs, not yet the LUTs
             (docs/FPGA.md); outputs ecp5-min-*
  ctrl-pnr   the control complex alone (core, 4 KiB IMEM with the firmware,
             2 KiB DMEM, host block) placed and routed on the UP5K:
             nextpnr-ice40 Fmax and critical path, icepack, icetime

Options:
  --rows N --cols N  ice40-hw array size (default 2x2: the largest whose
                     memories fit the UP5K; see docs/FPGA.md)
  --param NAME=VALUE  ice40-hw: set a dnpu_top parameter (repeatable; after
                     the small-config defaults NMC=0 REGIONS=8 CORE_MULDIV=0
                     CORE_COUNTERS=0 QSLOT=0 FETCH_N=1 CORE_MTVAL=0
                     CORE_SHIFT_SERIAL=1 HOSTREG_RAM=1, see docs/FPGA.md);
                     e.g. --param NMC=1;
                     ctrl-pnr takes the CORE_* ones, HOSTREG_RAM and
                     dnpu_ctrl's PERF_MASK (e.g. --param PERF_MASK=513: counters 0 and 9)
  --spad IN,WGT,ACC,OUT,PARAM   ice40-hw scratchpad bytes (default
                     1024,1024,2048,2048,2048: one 512x8 EBR per 8-bit bank,
                     two per 32-bit ACC bank; the contract's small sizes,
                     16K,16K,16K,8K,4K, need 120 EBR)
  --fw FILE          firmware image (default build/firmware/dnpu-fw.bin,
                     built with `make -C firmware` when missing); `none`:
                     no IMEM preload (same resources; for the ctest)
  --build DIR        output directory (default build/fpga)
  --synth-only       stop after synthesis and the fit check (the ctest)
  --no-fit-fail      exit 0 when a design does not fit (make fpga: the
                     reports are the product)
  --report-only      ecp5, ecp5-min: no synthesis; redo the fit check and the
                     timing summary from the last run's ecp5-stat.txt and
                     ecp5-sta.txt in the build directory (seconds)
  --timeout SEC      limit per tool run (default 5400; the default ECP5
                     synthesis takes ~6 GB and 22 wall minutes on a busy
                     host, ecp5-min ~11)
  --freq MHZ         P&R target clock (default 24)
  --pnr-device DEV   up5k (default; iCEBreaker pins), lp8k or hx8k (the
                     largest iCE40s, 7680 LC: for timing of blocks that do
                     not fit the UP5K; pins left to nextpnr)
  -h, --help         this text

Outputs in the build directory, per flow: <flow>.log (tool log),
<flow>-stat.txt (Yosys stat), <flow>-fit.txt (resources vs device),
<flow>-ltp.txt (longest logic path), ecp5-sta.txt (ECP5 timing estimate,
Yosys sta), and for P&R <flow>-pnr.log,
<flow>.asc/.bin, <flow>-icetime.txt. Exit status 1 if a design does not fit
(unless --no-fit-fail), 2 on a tool error.
EOF
}

here=$(cd "$(dirname "$0")/../.." && pwd)
rtl=$here/rtl
build=$here/build/fpga
fw=""
rows=""; cols=""
spad="1024,1024,2048,2048,2048"
synth_only=0; report_only=0; fit_fail=1; tmo=5400; freq=24; pdev=up5k
flows=()
# The small config's dnpu_top options (rtl/dnpu_top.v): no NMC, 8 regions,
# RV32I control core without mcycle/minstret, queues without a command slot,
# commands fetched one at a time (no prefetch buffer), mtval read-only zero,
# a serial shifter, the control block's plain registers in a RAM (2 EBR
# instead of 512 FFs).
small_params=(NMC=0 REGIONS=8 CORE_MULDIV=0 CORE_COUNTERS=0 QSLOT=0 FETCH_N=1
	CORE_MTVAL=0 CORE_SHIFT_SERIAL=1 HOSTREG_RAM=1)

while [ $# -gt 0 ]; do
	case $1 in
	--rows) rows=$2; shift ;;
	--cols) cols=$2; shift ;;
	--spad) spad=$2; shift ;;
	--param) small_params+=("$2"); shift ;;
	--fw) fw=$2; shift ;;
	--build) build=$2; shift ;;
	--synth-only) synth_only=1 ;;
	--no-fit-fail) fit_fail=0 ;;
	--report-only) report_only=1 ;;
	--timeout) tmo=$2; shift ;;
	--freq) freq=$2; shift ;;
	--pnr-device) pdev=$2; shift ;;
	-h|--help) usage; exit 0 ;;
	ice40|ice40-hw|ecp5|ecp5-min|ctrl-pnr) flows+=("$1") ;;
	*) echo "fpga-build.sh: unknown argument '$1' (--help)" >&2; exit 2 ;;
	esac
	shift
done
[ ${#flows[@]} -gt 0 ] || flows=(ice40 ecp5)

# the last setting of each parameter wins
param_val() {	# NAME DEFAULT
	local p v=$2
	for p in "${small_params[@]}"; do
		[ "${p%%=*}" = "$1" ] && v=${p#*=}
	done
	echo "$v"
}
chparams=""
for p in "${small_params[@]}"; do chparams="$chparams -set ${p%%=*} ${p#*=}"; done
core_muldiv=$(param_val CORE_MULDIV 1)
core_counters=$(param_val CORE_COUNTERS 1)
# dnpu_ctrl's own parameters for ctrl-pnr (PERF_MASK: only with --param)
ctrl_chparams="-set CORE_MULDIV $core_muldiv -set CORE_COUNTERS $core_counters"
ctrl_chparams="$ctrl_chparams -set CORE_MTVAL $(param_val CORE_MTVAL 1)"
ctrl_chparams="$ctrl_chparams -set CORE_SHIFT_SERIAL $(param_val CORE_SHIFT_SERIAL 0)"
ctrl_chparams="$ctrl_chparams -set HOSTREG_RAM $(param_val HOSTREG_RAM 0)"
perf_mask=$(param_val PERF_MASK "")
[ -z "$perf_mask" ] || ctrl_chparams="$ctrl_chparams -set PERF_MASK $perf_mask"
# firmware for the core: RV32I when it has no M extension
fw_march=rv32im_zicsr; fw_dir=$here/build/firmware
if [ "$core_muldiv" = 0 ]; then fw_march=rv32i_zicsr; fw_dir=$here/build/firmware-rv32i; fi

[ -n "$rows" ] || rows=2
[ -n "$cols" ] || cols=2
IFS=, read -r sz_in sz_wgt sz_acc sz_out sz_prm <<<"$spad"

mkdir -p "$build"

need() {
	for t in "$@"; do
		command -v "$t" >/dev/null || {
			echo "fpga-build.sh: $t not found (tools/deps.sh installs it)" >&2
			exit 2
		}
	done
}

# Engine + control complex sources; the FPGA IMEM/DMEM model replaces the
# simulation one (rtl/fpga/dnpu_rv32_sram.v explains why).
engine_src() {
	local f
	for f in "$rtl"/dnpu_*.v; do echo "$f"; done
	echo "$rtl/rv32/dnpu_rv32.v"
}
fpga_sram=$rtl/fpga/dnpu_rv32_sram.v

# Longest path in cells (LUTs, carries, DSPs) between flip-flops, RAM
# outputs and ports: Yosys' only timing view where nextpnr cannot run.
# Block RAMs are removed (their outputs become path starts) and the vendor
# flip-flops turned into $_DFF_P_ so that ltp can cut at them; done last,
# after the netlist and the stat are written. synth_ice40 has already
# given the cells names derived from their nets (ECP5: see flow_ecp5).
ltp_script() {	# output prefix
	cat <<EOF
delete t:SB_RAM40_4K t:SB_SPRAM256KA t:DP16KD
techmap -map $here/tools/fpga/ltp_ff_map.v
tee -q -o $1-ltp.txt ltp -noff
EOF
}

sim_sram=$rtl/rv32/dnpu_rv32_sram.v

# Firmware -> $readmemh words (little-endian 32-bit, one per line).
imem_words=1024; dmem_words=512
fw_hex=$build/dnpu-fw.hex
fw_defs=""
make_fw_hex() {
	fw_defs="-DDNPU_FPGA_IMEM_WORDS=$imem_words -DDNPU_FPGA_DMEM_WORDS=$dmem_words"
	[ "$fw" = none ] && return 0
	fw_defs="$fw_defs -DDNPU_FPGA_IMEM_HEX=\"$fw_hex\""
	if [ -z "$fw" ]; then
		fw=$fw_dir/dnpu-fw.bin
		make -s -C "$here/firmware" O="$fw_dir" MARCH=$fw_march >&2
	fi
	[ -f "$fw" ] || { echo "fpga-build.sh: no firmware image $fw" >&2; exit 2; }
	local size
	size=$(stat -c %s "$fw")
	if [ "$size" -gt $((imem_words * 4)) ]; then
		echo "fpga-build.sh: $fw is $size bytes, the FPGA IMEM holds $((imem_words * 4))" >&2
		exit 2
	fi
	# pad to whole words; od prints host order = little-endian words here
	{ cat "$fw"; head -c $(((4 - size % 4) % 4)) /dev/zero; } |
		od -An -v -tx4 -w4 | tr -d ' ' >"$fw_hex"
}

run_tool() {	# log cmd... : bounded, fails with status 2
	local log=$1; shift
	if ! timeout "$tmo" "$@" >"$log" 2>&1; then
		echo "fpga-build.sh: '$1' failed or timed out (${tmo}s); see $log" >&2
		tail -n 5 "$log" >&2
		exit 2
	fi
}

cell() {	# count of a cell type in a Yosys stat file (0 if absent)
	awk -v c="$2" '$1 == c { n = $2 } END { print n + 0 }' "$1"
}

fits=1
fit_line() {	# file name used limit
	local ok=yes
	if [ "$3" -gt "$4" ]; then ok="NO (over by $(($3 - $4)), $((100 * $3 / $4))%)"; fits=0; fi
	printf '%-10s %7d / %-7d %s\n' "$2" "$3" "$4" "$ok" >>"$1"
}

# ---------------------------------------------------------------- iCE40
ice40_fit() {	# stat fitfile: UP5K resources
	local st=$1 out=$2 lut carry ff ebr spram dsp lc
	lut=$(cell "$st" SB_LUT4); carry=$(cell "$st" SB_CARRY)
	ff=$(awk '$1 ~ /^SB_DFF/ { n += $2 } END { print n + 0 }' "$st")
	ebr=$(cell "$st" SB_RAM40_4K); spram=$(cell "$st" SB_SPRAM256KA)
	dsp=$(cell "$st" SB_MAC16)
	# A logic cell holds one LUT4 + its carry + one FF; the LUT count is a
	# lower bound of the LCs (nextpnr adds pass-through LUTs for lone FFs
	# and carries).
	lc=$lut; [ "$ff" -gt "$lc" ] && lc=$ff
	: >"$out"
	echo "resource     used / UP5K    fits (SB_LUT4 $lut, SB_CARRY $carry, DFF $ff)" >>"$out"
	fit_line "$out" "LC(>=)" "$lc" 5280
	fit_line "$out" "EBR" "$ebr" 30
	fit_line "$out" "SPRAM" "$spram" 4
	fit_line "$out" "DSP" "$dsp" 8
}

# Run the Yosys script PFX.ys of flow FLOW and check its stat against the
# UP5K; fails (and marks the misfit) when it does not fit.
ice40_synth_fit() {	# flow pfx description
	local flow=$1 pfx=$2
	echo "$flow: synth_ice40 of $3 (log $pfx.log)"
	run_tool "$pfx.out" yosys -q -l "$pfx.log" -s "$pfx.ys"
	fits=1
	ice40_fit "$pfx-stat.txt" "$pfx-fit.txt"
	cat "$pfx-fit.txt"
	grep -m1 'Longest topological path' "$pfx-ltp.txt" || true
	if [ $fits = 0 ]; then
		echo "$flow: $3 does NOT fit the UP5K: no place and route"
		any_misfit=1
		return 1
	fi
	echo "$flow: fits the UP5K (by the synthesis counts)"
}

# The firmware-sequenced device (dnpu_top SOFT_SEQ=1, docs/FPGA.md "UP5K:
# the firmware-sequenced device"). The device alone is synthesized for the
# fit report (what the CI check reads); P&R synthesizes it again inside
# the board harness rtl/fpga/dnpu_soft_ooc.v (with every RTL file read:
# hierarchy resolves dnpu_top's unused engine branch too). The MAC array instantiates
# SB_MAC16 (DNPU_ICE40_MAC16, rtl/dnpu_mac_acc.v) and there is no other
# multiplier (RV32I core), so synth_ice40 runs without -dsp: Yosys 0.23's
# ice40_dsp pass re-packs every SB_MAC16 it finds and ties the clock and
# CE of instantiated ones to 0. IMEM/DMEM are SPRAM,
# which a bitstream cannot preload: the host loads the firmware
# (build/firmware-soft/dnpu-fw-soft.bin) through FW_ADDR/FW_DATA.
soft_src() {
	echo "$rtl/dnpu_top.v $rtl/dnpu_ctrl.v $rtl/dnpu_softeng.v $rtl/dnpu_mac_acc.v $rtl/rv32/dnpu_rv32.v $fpga_sram"
}
soft_params="-set SOFT_SEQ 1 -set CORE_MULDIV 0 -set CORE_COUNTERS 0 -set CORE_MTVAL 0 -set HOSTREG_RAM 1"

flow_ice40() {
	need yosys
	local pfx=$build/ice40
	cat >"$pfx.ys" <<EOF
read_verilog -lib +/ice40/cells_sim.v
read_verilog -DDNPU_ICE40_MAC16 -I$rtl $(soft_src)
chparam $soft_params dnpu_top
hierarchy -check -top dnpu_top
synth_ice40 -top dnpu_top -spram
check -assert
tee -q -o $pfx-stat.txt stat
$(ltp_script "$pfx")
EOF
	ice40_synth_fit ice40 "$pfx" "the firmware-sequenced dnpu_top (SOFT_SEQ=1)" ||
		return 0
	[ $synth_only = 1 ] && return 0
	local hp=$build/ice40-board
	cat >"$hp.ys" <<EOF
read_verilog -lib +/ice40/cells_sim.v
read_verilog -DDNPU_ICE40_MAC16 -I$rtl $(engine_src | tr '\n' ' ') $fpga_sram $rtl/fpga/dnpu_soft_ooc.v
hierarchy -check -top dnpu_soft_ooc
synth_ice40 -top dnpu_soft_ooc -spram -json $hp.json
check -assert
tee -q -o $hp-stat.txt stat
EOF
	echo "ice40: synth_ice40 of dnpu_top in the board harness rtl/fpga/dnpu_soft_ooc.v (log $hp.log)"
	run_tool "$hp.out" yosys -q -l "$hp.log" -s "$hp.ys"
	pnr_up5k ice40-board dnpu_soft_ooc
}

flow_ice40_hw() {
	need yosys
	make_fw_hex
	local pfx=$build/ice40-hw
	cat >"$pfx.ys" <<EOF
read_verilog $fw_defs -DDNPU_FPGA_DMEM_SPRAM -I$rtl $(engine_src | tr '\n' ' ') $fpga_sram
chparam -set ROWS $rows -set COLS $cols -set PPU_LANES 1 -set SZ_IN $sz_in -set SZ_WGT $sz_wgt -set SZ_ACC $sz_acc -set SZ_OUT $sz_out -set SZ_PARAM $sz_prm$chparams dnpu_top
hierarchy -check -top dnpu_top
synth_ice40 -top dnpu_top -dsp -spram -json $pfx.json
check -assert
tee -q -o $pfx-stat.txt stat
$(ltp_script "$pfx")
EOF
	ice40_synth_fit ice40-hw "$pfx" "dnpu_top ${rows}x${cols}, scratchpads $spad" &&
		echo "ice40-hw: no P&R harness for this config"
	return 0
}

# P&R on the UP5K through the I/O harness rtl/fpga/dnpu_ooc.v (the design
# has ~400 ports; the iCEBreaker has ~40 free pins).
pnr_up5k() {	# flow-name top
	need nextpnr-ice40 icepack icetime
	local pfx=$build/$1 pkg pins=()
	case $pdev in
	up5k) pkg=sg48; pins=(--pcf "$rtl/fpga/icebreaker.pcf") ;;
	lp8k) pkg=cm81 ;;
	hx8k) pkg=ct256 ;;
	*) echo "fpga-build.sh: unknown --pnr-device $pdev" >&2; exit 2 ;;
	esac
	echo "$1: nextpnr-ice40 --$pdev --package $pkg (log $pfx-pnr.log)"
	# a design that misses --freq is still routed, packed and timed: the
	# reports say by how much (icetime -c fails then too)
	run_tool "$pfx-pnr.log" nextpnr-ice40 "--$pdev" --package "$pkg" \
		--json "$pfx.json" "${pins[@]}" \
		--asc "$pfx.asc" --freq "$freq" --placer heap --seed 1 --timing-allow-fail
	run_tool "$pfx-icepack.log" icepack "$pfx.asc" "$pfx.bin"
	timeout "$tmo" icetime -d "$pdev" -P "$pkg" -c "$freq" -t "$pfx.asc" >"$pfx-icetime.txt" 2>&1 || true
	echo "$1: bitstream $pfx.bin"
	grep -E 'Max frequency for clock|ICESTORM_(LC|RAM|SPRAM|DSP):' "$pfx-pnr.log" | tail -n 5
	grep -E 'Total path delay|Timing check' "$pfx-icetime.txt" || true
}

flow_ctrl_pnr() {
	need yosys
	make_fw_hex
	local pfx=$build/ctrl-pnr
	cat >"$pfx.ys" <<EOF
read_verilog $fw_defs -I$rtl $rtl/rv32/dnpu_rv32.v $rtl/dnpu_ctrl.v $fpga_sram $rtl/fpga/dnpu_ctrl_ooc.v
chparam $ctrl_chparams dnpu_ctrl
hierarchy -check -top dnpu_ctrl_ooc
synth_ice40 -top dnpu_ctrl_ooc -dsp -json $pfx.json
check -assert
tee -q -o $pfx-stat.txt stat
$(ltp_script "$pfx")
EOF
	echo "ctrl-pnr: synth_ice40 of dnpu_ctrl in rtl/fpga/dnpu_ctrl_ooc.v (log $pfx.log)"
	run_tool "$pfx.out" yosys -q -l "$pfx.log" -s "$pfx.ys"
	fits=1
	ice40_fit "$pfx-stat.txt" "$pfx-fit.txt"
	cat "$pfx-fit.txt"
	if [ $fits = 0 ]; then any_misfit=1; return 0; fi
	[ $synth_only = 1 ] || pnr_up5k ctrl-pnr dnpu_ctrl_ooc
}

# ---------------------------------------------------------------- ECP5
sta_line() {	# sta report, flow: latest arrival (ps) as an Fmax estimate
	[ -f "$1" ] || return 0
	awk -v f="$2" '/^Latest arrival time/ { ps = $NF + 0 }
	     END { if (ps > 0) printf "%s: sta estimate (cell delays + %s): longest path %.2f ns, ~%.0f MHz\n", f, "960 ps per routed net", ps / 1000, 1e6 / ps }' "$1"
}

# The smallest 16x16 build for the ECP5-85F (flow ecp5-min), docs/FPGA.md
# "ECP5-85F": the array's 256 products take 128 of the 156 multiplier
# sites and the rest of the device (control core M extension, address
# arithmetic) 6, so 22 are left; a PPU lane needs 16 (four 32x32
# requantizers), the NMC 4 plus 16.5 per lane (at least 2): one PPU lane
# and no NMC. The scratchpads take all 208 block RAMs, so the control
# core's IMEM (4 KiB) and DMEM (2 KiB) are LUT RAM. The small config's
# engine options (one command per fetch, queues without a command slot,
# 8 regions, host registers in a RAM) save ~12k LUT4.
ecp5_min_params="-set PPU_LANES 1 -set NMC 0 -set FETCH_N 1 -set QSLOT 0 -set REGIONS 8 -set HOSTREG_RAM 1"
ecp5_min_defs="-DDNPU_FPGA_IMEM_WORDS=1024 -DDNPU_FPGA_DMEM_WORDS=512 -DDNPU_FPGA_CORE_LUTRAM"

ecp5_script() {	# output prefix, chparam arguments of dnpu_top, defines
	local pfx=$1 chp=$2 defs=$3
	# Products of <= 9-bit operands (the array's int8 x int8) become
	# MULT9X9D (tools/fpga/ecp5_mul9_map.v, proven equal by ctest
	# fpga_ecp5_mul9) before synth_ecp5 maps the rest to MULT18X18D; the
	# control core's memories are the FPGA stand-in, IMEM 8 KiB + DMEM
	# 4 KiB (the firmware is 3.6 KiB), 6 DP16KD instead of 12.
	# Wide variable part-selects ($shiftx) become funnel shifters before
	# the gate mapping (tools/fpga/shiftx_funnel_map.v, proven equal by
	# ctest fpga_shiftx_funnel): Yosys' own map of the engine's command
	# prefetch buffer ran out of memory at 24 GB.
	# Before the LUT mapping, `muxcover` finds the 4-, 8- and 16-input
	# multiplexers and tools/fpga/ecp5_mux_map.v builds them from the
	# slice's own muxes (LUT4 pairs + PFUMX + L6MUX21; proven equal by
	# ctest fpga_ecp5_mux): ABC maps a 4:1 mux as a 6-input LUT, 4 LUT4
	# instead of 2 (a 64:1 x 32 read mux: 3,189 -> 1,088 LUT4). Only whole
	# trees are covered (-nodecode -nopartial): with decoders and partial
	# covers ecp5-min grew by 1.4k LUT4-eq instead of shrinking by 5.4k.
	# synth_ecp5 stops before its `check` step: that step starts with
	# `autoname`, which on this netlist (~150k cells) ran for more than 15
	# minutes without finishing (session 3; names are cosmetic, the
	# netlist is the same); the rest of that step is done here. Timing
	# without nextpnr-ecp5: `sta` with Yosys' ECP5 cell delays plus
	# nextpnr's pre-placement estimate per routed net
	# (tools/fpga/ecp5_sta_route.v), after the JSON is written.
	cat <<EOF
read_verilog -lib $here/tools/fpga/ecp5_mult9x9d.v
read_verilog $defs -I$rtl $(engine_src | tr '\n' ' ') $fpga_sram
${chp:+chparam $chp dnpu_top}
hierarchy -check -top dnpu_top
synth_ecp5 -top dnpu_top -run begin:coarse
proc
opt_expr
opt_clean
wreduce
opt_clean
techmap -map $here/tools/fpga/ecp5_mul9_map.v t:\$mul
synth_ecp5 -top dnpu_top -run coarse:map_gates
techmap -map $here/tools/fpga/shiftx_funnel_map.v t:\$shiftx
synth_ecp5 -top dnpu_top -run map_gates:map_luts
muxcover -mux4 -mux8 -mux16 -nodecode -nopartial
techmap -map $here/tools/fpga/ecp5_mux_map.v t:\$_MUX4_ t:\$_MUX8_ t:\$_MUX16_
synth_ecp5 -top dnpu_top -run map_luts:check
hierarchy -check
check -assert
tee -q -o $pfx-stat.txt stat
blackbox =A:whitebox
write_json $pfx.json
delete =LUT4 =L6MUX21 =PFUMX =CCU2C =TRELLIS_DPR16X4 =TRELLIS_FF
read_verilog -lib -specify $here/tools/fpga/ecp5_sta_route.v
tee -q -o $pfx-sta.txt sta
$(ltp_script "$pfx")
EOF
}

flow_ecp5() {	# flow name, chparam arguments, defines, description
	need yosys
	local flow=$1 pfx=$build/$1
	if [ $report_only = 1 ]; then
		[ -f "$pfx-stat.txt" ] || { echo "fpga-build.sh: no $pfx-stat.txt (run the $flow flow first)" >&2; exit 2; }
		echo "$flow: report of the last run ($pfx-stat.txt, $(date -u -r "$pfx-stat.txt" '+%F %H:%M UTC'))"
	else
		ecp5_script "$pfx" "$2" "$3" >"$pfx.ys"
		echo "$flow: synth_ecp5 of dnpu_top 16x16 ($4; log $pfx.log)"
		run_tool "$pfx.out" yosys -q -l "$pfx.log" -s "$pfx.ys"
	fi
	local st=$pfx-stat.txt out=$pfx-fit.txt lut ff ebr dsp ccu ram m9
	# LFE5U-85F: 83640 LUT4 (41820 slices x 2), 83640 FF, 208 DP16KD
	# (18 Kbit), 156 multiplier sites, each one MULT18X18D or two MULT9X9D.
	lut=$(cell "$st" LUT4); ccu=$(cell "$st" CCU2C)
	ff=$(awk '$1 ~ /^TRELLIS_FF/ { n += $2 } END { print n + 0 }' "$st")
	ebr=$(cell "$st" DP16KD); dsp=$(cell "$st" MULT18X18D)
	m9=$(cell "$st" MULT9X9D)
	ram=$(cell "$st" TRELLIS_DPR16X4)
	fits=1
	: >"$out"
	echo "resource     used / 85F     fits (LUT4 $lut + CCU2C $ccu x2 + DPR16X4 $ram x2 (distributed RAM), FF $ff; MULT18X18D $dsp + MULT9X9D $m9 / 2)" >>"$out"
	fit_line "$out" "LUT4" $((lut + 2 * ccu + 2 * ram)) 83640
	fit_line "$out" "FF" "$ff" 83640
	fit_line "$out" "DP16KD" "$ebr" 208
	fit_line "$out" "MULT18" $((dsp + (m9 + 1) / 2)) 156
	cat "$out"
	grep -m1 'Longest topological path' "$pfx-ltp.txt" || true
	sta_line "$pfx-sta.txt" "$flow"
	[ $fits = 1 ] || any_misfit=1
	echo "$flow: no nextpnr-ecp5 in Debian 12: no P&R; the timing is an estimate (docs/FPGA.md)"
}

any_misfit=0
for f in "${flows[@]}"; do
	case $f in
	ice40) flow_ice40 ;;
	ice40-hw) flow_ice40_hw ;;
	ecp5) flow_ecp5 ecp5 "" "-DDNPU_FPGA_IMEM_WORDS=2048 -DDNPU_FPGA_DMEM_WORDS=1024" \
		"default parameters" ;;
	ecp5-min) flow_ecp5 ecp5-min "$ecp5_min_params" "$ecp5_min_defs" \
		"${ecp5_min_params//-set /}, IMEM/DMEM in LUT RAM" ;;
	ctrl-pnr) flow_ctrl_pnr ;;
	esac
done
if [ $any_misfit = 1 ] && [ $fit_fail = 1 ]; then
	exit 1
fi
exit 0
