// SPDX-License-Identifier: MIT
/*
 * The soft sequencer (firmware/soft_seq.c) against the plain C model: the
 * firmware (fw.c) takes a job off the ring of the mock HAL, whose engine
 * block is a soft device's (mailbox, IRQ, a software model of the 2x2
 * DNPU_ENG_MAC_* array); the C model inside runs it with CONV on that MAC
 * array (DNPU_CMODEL_MAC_ARRAY). The same job on dnpu_cmodel_run() with the
 * same configuration must leave the same host memory, scratchpads and
 * fault record. Random command streams (faults included) and streams from
 * the test compiler (tests/cmodel/lower_conv.c, checked against TFLite too).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cm_test.h"
#include "fw.h"
#include "lower_conv.h"
#include "mock_hal.h"
#include "soft_seq.h"

/* the soft objects' model (soft_cmodel_names.h) */
uint8_t *soft_dnpu_cmodel_spad(struct dnpu_cmodel *m, unsigned spad,
			       uint32_t *bytes);
size_t soft_dnpu_cmodel_mem_size(const struct dnpu_cmodel_config *cfg);
/* firmware/string.c of the soft build */
void *fw_memset(void *s, int c, size_t n);
void *fw_memcpy(void *dst, const void *src, size_t n);

#define RING_OFF	0x100000u	/* ring, region table, completion */
#define TAB_OFF		(RING_OFF + 0x400u)
#define COMPL_OFF	(RING_OFF + 0x800u)

_Static_assert(ENV_BASE == MOCK_HOSTMEM_BASE, "one host memory layout");
_Static_assert(ENV_MEM <= RING_OFF && COMPL_OFF + 64 <= MOCK_HOSTMEM_SIZE,
	       "the env memory and the ring fit the mock memory");

/* the device configuration the soft device's host block exposes */
static const uint32_t spad_bytes[DNPU_SPAD_COUNT] = {
	16384, 16384, 12288, 8192, 4096,
};

static _Alignas(8) uint8_t arena[DNPU_CORE_SOFT_MEM_SIZE];
static uint64_t rs;

static uint64_t rnd(void)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 0x2545f4914f6cdd1dull;
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static int rnd_in(int lo, int hi)
{
	return lo + (int)rnd_below((uint32_t)(hi - lo + 1));
}

static void soft_config(struct dnpu_cmodel_config *cfg)
{
	dnpu_cmodel_config_default(cfg);
	cfg->rows = cfg->cols = cfg->nmc_lanes = 2;
	memcpy(cfg->spad_bytes, spad_bytes, sizeof(spad_bytes));
	cfg->features = DNPU_FEAT_DMA_ONCHIP;
}

static void expose_config(void)
{
	mock.reg[DNPU_REG_CAPS / 4] = DNPU_CAPS(2u, 2u, 2u, DNPU_MAX_REGIONS);
	mock.reg[DNPU_REG_FEATURES / 4] = DNPU_FEAT_DMA_ONCHIP | DNPU_FEAT_SOFT_SEQ;
	for (unsigned i = 0; i < DNPU_SPAD_COUNT; i++)
		mock.reg[DNPU_REG_SPAD_IN_BYTES / 4 + i] = spad_bytes[i];
}

static struct env *soft_env(void)
{
	struct dnpu_cmodel_config cfg;
	struct env *e = env_new(1);

	soft_config(&cfg);
	dnpu_cmodel_destroy(e->m);
	e->m = dnpu_cmodel_create(&cfg);
	assert_non_null(e->m);
	dnpu_cmodel_set_host_flat(e->m, ENV_BASE, e->mem, e->mem_size);
	return e;
}

/* Per-channel records with legal shifts, so PPU commands mostly run. */
static void fill_params(uint8_t *p, uint32_t bytes)
{
	for (uint32_t off = 0; off + 12 <= bytes; off += 12) {
		int32_t r[3] = { rnd_in(-3000, 3000),
				 (int32_t)(0x40000000u + rnd_below(0x3fffffffu)),
				 rnd_in(-12, 1) };
		memcpy(p + off, r, sizeof(r));
	}
}

