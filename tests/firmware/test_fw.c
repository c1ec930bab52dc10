// SPDX-License-Identifier: MIT
/*
 * Firmware ring / descriptor / fault logic (firmware/fw.c) against the mock
 * HAL: directed tests for every path, then a seeded fuzz run with garbage
 * rings and descriptors that must be reported, never hang the firmware and
 * never make it touch memory outside its buffers (run under ASan too).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fw.h"
#include "mock_hal.h"

#define RING_ADDR	(MOCK_HOSTMEM_BASE + 0x0000)	/* up to 64 entries */
#define TABLE_ADDR	(MOCK_HOSTMEM_BASE + 0x1000)	/* 512 B per slot */
#define COMPL_ADDR	(MOCK_HOSTMEM_BASE + 0x9000)	/* 64 B per slot */
#define MAX_SLOTS	64u

static struct fw fw;

static void host_ring(uint32_t size)
{
	mock_host_write(DNPU_REG_RING_BASE_LO, (uint32_t)RING_ADDR);
	mock_host_write(DNPU_REG_RING_BASE_HI, (uint32_t)(RING_ADDR >> 32));
	mock_host_write(DNPU_REG_RING_SIZE, size);
}

static int setup(void **state)
{
	(void)state;
	mock_reset();
	host_ring(8);
	fw_boot(&fw);
	return 0;
}

static uint32_t ring_size(void)
{
	return mock_host_read(DNPU_REG_RING_SIZE);
}

static struct dnpu_job_desc *slot_desc(uint32_t idx)
{
	return mock_mem(RING_ADDR + 64ull * (idx & (ring_size() - 1)), 64);
}

static uint64_t compl_addr(uint32_t seqno)
{
	return COMPL_ADDR + 64ull * (seqno % MAX_SLOTS);
}

static struct dnpu_job_completion *completion(uint32_t seqno)
{
	return mock_mem(compl_addr(seqno), 64);
}

/* Build a valid job in the next ring slot; returns its descriptor. */
static struct dnpu_job_desc *prepare(uint32_t seqno, uint32_t nregions)
{
	uint32_t tail = mock_host_read(DNPU_REG_RING_TAIL);
	struct dnpu_job_desc *d = slot_desc(tail);
	uint64_t table = TABLE_ADDR + 512ull * (seqno % 32);
	struct dnpu_region *r = mock_mem(table, 512);

	memset(r, 0, 512);
	for (uint32_t i = 0; i < nregions; i++) {
		r[i].addr = 0x100000000ull * (i + 1) + 0x1000u * seqno;
		r[i].size = 0x10000u + i;
		r[i].flags = DNPU_REGION_VALID | DNPU_REGION_READ |
			     (i ? DNPU_REGION_WRITE : 0);
	}
	memset(d, 0, sizeof(*d));
	d->seqno = seqno;
	d->flags = DNPU_JOB_F_PERF;
	d->region_table = table;
	d->region_count = nregions;
	d->cmd_region = 0;
	d->cmd_offset = 128;
	d->cmd_count = 3;
	d->completion = compl_addr(seqno);
	memset(completion(seqno), 0xee, 64);
	return d;
}

static void submit(void)
{
	mock_host_write(DNPU_REG_RING_TAIL, mock_host_read(DNPU_REG_RING_TAIL) + 1);
	mock_host_write(DNPU_REG_DOORBELL, 1);
}

static void run_fw(void)
{
	fw_step(&fw);
	if (mock.bad_reg_access)
		fail_msg("bad register access at 0x%x", mock.last_bad_off);
	assert_int_equal(mock.bad_mbox_len, 0);
	assert_int_equal(mock.wait_overrun, 0);
}

