/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * dnpu hardware contract: the single source of truth for
 *   - the host MMIO register block,
 *   - the control core's view of the device (engine, mailbox, timer),
 *   - the job ring shared by the kernel driver and the firmware,
 *   - the region table (device memory model),
 *   - the command-stream ISA that libaccel emits and the command
 *     processor executes.
 *
 * Used by the kernel driver, the firmware, libaccel, the C functional model
 * and (through tools/gen-hw-vh, which writes rtl/generated/dnpu_hw.vh) the
 * RTL. docs/ARCHITECTURE.md and docs/ISA.md explain the semantics.
 *
 * Everything is little-endian. Reserved fields and bits must be zero; the
 * consumer rejects non-zero values so they can be given meaning later.
 */
#ifndef DNPU_HW_H
#define DNPU_HW_H

#if defined(__KERNEL__) || defined(__linux__)
#include <linux/types.h>
#else
#include <stdint.h>
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int32_t __s32;
#endif

/* ------------------------------------------------------------------ */
/* Identification                                                      */
/* ------------------------------------------------------------------ */

#define DNPU_ID_MAGIC			0x55504e44u /* "DNPU" */
#define DNPU_HW_VERSION_MAJOR		1u
#define DNPU_HW_VERSION_MINOR		0u
#define DNPU_FW_ABI_VERSION		1u /* ring/descriptor layout version */

/*
 * DNPU_REG_FW_VERSION as reported by the firmware: [31:24] ring ABI
 * (DNPU_FW_ABI_VERSION, checked by the driver), [23:0] free-form release.
 * The firmware image (dnpu/dnpu-fw.bin) is a flat little-endian IMEM image
 * of at most DNPU_CORE_IMEM_SIZE bytes, loaded from DNPU_CORE_IMEM_BASE.
 */
#define DNPU_FW_VERSION(abi, rel)	(((abi) << 24) | ((rel) & 0xffffffu))
#define DNPU_FW_VERSION_ABI(v)		(((v) >> 24) & 0xffu)
#define DNPU_FW_VERSION_REL(v)		((v) & 0xffffffu)

/* ------------------------------------------------------------------ */
/* Host MMIO register block (4 KiB, 32-bit registers)                  */
/* RO = read-only, RW = read/write, W1C = write 1 to clear,            */
/* FW = written by the firmware, read-only for the host.               */
/* ------------------------------------------------------------------ */

#define DNPU_REG_ID			0x000u /* RO  DNPU_ID_MAGIC */
#define DNPU_REG_VERSION		0x004u /* RO  major << 16 | minor */
#define DNPU_REG_CAPS			0x008u /* RO  DNPU_CAPS_* */
#define DNPU_REG_FEATURES		0x00cu /* RO  DNPU_FEAT_* */
#define DNPU_REG_SPAD_IN_BYTES		0x010u /* RO  input buffer (NBin) */
#define DNPU_REG_SPAD_WGT_BYTES		0x014u /* RO  weight buffer (SB) */
#define DNPU_REG_SPAD_ACC_BYTES		0x018u /* RO  accumulators (NBout) */
#define DNPU_REG_SPAD_OUT_BYTES		0x01cu /* RO  output staging */
#define DNPU_REG_SPAD_PARAM_BYTES	0x020u /* RO  PPU/NMC parameters */
#define DNPU_REG_DMA_INFO		0x024u /* RO  DNPU_DMA_INFO_* */
#define DNPU_REG_CONTROL		0x030u /* RW  DNPU_CONTROL_* */
#define DNPU_REG_STATUS			0x034u /* RO  DNPU_STATUS_* */
#define DNPU_REG_FW_VERSION		0x038u /* FW  firmware version */
#define DNPU_REG_HEARTBEAT		0x03cu /* FW  incremented while alive */
#define DNPU_REG_DOORBELL		0x040u /* WO  any write: new ring work */
#define DNPU_REG_IRQ_STATUS		0x044u /* W1C DNPU_IRQ_* pending */
#define DNPU_REG_IRQ_MASK		0x048u /* RW  1 = enabled */
#define DNPU_REG_IRQ_RAISE		0x04cu /* FW  firmware sets IRQ bits */
#define DNPU_REG_RING_BASE_LO		0x050u /* RW  bus address, 64 B aligned */
#define DNPU_REG_RING_BASE_HI		0x054u /* RW */
#define DNPU_REG_RING_SIZE		0x058u /* RW  entries, power of 2 */
#define DNPU_REG_RING_HEAD		0x05cu /* FW  jobs consumed (free-running) */
#define DNPU_REG_RING_TAIL		0x060u /* RW  jobs produced (free-running) */
#define DNPU_REG_DONE_SEQNO		0x064u /* FW  seqno of last finished job */
#define DNPU_REG_FAULT_SEQNO		0x070u /* FW  seqno of last faulted job */
#define DNPU_REG_FAULT_CAUSE		0x074u /* FW  DNPU_FAULT_* */
#define DNPU_REG_FAULT_REGION		0x078u /* FW  region index */
#define DNPU_REG_FAULT_OFFSET		0x07cu /* FW  byte offset in region */
#define DNPU_REG_FAULT_CMD		0x080u /* FW  index of faulting command */
#define DNPU_REG_FW_ERROR		0x084u /* FW  firmware error code */
#define DNPU_REG_DEBUG_INJECT		0x088u /* RW  DNPU_INJECT_* (tests) */
#define DNPU_REG_FW_ADDR		0x090u /* RW  firmware window address */
#define DNPU_REG_FW_DATA		0x094u /* RW  window data, addr += 4 */
#define DNPU_REG_CORE_PC		0x098u /* RO  control core PC (debug) */
#define DNPU_REG_SCRATCH		0x09cu /* RW  free for probing */