struct outcome {
	uint32_t jobs, faulted, conv_steps;
	uint64_t convs, dwconvs;	/* executed */
	uint32_t causes[16];
};

/*
 * Run the job in @e (commands, memory, regions) both ways from the same
 * scratchpads (random when @fill) and compare everything.
 */
static void run_both(struct env *e, bool fill, struct outcome *o)
{
	struct dnpu_cmodel_result ref;
	struct dnpu_job_desc d;
	struct dnpu_job_completion c;
	static struct fw fw;	/* fw_keepalive() keeps a pointer */
	uint64_t base = MOCK_HOSTMEM_BASE;
	struct dnpu_cmodel *sm;

	mock_reset();
	expose_config();
	assert_int_equal(soft_seq_boot(arena, sizeof(arena)), DNPU_FW_ERR_NONE);
	sm = soft_seq_model();
	dnpu_cmodel_reset(e->m);
	for (unsigned sp = 0; sp < DNPU_SPAD_COUNT; sp++) {
		uint32_t n, n2;
		uint8_t *a = dnpu_cmodel_spad(e->m, sp, &n);
		uint8_t *b = soft_dnpu_cmodel_spad(sm, sp, &n2);

		assert_int_equal(n, n2);
		if (fill && sp == DNPU_SPAD_PARAM)
			fill_params(a, n);
		else if (fill)
			for (uint32_t i = 0; i < n; i++)
				a[i] = (uint8_t)rnd();
		memcpy(b, a, n);
	}

	memcpy(e->mem + (e->reg[0].addr - ENV_BASE), e->cmd,
	       (size_t)e->ncmd * DNPU_CMD_BYTES);
	memcpy(mock.mem, e->mem, ENV_MEM);
	memset(&d, 0, sizeof(d));
	d.seqno = 1;
	d.region_table = base + TAB_OFF;
	d.region_count = e->nreg;
	d.cmd_count = e->ncmd;
	d.completion = base + COMPL_OFF;
	memcpy(mock_mem(base + RING_OFF, sizeof(d)), &d, sizeof(d));
	memcpy(mock_mem(base + TAB_OFF, e->nreg * sizeof(e->reg[0])), e->reg,
	       e->nreg * sizeof(e->reg[0]));

	fw_boot(&fw);
	mock_host_write(DNPU_REG_RING_BASE_LO, (uint32_t)(base + RING_OFF));
	mock_host_write(DNPU_REG_RING_BASE_HI, (uint32_t)((base + RING_OFF) >> 32));
	mock_host_write(DNPU_REG_RING_SIZE, 4);
	mock_host_write(DNPU_REG_RING_TAIL, 1);
	mock_host_write(DNPU_REG_DOORBELL, 1);
	fw_step(&fw);

	dnpu_cmodel_set_watchdog(e->m, FW_DEFAULT_TIMEOUT_KCYCLES * 1000ull);
	env_run(e, &ref);

	memcpy(&c, mock_mem(base + COMPL_OFF, sizeof(c)), sizeof(c));
	assert_int_equal(mock_host_read(DNPU_REG_DONE_SEQNO), 1);
	assert_int_equal(c.seqno, 1);
	if (c.status != ref.status || c.fault_cmd != (ref.status ? ref.fault_cmd : 0))
		fprintf(stderr, "soft %s at cmd %u, model %s at cmd %u\n",
			dnpu_fault_name(c.status), c.fault_cmd,
			dnpu_fault_name(ref.status), ref.fault_cmd);
	assert_int_equal(c.status, ref.status);
	if (ref.status) {
		assert_int_equal(c.fault_region, ref.fault_region);
		assert_int_equal(c.fault_offset, ref.fault_offset);
		assert_int_equal(c.fault_cmd, ref.fault_cmd);
		assert_int_equal(mock_host_read(DNPU_REG_FAULT_CAUSE), ref.status);
		assert_int_equal(mock.irq_raises[1], 1);	/* JOB_FAULT */
		o->faulted++;
		o->causes[ref.status & 15]++;
	} else {
		assert_int_equal(mock.irq_raises[0], 1);	/* JOB_DONE */
	}
	/* fw.c asks for no perf counters: the record's stay 0 */
	assert_int_equal(c.macs, 0);
	/* the MAC array did CONV's work: one step per 2x2 output tile's MAC */
	assert_true(mock.mac_steps * 4 >= ref.stats.macs);
	o->conv_steps += (uint32_t)mock.mac_steps;
	o->convs += ref.stats.cmds[DNPU_OP_CONV];
	o->dwconvs += ref.stats.cmds[DNPU_OP_NMC_DWCONV];
	/* a bus error may leave part of a store in one and not the other */
	if (ref.status != DNPU_FAULT_BUS_ERROR)
		assert_memory_equal(mock.mem, e->mem, ENV_MEM);
	for (unsigned sp = 0; sp < DNPU_SPAD_COUNT; sp++) {
		uint32_t n;
		uint8_t *a = dnpu_cmodel_spad(e->m, sp, &n);

		if (memcmp(a, soft_dnpu_cmodel_spad(sm, sp, NULL), n))
			fprintf(stderr, "scratchpad %u differs\n", sp);
		assert_memory_equal(a, soft_dnpu_cmodel_spad(sm, sp, NULL), n);
	}
	assert_int_equal(mock.bad_reg_access, 0);
	assert_int_equal(mock.bad_mbox_len, 0);
	assert_int_equal(mock.wait_overrun, 0);
	o->jobs++;
}

