/* SPDX-License-Identifier: MIT */
/*
 * Thousands of seeded random command streams, valid and invalid, against a
 * host memory that only allows accesses inside what the region table (and
 * its page lists) maps: every access is checked by the bus callbacks, and
 * guard bytes everywhere else must stay intact. Runs must terminate, stay
 * within the watchdog and be deterministic.
 *
 * DNPU_FUZZ_SEEDS (environment) overrides the number of streams.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dnpu_cmodel.h"

#define MEM_BASE	0x100000000ull
#define MEM_SIZE	(512u * 1024u)
#define GUARD		0xa5u
#define MAX_CMDS	48u
#define WATCHDOG	200000u

struct window {
	uint32_t off, len;
	bool writable;
};

struct fuzz_host {
	uint8_t *mem;
	struct window win[32];
	unsigned nwin;
	unsigned violations;
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

/* mostly small plausible values, sometimes anything */
static uint32_t rnd_field(uint32_t small)
{
	uint32_t p = rnd_below(1000);
	if (p < 960)
		return rnd_below(small + 1);
	if (p < 995)
		return rnd_below(small * 16 + 1);
	return (uint32_t)rnd();
}

/* a count: >= 1 except rarely */
static uint32_t rnd_count(uint32_t small)
{
	return rnd_below(1000) == 0 ? 0 : 1 + rnd_field(small - 1);
}

/* IN or OUT mostly */
static uint32_t rnd_io(void)
{
	return rnd_below(300) == 0 ? rnd_below(16) :
	       rnd_below(2) ? DNPU_SPAD_IN : DNPU_SPAD_OUT;
}

static bool in_window(const struct fuzz_host *h, uint64_t addr, size_t len,
		      bool write)
{
	if (addr < MEM_BASE)
		return false;
	uint64_t off = addr - MEM_BASE;
	for (unsigned i = 0; i < h->nwin; i++) {
		const struct window *w = &h->win[i];
		if (off >= w->off && off + len <= (uint64_t)w->off + w->len &&
		    (!write || w->writable))
			return true;
	}
	return false;
}

static int host_rd(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct fuzz_host *h = ctx;
	if (addr >= MEM_BASE + MEM_SIZE - 64)
		return -1; /* the bus hole region 6 points into */
	if (!in_window(h, addr, len, false)) {
		h->violations++;
		return -1;
	}
	memcpy(buf, h->mem + (addr - MEM_BASE), len);
	return 0;
}

static int host_wr(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct fuzz_host *h = ctx;
	if (addr >= MEM_BASE + MEM_SIZE - 64)
		return -1;
	if (!in_window(h, addr, len, true)) {
		h->violations++;
		return -1;
	}
	memcpy(h->mem + (addr - MEM_BASE), buf, len);
	return 0;
}

static void add_win(struct fuzz_host *h, uint32_t off, uint32_t len, bool wr)
{
	h->win[h->nwin++] = (struct window){ off, len, wr };
}

/*
 * Layout (offsets in host memory): commands at 0 (RO), regions 1..5 with
 * random sizes; region 3 is PAGED over 3 scattered pages; region 4 is not
 * valid; region 5 is write-only; region 6 points at the bus hole.
 */
