/* SPDX-License-Identifier: MIT */
/*
 * Device wrapper: register block and the job-ring protocol end to end
 * (descriptors, region table, completion records, RING_HEAD, DONE_SEQNO,
 * FAULT_*, IRQs, perf counters, debug injection, reset).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cm_test.h"
#include "dnpu_cdev.h"

#define BASE		0x40000000ull
#define MEM		(256u * 1024u)
#define RING		0x1000u
#define TABLE		0x2000u
#define COMPL		0x3000u
#define CMDS		0x4000u
#define DATA_A		0x10000u
#define DATA_B		0x20000u

static uint8_t *mem;

static int host_rd(void *ctx, uint64_t a, void *buf, size_t len)
{
	(void)ctx;
	if (a < BASE || a - BASE > MEM || len > MEM - (a - BASE))
		return -1;
	memcpy(buf, mem + (a - BASE), len);
	return 0;
}

static int host_wr(void *ctx, uint64_t a, const void *buf, size_t len)
{
	(void)ctx;
	if (a < BASE || a - BASE > MEM || len > MEM - (a - BASE))
		return -1;
	memcpy(mem + (a - BASE), buf, len);
	return 0;
}

static uint32_t rr(struct dnpu_cdev *d, uint32_t off)
{
	uint32_t v = 0;
	assert_int_equal(dnpu_cdev_mmio_read(d, off, &v), 0);
	return v;
}

static void wr(struct dnpu_cdev *d, uint32_t off, uint32_t v)
{
	assert_int_equal(dnpu_cdev_mmio_write(d, off, v), 0);
}

static uint64_t perf(struct dnpu_cdev *d, unsigned n)
{
	uint32_t lo = rr(d, DNPU_REG_PERF_LO(n));
	return (uint64_t)rr(d, DNPU_REG_PERF_HI(n)) << 32 | lo;
}

/* commands: 0 = copy 256 B A -> B (ok), 1 = store into region 0 (RO) */
static void setup_memory(void)
{
	struct dnpu_region tab[3] = {
		{ BASE + CMDS, 4096, DNPU_REGION_VALID | DNPU_REGION_READ, { 0, 0 } },
		{ BASE + DATA_A, 4096, DNPU_REGION_VALID | DNPU_REGION_READ, { 0, 0 } },
		{ BASE + DATA_B, 4096, DNPU_REGION_VALID | DNPU_REGION_READ |
		  DNPU_REGION_WRITE, { 0, 0 } },
	};
	uint32_t w[16];
	memcpy(mem + TABLE, tab, sizeof(tab));
	for (int i = 0; i < 256; i++)
		mem[DATA_A + i] = (uint8_t)(i ^ 0x3c);
	cmd_load1(w, DNPU_CMD_PUSH_NEXT, 1, DNPU_SPAD_IN, 0, 0, 256);
	memcpy(mem + CMDS, w, 64);
	cmd_simple(w, DNPU_OP_SYNC, DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_NEXT);
	memcpy(mem + CMDS + 64, w, 64);
	cmd_store1(w, DNPU_CMD_POP_PREV, 2, DNPU_SPAD_IN, 0, 0, 256);
	memcpy(mem + CMDS + 128, w, 64);
	cmd_simple(w, DNPU_OP_END, 0);
	memcpy(mem + CMDS + 192, w, 64);
	cmd_store1(w, 0, 0, DNPU_SPAD_IN, 0x100, 0, 16);
	memcpy(mem + CMDS + 256, w, 64);
	cmd_simple(w, DNPU_OP_END, 0);
	memcpy(mem + CMDS + 320, w, 64);
}

static uint32_t tail;