/* ------------------------------------------------------------------ */
/* Random command streams                                              */
/* ------------------------------------------------------------------ */

/* mostly plausible, sometimes anything */
static uint32_t wild(uint32_t v)
{
	return rnd_below(24) ? v : (uint32_t)rnd();
}

static void random_conv(uint32_t *w)
{
	uint32_t oh = (uint32_t)rnd_in(1, 4), ow = (uint32_t)rnd_in(1, 5);
	uint32_t n = (uint32_t)rnd_in(1, 7), c = (uint32_t)rnd_in(1, 9);
	uint32_t kh = (uint32_t)rnd_in(1, 3), kw = (uint32_t)rnd_in(1, 3);
	uint32_t tx = c + rnd_below(3), ty = tx * (kw + ow + rnd_below(3));
	uint32_t pitch;

	switch (rnd_below(4)) {
	case 0:
		pitch = rnd_below(n);	/* overlapping accumulator rows */
		break;
	case 1:
		pitch = n + rnd_below(5);
		break;
	default:
		pitch = n;
	}
	w[0] = DNPU_CMD_W0(DNPU_OP_CONV, 0, rnd_below(2) ? DNPU_CONV_F_ACCUMULATE : 0);
	w[1] = DNPU_PAIR(oh, ow);
	w[2] = DNPU_PAIR(n, c);
	w[3] = kh | kw << 8;
	w[4] = wild(rnd_below(3000));
	w[5] = tx * (uint32_t)rnd_in(1, 2);
	w[6] = ty * (uint32_t)rnd_in(1, 2);
	w[7] = tx;
	w[8] = ty;
	w[9] = wild(rnd_below(3000));
	w[10] = wild(n + rnd_below(3));
	w[11] = wild(rnd_below(2000));
	w[12] = pitch;
}

static void random_ppu(uint32_t *w)
{
	uint32_t mm = (uint32_t)rnd_in(1, 8), n = (uint32_t)rnd_in(1, 7);

	w[0] = DNPU_CMD_W0(DNPU_OP_PPU, 0, 0);
	w[1] = DNPU_PAIR(mm, n);
	w[2] = rnd_below(2800);
	w[3] = n + rnd_below(3);
	w[4] = 12 * rnd_below(300);
	w[5] = rnd_below(2) ? DNPU_SPAD_IN : DNPU_SPAD_OUT;
	w[6] = rnd_below(6000);
	w[7] = wild(n + rnd_below(40));
	w[8] = ((uint32_t)rnd_in(-20, 20) & 0xffffu) |
	       (uint32_t)(uint8_t)rnd_in(-128, -100) << 16 |
	       (uint32_t)(uint8_t)rnd_in(90, 127) << 24;
}