static void test_boot(void **state)
{
	uint32_t st = mock_host_read(DNPU_REG_STATUS);

	(void)state;
	assert_int_equal(mock_host_read(DNPU_REG_FW_VERSION), DNPU_FW_VERSION_VALUE);
	assert_true(st & DNPU_STATUS_FW_READY);
	assert_int_equal(DNPU_STATUS_FW_STATE(st), DNPU_FW_STATE_IDLE);
	assert_true(mock_host_read(DNPU_REG_IRQ_STATUS) & DNPU_IRQ_FW_READY);
	assert_int_equal(mock.irq_raises[2], 1);
	assert_int_equal(mock.clock_gated, 1);
	assert_int_equal(mock.eng[DNPU_ENG_IRQ_ENABLE / 4],
			 DNPU_CORE_IRQ_DOORBELL | DNPU_CORE_IRQ_ENG_DONE |
			 DNPU_CORE_IRQ_ENG_FAULT);
	assert_int_equal(mock.eng[DNPU_ENG_REGION_FLAGS(5) / 4], 0);
	assert_int_equal(mock_host_read(DNPU_REG_FW_ERROR), DNPU_FW_ERR_NONE);
	assert_int_equal(mock.bad_reg_access, 0);
	/* empty ring: nothing happens */
	run_fw();
	assert_int_equal(mock.starts, 0);
	assert_int_equal(mock_host_read(DNPU_REG_RING_HEAD), 0);
}

static void test_one_job(void **state)
{
	struct dnpu_job_completion *c;
	struct dnpu_region *tab;

	(void)state;
	prepare(1, 3);
	submit();
	run_fw();
	assert_int_equal(mock.starts, 1);
	c = completion(1);
	assert_int_equal(c->seqno, 1);
	assert_int_equal(c->status, DNPU_JOB_OK);
	assert_int_equal(c->cycles, mock.job_cycles);
	assert_int_equal(c->macs, mock.job_macs);
	assert_int_equal(c->dram_rd_bytes, mock.job_rd);
	assert_int_equal(c->dram_wr_bytes, mock.job_wr);
	assert_int_equal(c->reserved0, 0);
	assert_int_equal(c->reserved1, 0);
	assert_int_equal(mock_host_read(DNPU_REG_DONE_SEQNO), 1);
	assert_int_equal(mock_host_read(DNPU_REG_RING_HEAD), 1);
	assert_int_equal(mock.irq_raises[0], 1);
	assert_int_equal(mock.irq_raises[1], 0);
	/* engine programmed from the descriptor and region table */
	tab = mock_mem(slot_desc(0)->region_table, 96);
	assert_int_equal(mock.last_job.cmd_region, 0);
	assert_int_equal(mock.last_job.cmd_offset, 128);
	assert_int_equal(mock.last_job.cmd_count, 3);
	assert_int_equal(mock.last_job.region_count, 3);
	assert_int_equal(mock.last_job.watchdog, FW_DEFAULT_TIMEOUT_KCYCLES);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(mock.last_job.region[i][0], (uint32_t)tab[i].addr);
		assert_int_equal(mock.last_job.region[i][1], (uint32_t)(tab[i].addr >> 32));
		assert_int_equal(mock.last_job.region[i][2], tab[i].size);
		assert_int_equal(mock.last_job.region[i][3], tab[i].flags);
	}
	assert_int_equal(mock.last_job.region[3][3], 0);
	/* idle again: clock gated, not busy */
	assert_int_equal(mock.clock_gated, 1);
	assert_false(mock_host_read(DNPU_REG_STATUS) & DNPU_STATUS_BUSY);
	assert_int_equal(DNPU_STATUS_FW_STATE(mock_host_read(DNPU_REG_STATUS)),
			 DNPU_FW_STATE_IDLE);
}

static void test_stale_regions_cleared(void **state)
{
	(void)state;
	prepare(1, 5);
	submit();
	run_fw();
	assert_int_equal(mock.last_job.region[4][3] & DNPU_REGION_VALID, DNPU_REGION_VALID);
	prepare(2, 2);
	submit();
	run_fw();
	assert_int_equal(mock.last_job.region_count, 2);
	assert_int_equal(mock.last_job.region[1][3] & DNPU_REGION_VALID, DNPU_REGION_VALID);
	for (int i = 2; i < 5; i++)
		for (int k = 0; k < 4; k++)
			assert_int_equal(mock.last_job.region[i][k], 0);
}