/* Perf counters: 64-bit, LO then HI; reading LO latches HI. */
#define DNPU_REG_PERF_BASE		0x100u
#define DNPU_PERF_CYCLES		0u  /* engine clock cycles since reset */
#define DNPU_PERF_BUSY_CYCLES		1u  /* cycles a job was running */
#define DNPU_PERF_MACS			2u  /* int8 MACs done by the array */
#define DNPU_PERF_NMC_OPS		3u  /* element operations on the NMC */
#define DNPU_PERF_DRAM_RD_BYTES		4u
#define DNPU_PERF_DRAM_WR_BYTES		5u
#define DNPU_PERF_SPAD_RD_BYTES		6u
#define DNPU_PERF_SPAD_WR_BYTES		7u
#define DNPU_PERF_ARRAY_CYCLES		8u  /* cycles the array was computing */
#define DNPU_PERF_JOBS			9u  /* jobs completed (ok or fault) */
#define DNPU_PERF_COUNT			10u
#define DNPU_REG_PERF_LO(n)		(DNPU_REG_PERF_BASE + 8u * (n))
#define DNPU_REG_PERF_HI(n)		(DNPU_REG_PERF_BASE + 8u * (n) + 4u)

#define DNPU_MMIO_SIZE			0x1000u

/* DNPU_REG_CAPS */
#define DNPU_CAPS_ARRAY_ROWS(v)		((v) & 0xffu)
#define DNPU_CAPS_ARRAY_COLS(v)		(((v) >> 8) & 0xffu)
#define DNPU_CAPS_NMC_LANES(v)		(((v) >> 16) & 0xffu)
#define DNPU_CAPS_MAX_REGIONS(v)	(((v) >> 24) & 0xffu)
#define DNPU_CAPS(rows, cols, lanes, regions) \
	((rows) | ((cols) << 8) | ((lanes) << 16) | ((regions) << 24))

/* DNPU_REG_FEATURES */
#define DNPU_FEAT_NMC_ADD		(1u << 0)
#define DNPU_FEAT_NMC_POOL		(1u << 1)
#define DNPU_FEAT_NMC_MEAN		(1u << 2)
#define DNPU_FEAT_NMC_DWCONV		(1u << 3)
#define DNPU_FEAT_PPU_FUSE_ADD		(1u << 4)
#define DNPU_FEAT_PAGED_REGIONS		(1u << 5)
#define DNPU_FEAT_CLOCK_GATING		(1u << 6)
#define DNPU_FEAT_DMA_ONCHIP		(1u << 7) /* LOAD/STORE DNPU_DMA_F_ONCHIP */
/*
 * Commands are sequenced by the control-core firmware (the small FPGA
 * config): same ISA, results and faults, with only a small MAC array
 * (DNPU_ENG_MAC_*) and the mailbox in hardware. Its firmware image is
 * dnpu/dnpu-fw-soft.bin; IMEM and DMEM are DNPU_CORE_SOFT_MEM_SIZE each.
 */
#define DNPU_FEAT_SOFT_SEQ		(1u << 8)

/* DNPU_REG_DMA_INFO: bus width in bytes, max burst in beats */
#define DNPU_DMA_INFO_BUS_BYTES(v)	((v) & 0xffu)
#define DNPU_DMA_INFO_MAX_BURST(v)	(((v) >> 8) & 0xffu)

/* DNPU_REG_CONTROL */
#define DNPU_CONTROL_RESET		(1u << 0) /* self-clearing soft reset */
#define DNPU_CONTROL_CORE_RUN		(1u << 1) /* release control core */
#define DNPU_CONTROL_CORE_HALT		(1u << 2) /* debug halt */

/* DNPU_REG_STATUS */
#define DNPU_STATUS_FW_READY		(1u << 0) /* firmware booted */
#define DNPU_STATUS_BUSY		(1u << 1) /* a job is running */
#define DNPU_STATUS_FAULTED		(1u << 2) /* last job faulted */
#define DNPU_STATUS_CORE_HALTED		(1u << 3)
#define DNPU_STATUS_CLOCK_GATED		(1u << 4) /* engine clock is off */
#define DNPU_STATUS_FW_STATE(v)		(((v) >> 8) & 0xffu) /* DNPU_FW_STATE_* */

#define DNPU_FW_STATE_OFF		0u
#define DNPU_FW_STATE_BOOTING		1u
#define DNPU_FW_STATE_IDLE		2u
#define DNPU_FW_STATE_RUNNING		3u
#define DNPU_FW_STATE_ERROR		4u