static void random_dwconv(uint32_t *w)
{
	uint32_t oh = (uint32_t)rnd_in(1, 4), ow = (uint32_t)rnd_in(1, 4);
	uint32_t dm = (uint32_t)rnd_in(1, 3), co = dm * (uint32_t)rnd_in(1, 5);
	uint32_t kh = (uint32_t)rnd_in(1, 3), kw = (uint32_t)rnd_in(1, 3);
	uint32_t sh = (uint32_t)rnd_in(1, 2), sw = (uint32_t)rnd_in(1, 2);
	uint32_t dh = (uint32_t)rnd_in(1, 2), dw = (uint32_t)rnd_in(1, 2);
	uint32_t ci = co / dm, iw = (ow - 1) * sw + (kw - 1) * dw + 1;
	/* same scratchpad in and out now and then: in place */
	uint32_t ss = rnd_below(2) ? DNPU_SPAD_IN : DNPU_SPAD_OUT;
	uint32_t ds = rnd_below(3) ? ss ^ DNPU_SPAD_IN ^ DNPU_SPAD_OUT : ss;

	w[0] = DNPU_CMD_W0(DNPU_OP_NMC_DWCONV, 0, 0);
	w[1] = DNPU_PAIR(oh, ow);
	w[2] = DNPU_PAIR(co, dm);
	w[3] = kh | kw << 8 | sh << 16 | sw << 24;
	w[4] = dh | dw << 8;
	w[5] = ss | ds << 8;
	w[6] = rnd_below(4000);
	w[7] = wild(iw * ci + rnd_below(8));
	w[8] = rnd_below(4000);
	w[9] = rnd_below(4000);
	w[10] = ow * co + rnd_below(8);
	w[11] = 12 * rnd_below(300);
	w[12] = ((uint32_t)rnd_in(-20, 20) & 0xffffu) |
		(uint32_t)(uint8_t)rnd_in(-128, -100) << 16 |
		(uint32_t)(uint8_t)rnd_in(90, 127) << 24;
}

static void random_dma(uint32_t *w, bool load)
{
	static const uint32_t lsp[3] = { DNPU_SPAD_IN, DNPU_SPAD_WGT, DNPU_SPAD_OUT };
	uint32_t sp = load ? lsp[rnd_below(3)] : (rnd_below(2) ? DNPU_SPAD_IN : DNPU_SPAD_OUT);
	uint32_t len = (uint32_t)rnd_in(1, 90), rows = (uint32_t)rnd_in(1, 4);

	w[0] = DNPU_CMD_W0(load ? DNPU_OP_LOAD : DNPU_OP_STORE, 0, 0);
	/* loads from region 1 (A), stores to region 2 (B) */
	w[1] = DNPU_DMA_REGION(load ? 1u : 2u, sp, load ? rnd_below(256) : 0);
	w[2] = wild(rnd_below(load ? 6000 : ENV_B_SIZE));
	w[3] = rnd_below(6000);
	w[4] = len;
	w[5] = rows;
	w[6] = len + rnd_below(50);
	w[7] = len + rnd_below(50) + (load ? 8 : 0);
	w[8] = (uint32_t)rnd_in(1, 2);
	w[9] = w[6] * rows + rnd_below(9);
	w[10] = w[7] * rows + rnd_below(9);
	if (load && !rnd_below(3)) {
		w[11] = DNPU_PAIR(rnd_below(3), rnd_below(3));
		w[12] = DNPU_PAIR(rnd_below(2), rnd_below(2));
	}
}