static void test_no_perf_and_timeout_field(void **state)
{
	struct dnpu_job_desc *d;

	(void)state;
	d = prepare(1, 1);
	d->flags = 0;
	d->timeout_kcycles = 77;
	submit();
	run_fw();
	assert_int_equal(completion(1)->status, DNPU_JOB_OK);
	assert_int_equal(completion(1)->cycles, 0);
	assert_int_equal(completion(1)->macs, 0);
	assert_int_equal(mock.last_job.watchdog, 77);
}

static void test_engine_fault_then_ok(void **state)
{
	struct dnpu_job_completion *c;

	(void)state;
	mock.mode = MOCK_ENG_FAULT;
	mock.fault_cause = DNPU_FAULT_OUT_OF_BOUNDS;
	mock.fault_region = 2;
	mock.fault_offset = 0x1234;
	mock.fault_cmd = 5;
	prepare(1, 3);
	submit();
	run_fw();
	c = completion(1);
	assert_int_equal(c->status, DNPU_FAULT_OUT_OF_BOUNDS);
	assert_int_equal(c->fault_region, 2);
	assert_int_equal(c->fault_offset, 0x1234);
	assert_int_equal(c->fault_cmd, 5);
	assert_int_equal(mock_host_read(DNPU_REG_FAULT_SEQNO), 1);
	assert_int_equal(mock_host_read(DNPU_REG_FAULT_CAUSE), DNPU_FAULT_OUT_OF_BOUNDS);
	assert_int_equal(mock_host_read(DNPU_REG_FAULT_REGION), 2);
	assert_int_equal(mock_host_read(DNPU_REG_FAULT_OFFSET), 0x1234);
	assert_int_equal(mock_host_read(DNPU_REG_FAULT_CMD), 5);
	assert_int_equal(mock_host_read(DNPU_REG_DONE_SEQNO), 1);
	assert_int_equal(mock.irq_raises[1], 1);
	assert_int_equal(mock.irq_raises[0], 0);
	assert_true(mock_host_read(DNPU_REG_STATUS) & DNPU_STATUS_FAULTED);

	mock.mode = MOCK_ENG_DONE;
	prepare(2, 1);
	submit();
	run_fw();
	assert_int_equal(completion(2)->status, DNPU_JOB_OK);
	assert_int_equal(mock_host_read(DNPU_REG_DONE_SEQNO), 2);
	assert_int_equal(mock_host_read(DNPU_REG_FAULT_SEQNO), 1);
	assert_false(mock_host_read(DNPU_REG_STATUS) & DNPU_STATUS_FAULTED);
}

static void test_fault_without_cause(void **state)
{
	(void)state;
	mock.mode = MOCK_ENG_FAULT;
	mock.fault_cause = 0;
	prepare(1, 1);
	submit();
	run_fw();
	assert_int_not_equal(completion(1)->status, DNPU_JOB_OK);
}

/* Each corruption of a valid descriptor or region table: BAD_DESC. */
enum corruption {
	C_SEQNO_ZERO, C_SEQNO_SKIP, C_FLAGS, C_REGIONS_ZERO, C_REGIONS_17,
	C_CMD_REGION, C_CMD_ALIGN, C_CMD_COUNT, C_TABLE_NULL, C_TABLE_ALIGN,
	C_RESERVED, C_RESERVED_LAST, C_REGION_RSVD, C_REGION_FLAGS,
	C_COUNT
};