/* DNPU_REG_IRQ_* bits */
#define DNPU_IRQ_JOB_DONE		(1u << 0)
#define DNPU_IRQ_JOB_FAULT		(1u << 1)
#define DNPU_IRQ_FW_READY		(1u << 2)
#define DNPU_IRQ_FW_ERROR		(1u << 3)
#define DNPU_IRQ_ALL			0xfu

/* DNPU_REG_DEBUG_INJECT (consumed by the firmware; bits self-clear) */
#define DNPU_INJECT_HANG		(1u << 0) /* stop heartbeat, ignore jobs */
#define DNPU_INJECT_DMA_FAULT		(1u << 1) /* next job faults */
#define DNPU_INJECT_FW_CRASH		(1u << 2) /* firmware traps */
#define DNPU_INJECT_DROP_IRQ		(1u << 3) /* next completion: no IRQ */

/* Firmware error codes (DNPU_REG_FW_ERROR) */
#define DNPU_FW_ERR_NONE		0u
#define DNPU_FW_ERR_BAD_RING		1u /* ring base/size invalid */
#define DNPU_FW_ERR_TRAP		2u /* unexpected trap */
#define DNPU_FW_ERR_ABI			3u /* unsupported ABI */
#define DNPU_FW_ERR_CONFIG		4u /* device config does not fit the firmware */

/* ------------------------------------------------------------------ */
/* Memory model: regions                                               */
/* ------------------------------------------------------------------ */

#define DNPU_MAX_REGIONS		16u
#define DNPU_PAGE_SHIFT			12u
#define DNPU_PAGE_SIZE			(1u << DNPU_PAGE_SHIFT)

/* dnpu_region.flags */
#define DNPU_REGION_VALID		(1u << 0)
#define DNPU_REGION_READ		(1u << 1)
#define DNPU_REGION_WRITE		(1u << 2)
#define DNPU_REGION_PAGED		(1u << 3) /* addr -> page list */

/*
 * One entry of a job's region table, written by the kernel into memory the
 * kernel owns. CONTIG: addr is the bus address of byte 0. PAGED: addr is the
 * bus address of an array of ceil(size / 4096) __u64 page bus addresses,
 * each 4 KiB aligned. Every device access (region, offset, len) must satisfy
 * offset + len <= size and have the needed permission, else the job faults.
 */
struct dnpu_region {
	__u64 addr;
	__u32 size;
	__u32 flags;
	__u64 reserved[2];
};

/* ------------------------------------------------------------------ */
/* Job ring (host memory, written by the kernel, read by firmware)      */
/* ------------------------------------------------------------------ */

#define DNPU_RING_MAX_ENTRIES		1024u

/* dnpu_job_desc.flags */
#define DNPU_JOB_F_PERF			(1u << 0) /* fill completion perf */

/* A job: run cmd_count commands from (cmd_region, cmd_offset). */
struct dnpu_job_desc {
	__u32 seqno;		/* non-zero, increasing by one per job */
	__u32 flags;		/* DNPU_JOB_F_* */
	__u64 region_table;	/* bus address of dnpu_region[region_count] */
	__u32 region_count;	/* 1..DNPU_MAX_REGIONS */
	__u32 cmd_region;	/* region holding the command stream */
	__u32 cmd_offset;	/* 64 B aligned */
	__u32 cmd_count;	/* number of 64 B commands, >= 1 */
	__u64 completion;	/* bus address of a dnpu_job_completion */
	__u32 timeout_kcycles;	/* engine watchdog, 0 = firmware default */
	__u32 reserved[5];
};

/* job status */
#define DNPU_JOB_OK			0u
/* other values: DNPU_FAULT_* */

/* Written by the firmware when the job ends (ok or fault). */
struct dnpu_job_completion {
	__u32 seqno;
	__u32 status;		/* DNPU_JOB_OK or DNPU_FAULT_* */
	__u32 fault_region;
	__u32 fault_offset;
	__u32 fault_cmd;	/* index of the faulting command */
	__u32 reserved0;
	__u64 cycles;		/* engine cycles of this job */
	__u64 macs;
	__u64 dram_rd_bytes;
	__u64 dram_wr_bytes;
	__u64 reserved1;
};

/* Fault causes (job status, FAULT_CAUSE registers) */
#define DNPU_FAULT_NONE			0u
#define DNPU_FAULT_REGION_INVALID	1u /* region index >= count or !VALID */
#define DNPU_FAULT_OUT_OF_BOUNDS	2u /* offset + len > size */
#define DNPU_FAULT_PERMISSION		3u /* read of !READ / write of !WRITE */
#define DNPU_FAULT_PAGE_ALIGN		4u /* page list entry not aligned */
#define DNPU_FAULT_ILLEGAL_CMD		5u /* bad opcode or reserved bits */
#define DNPU_FAULT_SPAD_RANGE		6u /* scratchpad access out of range */
#define DNPU_FAULT_TOKEN		7u /* dependency token under/overflow */
#define DNPU_FAULT_TIMEOUT		8u /* engine watchdog expired */
#define DNPU_FAULT_BAD_DESC		9u /* descriptor fields invalid */
#define DNPU_FAULT_INJECTED		10u /* DNPU_INJECT_DMA_FAULT */
#define DNPU_FAULT_BUS_ERROR		11u /* host bus returned an error */