static unsigned build_world(struct fuzz_host *h, struct dnpu_region *reg)
{
	const uint32_t rw = DNPU_REGION_VALID | DNPU_REGION_READ | DNPU_REGION_WRITE;
	uint32_t sz1 = 1024 + rnd_below(8192), sz2 = 1024 + rnd_below(8192);
	uint32_t sz3 = 4096 * 2 + rnd_below(4096), sz5 = 256 + rnd_below(1024);

	memset(h->mem, GUARD, MEM_SIZE);
	h->nwin = 0;
	memset(reg, 0, 8 * sizeof(*reg));
	reg[0] = (struct dnpu_region){ MEM_BASE, MAX_CMDS * 64,
		DNPU_REGION_VALID | DNPU_REGION_READ, { 0, 0 } };
	add_win(h, 0, MAX_CMDS * 64, false);
	reg[1] = (struct dnpu_region){ MEM_BASE + 0x10000, sz1,
		DNPU_REGION_VALID | DNPU_REGION_READ, { 0, 0 } };
	add_win(h, 0x10000, sz1, false);
	reg[2] = (struct dnpu_region){ MEM_BASE + 0x20000, sz2, rw, { 0, 0 } };
	add_win(h, 0x20000, sz2, true);
	/* paged: list at 0x30000, pages at 0x42000, 0x40000, 0x45000 */
	const uint32_t pages[3] = { 0x42000, 0x40000, 0x45000 };
	for (unsigned i = 0; i < 3; i++) {
		uint64_t pa = MEM_BASE + pages[i];
		memcpy(h->mem + 0x30000 + 8 * i, &pa, 8);
		add_win(h, pages[i], 4096, true);
	}
	if (rnd_below(4) == 0) {	/* sometimes a misaligned entry */
		uint64_t pa = MEM_BASE + 0x45000 + 8;
		memcpy(h->mem + 0x30000 + 16, &pa, 8);
		h->win[h->nwin - 1].off += 8;
		h->win[h->nwin - 1].len -= 8;
	}
	add_win(h, 0x30000, 24, false);
	reg[3] = (struct dnpu_region){ MEM_BASE + 0x30000, sz3,
		rw | DNPU_REGION_PAGED, { 0, 0 } };
	reg[4] = (struct dnpu_region){ MEM_BASE + 0x50000, 4096,
		DNPU_REGION_READ | DNPU_REGION_WRITE, { 0, 0 } };
	reg[5] = (struct dnpu_region){ MEM_BASE + 0x60000, sz5,
		DNPU_REGION_VALID | DNPU_REGION_WRITE, { 0, 0 } };
	add_win(h, 0x60000, sz5, true);
	reg[6] = (struct dnpu_region){ MEM_BASE + MEM_SIZE - 64, 4096, rw, { 0, 0 } };

	/* random data in the data windows (not the commands or page list) */
	for (unsigned i = 1; i < h->nwin; i++)
		if (h->win[i].off != 0x30000)
			for (uint32_t k = 0; k < h->win[i].len; k++)
				h->mem[h->win[i].off + k] = (uint8_t)rnd();
	return 7;
}

static const uint32_t ops[] = {
	DNPU_OP_LOAD, DNPU_OP_STORE, DNPU_OP_CONV, DNPU_OP_PPU,
	DNPU_OP_NMC_ADD, DNPU_OP_NMC_POOL, DNPU_OP_NMC_MEAN,
	DNPU_OP_NMC_DWCONV, DNPU_OP_SYNC, DNPU_OP_BARRIER,
	DNPU_OP_LOAD, DNPU_OP_STORE, DNPU_OP_CONV,
};

static const uint32_t region_size_hint[8] = {
	3072, 9216, 9216, 12288, 4096, 1280, 4096, 64
};

/* token counts as the generator expects them (L2C, C2L, C2S, S2C) */
static unsigned tok[4];

/* dependency bits legal for the queue, popping only available tokens */
static uint32_t legal_deps(uint32_t op)
{
	uint32_t r = (uint32_t)rnd(), d = 0;
	/* FIFO of each bit for this queue: pop_prev, pop_next, push_prev, push_next */
	int f[4];
	switch (op) {
	case DNPU_OP_LOAD:
		f[0] = -1; f[1] = 1; f[2] = -1; f[3] = 0;
		break;
	case DNPU_OP_STORE:
		f[0] = 2; f[1] = -1; f[2] = 3; f[3] = -1;
		break;
	case DNPU_OP_BARRIER:
	case DNPU_OP_END:
		return 0;
	default:
		f[0] = 0; f[1] = 3; f[2] = 1; f[3] = 2;
		break;
	}
	for (int b = 0; b < 4; b++) {
		if (f[b] < 0 || !(r & (1u << b)))
			continue;
		if (b < 2 && tok[f[b]] > 0) {
			tok[f[b]]--;
			d |= DNPU_CMD_POP_PREV << b;
		} else if (b >= 2 && tok[f[b]] < DNPU_TOKEN_DEPTH) {
			tok[f[b]]++;
			d |= DNPU_CMD_POP_PREV << b;
		}
	}
	return d;
}