static void submit(struct dnpu_cdev *d, uint32_t seqno, uint32_t first_cmd,
		   uint32_t count, uint32_t region_count)
{
	struct dnpu_job_desc j;
	memset(&j, 0, sizeof(j));
	j.seqno = seqno;
	j.flags = DNPU_JOB_F_PERF;
	j.region_table = BASE + TABLE;
	j.region_count = region_count;
	j.cmd_region = 0;
	j.cmd_offset = first_cmd * 64;
	j.cmd_count = count;
	j.completion = BASE + COMPL + 64 * (seqno % 16);
	memcpy(mem + RING + (tail % 4) * sizeof(j), &j, sizeof(j));
	tail++;
	wr(d, DNPU_REG_RING_TAIL, tail);
	wr(d, DNPU_REG_DOORBELL, 1);
}

static struct dnpu_job_completion completion(uint32_t seqno)
{
	struct dnpu_job_completion c;
	memcpy(&c, mem + COMPL + 64 * (seqno % 16), sizeof(c));
	return c;
}

static void test_ring_protocol(void **state)
{
	(void)state;
	struct dnpu_cmodel_config cfg;
	dnpu_cmodel_config_small(&cfg);
	mem = calloc(1, MEM);
	tail = 0;
	setup_memory();
	struct dnpu_cdev *d = dnpu_cdev_create(&cfg, host_rd, host_wr, NULL);
	assert_non_null(d);

	/* identification */
	assert_int_equal(rr(d, DNPU_REG_ID), DNPU_ID_MAGIC);
	assert_int_equal(rr(d, DNPU_REG_CAPS), DNPU_CAPS(4, 4, 4, 16));
	assert_int_equal(rr(d, DNPU_REG_SPAD_IN_BYTES), DNPU_SMALL_SPAD_IN);
	assert_int_equal(DNPU_DMA_INFO_BUS_BYTES(rr(d, DNPU_REG_DMA_INFO)), 16);
	assert_int_equal(dnpu_cdev_mmio_read(d, 0xffc, &(uint32_t){ 0 }), -1);
	wr(d, DNPU_REG_SCRATCH, 0x1234);
	assert_int_equal(rr(d, DNPU_REG_SCRATCH), 0x1234);

	/* boot */
	assert_false(rr(d, DNPU_REG_STATUS) & DNPU_STATUS_FW_READY);
	wr(d, DNPU_REG_IRQ_MASK, DNPU_IRQ_ALL);
	wr(d, DNPU_REG_CONTROL, DNPU_CONTROL_CORE_RUN);
	assert_false(dnpu_cdev_run(d, 1));
	assert_true(rr(d, DNPU_REG_STATUS) & DNPU_STATUS_FW_READY);
	assert_int_equal(DNPU_STATUS_FW_STATE(rr(d, DNPU_REG_STATUS)),
			 DNPU_FW_STATE_IDLE);
	assert_int_equal(DNPU_FW_VERSION_ABI(rr(d, DNPU_REG_FW_VERSION)),
			 DNPU_FW_ABI_VERSION);
	assert_int_equal(rr(d, DNPU_REG_IRQ_STATUS), DNPU_IRQ_FW_READY);
	assert_true(dnpu_cdev_irq_line(d));
	wr(d, DNPU_REG_IRQ_STATUS, DNPU_IRQ_FW_READY);
	assert_false(dnpu_cdev_irq_line(d));
	uint32_t hb = rr(d, DNPU_REG_HEARTBEAT);
	assert_true(rr(d, DNPU_REG_HEARTBEAT) != hb);

	/* ring: 4 entries; three jobs: ok, fault, ok */
	wr(d, DNPU_REG_RING_BASE_LO, (uint32_t)(BASE + RING));
	wr(d, DNPU_REG_RING_BASE_HI, (uint32_t)((BASE + RING) >> 32));
	wr(d, DNPU_REG_RING_SIZE, 4);
	submit(d, 1, 0, 4, 3);
	submit(d, 2, 4, 2, 3);
	submit(d, 3, 0, 4, 3);
	assert_true(dnpu_cdev_run(d, 1));	/* one job, more pending */
	assert_int_equal(rr(d, DNPU_REG_RING_HEAD), 1);
	assert_int_equal(rr(d, DNPU_REG_DONE_SEQNO), 1);
	struct dnpu_job_completion c = completion(1);
	assert_int_equal(c.seqno, 1);
	assert_int_equal(c.status, DNPU_JOB_OK);
	assert_true(c.cycles > 0);
	assert_int_equal(c.dram_wr_bytes, 256);
	assert_int_equal(c.dram_rd_bytes, 256 + 4 * 64);
	assert_memory_equal(mem + DATA_B, mem + DATA_A, 256);
	assert_int_equal(rr(d, DNPU_REG_IRQ_STATUS), DNPU_IRQ_JOB_DONE);

	assert_false(dnpu_cdev_run(d, 100));
	assert_int_equal(rr(d, DNPU_REG_RING_HEAD), 3);
	assert_int_equal(rr(d, DNPU_REG_DONE_SEQNO), 3);
	c = completion(2);
	assert_int_equal(c.status, DNPU_FAULT_PERMISSION);
	assert_int_equal(c.fault_region, 0);
	assert_int_equal(c.fault_offset, 0x100);
	assert_int_equal(c.fault_cmd, 0);
	assert_int_equal(rr(d, DNPU_REG_FAULT_SEQNO), 2);
	assert_int_equal(rr(d, DNPU_REG_FAULT_CAUSE), DNPU_FAULT_PERMISSION);
	assert_int_equal(rr(d, DNPU_REG_FAULT_OFFSET), 0x100);
	assert_int_equal(completion(3).status, DNPU_JOB_OK);
	assert_int_equal(rr(d, DNPU_REG_IRQ_STATUS),
			 DNPU_IRQ_JOB_DONE | DNPU_IRQ_JOB_FAULT);
	assert_false(rr(d, DNPU_REG_STATUS) & DNPU_STATUS_FAULTED);
	assert_int_equal(perf(d, DNPU_PERF_JOBS), 3);
	assert_int_equal(perf(d, DNPU_PERF_DRAM_WR_BYTES), 512);
	assert_true(perf(d, DNPU_PERF_CYCLES) >= 2 * completion(1).cycles);
	wr(d, DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);

	/* injected DMA fault: the next job only */
	wr(d, DNPU_REG_DEBUG_INJECT, DNPU_INJECT_DMA_FAULT);
	submit(d, 4, 0, 4, 3);
	submit(d, 5, 0, 4, 3);
	dnpu_cdev_run(d, 100);
	c = completion(4);
	assert_int_equal(c.status, DNPU_FAULT_INJECTED);
	assert_int_equal(rr(d, DNPU_REG_FAULT_CAUSE), DNPU_FAULT_INJECTED);
	assert_int_equal(rr(d, DNPU_REG_FAULT_SEQNO), 4);
	assert_int_equal(completion(5).status, DNPU_JOB_OK);
	wr(d, DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);

	/* dropped IRQ, then a bad descriptor */
	wr(d, DNPU_REG_DEBUG_INJECT, DNPU_INJECT_DROP_IRQ);
	submit(d, 6, 0, 4, 3);
	dnpu_cdev_run(d, 100);
	assert_int_equal(rr(d, DNPU_REG_DONE_SEQNO), 6);
	assert_int_equal(rr(d, DNPU_REG_IRQ_STATUS), 0);
	submit(d, 7, 0, 4, 0);			/* region_count 0 */
	dnpu_cdev_run(d, 100);
	assert_int_equal(completion(7).status, DNPU_FAULT_BAD_DESC);
	assert_int_equal(rr(d, DNPU_REG_IRQ_STATUS), DNPU_IRQ_JOB_FAULT);
	assert_true(rr(d, DNPU_REG_STATUS) & DNPU_STATUS_FAULTED);

	/* a bad ring stops the firmware */
	wr(d, DNPU_REG_RING_SIZE, 3);
	submit(d, 8, 0, 4, 3);
	assert_false(dnpu_cdev_run(d, 100));
	assert_int_equal(rr(d, DNPU_REG_FW_ERROR), DNPU_FW_ERR_BAD_RING);
	assert_int_equal(DNPU_STATUS_FW_STATE(rr(d, DNPU_REG_STATUS)),
			 DNPU_FW_STATE_ERROR);
	assert_true(rr(d, DNPU_REG_IRQ_STATUS) & DNPU_IRQ_FW_ERROR);
	assert_int_equal(rr(d, DNPU_REG_RING_HEAD), 7);

	/* ... until the ring is fixed */
	wr(d, DNPU_REG_RING_SIZE, 4);
	assert_false(dnpu_cdev_run(d, 100));
	assert_int_equal(rr(d, DNPU_REG_FW_ERROR), DNPU_FW_ERR_NONE);
	assert_int_equal(rr(d, DNPU_REG_DONE_SEQNO), 8);
	assert_int_equal(completion(8).status, DNPU_JOB_OK);

	/* a descriptor whose seqno is not the next one */
	submit(d, 12, 0, 4, 3);
	dnpu_cdev_run(d, 100);
	assert_int_equal(rr(d, DNPU_REG_DONE_SEQNO), 9);
	assert_int_equal(rr(d, DNPU_REG_FAULT_CAUSE), DNPU_FAULT_BAD_DESC);
	assert_int_equal(rr(d, DNPU_REG_FAULT_SEQNO), 9);

	/* reset clears it all */
	wr(d, DNPU_REG_CONTROL, DNPU_CONTROL_RESET);
	assert_int_equal(rr(d, DNPU_REG_RING_HEAD), 0);
	assert_int_equal(rr(d, DNPU_REG_IRQ_STATUS), 0);
	assert_int_equal(rr(d, DNPU_REG_FW_ERROR), 0);
	assert_int_equal(perf(d, DNPU_PERF_JOBS), 0);
	assert_int_equal(DNPU_STATUS_FW_STATE(rr(d, DNPU_REG_STATUS)),
			 DNPU_FW_STATE_OFF);

	dnpu_cdev_destroy(d);
	free(mem);
}