/* ------------------------------------------------------------------ */
/* Control core address map (RV32, firmware view)                      */
/* ------------------------------------------------------------------ */

#define DNPU_CORE_IMEM_BASE		0x00000000u
#define DNPU_CORE_IMEM_SIZE		0x00004000u /* 16 KiB */
#define DNPU_CORE_DMEM_BASE		0x00010000u
#define DNPU_CORE_DMEM_SIZE		0x00002000u /* 8 KiB */
#define DNPU_CORE_HOSTREG_BASE		0x10000000u /* host block above */
#define DNPU_CORE_ENG_BASE		0x10001000u /* engine block below */
#define DNPU_CORE_TIMER_BASE		0x10002000u
/* IMEM and DMEM size each on a DNPU_FEAT_SOFT_SEQ device */
#define DNPU_CORE_SOFT_MEM_SIZE		0x00010000u /* 64 KiB */

/* Engine control block (offsets from DNPU_CORE_ENG_BASE) */
#define DNPU_ENG_CTRL			0x000u /* DNPU_ENG_CTRL_* */
#define DNPU_ENG_STATUS			0x004u /* DNPU_ENG_STATUS_* */
#define DNPU_ENG_CMD_REGION		0x008u
#define DNPU_ENG_CMD_OFFSET		0x00cu
#define DNPU_ENG_CMD_COUNT		0x010u
#define DNPU_ENG_REGION_COUNT		0x014u
#define DNPU_ENG_FAULT_CAUSE		0x018u
#define DNPU_ENG_FAULT_REGION		0x01cu
#define DNPU_ENG_FAULT_OFFSET		0x020u
#define DNPU_ENG_FAULT_CMD		0x024u
#define DNPU_ENG_IRQ_PENDING		0x028u /* W1C DNPU_CORE_IRQ_* */
#define DNPU_ENG_IRQ_ENABLE		0x02cu
#define DNPU_ENG_CLOCK_GATE		0x030u /* 1 = gate engine clock */
#define DNPU_ENG_WATCHDOG		0x034u /* kcycles, 0 = off */
/* Region table loaded by firmware: 16 entries of 16 bytes */
#define DNPU_ENG_REGION_BASE		0x100u
#define DNPU_ENG_REGION_ADDR_LO(i)	(DNPU_ENG_REGION_BASE + 16u * (i))
#define DNPU_ENG_REGION_ADDR_HI(i)	(DNPU_ENG_REGION_BASE + 16u * (i) + 4u)
#define DNPU_ENG_REGION_SIZE(i)		(DNPU_ENG_REGION_BASE + 16u * (i) + 8u)
#define DNPU_ENG_REGION_FLAGS(i)	(DNPU_ENG_REGION_BASE + 16u * (i) + 12u)
/* Host-memory mailbox: firmware reads/writes up to 64 B of host memory */
#define DNPU_ENG_MBOX_ADDR_LO		0x200u
#define DNPU_ENG_MBOX_ADDR_HI		0x204u
#define DNPU_ENG_MBOX_CTRL		0x208u /* DNPU_MBOX_* ; write starts */
#define DNPU_ENG_MBOX_STATUS		0x20cu /* DNPU_MBOX_STATUS_* */
#define DNPU_ENG_MBOX_DATA_BASE		0x240u
#define DNPU_ENG_MBOX_DATA(i)		(DNPU_ENG_MBOX_DATA_BASE + 4u * (i)) /* i < 16 */
/* Perf counters mirror the host block: DNPU_ENG_PERF_LO/HI(n) */
#define DNPU_ENG_PERF_BASE		0x300u
#define DNPU_ENG_PERF_LO(n)		(DNPU_ENG_PERF_BASE + 8u * (n))
#define DNPU_ENG_PERF_HI(n)		(DNPU_ENG_PERF_BASE + 8u * (n) + 4u)

/*
 * MAC array of a DNPU_FEAT_SOFT_SEQ device (firmware-fed, 2x2): a STEP
 * write {w1, w0, a1, a0} (int8, a0 in bits 7:0) adds a_p * w_n to
 * accumulator ACC(2 * p + n), all four at once, modulo 2^32.
 */
#define DNPU_ENG_MAC_CTRL		0x400u /* DNPU_MAC_CTRL_* */
#define DNPU_ENG_MAC_STEP		0x404u
#define DNPU_ENG_MAC_ACC(i)		(0x410u + 4u * (i)) /* i < 4 */
#define DNPU_MAC_CTRL_CLEAR		(1u << 0) /* zero the accumulators */
#define DNPU_MAC_ROWS			2u
#define DNPU_MAC_COLS			2u

#define DNPU_ENG_CTRL_START		(1u << 0) /* run the loaded job */
#define DNPU_ENG_CTRL_ABORT		(1u << 1) /* stop, drop queues */

#define DNPU_ENG_STATUS_BUSY		(1u << 0)
#define DNPU_ENG_STATUS_DONE		(1u << 1) /* sticky until START */
#define DNPU_ENG_STATUS_FAULT		(1u << 2) /* sticky until START */

#define DNPU_CORE_IRQ_DOORBELL		(1u << 0)
#define DNPU_CORE_IRQ_ENG_DONE		(1u << 1)
#define DNPU_CORE_IRQ_ENG_FAULT		(1u << 2)
#define DNPU_CORE_IRQ_TIMER		(1u << 3)