static void random_job(struct env *e, uint64_t seed)
{
	uint32_t n = (uint32_t)rnd_in(1, 12);

	rs = seed * 0x9e3779b97f4a7c15ull + 1;
	e->ncmd = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t w[DNPU_CMD_WORDS];

		memset(w, 0, sizeof(w));
		switch (rnd_below(10)) {
		case 0:
		case 1:
		case 2:
			random_conv(w);
			break;
		case 8:
		case 9:
			random_dwconv(w);
			break;
		case 3:
		case 4:
			random_ppu(w);
			break;
		case 5:
			random_dma(w, true);
			break;
		case 6:
			random_dma(w, false);
			break;
		default:	/* any word of a command may be off */
			random_conv(w);
			w[rnd_below(DNPU_CMD_WORDS)] ^= 1u << rnd_below(32);
		}
		env_emit(e, w);
	}
	if (rnd_below(16)) {
		uint32_t w[DNPU_CMD_WORDS] = { DNPU_CMD_W0(DNPU_OP_END, 0, 0) };

		env_emit(e, w);
	}
	/* host data the loads read */
	for (uint32_t i = 0; i < 8192; i++)
		env_at(e, 1, 0)[i] = (uint8_t)rnd();
}

static void test_random_streams(void **state)
{
	struct env *e = soft_env();
	struct outcome o = { 0 };
	unsigned n = 300;

	(void)state;
	for (unsigned s = 0; s < n; s++) {
		random_job(e, s);
		run_both(e, true, &o);
	}
	fprintf(stderr, "random: %u jobs, %u faulted (SPAD_RANGE %u, ILLEGAL %u), "
		"%llu CONV and %llu NMC_DWCONV run, %u MAC steps\n",
		o.jobs, o.faulted, o.causes[DNPU_FAULT_SPAD_RANGE],
		o.causes[DNPU_FAULT_ILLEGAL_CMD], (unsigned long long)o.convs,
		(unsigned long long)o.dwconvs, o.conv_steps);
	/* the mix must cover both outcomes and real work on the MAC array */
	assert_true(o.faulted > n / 20 && o.faulted < n - n / 4);
	assert_true(o.conv_steps > 100000);
	assert_true(o.convs > 100 && o.dwconvs > 50);
	env_free(e);
}

/* ------------------------------------------------------------------ */
/* Compiler-lowered layers                                             */
/* ------------------------------------------------------------------ */

static void lowered_layer(struct env *e, unsigned seed, struct outcome *o)
{
	struct conv_layer l;
	int32_t bias[16], mult[16], shift[16];
	float fs[16];
	int8_t wts[3 * 3 * 12 * 16], in[10 * 10 * 12], ref[10 * 10 * 16];
	size_t out_bytes;

	memset(&l, 0, sizeof(l));
	rs = seed * 0x9e3779b97f4a7c15ull + 3;
	l.depthwise = seed % 3 == 2;
	l.ih = rnd_in(1, 10);
	l.iw = rnd_in(1, 10);
	l.ic = rnd_in(1, l.depthwise ? 8 : 12);
	l.dm = l.depthwise ? rnd_in(1, 2) : 1;
	l.oc = l.depthwise ? l.ic * l.dm : rnd_in(1, 16);
	l.kh = rnd_in(1, 3);
	l.kw = rnd_in(1, 3);
	l.sh = rnd_in(1, 2);
	l.sw = rnd_in(1, 2);
	l.dh = l.dw = 1;
	l.oh = (l.ih + l.sh - 1) / l.sh;	/* SAME */
	l.ow = (l.iw + l.sw - 1) / l.sw;
	l.pad_top = lower_pad_before(true, l.ih, l.kh, l.sh, 1, l.oh);
	l.pad_left = lower_pad_before(true, l.iw, l.kw, l.sw, 1, l.ow);
	for (int i = 0; i < l.kh * l.kw * (l.depthwise ? 1 : l.ic) * l.oc; i++)
		wts[i] = (int8_t)rnd();
	for (int i = 0; i < l.ih * l.iw * l.ic; i++)
		in[i] = (int8_t)rnd();
	for (int i = 0; i < l.oc; i++) {
		bias[i] = rnd_in(-20000, 20000);
		fs[i] = 0.001f + 0.05f * (float)rnd_below(1000) / 1000.0f;
	}
	lower_quant_params(0.05f, fs, l.oc, 0.2f, l.oc, mult, shift);
	l.in_zp = rnd_in(-128, 127);
	l.out_zp = rnd_in(-128, 127);
	lower_act_range(1, 0.2f, l.out_zp, &l.act_min, &l.act_max);
	if (rnd_below(2))
		l.max_tile_rows = rnd_in(1, 3);
	if (rnd_below(2) && !l.depthwise)
		l.max_chunk_channels = rnd_in(1, 7);
	l.weights = wts;
	l.bias = bias;
	l.mult = mult;
	l.shift = shift;

	e->ncmd = 0;
	ref_conv(&l, in, ref);
	assert_int_equal(lower_conv(e, &l, in), 0);
	out_bytes = (size_t)l.oh * l.ow * l.oc;
	run_both(e, false, o);
	assert_int_equal(mock_host_read(DNPU_REG_FAULT_CAUSE), DNPU_JOB_OK);
	/* and both are TFLite's */
	assert_memory_equal(mock.mem + (e->reg[2].addr - ENV_BASE), ref, out_bytes);
}