static void corrupt(struct dnpu_job_desc *d, enum corruption c)
{
	struct dnpu_region *r = mock_mem(d->region_table, 512);

	switch (c) {
	case C_SEQNO_ZERO: d->seqno = 0; break;
	case C_SEQNO_SKIP: d->seqno += 5; break;
	case C_FLAGS: d->flags |= 0x100; break;
	case C_REGIONS_ZERO: d->region_count = 0; break;
	case C_REGIONS_17: d->region_count = 17; break;
	case C_CMD_REGION: d->cmd_region = d->region_count; break;
	case C_CMD_ALIGN: d->cmd_offset = 65; break;
	case C_CMD_COUNT: d->cmd_count = 0; break;
	case C_TABLE_NULL: d->region_table = 0; break;
	case C_TABLE_ALIGN: d->region_table += 4; break;
	case C_RESERVED: d->reserved[0] = 1; break;
	case C_RESERVED_LAST: d->reserved[4] = 0x80000000u; break;
	case C_REGION_RSVD: r[1].reserved[1] = 1; break;
	case C_REGION_FLAGS: r[0].flags |= 1u << 9; break;
	default: break;
	}
}

static void test_bad_descriptors(void **state)
{
	(void)state;
	for (uint32_t c = 0; c < C_COUNT; c++) {
		uint32_t seqno = 2 * c + 1;
		uint32_t starts = mock.starts;
		uint32_t faults = mock.irq_raises[1];
		struct dnpu_job_desc *d = prepare(seqno, 2);

		corrupt(d, c);
		submit();
		run_fw();
		assert_int_equal(mock.starts, starts);
		assert_int_equal(mock.irq_raises[1], faults + 1);
		assert_int_equal(mock_host_read(DNPU_REG_FAULT_CAUSE), DNPU_FAULT_BAD_DESC);
		/* the fence moves on to the expected seqno */
		assert_int_equal(mock_host_read(DNPU_REG_DONE_SEQNO), seqno);
		assert_int_equal(mock_host_read(DNPU_REG_FAULT_SEQNO), seqno);
		/* a descriptor that is ours gets a completion record */
		if (c != C_SEQNO_ZERO && c != C_SEQNO_SKIP) {
			assert_int_equal(completion(seqno)->seqno, seqno);
			assert_int_equal(completion(seqno)->status, DNPU_FAULT_BAD_DESC);
		} else {
			assert_int_equal(completion(seqno)->seqno, 0xeeeeeeeeu);
		}
		/* and the next good job runs */
		prepare(seqno + 1, 1);
		submit();
		run_fw();
		assert_int_equal(mock.starts, starts + 1);
		assert_int_equal(completion(seqno + 1)->status, DNPU_JOB_OK);
		assert_int_equal(mock_host_read(DNPU_REG_DONE_SEQNO), seqno + 1);
	}
	assert_int_equal(mock_host_read(DNPU_REG_RING_HEAD), 2 * C_COUNT);
}

static void test_timeout(void **state)
{
	(void)state;
	mock.mode = MOCK_ENG_HANG;
	prepare(1, 1)->timeout_kcycles = 10;
	submit();
	run_fw();
	assert_int_equal(completion(1)->status, DNPU_FAULT_TIMEOUT);
	assert_int_equal(mock_host_read(DNPU_REG_FAULT_CAUSE), DNPU_FAULT_TIMEOUT);
	assert_true(mock.aborts >= 2);	/* boot + timeout */
	assert_true(mock.time >= 20000u);
	/* heartbeat kept going while waiting */
	assert_true(mock_host_read(DNPU_REG_HEARTBEAT) >= 1);
	mock.mode = MOCK_ENG_DONE;
	prepare(2, 1);
	submit();
	run_fw();
	assert_int_equal(completion(2)->status, DNPU_JOB_OK);
}