#define DNPU_MBOX_LEN(n)		((n) & 0x7fu) /* bytes, 4..64, x4 */
#define DNPU_MBOX_WRITE			(1u << 8) /* else read */
#define DNPU_MBOX_STATUS_BUSY		(1u << 0)
#define DNPU_MBOX_STATUS_ERROR		(1u << 1)

/* Timer block (offsets from DNPU_CORE_TIMER_BASE): 64-bit cycle counter */
#define DNPU_TIMER_MTIME_LO		0x00u
#define DNPU_TIMER_MTIME_HI		0x04u
#define DNPU_TIMER_MTIMECMP_LO		0x08u
#define DNPU_TIMER_MTIMECMP_HI		0x0cu

/* ------------------------------------------------------------------ */
/* Command-stream ISA (docs/ISA.md)                                    */
/* ------------------------------------------------------------------ */

#define DNPU_CMD_BYTES			64u
#define DNPU_CMD_WORDS			16u

/* word 0 */
#define DNPU_CMD_OPCODE(w0)		((w0) & 0xffu)
#define DNPU_CMD_POP_PREV		(1u << 8)  /* wait token from prev queue */
#define DNPU_CMD_POP_NEXT		(1u << 9)  /* wait token from next queue */
#define DNPU_CMD_PUSH_PREV		(1u << 10) /* signal prev queue when done */
#define DNPU_CMD_PUSH_NEXT		(1u << 11) /* signal next queue when done */
#define DNPU_CMD_DEP_MASK		0xf00u
#define DNPU_CMD_FLAGS(w0)		((w0) >> 16)
#define DNPU_CMD_W0(op, dep, flags)	((op) | (dep) | ((flags) << 16))

#define DNPU_OP_LOAD			0x01u /* load queue */
#define DNPU_OP_STORE			0x02u /* store queue */
#define DNPU_OP_CONV			0x10u /* compute queue: array */
#define DNPU_OP_PPU			0x20u /* compute queue: epilogue */
#define DNPU_OP_NMC_ADD			0x30u /* compute queue: NMC */
#define DNPU_OP_NMC_POOL		0x31u
#define DNPU_OP_NMC_MEAN		0x32u
#define DNPU_OP_NMC_DWCONV		0x33u
#define DNPU_OP_SYNC			0x40u /* compute queue: tokens only */
#define DNPU_OP_BARRIER			0x41u /* all queues drain */
#define DNPU_OP_END			0x4fu /* drain, job done */

/* Token FIFOs between queues are DNPU_TOKEN_DEPTH deep. */
/*
 * Queues run load -> compute -> store. FIFOs: load PUSH_NEXT -> compute
 * POP_PREV; compute PUSH_PREV -> load POP_NEXT; compute PUSH_NEXT -> store
 * POP_PREV; store PUSH_PREV -> compute POP_NEXT. LOAD has no PREV bits,
 * STORE no NEXT bits, BARRIER/END none (else DNPU_FAULT_ILLEGAL_CMD).
 * Tokens are counted in program order at dispatch: popping an empty FIFO or
 * pushing into a full one is DNPU_FAULT_TOKEN (such a stream would deadlock).
 * A stream must end with END: running past cmd_count is
 * DNPU_FAULT_ILLEGAL_CMD with fault_cmd = cmd_count. Faults are precise:
 * commands before the faulting one complete, later ones have no effect.
 * Fault region/offset per cause: docs/CMODEL.md.
 * Within one compute command, a byte written at one element position and
 * read (or written) at another is undefined; in-place (same base and pitch)
 * is fine. DMA rows are written in order (a later overlapping row wins).
 */
#define DNPU_TOKEN_DEPTH		8u

/* Scratchpads */
#define DNPU_SPAD_IN			0u /* NBin, int8 */
#define DNPU_SPAD_WGT			1u /* SB, int8 */
#define DNPU_SPAD_ACC			2u /* NBout, int32 (addressed in words) */
#define DNPU_SPAD_OUT			3u /* int8 output staging */
#define DNPU_SPAD_PARAM			4u /* parameter records */
#define DNPU_SPAD_COUNT			5u

/* Default (16x16) and small (4x4) configurations */
#define DNPU_DEFAULT_ROWS		16u
#define DNPU_DEFAULT_COLS		16u
#define DNPU_DEFAULT_NMC_LANES		32u
#define DNPU_DEFAULT_SPAD_IN		(128u * 1024u)
#define DNPU_DEFAULT_SPAD_WGT		(128u * 1024u)
#define DNPU_DEFAULT_SPAD_ACC		(64u * 1024u)
#define DNPU_DEFAULT_SPAD_OUT		(64u * 1024u)
#define DNPU_DEFAULT_SPAD_PARAM		(16u * 1024u)
#define DNPU_SMALL_ROWS			4u
#define DNPU_SMALL_COLS			4u
#define DNPU_SMALL_NMC_LANES		4u
#define DNPU_SMALL_SPAD_IN		(16u * 1024u)
#define DNPU_SMALL_SPAD_WGT		(16u * 1024u)
#define DNPU_SMALL_SPAD_ACC		(16u * 1024u)
#define DNPU_SMALL_SPAD_OUT		(8u * 1024u)
#define DNPU_SMALL_SPAD_PARAM		(4u * 1024u)
#define DNPU_DMA_BUS_BYTES		16u /* 128-bit data bus */
#define DNPU_DMA_MAX_BURST		16u /* beats */
/*
 * Bursts one DMA transfer keeps on the bus before the oldest is answered
 * (reads: data, writes: response); the bus answers in request order.
 * Timing only (cycle models, placement), no software-visible behaviour.
 */
