/* SPDX-License-Identifier: MIT */
/*
 * Every fault cause: triggered, reported with the right cause, region,
 * offset and command index, and nothing written after the fault point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cm_test.h"

#define CMD_OFF(i) ((uint32_t)(i) * DNPU_CMD_BYTES)

static void expect_fault(const struct dnpu_cmodel_result *r, uint32_t cause,
			 uint32_t region, uint32_t offset, uint32_t cmd)
{
	assert_string_equal(dnpu_fault_name(r->status), dnpu_fault_name(cause));
	assert_int_equal(r->fault_region, region);
	assert_int_equal(r->fault_offset, offset);
	assert_int_equal(r->fault_cmd, cmd);
	assert_int_equal(r->cmds_done, cmd);
}

static void emit_end(struct env *e)
{
	uint32_t w[16];
	cmd_simple(w, DNPU_OP_END, 0);
	env_emit(e, w);
}

/* a STORE after the fault point that must never happen */
static void emit_canary_store(struct env *e)
{
	uint32_t w[16];
	cmd_store1(w, 0, 2, DNPU_SPAD_OUT, 0x1000, 0, 64);
	env_emit(e, w);
}

static void assert_canary_untouched(struct env *e)
{
	uint8_t zero[64] = { 0 };
	assert_memory_equal(env_at(e, 2, 0x1000), zero, 64);
}

static struct env *env_with_out(void)
{
	struct env *e = env_new(0);
	memset(env_spad(e, DNPU_SPAD_OUT), 0x5a, 4096);
	return e;
}

static void test_region_invalid(void **state)
{
	(void)state;
	struct env *e = env_with_out();
	struct dnpu_cmodel_result r;
	uint32_t w[16];

	cmd_load1(w, 0, 1, DNPU_SPAD_IN, 0, 0, 16);
	env_emit(e, w);
	cmd_load1(w, 0, 5, DNPU_SPAD_IN, 0x44, 0, 16);	/* index >= count */
	env_emit(e, w);
	emit_canary_store(e);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_REGION_INVALID, 5, 0x44, 1);
	assert_canary_untouched(e);

	/* present but not VALID */
	e->reg[1].flags &= ~DNPU_REGION_VALID;
	e->ncmd = 0;
	cmd_load1(w, 0, 1, DNPU_SPAD_IN, 8, 0, 16);
	env_emit(e, w);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_REGION_INVALID, 1, 8, 0);
	env_free(e);
}

static void test_out_of_bounds(void **state)
{
	(void)state;
	struct env *e = env_with_out();
	struct dnpu_cmodel_result r;
	uint32_t w[16];
	uint32_t off = ENV_B_SIZE - 210;

	/* rows at off, off+100, off+200: the third ends 6 bytes past the end */
	cmd_dma(w, DNPU_OP_STORE, 0, 2, DNPU_SPAD_OUT, 0, off, 0, 16, 3, 16,
		100, 1, 0, 0, 0, 0);
	env_emit(e, w);
	emit_canary_store(e);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_OUT_OF_BOUNDS, 2, off + 200, 0);
	uint8_t s[16], zero[16] = { 0 };
	memset(s, 0x5a, 16);
	assert_memory_equal(env_at(e, 2, off), s, 16);		/* row 0 done */
	assert_memory_equal(env_at(e, 2, off + 100), s, 16);	/* row 1 done */
	assert_memory_equal(env_at(e, 2, off + 200), zero, 10);	/* row 2 not */
	assert_canary_untouched(e);
	assert_int_equal(r.stats.dram_wr_bytes, 32);

	/* an offset that wraps 32 bits through the strides is still caught */
	e->ncmd = 0;
	cmd_dma(w, DNPU_OP_LOAD, 0, 1, DNPU_SPAD_IN, 0, 0, 0, 1, 2,
		0xffffffffu, 0, 1, 0, 0, 0, 0);
	env_emit(e, w);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_OUT_OF_BOUNDS, 1, 0xffffffffu, 0);

	/* command fetch past the command region */
	e->reg[0].size = 128;
	e->ncmd = 0;
	cmd_simple(w, DNPU_OP_SYNC, 0);
	env_emit(e, w);
	env_emit(e, w);
	env_emit(e, w);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_OUT_OF_BOUNDS, 0, 128, 2);
	env_free(e);
}