static void test_lowered_layers(void **state)
{
	struct env *e = soft_env();
	struct outcome o = { 0 };

	(void)state;
	for (unsigned s = 0; s < 60; s++)
		lowered_layer(e, s, &o);
	assert_int_equal(o.faulted, 0);
	assert_true(o.conv_steps > 10000);
	assert_true(o.dwconvs >= 10);
	env_free(e);
}

/*
 * In-place NMC_DWCONV whose first channel's output overwrites the input the
 * second channel reads (depth multiplier 2): the reference order matters.
 */
static void test_dwconv_in_place(void **state)
{
	struct env *e = soft_env();
	struct outcome o = { 0 };
	uint32_t w[DNPU_CMD_WORDS];

	(void)state;
	e->ncmd = 0;
	for (uint32_t k = 1; k <= 3; k++) {
		memset(w, 0, sizeof(w));
		w[0] = DNPU_CMD_W0(DNPU_OP_NMC_DWCONV, 0, 0);
		w[1] = DNPU_PAIR(2, 3);
		w[2] = DNPU_PAIR(2, 2);			/* co 2, dm 2: ci 1 */
		w[3] = k | k << 8 | 1 << 16 | 1 << 24;
		w[4] = 1 | 1 << 8;
		w[5] = DNPU_SPAD_IN | DNPU_SPAD_IN << 8;
		w[6] = 100;				/* src == dst */
		w[7] = 3 + k;
		w[8] = 0;
		w[9] = 100;
		w[10] = 6;
		w[12] = 0x80u << 16 | 0x7fu << 24;	/* zp 0, [-128, 127] */
		env_emit(e, w);
	}
	memset(w, 0, sizeof(w));
	w[0] = DNPU_CMD_W0(DNPU_OP_END, 0, 0);
	env_emit(e, w);
	run_both(e, true, &o);
	assert_int_equal(o.faulted, 0);
	assert_int_equal(o.dwconvs, 3);
	env_free(e);
}

/* ------------------------------------------------------------------ */
/* Heartbeat during a long job                                         */
/* ------------------------------------------------------------------ */

/*
 * A job runs inside one START, so fw.c's own heartbeat waits for its end;
 * the soft sequencer keeps it going (the driver resets a firmware whose
 * heartbeat stands still for a scheduler timeout). The mock clock charges
 * MOCK_MAC_STEP_CYCLES per MAC step.
 */