#define DNPU_DMA_MAX_INFLIGHT		4u
/*
 * Commands the engine reads per command-fetch transfer (to the next 256 B
 * of the stream, never past the command count or the region), decoding the
 * next ones from that buffer. Timing only, like DNPU_DMA_MAX_INFLIGHT.
 */
#define DNPU_CMD_PREFETCH		4u

/*
 * LOAD: region -> scratchpad, up to 3-D, with padding insertion.
 * STORE: scratchpad (IN or OUT) -> region, same shape, no padding.
 * LOAD targets IN, WGT, OUT or PARAM; STORE's pad0/pad1/pad value are 0.
 * Rows move in order (plane, then row); each row is bounds- and range-
 * checked before any of it moves, so a fault leaves earlier rows done.
 * Row r (0 <= r < pad1_before + count1 + pad1_after) of plane z
 * (0 <= z < count2) lands at dst + z * dst_stride2 + r * dst_stride1 and is
 * pad0_before pad bytes, len0 data bytes, pad0_after pad bytes; rows with
 * r < pad1_before or r >= pad1_before + count1 are all pad bytes. Data row
 * r comes from src + z * src_stride2 + (r - pad1_before) * src_stride1.
 */
struct dnpu_cmd_dma {
	__u32 w0;		/* opcode, deps, flags (0) */
	__u32 region;		/* [3:0] region, [11:8] spad, [23:16] pad value (int8) */
	__u32 offset;		/* byte offset in the region */
	__u32 spad_addr;	/* byte address in the scratchpad */
	__u32 len0;		/* bytes per row, >= 1 */
	__u32 count1;		/* rows, >= 1 */
	__u32 src_stride1;	/* LOAD: region stride; STORE: spad stride */
	__u32 dst_stride1;	/* LOAD: spad stride; STORE: region stride */
	__u32 count2;		/* planes, >= 1 */
	__u32 src_stride2;
	__u32 dst_stride2;
	__u32 pad0;		/* [15:0] before, [31:16] after (bytes) */
	__u32 pad1;		/* [15:0] before, [31:16] after (rows) */
	__u32 reserved[3];
};
/*
 * DNPU_DMA_F_ONCHIP (w0 flag, devices with DNPU_FEAT_DMA_ONCHIP): the
 * region side of the LOAD/STORE is a scratchpad instead of region memory,
 * so an activation can stay on chip between the ops of one job (a
 * "segment"): region[3:0] is that scratchpad (IN or OUT, else
 * DNPU_FAULT_ILLEGAL_CMD) and offset a byte address in it. The walk, the
 * padding and the fault order are those of the plain command; the on-chip
 * side is range checked (DNPU_FAULT_SPAD_RANGE, region = its scratchpad id)
 * where the plain command checks region bounds, and no region is accessed.
 * A row whose source and destination bytes overlap is undefined.
 */
#define DNPU_DMA_F_ONCHIP		(1u << 0)
#define DNPU_DMA_REGION(r, spad, padv) \
	(((r) & 0xfu) | (((spad) & 0xfu) << 8) | (((__u32)(padv) & 0xffu) << 16))
#define DNPU_DMA_REGION_IDX(v)		((v) & 0xfu)
#define DNPU_DMA_SPAD(v)		(((v) >> 8) & 0xfu)
#define DNPU_DMA_PAD_VALUE(v)		(((v) >> 16) & 0xffu)
#define DNPU_DMA_REGION_RSVD		0xff00f0f0u
#define DNPU_PAIR(lo, hi)		(((lo) & 0xffffu) | ((__u32)(hi) << 16))
#define DNPU_PAIR_LO(v)			((v) & 0xffffu)
#define DNPU_PAIR_HI(v)			((v) >> 16)

/*
 * CONV (array): for oy < OH, ox < OW, n < N
 *   acc = (ACCUMULATE ? ACC[acc_base + (oy*OW+ox)*acc_pitch + n] : 0)
 *       + sum_{ky<KH, kx<KW, c<C} IN[in_base + oy*in_sy + ox*in_sx
 *                                      + ky*in_ty + kx*in_tx + c]
 *                                * WGT[w_base + ((ky*KW + kx)*C + c)*w_pitch + n]
 *   ACC[acc_base + (oy*OW+ox)*acc_pitch + n] = acc   (int32, wrapping)
 * int8 x int8 products. Input zero points are folded into the bias by the
 * compiler and padding is inserted by LOAD with the zero point as value.
 * A FULLY_CONNECTED / 1x1 conv is OH=M rows, OW=1, KH=KW=1.
 */