static void test_permission(void **state)
{
	(void)state;
	struct env *e = env_with_out();
	struct dnpu_cmodel_result r;
	uint32_t w[16];

	cmd_store1(w, 0, 0, DNPU_SPAD_OUT, 0x800, 0, 16); /* cmd region is RO */
	env_emit(e, w);
	emit_canary_store(e);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_PERMISSION, 0, 0x800, 0);
	assert_canary_untouched(e);

	e->reg[1].flags = DNPU_REGION_VALID | DNPU_REGION_WRITE;
	e->ncmd = 0;
	cmd_load1(w, 0, 1, DNPU_SPAD_IN, 0, 0, 16);
	env_emit(e, w);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_PERMISSION, 1, 0, 0);
	env_free(e);
}

static void test_page_align(void **state)
{
	(void)state;
	struct env *e = env_with_out();
	struct dnpu_cmodel_result r;
	uint32_t w[16];
	uint64_t list[2] = { ENV_BASE + 0xa0000, ENV_BASE + 0xa3010 };

	memcpy(e->mem + 0x90000, list, sizeof(list));
	e->reg[3] = (struct dnpu_region){ ENV_BASE + 0x90000, 8192,
		DNPU_REGION_VALID | DNPU_REGION_READ | DNPU_REGION_WRITE |
		DNPU_REGION_PAGED, { 0, 0 } };
	e->nreg = 4;
	cmd_store1(w, 0, 3, DNPU_SPAD_OUT, 4090, 0, 16);
	env_emit(e, w);
	emit_canary_store(e);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_PAGE_ALIGN, 3, 4096, 0);
	uint8_t s[6];
	memset(s, 0x5a, 6);
	assert_memory_equal(e->mem + 0xa0000 + 4090, s, 6); /* first chunk */
	assert_int_equal(e->mem[0xa3010], 0);
	assert_int_equal(e->mem[0xa3000], 0);
	assert_canary_untouched(e);
	env_free(e);
}

/* one illegal command at index 1 after a SYNC; expect ILLEGAL_CMD there */
static void check_illegal(const uint32_t *bad)
{
	struct env *e = env_with_out();
	struct dnpu_cmodel_result r;
	uint32_t w[16];

	cmd_simple(w, DNPU_OP_SYNC, 0);
	env_emit(e, w);
	env_emit(e, bad);
	emit_canary_store(e);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_ILLEGAL_CMD, 0, CMD_OFF(1), 1);
	assert_canary_untouched(e);
	env_free(e);
}