static void random_cmd(uint32_t *w)
{
	uint32_t op = rnd_below(400) == 0 ? (uint32_t)rnd() & 0xff
					  : ops[rnd_below(sizeof(ops) / 4)];
	uint32_t dep = rnd_below(2) ? legal_deps(op) : 0;
	uint32_t flags = 0;
	if (op == DNPU_OP_CONV || op == DNPU_OP_PPU || op == DNPU_OP_NMC_POOL)
		flags = rnd_below(2);
	if (rnd_below(400) == 0)
		dep = (uint32_t)rnd() & DNPU_CMD_DEP_MASK;
	if (rnd_below(400) == 0)
		flags = (uint32_t)rnd() & 0xffff;

	memset(w, 0, 64);
	w[0] = DNPU_CMD_W0(op, dep, flags);
	if (rnd_below(400) == 0)
		w[0] |= 1u << (12 + rnd_below(4));
	switch (op) {
	case DNPU_OP_LOAD:
	case DNPU_OP_STORE: {
		static const uint32_t rd_ok[3] = { 1, 2, 3 }, wr_ok[3] = { 2, 3, 5 };
		uint32_t reg = rnd_below(10) == 0 ? rnd_below(8) :
			       op == DNPU_OP_LOAD ? rd_ok[rnd_below(3)]
						  : wr_ok[rnd_below(3)], sp;
		if (op == DNPU_OP_LOAD) {
			static const uint32_t lsp[] = { DNPU_SPAD_IN, DNPU_SPAD_WGT,
							DNPU_SPAD_OUT, DNPU_SPAD_IN };
			sp = rnd_below(100) == 0 ? rnd_below(16) :
			     rnd_below(200) == 0 ? DNPU_SPAD_PARAM : lsp[rnd_below(4)];
		} else {
			sp = rnd_io();
		}
		w[1] = DNPU_DMA_REGION(reg, sp, op == DNPU_OP_LOAD ? rnd() : 0);
		w[2] = rnd_field(region_size_hint[reg] / 2);
		w[3] = rnd_field(3000);
		w[4] = rnd_count(64);
		w[5] = rnd_count(4);
		w[6] = rnd_field(128);
		w[7] = rnd_field(128);
		w[8] = rnd_count(2);
		w[9] = rnd_field(1024);
		w[10] = rnd_field(1024);
		if (op == DNPU_OP_LOAD && rnd_below(2)) {
			w[11] = DNPU_PAIR(rnd_field(4), rnd_field(4));
			w[12] = DNPU_PAIR(rnd_field(2), rnd_field(2));
		}
		break;
	}
	case DNPU_OP_CONV:
		w[1] = DNPU_PAIR(rnd_count(4), rnd_count(4));
		w[2] = DNPU_PAIR(rnd_count(20), rnd_count(20));
		w[3] = rnd_count(3) | rnd_count(3) << 8;
		for (int k = 4; k < 13; k++)
			w[k] = rnd_field(k == 11 || k == 12 ? 64 : k == 10 ? 40 : 400);
		break;
	case DNPU_OP_PPU:
		w[1] = DNPU_PAIR(rnd_count(8), rnd_count(20));
		w[2] = rnd_field(256);
		w[3] = rnd_field(32);
		w[4] = 12 * rnd_field(5);
		w[5] = rnd_io();
		w[6] = rnd_field(2000);
		w[7] = rnd_field(64);
		w[8] = (uint32_t)rnd();
		if (flags & DNPU_PPU_F_FUSE_ADD) {
			w[9] = rnd_io();
			w[10] = rnd_field(2000);
			w[11] = rnd_field(64);
			w[12] = rnd_below(10) ? 2048 : rnd_field(2100);
		}
		break;
	case DNPU_OP_NMC_ADD:
		w[1] = DNPU_PAIR(rnd_count(32), rnd_count(8));
		w[2] = rnd_io() | rnd_io() << 4 | rnd_io() << 8;
		for (int k = 3; k < 9; k++)
			w[k] = rnd_field(k % 2 ? 2000 : 64);
		w[9] = rnd_below(10) ? 2048 : rnd_field(2100);
		break;
	case DNPU_OP_NMC_POOL:
		w[1] = DNPU_PAIR(rnd_count(8), rnd_count(8));
		w[2] = DNPU_PAIR(rnd_count(8), rnd_count(8));
		w[3] = rnd_count(16);
		w[4] = rnd_count(3) | rnd_count(3) << 8 | rnd_count(3) << 16 |
		       rnd_count(3) << 24;
		w[5] = DNPU_PAIR(rnd_field(2), rnd_field(2));
		w[6] = rnd_io() | rnd_io() << 8;
		for (int k = 7; k < 11; k++)
			w[k] = rnd_field(k % 2 ? 2000 : 128);
		w[11] = rnd_below(100) ? rnd_below(0x10000) : (uint32_t)rnd();
		break;
	case DNPU_OP_NMC_MEAN:
		w[1] = DNPU_PAIR(rnd_count(6), rnd_count(6));
		w[2] = rnd_count(16);
		w[3] = rnd_io() | rnd_io() << 8;
		w[4] = rnd_field(2000);
		w[5] = rnd_field(128);
		w[6] = rnd_field(2000);
		w[7] = (uint32_t)rnd();
		w[8] = (uint32_t)rnd();
		w[9] = (uint32_t)((int32_t)rnd_below(66) - 33);
		w[10] = rnd_count(40);
		break;
	case DNPU_OP_NMC_DWCONV: {
		uint32_t dm = rnd_count(3);
		w[1] = DNPU_PAIR(rnd_count(4), rnd_count(4));
		w[2] = DNPU_PAIR(dm * rnd_count(8), dm);
		w[3] = rnd_count(3) | rnd_count(3) << 8 | rnd_count(2) << 16 |
		       rnd_count(2) << 24;
		w[4] = rnd_count(2) | rnd_count(2) << 8;
		w[5] = rnd_io() | rnd_io() << 8;
		for (int k = 6; k < 11; k++)
			w[k] = rnd_field(k == 7 || k == 10 ? 128 : 2000);
		w[11] = 12 * rnd_field(5);
		w[12] = (uint32_t)rnd();
		break;
	}
	default:
		break;
	}
	if (rnd_below(400) == 0)
		w[1 + rnd_below(15)] ^= 1u << rnd_below(32);
}