struct dnpu_cmd_conv {
	__u32 w0;		/* flags: DNPU_CONV_F_* */
	__u32 out_hw;		/* [15:0] OH, [31:16] OW */
	__u32 nc;		/* [15:0] N, [31:16] C */
	__u32 kernel;		/* [7:0] KH, [15:8] KW, rest 0 */
	__u32 in_base;
	__u32 in_sx;
	__u32 in_sy;
	__u32 in_tx;
	__u32 in_ty;
	__u32 w_base;
	__u32 w_pitch;
	__u32 acc_base;		/* in 32-bit words */
	__u32 acc_pitch;	/* in 32-bit words */
	__u32 reserved[3];
};
#define DNPU_CONV_F_ACCUMULATE		(1u << 0)

/*
 * Parameter record for the PPU and NMC_DWCONV, one per output channel,
 * in the PARAM scratchpad (12 bytes each, 4 B aligned). shift must be in
 * [-31, 31], else the command using it faults DNPU_FAULT_ILLEGAL_CMD.
 */
struct dnpu_chan_param {
	__s32 bias;		/* added to the accumulator */
	__s32 mult;		/* Q31 multiplier (TFLite QuantizeMultiplier) */
	__s32 shift;		/* exponent, left if > 0 */
};

/*
 * Parameters of a TFLite int8 ADD (also the PPU's fused residual add), in
 * the PARAM scratchpad, 4 B aligned:
 *   a' = MBQM((a + in1_offset) << left_shift, in1_mult, in1_shift)
 *   b' = MBQM((b + in2_offset) << left_shift, in2_mult, in2_shift)
 *   y  = clamp(MBQM(a' + b', out_mult, out_shift) + out_offset, act_min, act_max)
 * then saturated to int8. Shifts in [-31, 31], left_shift in [0, 31], else
 * DNPU_FAULT_ILLEGAL_CMD.
 */
struct dnpu_add_param {
	__s32 in1_offset, in1_mult, in1_shift;
	__s32 in2_offset, in2_mult, in2_shift;
	__s32 left_shift;
	__s32 out_mult, out_shift, out_offset;
	__s32 act_min, act_max;
};

/*
 * PPU (epilogue): for m < M, n < N
 *   v = ACC[acc_base + m*acc_pitch + n] + P[n].bias
 *   v = MBQM(v, P[n].mult, P[n].shift) + out_zp, clamp [act_min, act_max]
 *   if FUSE_ADD: v = ADD(v, RES[res_base + m*res_pitch + n]) with add_param
 *   DST[dst_base + m*dst_pitch + n] = (int8)v
 * Without FUSE_ADD, res, res_base, res_pitch and add_param must be 0.
 * P = dnpu_chan_param array at param_base in PARAM. DST and RES are the IN
 * or OUT scratchpad.
 */
struct dnpu_cmd_ppu {
	__u32 w0;		/* flags: DNPU_PPU_F_* */
	__u32 mn;		/* [15:0] M, [31:16] N */
	__u32 acc_base;		/* words */
	__u32 acc_pitch;	/* words */
	__u32 param_base;	/* bytes in PARAM */
	__u32 dst;		/* [3:0] spad */
	__u32 dst_base;
	__u32 dst_pitch;
	__u32 quant;		/* [15:0] out_zp (s16), [23:16] act_min (s8), [31:24] act_max (s8) */
	__u32 res;		/* [3:0] spad (FUSE_ADD) */
	__u32 res_base;
	__u32 res_pitch;
	__u32 add_param;	/* bytes in PARAM: dnpu_add_param (FUSE_ADD) */
	__u32 reserved[3];
};
#define DNPU_PPU_F_FUSE_ADD		(1u << 0)
#define DNPU_PPU_QUANT(zp, amin, amax) \
	(((__u32)(zp) & 0xffffu) | (((__u32)(amin) & 0xffu) << 16) | \
	 (((__u32)(amax) & 0xffu) << 24))

/*
 * NMC_ADD: elementwise TFLite int8 ADD of a rows x cols block:
 *   DST[dst + r*dst_pitch + i] = ADD(A[a + r*a_pitch + i], B[b + r*b_pitch + i])
 * Operands in IN or OUT; params: dnpu_add_param at param_base.
 */
struct dnpu_cmd_nmc_add {
	__u32 w0;
	__u32 shape;		/* [15:0] cols, [31:16] rows */
	__u32 spads;		/* [3:0] A, [7:4] B, [11:8] DST */
	__u32 a_base, a_pitch;
	__u32 b_base, b_pitch;
	__u32 dst_base, dst_pitch;
	__u32 param_base;
	__u32 reserved[6];
};

/*
 * NMC_POOL: max or average pooling of an HxWxC int8 tile (channels
 * contiguous, rows dst/src pitch in bytes, pixel pitch = C):
 *   out(oy, ox, c) over window rows iy = oy*SH - pad_top + ky (ky < KH),
 *   cols ix = ox*SW - pad_left + kx (kx < KW), only 0 <= iy < IH, 0 <= ix < IW;
 *   MAX: max of them; AVG: TFLite rounding (sum +- count/2) / count;
 *   then clamp [act_min, act_max]. No zero point change (TFLite pools).
 *   A window with no valid element gives clamp(0) (AVG) or clamp(-128) (MAX).
 */