static void test_illegal_cmd(void **state)
{
	(void)state;
	uint32_t w[16];

	cmd_simple(w, 0x77, 0);				/* unknown opcode */
	check_illegal(w);
	cmd_simple(w, DNPU_OP_SYNC, 0);
	w[0] |= 1u << 12;				/* reserved w0 bit */
	check_illegal(w);
	cmd_simple(w, DNPU_OP_SYNC, 0);
	w[0] |= 1u << 16;				/* flags on SYNC */
	check_illegal(w);
	cmd_simple(w, DNPU_OP_BARRIER, DNPU_CMD_PUSH_NEXT); /* deps on BARRIER */
	check_illegal(w);
	cmd_load1(w, 0, 1, DNPU_SPAD_IN, 0, 0, 16);
	w[13] = 1;					/* reserved word */
	check_illegal(w);
	cmd_load1(w, 0, 1, DNPU_SPAD_IN, 0, 0, 16);
	w[1] |= 1u << 4;				/* reserved region bits */
	check_illegal(w);
	cmd_load1(w, DNPU_CMD_POP_PREV, 1, DNPU_SPAD_IN, 0, 0, 16); /* no prev */
	check_illegal(w);
	cmd_store1(w, DNPU_CMD_PUSH_NEXT, 2, DNPU_SPAD_OUT, 0, 0, 16); /* no next */
	check_illegal(w);
	cmd_load1(w, 0, 1, DNPU_SPAD_ACC, 0, 0, 16);	/* LOAD into ACC */
	check_illegal(w);
	cmd_store1(w, 0, 2, DNPU_SPAD_WGT, 0, 0, 16);	/* STORE from WGT */
	check_illegal(w);
	cmd_dma(w, DNPU_OP_STORE, 0, 2, DNPU_SPAD_OUT, 0, 0, 0, 4, 1, 0, 0, 1,
		0, 0, DNPU_PAIR(1, 0), 0);		/* STORE with padding */
	check_illegal(w);
	cmd_load1(w, 0, 1, DNPU_SPAD_IN, 0, 0, 0);	/* len0 = 0 */
	check_illegal(w);
	cmd_load1(w, 0, 1, DNPU_SPAD_IN, 0, 0, 16);
	w[0] |= (DNPU_DMA_F_ONCHIP << 1) << 16;		/* undefined DMA flag */
	check_illegal(w);
	cmd_load1(w, 0, DNPU_SPAD_WGT, DNPU_SPAD_IN, 0, 0, 16);
	w[0] |= DNPU_DMA_F_ONCHIP << 16;		/* on-chip side WGT */
	check_illegal(w);
	cmd_store1(w, 0, DNPU_SPAD_PARAM, DNPU_SPAD_OUT, 0, 0, 16);
	w[0] |= DNPU_DMA_F_ONCHIP << 16;		/* on-chip side PARAM */
	check_illegal(w);

	memset(w, 0, sizeof(w));			/* CONV with N = 0 */
	w[0] = DNPU_CMD_W0(DNPU_OP_CONV, 0, 0);
	w[1] = DNPU_PAIR(1, 1);
	w[2] = DNPU_PAIR(0, 1);
	w[3] = 0x0101;
	check_illegal(w);
	w[2] = DNPU_PAIR(1, 1);
	w[3] = 0x010101;				/* reserved kernel bits */
	check_illegal(w);

	memset(w, 0, sizeof(w));			/* PPU into WGT */
	w[0] = DNPU_CMD_W0(DNPU_OP_PPU, 0, 0);
	w[1] = DNPU_PAIR(1, 1);
	w[5] = DNPU_SPAD_WGT;
	check_illegal(w);
	w[5] = DNPU_SPAD_OUT;
	w[10] = 4;					/* res_base without FUSE_ADD */
	check_illegal(w);

	memset(w, 0, sizeof(w));			/* DWCONV CO % DM != 0 */
	w[0] = DNPU_CMD_W0(DNPU_OP_NMC_DWCONV, 0, 0);
	w[1] = DNPU_PAIR(1, 1);
	w[2] = DNPU_PAIR(3, 2);
	w[3] = 0x01010101;
	w[4] = 0x0101;
	w[5] = DNPU_SPAD_IN | DNPU_SPAD_OUT << 8;
	check_illegal(w);
}

static void test_illegal_param_and_no_end(void **state)
{
	(void)state;
	struct env *e = env_with_out();
	struct dnpu_cmodel_result r;
	uint32_t w[16] = { 0 };
	int32_t bad_shift = 32;

	/* PPU whose parameter record has a shift outside [-31, 31] */
	memcpy(env_spad(e, DNPU_SPAD_PARAM) + 12 + 8, &bad_shift, 4);
	w[0] = DNPU_CMD_W0(DNPU_OP_PPU, 0, 0);
	w[1] = DNPU_PAIR(1, 2);
	w[5] = DNPU_SPAD_OUT;
	env_emit(e, w);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_ILLEGAL_CMD, 0, 0, 0);
	assert_int_equal(env_spad(e, DNPU_SPAD_OUT)[0], 0x5a);

	/* running off cmd_count without END */
	e->ncmd = 0;
	cmd_simple(w, DNPU_OP_SYNC, 0);
	env_emit(e, w);
	env_emit(e, w);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_ILLEGAL_CMD, 0, CMD_OFF(2), 2);
	env_free(e);
}

static void test_spad_range(void **state)
{
	(void)state;
	struct env *e = env_with_out();
	struct dnpu_cmodel_result r;
	uint32_t w[16];

	cmd_load1(w, 0, 1, DNPU_SPAD_IN, 0, DNPU_DEFAULT_SPAD_IN - 4, 8);
	env_emit(e, w);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_SPAD_RANGE, DNPU_SPAD_IN,
		     DNPU_DEFAULT_SPAD_IN + 3, 0);

	/* CONV writing past the accumulators; ACC untouched */
	e->ncmd = 0;
	memset(w, 0, sizeof(w));
	w[0] = DNPU_CMD_W0(DNPU_OP_CONV, 0, 0);
	w[1] = DNPU_PAIR(2, 1);
	w[2] = DNPU_PAIR(4, 1);
	w[3] = 0x0101;
	w[6] = 1;
	w[11] = DNPU_DEFAULT_SPAD_ACC / 4 - 6;	/* 2 px * 4 words needs 8 */
	w[12] = 4;
	env_emit(e, w);
	emit_canary_store(e);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_SPAD_RANGE, DNPU_SPAD_ACC,
		     DNPU_DEFAULT_SPAD_ACC + 7, 0);
	assert_int_equal(r.stats.macs, 0);
	assert_canary_untouched(e);
	env_free(e);
}