static void test_hang_and_crash(void **state)
{
	(void)state;
	mem = calloc(1, MEM);
	tail = 0;
	setup_memory();
	struct dnpu_cdev *d = dnpu_cdev_create(NULL, host_rd, host_wr, NULL);
	assert_non_null(d);
	wr(d, DNPU_REG_CONTROL, DNPU_CONTROL_CORE_RUN);
	dnpu_cdev_run(d, 1);
	wr(d, DNPU_REG_RING_BASE_LO, (uint32_t)(BASE + RING));
	wr(d, DNPU_REG_RING_BASE_HI, (uint32_t)((BASE + RING) >> 32));
	wr(d, DNPU_REG_RING_SIZE, 4);
	wr(d, DNPU_REG_DEBUG_INJECT, DNPU_INJECT_HANG);
	assert_false(dnpu_cdev_run(d, 100));
	uint32_t hb = rr(d, DNPU_REG_HEARTBEAT);
	assert_int_equal(rr(d, DNPU_REG_HEARTBEAT), hb);
	submit(d, 1, 0, 4, 3);
	assert_false(dnpu_cdev_run(d, 100));
	assert_int_equal(rr(d, DNPU_REG_RING_HEAD), 0);

	wr(d, DNPU_REG_CONTROL, DNPU_CONTROL_RESET);
	wr(d, DNPU_REG_CONTROL, DNPU_CONTROL_CORE_RUN);
	dnpu_cdev_run(d, 1);
	wr(d, DNPU_REG_DEBUG_INJECT, DNPU_INJECT_FW_CRASH);
	assert_false(dnpu_cdev_run(d, 100));
	assert_int_equal(rr(d, DNPU_REG_DEBUG_INJECT), 0);
	assert_false(rr(d, DNPU_REG_STATUS) & DNPU_STATUS_FW_READY);
	assert_int_equal(rr(d, DNPU_REG_FW_ERROR), DNPU_FW_ERR_TRAP);
	assert_true(rr(d, DNPU_REG_IRQ_STATUS) & DNPU_IRQ_FW_ERROR);
	dnpu_cdev_destroy(d);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_protocol),
		cmocka_unit_test(test_hang_and_crash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