struct dnpu_cmd_nmc_pool {
	__u32 w0;		/* flags: DNPU_POOL_F_* */
	__u32 in_hw;		/* [15:0] IH, [31:16] IW */
	__u32 out_hw;		/* [15:0] OH, [31:16] OW */
	__u32 channels;		/* C */
	__u32 window;		/* [7:0] KH, [15:8] KW, [23:16] SH, [31:24] SW */
	__u32 pad;		/* [15:0] pad_top, [31:16] pad_left */
	__u32 spads;		/* [3:0] src, [11:8] dst */
	__u32 src_base, src_row_pitch;
	__u32 dst_base, dst_row_pitch;
	__u32 act;		/* [7:0] act_min (s8), [15:8] act_max (s8) */
	__u32 reserved[4];
};
#define DNPU_POOL_F_AVG			(1u << 0) /* else max */

/*
 * NMC_MEAN: TFLite int8 MEAN over H and W of an HxWxC tile:
 *   acc = sum (x - in_zp); acc = MBQM(acc, mult, shift);
 *   acc = acc >= 0 ? (acc + count/2) / count : (acc - count/2) / count
 *   y = clamp(acc + out_zp, -128, 127)
 * (count = H*W unless the compiler folded it into mult; then count = 1.)
 */
struct dnpu_cmd_nmc_mean {
	__u32 w0;
	__u32 in_hw;		/* [15:0] H, [31:16] W */
	__u32 channels;
	__u32 spads;		/* [3:0] src, [11:8] dst */
	__u32 src_base, src_row_pitch;
	__u32 dst_base;
	__u32 zps;		/* [15:0] in_zp (s16), [31:16] out_zp (s16) */
	__s32 mult;
	__s32 shift;
	__u32 count;
	__u32 reserved[5];
};

/*
 * NMC_DWCONV: depthwise conv on channel-parallel lanes over a pre-padded
 * tile (padding inserted by LOAD with the input zero point):
 *   out(oy, ox, oc) = sum_{ky,kx} IN[src + (oy*SH + ky*DH)*row_pitch
 *                                     + (ox*SW + kx*DW)*CI + oc/DM]
 *                                * WGT[w_base + (ky*KW + kx)*CO + oc]
 *   then + P[oc].bias, MBQM(P[oc].mult, P[oc].shift), + out_zp, clamp.
 * CI = CO / DM input channels, contiguous. Output pixel pitch = CO.
 */
struct dnpu_cmd_nmc_dwconv {
	__u32 w0;
	__u32 out_hw;		/* [15:0] OH, [31:16] OW */
	__u32 channels;		/* [15:0] CO, [31:16] DM (depth multiplier) */
	__u32 kernel;		/* [7:0] KH, [15:8] KW, [23:16] SH, [31:24] SW */
	__u32 dilation;		/* [7:0] DH, [15:8] DW */
	__u32 spads;		/* [3:0] src, [11:8] dst */
	__u32 src_base, src_row_pitch;
	__u32 w_base;		/* WGT scratchpad */
	__u32 dst_base, dst_row_pitch;
	__u32 param_base;	/* dnpu_chan_param[CO] in PARAM */
	__u32 quant;		/* DNPU_PPU_QUANT(out_zp, act_min, act_max) */
	__u32 reserved[3];
};

/* ------------------------------------------------------------------ */
/* Co-simulation transport (QEMU ivshmem-doorbell, docs/ARCHITECTURE.md) */
/* ------------------------------------------------------------------ */

/*
 * Register accesses cross to the simulated device through a mailbox at the
 * start of the ivshmem BAR2 shared memory: the driver fills op/offset/value,
 * increments req_seq, rings the ivshmem doorbell (peer @daemon_peer_id,
 * vector 0) and polls until resp_seq == req_seq; a read returns its value in
 * @value. The daemon raises ivshmem vector 0 towards the guest whenever
 * (IRQ_STATUS & IRQ_MASK) becomes non-zero. Guest RAM is the device's bus:
 * bus address == guest physical address.
 */
#define DNPU_COSIM_MAGIC		0x53434e44u /* "DNCS" */
#define DNPU_COSIM_VERSION		1u
#define DNPU_COSIM_OP_READ		1u
#define DNPU_COSIM_OP_WRITE		2u
#define DNPU_COSIM_STATUS_OK		0u
#define DNPU_COSIM_STATUS_BAD_OFFSET	1u
#define DNPU_COSIM_STATUS_BAD_OP	2u /* op is not READ or WRITE */
#define DNPU_COSIM_SHM_SIZE		0x10000u /* 64 KiB BAR2 */

struct dnpu_cosim_mbox {
	__u32 magic;		/* daemon writes DNPU_COSIM_MAGIC when ready */
	__u32 version;
	__u32 req_seq;		/* guest: increments after filling a request */
	__u32 resp_seq;		/* daemon: set to req_seq when done */
	__u32 op;		/* DNPU_COSIM_OP_* */
	__u32 offset;		/* register offset in the host block */
	__u32 value;		/* write data / read result */
	__u32 status;		/* DNPU_COSIM_STATUS_* */
	__u32 daemon_peer_id;	/* ivshmem peer id of the daemon */
	__u32 reserved[7];
};

#endif /* DNPU_HW_H */
