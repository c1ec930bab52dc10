/* SPDX-License-Identifier: MIT */
/*
 * Mock of the firmware HAL (firmware/hal.h): the host register block with
 * the semantics of rtl/dnpu_ctrl.v, a behavioural engine (done / fault /
 * never finishes), host memory behind the mailbox, a cycle clock. It counts
 * every misuse so tests can require zero.
 *
 * Built with DNPU_FW_SOFT it is the engine block of a soft-sequenced
 * device instead (hal_hw_eng_*, under firmware/soft_seq.c): mailbox, IRQ
 * and the 2x2 MAC array are used, the behavioural engine is not.
 */
#ifndef MOCK_HAL_H
#define MOCK_HAL_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "dnpu_hw.h"

#define MOCK_HOSTMEM_BASE	0x80000000ull
#ifndef MOCK_HOSTMEM_SIZE	/* the soft sequencer test needs more */
#define MOCK_HOSTMEM_SIZE	0x10000u
#endif
#define MOCK_MAX_WAITS		1000000u
/* core cycles a MAC STEP costs the firmware (mock clock) */
#define MOCK_MAC_STEP_CYCLES	60u

enum mock_engine_mode {
	MOCK_ENG_DONE,		/* START completes the job */
	MOCK_ENG_FAULT,		/* START faults with the fault_* values */
	MOCK_ENG_HANG,		/* START never finishes (busy forever) */
};

struct mock_job {		/* engine state captured at START */
	uint32_t cmd_region, cmd_offset, cmd_count, region_count, watchdog;
	uint32_t region[DNPU_MAX_REGIONS][4];	/* addr lo, hi, size, flags */
};

struct mock {
	uint32_t reg[DNPU_MMIO_SIZE / 4];	/* host block */
	uint32_t eng[0x400];			/* engine block */
	uint64_t perf[DNPU_PERF_COUNT];
	uint8_t mem[MOCK_HOSTMEM_SIZE];		/* host memory at MOCK_HOSTMEM_BASE */
	uint64_t time;

	enum mock_engine_mode mode;
	uint32_t fault_cause, fault_region, fault_offset, fault_cmd;
	uint64_t job_cycles, job_macs, job_rd, job_wr;

	unsigned starts, aborts;
	struct mock_job last_job;
	unsigned irq_raises[4];		/* per DNPU_IRQ_* bit */
	unsigned mbox_reads, mbox_writes, mbox_errors;
	unsigned waits;
	int clock_gated;

	/* the MAC array of a soft-sequenced device (DNPU_ENG_MAC_*) */
	uint32_t mac_acc[DNPU_MAC_ROWS * DNPU_MAC_COLS];
	uint64_t mac_steps;

	/* misuse counters: must stay 0 */
	unsigned bad_reg_access;	/* unaligned / out of block / host-owned write */
	uint32_t last_bad_off;		/* where the last one was */
	unsigned bad_mbox_len;
	unsigned wait_overrun;		/* looks like a hang */

	int crashed;
	jmp_buf crash_jmp;
};

extern struct mock mock;

void mock_reset(void);
/* host side helpers */
void mock_host_write(uint32_t off, uint32_t val);	/* host MMIO write */
uint32_t mock_host_read(uint32_t off);
void *mock_mem(uint64_t bus_addr, size_t len);		/* NULL if outside */

#endif