/*
 * DNPU_DMA_F_ONCHIP: the on-chip side is range checked like a scratchpad
 * (SPAD_RANGE, region = its scratchpad id, highest byte), rows before the
 * bad one are done, nothing after it; region permissions do not apply.
 */
static void test_onchip_range(void **state)
{
	(void)state;
	struct env *e = env_with_out();
	struct dnpu_cmodel_result r;
	uint32_t w[16];
	uint8_t *in = env_spad(e, DNPU_SPAD_IN);

	/* LOAD OUT -> IN: plane 1's second row reads past the end of OUT */
	memset(in, 0, 64);
	memset(env_spad(e, DNPU_SPAD_OUT) + DNPU_DEFAULT_SPAD_OUT - 24, 0x5a, 24);
	cmd_dma(w, DNPU_OP_LOAD, 0, DNPU_SPAD_OUT, DNPU_SPAD_IN, 0,
		DNPU_DEFAULT_SPAD_OUT - 24, 0, 8, 2, 8, 8, 2, 16, 16, 0, 0);
	w[0] |= DNPU_DMA_F_ONCHIP << 16;
	env_emit(e, w);
	emit_canary_store(e);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_SPAD_RANGE, DNPU_SPAD_OUT,
		     DNPU_DEFAULT_SPAD_OUT + 7, 0);
	assert_int_equal(in[0], 0x5a);		/* 3 rows moved */
	assert_int_equal(in[23], 0x5a);
	assert_int_equal(in[24], 0);		/* the 4th did not */
	assert_int_equal(r.stats.dram_rd_bytes, 64);	/* the fetch only */
	assert_canary_untouched(e);

	/* STORE OUT -> IN past the end of IN; region 0 is read-only */
	e->ncmd = 0;
	e->reg[0].flags = DNPU_REGION_VALID | DNPU_REGION_READ;
	cmd_store1(w, 0, DNPU_SPAD_IN, DNPU_SPAD_OUT, DNPU_DEFAULT_SPAD_IN - 8,
		   0, 16);
	w[0] |= DNPU_DMA_F_ONCHIP << 16;
	env_emit(e, w);
	emit_canary_store(e);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_SPAD_RANGE, DNPU_SPAD_IN,
		     DNPU_DEFAULT_SPAD_IN + 7, 0);
	assert_int_equal(r.stats.dram_wr_bytes, 0);
	assert_canary_untouched(e);
	env_free(e);
}

/* Without DNPU_FEAT_DMA_ONCHIP the flag is illegal (a device without it). */
static void test_onchip_absent(void **state)
{
	(void)state;
	struct env *e = env_with_out();
	struct dnpu_cmodel_config cfg;
	struct dnpu_cmodel_result r;
	uint32_t w[16];

	dnpu_cmodel_config_default(&cfg);
	assert_int_equal(cfg.features, DNPU_FEAT_DMA_ONCHIP);
	cfg.features = 0;
	dnpu_cmodel_destroy(e->m);
	e->m = dnpu_cmodel_create(&cfg);
	assert_non_null(e->m);
	dnpu_cmodel_set_host_flat(e->m, ENV_BASE, e->mem, e->mem_size);
	cmd_store1(w, 0, DNPU_SPAD_IN, DNPU_SPAD_OUT, 0, 0, 16);
	w[0] |= DNPU_DMA_F_ONCHIP << 16;
	env_emit(e, w);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_ILLEGAL_CMD, 0, 0, 0);
	env_free(e);
}