static void test_heartbeat_in_job(void **state)
{
	struct env *e = soft_env();
	struct outcome o = { 0 };
	uint32_t w[DNPU_CMD_WORDS];

	(void)state;
	e->ncmd = 0;
	for (int i = 0; i < 4; i++) {
		/* 64 pixels x 2 channels, K = 200: 32 tiles of 200 steps */
		memset(w, 0, sizeof(w));
		w[0] = DNPU_CMD_W0(DNPU_OP_CONV, 0, DNPU_CONV_F_ACCUMULATE);
		w[1] = DNPU_PAIR(1, 64);
		w[2] = DNPU_PAIR(2, 200);
		w[3] = 1 | 1 << 8;
		w[5] = 200;		/* in_sx */
		w[10] = 2;		/* w_pitch */
		w[12] = 2;		/* acc_pitch */
		env_emit(e, w);
	}
	memset(w, 0, sizeof(w));
	w[0] = DNPU_CMD_W0(DNPU_OP_END, 0, 0);
	env_emit(e, w);
	run_both(e, true, &o);
	assert_int_equal(o.faulted, 0);
	assert_int_equal(mock.mac_steps, 4 * 32 * 200);
	/*
	 * 25600 steps * 60 cycles / 2^16 cycles per beat: ~23 beats; ticks
	 * only between commands (5 fetches) would give at most 7.
	 */
	assert_true(mock_host_read(DNPU_REG_HEARTBEAT) >= 15);
	env_free(e);
}

/* ------------------------------------------------------------------ */
/* Boot                                                                */
/* ------------------------------------------------------------------ */

static void test_boot_config(void **state)
{
	struct dnpu_cmodel_config cfg;

	(void)state;
	mock_reset();
	expose_config();
	soft_config(&cfg);
	/* exactly the model's footprint fits, a byte less does not */
	assert_int_equal(soft_seq_boot(arena, soft_dnpu_cmodel_mem_size(&cfg)),
			 DNPU_FW_ERR_NONE);
	assert_non_null(soft_seq_model());
	assert_int_equal(soft_seq_boot(arena, soft_dnpu_cmodel_mem_size(&cfg) - 1),
			 DNPU_FW_ERR_CONFIG);
	assert_null(soft_seq_model());
	/* a scratchpad the device says it has not */
	mock.reg[DNPU_REG_SPAD_PARAM_BYTES / 4] = 0;
	assert_int_equal(soft_seq_boot(arena, sizeof(arena)), DNPU_FW_ERR_CONFIG);
	expose_config();
	mock.reg[DNPU_REG_CAPS / 4] = DNPU_CAPS(2u, 2u, 2u, 8u);
	assert_int_equal(soft_seq_boot(arena, sizeof(arena)), DNPU_FW_ERR_CONFIG);
}

/* The soft build's word-wise memset/memcpy at every alignment and length. */
static void test_string(void **state)
{
	uint8_t a[96], b[96], r[96];

	(void)state;
	rs = 99;
	for (unsigned d = 0; d < 4; d++)
		for (unsigned sa = 0; sa < 4; sa++)
			for (unsigned n = 0; n < 40; n++) {
				for (unsigned i = 0; i < sizeof(a); i++) {
					a[i] = (uint8_t)rnd();
					b[i] = r[i] = (uint8_t)rnd();
				}
				memcpy(r + 8 + d, a + 8 + sa, n);
				assert_ptr_equal(fw_memcpy(b + 8 + d, a + 8 + sa, n), b + 8 + d);
				assert_memory_equal(b, r, sizeof(b));
				memset(r + 8 + d, 0xa0 + (int)n, n);
				assert_ptr_equal(fw_memset(b + 8 + d, 0xa0 + (int)n, n), b + 8 + d);
				assert_memory_equal(b, r, sizeof(b));
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_boot_config),
		cmocka_unit_test(test_random_streams),
		cmocka_unit_test(test_lowered_layers),
		cmocka_unit_test(test_dwconv_in_place),
		cmocka_unit_test(test_heartbeat_in_job),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