/* fill PARAM with records whose shifts are mostly legal */
static void random_params(struct dnpu_cmodel *m)
{
	uint32_t n;
	uint8_t *p = dnpu_cmodel_spad(m, DNPU_SPAD_PARAM, &n);
	for (uint32_t i = 0; i + 4 <= n; i += 4) {
		int32_t v = (int32_t)rnd();
		if ((i / 4) % 3 == 2)	/* shift word of a 12 B record */
			v = (int32_t)rnd_below(rnd_below(200) ? 62 : 200) - 31;
		memcpy(p + i, &v, 4);
	}
	/* an ADD record at 2048 with sane shifts */
	const int32_t ap[12] = { 3, 1 << 30, -1, -7, 1 << 29, 0, 20,
				 1 << 30, -18, 4, -100, 100 };
	memcpy(p + 2048, ap, sizeof(ap));
}

static int win_cmp(const void *a, const void *b)
{
	const struct window *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* first byte outside all windows that is not GUARD, or -1 */
static long guard_violation(const struct fuzz_host *h)
{
	struct window w[32];
	memcpy(w, h->win, h->nwin * sizeof(w[0]));
	qsort(w, h->nwin, sizeof(w[0]), win_cmp);
	uint32_t cur = 0;
	for (unsigned i = 0; i <= h->nwin; i++) {
		uint32_t end = i < h->nwin ? w[i].off : MEM_SIZE;
		for (uint32_t k = cur; k < end; k++)
			if (h->mem[k] != GUARD)
				return (long)k;
		if (i < h->nwin && w[i].off + w[i].len > cur)
			cur = w[i].off + w[i].len;
	}
	return -1;
}

static unsigned illegal_op[256];

struct outcome {
	struct dnpu_cmodel_result res;
	uint8_t *mem;
};

static void run_stream(uint64_t seed, struct outcome *o, unsigned *hist)
{
	struct fuzz_host h = { .mem = malloc(MEM_SIZE) };
	struct dnpu_region reg[8];
	struct dnpu_cmodel_config cfg;
	assert_non_null(h.mem);

	rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
	unsigned nreg = build_world(&h, reg);
	dnpu_cmodel_config_small(&cfg);
	struct dnpu_cmodel *m = dnpu_cmodel_create(&cfg);
	assert_non_null(m);
	dnpu_cmodel_set_host(m, host_rd, host_wr, &h);
	dnpu_cmodel_set_watchdog(m, WATCHDOG);
	random_params(m);

	uint32_t n = 1 + rnd_below(MAX_CMDS);
	memset(tok, 0, sizeof(tok));
	for (uint32_t i = 0; i < n; i++) {
		uint32_t w[16];
		random_cmd(w);
		if (i == n - 1 && rnd_below(8) != 0)
			w[0] = DNPU_OP_END, memset(w + 1, 0, 60);
		memcpy(h.mem + 64 * i, w, 64);
	}
	if (rnd_below(20) == 0)
		reg[rnd_below(nreg)].reserved[0] = 1;	/* bad table */
	if (rnd_below(20) == 0)
		dnpu_cmodel_inject_dma_fault(m);

	uint32_t cmd_count = rnd_below(30) == 0 ? n + 3 : n;
	memset(&o->res, 0, sizeof(o->res));
	uint32_t st = dnpu_cmodel_load_regions(m, reg, nreg);
	if (st == DNPU_FAULT_NONE)
		st = dnpu_cmodel_run(m, 0, 0, cmd_count, &o->res);
	else
		o->res.status = st;

	assert_int_equal(h.violations, 0);
	/* guard bytes outside every window are intact */
	long bad = guard_violation(&h);
	if (bad >= 0) {
		fprintf(stderr, "seed %llu: guard byte at 0x%lx changed\n",
			(unsigned long long)seed, bad);
		fail();
	}
	if (st == DNPU_JOB_OK) {
		assert_true(o->res.stats.cmds[DNPU_OP_END] == 1);
		assert_true(o->res.cmds_done <= cmd_count);
	} else if (st != DNPU_FAULT_BAD_DESC) {
		assert_int_equal(o->res.cmds_done, o->res.fault_cmd);
		assert_true(o->res.fault_cmd <= cmd_count);
	}
	assert_true(o->res.stats.cycles <= WATCHDOG);
	assert_true(st <= DNPU_FAULT_BUS_ERROR);
	if (hist) {
		hist[st]++;
		if (st == DNPU_FAULT_ILLEGAL_CMD && o->res.fault_cmd < n) {
			illegal_op[h.mem[64 * o->res.fault_cmd]]++;
		}
		else if (st == DNPU_FAULT_ILLEGAL_CMD)
			illegal_op[0]++;
	}
	o->mem = h.mem;
	dnpu_cmodel_destroy(m);
}

static void test_fuzz(void **state)
{
	(void)state;
	unsigned seeds = 3000;
	const char *env = getenv("DNPU_FUZZ_SEEDS");
	if (env)
		seeds = (unsigned)strtoul(env, NULL, 0);
	unsigned hist[16] = { 0 };
	uint64_t cmds = 0;

	for (unsigned s = 0; s < seeds; s++) {
		struct outcome a, b;
		run_stream(s, &a, hist);
		cmds += a.res.cmds_done;
		if (s % 8 == 0) {	/* deterministic */
			run_stream(s, &b, NULL);
			assert_memory_equal(&a.res, &b.res, sizeof(a.res));
			assert_memory_equal(a.mem, b.mem, MEM_SIZE);
			free(b.mem);
		}
		free(a.mem);
	}
	printf("fuzz: %u streams, %llu commands executed; status histogram:\n",
	       seeds, (unsigned long long)cmds);
	for (unsigned i = 0; i <= DNPU_FAULT_BUS_ERROR; i++)
		printf("  %-16s %u\n", dnpu_fault_name(i), hist[i]);
	printf("  ILLEGAL_CMD by opcode (0 = ran off the end):");
	for (unsigned i = 0; i < 256; i++)
		if (illegal_op[i])
			printf(" 0x%02x:%u", i, illegal_op[i]);
	printf("\n");
	if (seeds >= 1000) {
		/* the generator reaches the interesting outcomes */
		assert_true(hist[DNPU_JOB_OK] > seeds / 50);
		for (unsigned i = DNPU_FAULT_REGION_INVALID; i <= DNPU_FAULT_BUS_ERROR; i++)
			assert_true(hist[i] > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