static void test_inject_dma_fault(void **state)
{
	(void)state;
	mock_host_write(DNPU_REG_DEBUG_INJECT, DNPU_INJECT_DMA_FAULT);
	/* both jobs are in the ring; only the first faults */
	prepare(1, 1);
	submit();
	prepare(2, 1);
	submit();
	run_fw();
	assert_int_equal(completion(1)->status, DNPU_FAULT_INJECTED);
	assert_int_equal(completion(2)->status, DNPU_JOB_OK);
	assert_int_equal(mock.starts, 1);
	assert_int_equal(mock_host_read(DNPU_REG_DEBUG_INJECT), 0);
	assert_int_equal(mock_host_read(DNPU_REG_DONE_SEQNO), 2);
	assert_int_equal(mock_host_read(DNPU_REG_FAULT_SEQNO), 1);
}

static void test_inject_drop_irq(void **state)
{
	(void)state;
	mock_host_write(DNPU_REG_DEBUG_INJECT, DNPU_INJECT_DROP_IRQ);
	prepare(1, 1);
	submit();
	run_fw();
	assert_int_equal(mock_host_read(DNPU_REG_DONE_SEQNO), 1);
	assert_int_equal(mock.irq_raises[0], 0);
	prepare(2, 1);
	submit();
	run_fw();
	assert_int_equal(mock.irq_raises[0], 1);
}

static void test_inject_hang(void **state)
{
	uint32_t hb;

	(void)state;
	mock_host_write(DNPU_REG_DEBUG_INJECT, DNPU_INJECT_HANG);
	run_fw();
	hb = mock_host_read(DNPU_REG_HEARTBEAT);
	prepare(1, 1);
	submit();
	for (int i = 0; i < 10; i++) {
		mock.time += 10 * FW_HEARTBEAT_CYCLES;
		run_fw();
	}
	assert_int_equal(mock_host_read(DNPU_REG_HEARTBEAT), hb);
	assert_int_equal(mock.starts, 0);
	assert_int_equal(mock_host_read(DNPU_REG_RING_HEAD), 0);
	/* a reset (fresh boot) recovers and runs the pending job */
	fw_boot(&fw);
	run_fw();
	assert_int_equal(completion(1)->status, DNPU_JOB_OK);
}

static void test_inject_crash(void **state)
{
	uint32_t st;

	(void)state;
	mock_host_write(DNPU_REG_DEBUG_INJECT, DNPU_INJECT_FW_CRASH);
	if (setjmp(mock.crash_jmp) == 0) {
		fw_step(&fw);
		fail_msg("firmware did not crash");
	}
	assert_int_equal(mock.crashed, 1);
	/* what the trap handler does */
	fw_report_trap(2, 0x100, 0);
	st = mock_host_read(DNPU_REG_STATUS);
	assert_int_equal(mock_host_read(DNPU_REG_FW_ERROR), DNPU_FW_ERR_TRAP);
	assert_int_equal(DNPU_STATUS_FW_STATE(st), DNPU_FW_STATE_ERROR);
	assert_false(st & DNPU_STATUS_FW_READY);
	assert_int_equal(mock.irq_raises[3], 1);
	assert_int_equal(mock_host_read(DNPU_REG_DEBUG_INJECT), 0);
}

static void test_bad_ring(void **state)
{
	(void)state;
	mock_host_write(DNPU_REG_RING_SIZE, 6);
	prepare(1, 1);
	submit();
	run_fw();
	assert_int_equal(mock_host_read(DNPU_REG_FW_ERROR), DNPU_FW_ERR_BAD_RING);
	assert_int_equal(mock.irq_raises[3], 1);
	assert_int_equal(mock.starts, 0);
	run_fw();
	assert_int_equal(mock.irq_raises[3], 1);	/* reported once */
	host_ring(2048);
	run_fw();
	assert_int_equal(mock.starts, 0);
	mock_host_write(DNPU_REG_RING_BASE_LO, (uint32_t)RING_ADDR + 32);
	mock_host_write(DNPU_REG_RING_SIZE, 8);
	run_fw();
	assert_int_equal(mock.starts, 0);
	/* fixed: the job runs and the error clears */
	host_ring(8);
	run_fw();
	assert_int_equal(mock.starts, 1);
	assert_int_equal(mock_host_read(DNPU_REG_FW_ERROR), DNPU_FW_ERR_NONE);
	/* tail more than a ring ahead of head */
	mock_host_write(DNPU_REG_RING_TAIL, 100);
	run_fw();
	assert_int_equal(mock_host_read(DNPU_REG_FW_ERROR), DNPU_FW_ERR_BAD_RING);
	assert_int_equal(mock.starts, 1);
}