static void test_token(void **state)
{
	(void)state;
	struct env *e = env_with_out();
	struct dnpu_cmodel_result r;
	uint32_t w[16];

	/* pop from an empty FIFO (in program order nobody pushed yet) */
	cmd_simple(w, DNPU_OP_SYNC, DNPU_CMD_PUSH_NEXT);
	env_emit(e, w);
	cmd_store1(w, DNPU_CMD_POP_PREV, 2, DNPU_SPAD_OUT, 0, 0, 16);
	env_emit(e, w);
	cmd_store1(w, DNPU_CMD_POP_PREV, 2, DNPU_SPAD_OUT, 0x1000, 0, 16);
	env_emit(e, w);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_TOKEN, 0, CMD_OFF(2), 2);
	assert_int_equal(env_at(e, 2, 0)[0], 0x5a);	/* first store done */
	assert_canary_untouched(e);			/* second not */

	/* push into a full FIFO: the 9th token */
	e->ncmd = 0;
	for (unsigned i = 0; i < DNPU_TOKEN_DEPTH + 1; i++) {
		cmd_load1(w, DNPU_CMD_PUSH_NEXT, 1, DNPU_SPAD_IN, 0, 0, 16);
		env_emit(e, w);
	}
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_TOKEN, 0, CMD_OFF(DNPU_TOKEN_DEPTH),
		     DNPU_TOKEN_DEPTH);
	env_free(e);
}

/*
 * One command with two faults: decode checks come before the tokens, the
 * operand and parameter-record checks after them (docs/CMODEL.md).
 */
static void test_token_check_order(void **state)
{
	(void)state;
	struct env *e = env_new(1);
	struct dnpu_cmodel_result r;
	uint32_t w[16] = { 0 };

	/* CONV popping an empty FIFO, its input beyond IN: TOKEN */
	w[0] = DNPU_CMD_W0(DNPU_OP_CONV, DNPU_CMD_POP_PREV, 0);
	w[1] = DNPU_PAIR(1, 1);
	w[2] = DNPU_PAIR(1, 1);
	w[3] = 1 | 1 << 8;
	w[4] = DNPU_SMALL_SPAD_IN;
	env_emit(e, w);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_TOKEN, 0, CMD_OFF(0), 0);

	/* NMC_POOL popping an empty FIFO with a zero channel count: ILLEGAL */
	e->ncmd = 0;
	memset(w, 0, sizeof(w));
	w[0] = DNPU_CMD_W0(DNPU_OP_NMC_POOL, DNPU_CMD_POP_PREV, 0);
	w[1] = DNPU_PAIR(1, 1);
	w[2] = DNPU_PAIR(1, 1);
	w[4] = 0x01010101;
	w[6] = DNPU_SPAD_IN | DNPU_SPAD_OUT << 8;
	env_emit(e, w);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_ILLEGAL_CMD, 0, CMD_OFF(0), 0);
	env_free(e);
}

static void test_timeout(void **state)
{
	(void)state;
	struct env *e = env_with_out();
	struct dnpu_cmodel_result r;
	uint32_t w[16];

	memset(env_at(e, 1, 0), 0x11, 65536);
	dnpu_cmodel_set_watchdog(e->m, 1000);
	cmd_load1(w, 0, 1, DNPU_SPAD_IN, 0, 0, 64);	/* ~ 100 cycles */
	env_emit(e, w);
	cmd_load1(w, 0, 1, DNPU_SPAD_IN, 0, 64, 65536);	/* ~ 8000 cycles */
	env_emit(e, w);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_TIMEOUT, 0, CMD_OFF(1), 1);
	assert_int_equal(env_spad(e, DNPU_SPAD_IN)[63], 0x11);
	assert_int_equal(env_spad(e, DNPU_SPAD_IN)[64], 0);
	assert_true(r.stats.cycles <= 1000);

	dnpu_cmodel_set_watchdog(e->m, 0);
	assert_int_equal(env_run(e, &r), DNPU_JOB_OK);
	env_free(e);
}