static void test_ring_wrap(void **state)
{
	uint32_t seqno = 1;

	(void)state;
	host_ring(4);
	for (int batch = 0; batch < 6; batch++) {
		for (int k = 0; k < (batch % 4) + 1; k++) {
			prepare(seqno++, (uint32_t)(batch % 16) + 1);
			submit();
		}
		run_fw();
		assert_int_equal(mock_host_read(DNPU_REG_RING_HEAD),
				 mock_host_read(DNPU_REG_RING_TAIL));
	}
	for (uint32_t s = 1; s < seqno; s++)
		assert_int_equal(completion(s)->status, DNPU_JOB_OK);
	assert_int_equal(mock_host_read(DNPU_REG_DONE_SEQNO), seqno - 1);
	assert_int_equal(mock.starts, seqno - 1);
}

static void test_restart_resumes(void **state)
{
	(void)state;
	for (uint32_t s = 1; s <= 3; s++) {
		prepare(s, 1);
		submit();
	}
	run_fw();
	/* core restart: the state comes back from the registers */
	fw_boot(&fw);
	assert_int_equal(fw.head, 3);
	assert_int_equal(fw.last_seqno, 3);
	prepare(4, 1);
	submit();
	run_fw();
	assert_int_equal(completion(4)->status, DNPU_JOB_OK);
	assert_int_equal(mock_host_read(DNPU_REG_RING_HEAD), 4);
	/* seqno 4 again would now be a bad descriptor */
	prepare(4, 1);
	submit();
	run_fw();
	assert_int_equal(mock_host_read(DNPU_REG_FAULT_CAUSE), DNPU_FAULT_BAD_DESC);
	assert_int_equal(mock_host_read(DNPU_REG_DONE_SEQNO), 5);
}

static void test_bus_errors(void **state)
{
	struct dnpu_job_desc *d;

	(void)state;
	/* region table outside host memory */
	d = prepare(1, 2);
	d->region_table = 0x40000000;
	submit();
	run_fw();
	assert_int_equal(completion(1)->status, DNPU_FAULT_BUS_ERROR);
	assert_int_equal(mock.starts, 0);
	/* completion record outside host memory: the registers still tell */
	d = prepare(2, 1);
	d->completion = 0x40000000;
	submit();
	run_fw();
	assert_int_equal(mock_host_read(DNPU_REG_DONE_SEQNO), 2);
	assert_int_equal(mock_host_read(DNPU_REG_FAULT_SEQNO), 2);
	assert_int_equal(mock_host_read(DNPU_REG_FAULT_CAUSE), DNPU_FAULT_BUS_ERROR);
	/* ring itself outside host memory */
	mock_host_write(DNPU_REG_RING_BASE_LO, 0x40000000);
	mock_host_write(DNPU_REG_RING_BASE_HI, 0);
	submit();
	run_fw();
	assert_int_equal(mock_host_read(DNPU_REG_DONE_SEQNO), 3);
	assert_int_equal(mock_host_read(DNPU_REG_FAULT_CAUSE), DNPU_FAULT_BUS_ERROR);
	assert_int_equal(mock_host_read(DNPU_REG_RING_HEAD), 3);
}