static void test_bad_desc(void **state)
{
	(void)state;
	struct env *e = env_with_out();
	struct dnpu_cmodel_result r;
	uint32_t w[16];

	cmd_simple(w, DNPU_OP_END, 0);
	env_emit(e, w);
	assert_int_equal(env_run(e, &r), DNPU_JOB_OK);
	assert_int_equal(dnpu_cmodel_run(e->m, 0, 32, 1, &r), DNPU_FAULT_BAD_DESC);
	assert_int_equal(dnpu_cmodel_run(e->m, 0, 0, 0, &r), DNPU_FAULT_BAD_DESC);

	struct dnpu_region bad[2] = { e->reg[0], e->reg[1] };
	bad[1].reserved[1] = 1;
	assert_int_equal(dnpu_cmodel_load_regions(e->m, bad, 2), DNPU_FAULT_BAD_DESC);
	/* the table is empty after a refused load */
	assert_int_equal(dnpu_cmodel_run(e->m, 0, 0, 1, &r),
			 DNPU_FAULT_REGION_INVALID);
	bad[1].reserved[1] = 0;
	bad[1].flags |= 1u << 7;
	assert_int_equal(dnpu_cmodel_load_regions(e->m, bad, 2), DNPU_FAULT_BAD_DESC);
	bad[1].flags = DNPU_REGION_VALID | DNPU_REGION_PAGED;
	bad[1].addr = ENV_BASE + 4;
	assert_int_equal(dnpu_cmodel_load_regions(e->m, bad, 2), DNPU_FAULT_BAD_DESC);
	assert_int_equal(dnpu_cmodel_load_regions(e->m, bad, 0), DNPU_FAULT_BAD_DESC);
	assert_int_equal(dnpu_cmodel_load_regions(e->m, bad, DNPU_MAX_REGIONS + 1),
			 DNPU_FAULT_BAD_DESC);
	env_free(e);
}

static void test_injected(void **state)
{
	(void)state;
	struct env *e = env_with_out();
	struct dnpu_cmodel_result r;
	uint32_t w[16];

	cmd_simple(w, DNPU_OP_SYNC, 0);
	env_emit(e, w);
	cmd_store1(w, 0, 2, DNPU_SPAD_OUT, 0x1000, 0, 64);
	env_emit(e, w);
	emit_end(e);
	dnpu_cmodel_inject_dma_fault(e->m);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_INJECTED, 2, 0x1000, 1);
	assert_canary_untouched(e);
	/* one-shot */
	assert_int_equal(env_run(e, &r), DNPU_JOB_OK);

	/* a job without DMA faults at END */
	e->ncmd = 0;
	emit_end(e);
	dnpu_cmodel_inject_dma_fault(e->m);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_INJECTED, 0, 0, 0);
	env_free(e);
}

static void test_bus_error(void **state)
{
	(void)state;
	struct env *e = env_with_out();
	struct dnpu_cmodel_result r;
	uint32_t w[16];

	/* region 3 straddles the end of host memory */
	e->reg[3] = (struct dnpu_region){ ENV_BASE + ENV_MEM - 4096, 8192,
		DNPU_REGION_VALID | DNPU_REGION_READ | DNPU_REGION_WRITE, { 0, 0 } };
	e->nreg = 4;
	cmd_store1(w, 0, 3, DNPU_SPAD_OUT, 0, 0, 64);	/* fine */
	env_emit(e, w);
	cmd_store1(w, 0, 3, DNPU_SPAD_OUT, 4000, 0, 200); /* crosses the end */
	env_emit(e, w);
	emit_canary_store(e);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_BUS_ERROR, 3, 4000, 1);
	assert_int_equal(e->mem[ENV_MEM - 4096], 0x5a);
	assert_int_equal(e->mem[ENV_MEM - 96], 0);
	assert_canary_untouched(e);

	/* a page list entry read that fails */
	e->reg[3] = (struct dnpu_region){ ENV_BASE + ENV_MEM - 8, 8192,
		DNPU_REGION_VALID | DNPU_REGION_READ | DNPU_REGION_PAGED, { 0, 0 } };
	uint64_t page = ENV_BASE + 0xa0000;
	memcpy(e->mem + ENV_MEM - 8, &page, 8);
	e->ncmd = 0;
	cmd_load1(w, 0, 3, DNPU_SPAD_IN, 4000, 0, 200);
	env_emit(e, w);
	emit_end(e);
	env_run(e, &r);
	expect_fault(&r, DNPU_FAULT_BUS_ERROR, 3, 4096, 0);
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_region_invalid),
		cmocka_unit_test(test_out_of_bounds),
		cmocka_unit_test(test_permission),
		cmocka_unit_test(test_page_align),
		cmocka_unit_test(test_illegal_cmd),
		cmocka_unit_test(test_illegal_param_and_no_end),
		cmocka_unit_test(test_spad_range),
		cmocka_unit_test(test_onchip_range),
		cmocka_unit_test(test_onchip_absent),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_token_check_order),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_bad_desc),
		cmocka_unit_test(test_injected),
		cmocka_unit_test(test_bus_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