static void test_seqno_wrap(void **state)
{
	(void)state;
	/* resume just before the wrap: 0xffffffff is followed by 1 */
	mock.reg[DNPU_REG_DONE_SEQNO / 4] = 0xfffffffeu;
	fw_boot(&fw);
	prepare(0xffffffffu, 1);
	submit();
	prepare(1, 1);
	submit();
	run_fw();
	assert_int_equal(completion(0xffffffffu)->status, DNPU_JOB_OK);
	assert_int_equal(completion(1)->status, DNPU_JOB_OK);
	assert_int_equal(mock_host_read(DNPU_REG_DONE_SEQNO), 1);
	/* a 0 seqno is never accepted, and the fence skips it too */
	prepare(0, 1);
	submit();
	run_fw();
	assert_int_equal(mock_host_read(DNPU_REG_FAULT_CAUSE), DNPU_FAULT_BAD_DESC);
	assert_int_equal(mock_host_read(DNPU_REG_DONE_SEQNO), 2);
}

static void test_heartbeat(void **state)
{
	uint32_t hb = mock_host_read(DNPU_REG_HEARTBEAT);

	(void)state;
	for (int i = 0; i < 5; i++) {
		mock.time = fw_next_wakeup(&fw);
		run_fw();
	}
	assert_int_equal(mock_host_read(DNPU_REG_HEARTBEAT), hb + 5);
}

/* ---- fuzzing ---- */

static uint64_t rng_state;
static unsigned fuzz_ok, fuzz_faulted, fuzz_starts, fuzz_hung;

static uint32_t rnd(void)
{
	/* xorshift64*: reproducible from the seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static void fill_random(void *p, size_t n)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)rnd();
}

static uint64_t random_addr(void)
{
	switch (rnd() % 4) {
	case 0: return ((uint64_t)rnd() << 32) | rnd();
	case 1: return MOCK_HOSTMEM_BASE + rnd() % (MOCK_HOSTMEM_SIZE + 256);
	case 2: return MOCK_HOSTMEM_BASE + (rnd() % MOCK_HOSTMEM_SIZE & ~7u);
	default: return rnd() % 256;
	}
}

static void fuzz_case(void)
{
	uint32_t size_choice[] = { 1, 2, 4, 8, 16, 64, 3, 0, 1024, 2048 };
	uint32_t size = size_choice[rnd() % 10];
	uint32_t head0, njobs = rnd() % 12;
	uint32_t oldhead, olddone, offered;

	mock_reset();
	if (rnd() % 8 == 0)
		fill_random(mock.mem, sizeof(mock.mem));
	/* the ring may start anywhere: restart after a previous life */
	head0 = rnd() % 3 ? rnd() % 5 : rnd();
	mock.reg[DNPU_REG_RING_HEAD / 4] = head0;
	mock.reg[DNPU_REG_DONE_SEQNO / 4] = rnd() % 2 ? 0 : rnd();
	mock.reg[DNPU_REG_RING_TAIL / 4] = head0;
	host_ring(size);
	if (rnd() % 10 == 0)
		mock_host_write(DNPU_REG_RING_BASE_LO, (uint32_t)random_addr());
	fw_boot(&fw);

	for (uint32_t j = 0; j < njobs && size >= 1 && size <= MAX_SLOTS; j++) {
		uint32_t seq = fw.last_seqno + 1 + j;
		struct dnpu_job_desc *d;

		if ((size & (size - 1)) != 0)
			break;
		d = prepare(seq, rnd() % 16 + 1);
		switch (rnd() % 5) {
		case 0:		/* pure garbage */
			fill_random(d, sizeof(*d));
			break;
		case 1:		/* one random field */
			((uint32_t *)d)[rnd() % 16] = rnd();
			break;
		case 2:		/* garbage region table */
			fill_random(mock_mem(d->region_table, 512), 512);
			break;
		case 3:		/* wild pointers */
			d->region_table = random_addr();
			d->completion = random_addr();
			break;
		default:	/* valid */
			break;
		}
		if (rnd() % 4 == 0)
			d->region_count = rnd() % 20;
		mock_host_write(DNPU_REG_RING_TAIL, mock_host_read(DNPU_REG_RING_TAIL) + 1);
	}
	if (rnd() % 8 == 0)	/* a confused producer */
		mock_host_write(DNPU_REG_RING_TAIL, rnd());
	mock.mode = rnd() % 8 == 0 ? MOCK_ENG_HANG :
		    rnd() % 2 ? MOCK_ENG_DONE : MOCK_ENG_FAULT;
	mock.fault_cause = rnd() % 16;
	mock_host_write(DNPU_REG_DEBUG_INJECT, rnd() % 4 == 0 ? rnd() & 0xb : 0);

	oldhead = fw.head;
	olddone = fw.last_seqno;
	for (int step = 0; step < 3; step++)
		fw_step(&fw);
	/* never consumes more than the producer offered */
	offered = mock_host_read(DNPU_REG_RING_TAIL) - oldhead;
	if (offered <= size)
		assert_true(fw.head - oldhead <= offered);
	else
		assert_int_equal(fw.head, oldhead);
	if (mock.bad_reg_access)
		fail_msg("bad register access at 0x%x", mock.last_bad_off);
	assert_int_equal(mock.bad_mbox_len, 0);
	assert_int_equal(mock.wait_overrun, 0);
	assert_int_equal(mock_host_read(DNPU_REG_RING_HEAD), fw.head);
	/* every consumed job moved the fence by exactly one */
	if (olddone != 0)
		assert_int_equal(fw.last_seqno - olddone, fw.head - oldhead);
	assert_int_equal(fw.jobs_ok + fw.jobs_faulted, fw.head - oldhead);
	fuzz_ok += fw.jobs_ok;
	fuzz_faulted += fw.jobs_faulted;
	fuzz_starts += mock.starts;
	fuzz_hung += fw.hung;
}

static void test_fuzz(void **state)
{
	uint64_t seed = 0x5eed0001u;
	unsigned cases = 20000;
	const char *env = getenv("DNPU_FW_FUZZ_SEED");

	(void)state;
	if (env)
		seed = strtoull(env, NULL, 0);
	rng_state = seed ? seed : 1;
	for (unsigned i = 0; i < cases; i++)
		fuzz_case();
	print_message("fuzz: %u cases from seed 0x%llx: %u jobs ok, %u faulted, "
		      "%u engine starts, %u hung by injection\n", cases,
		      (unsigned long long)seed, fuzz_ok, fuzz_faulted, fuzz_starts,
		      fuzz_hung);
	/* the generator must reach both outcomes, or it tests nothing */
	assert_true(fuzz_ok > cases / 20);
	assert_true(fuzz_faulted > cases / 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_boot, setup),
		cmocka_unit_test_setup(test_one_job, setup),
		cmocka_unit_test_setup(test_stale_regions_cleared, setup),
		cmocka_unit_test_setup(test_no_perf_and_timeout_field, setup),
		cmocka_unit_test_setup(test_engine_fault_then_ok, setup),
		cmocka_unit_test_setup(test_fault_without_cause, setup),
		cmocka_unit_test_setup(test_bad_descriptors, setup),
		cmocka_unit_test_setup(test_timeout, setup),
		cmocka_unit_test_setup(test_inject_dma_fault, setup),
		cmocka_unit_test_setup(test_inject_drop_irq, setup),
		cmocka_unit_test_setup(test_inject_hang, setup),
		cmocka_unit_test_setup(test_inject_crash, setup),
		cmocka_unit_test_setup(test_bad_ring, setup),
		cmocka_unit_test_setup(test_ring_wrap, setup),
		cmocka_unit_test_setup(test_restart_resumes, setup),
		cmocka_unit_test_setup(test_bus_errors, setup),
		cmocka_unit_test_setup(test_seqno_wrap, setup),
		cmocka_unit_test_setup(test_heartbeat, setup),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
