// dnpu_engine vs the C functional model (sim/cmodel): random command
// streams (LOAD/STORE with 3-D strides and padding over CONTIG and PAGED
// regions, CONV, PPU with and without fused ADD, SYNC, tokens, barriers,
// bad fields, bad regions, scratchpad overruns, on-chip LOAD/STORE between
// scratchpads (DNPU_DMA_F_ONCHIP)) run on both from the same
// host memory; OK jobs must leave identical host memory (each stream ends
// by storing the IN and OUT scratchpads), faulting jobs must report the
// same cause, region, offset and command index.
//   tb_engine [+seed=N] [+cases=N] [+trace] [+timeout=cycles-per-job]
#include <vector>

extern "C" {
#include "cm_test.h"
}
#include "tb_engine_sim.h"

#ifndef ROWS
#error "ROWS/COLS come from the build"
#endif

static const uint32_t SZ[DNPU_SPAD_COUNT] = {DNPU_SMALL_SPAD_IN, DNPU_SMALL_SPAD_WGT,
					     DNPU_SMALL_SPAD_ACC, DNPU_SMALL_SPAD_OUT,
					     DNPU_SMALL_SPAD_PARAM};

// extra regions on top of cm_test's 0 (cmd, R), 1 (A, RW), 2 (B, RW)
enum { R_RO = 3, R_PAGED = 4, R_WO = 5, R_INVALID = 6, R_ZERO = 7, NREG = 8 };
static const uint32_t PLIST_OFF = 0x90000, PAGES_OFF = 0xA0000, NPAGES = 6;
static const uint32_t ZERO_OFF = 0xD0000, ZERO_SIZE = 0x10000;
static const uint32_t PARAM_SRC = 0x30000;   // valid param records in region A
static const uint32_t DUMP_IN = 0x20000, DUMP_OUT = 0x28000; // in region B

struct Gen {
	TbRng &r;
	struct env *e;
	explicit Gen(TbRng &rng, struct env *env) : r(rng), e(env) {}

	void emit(const uint32_t *w) { env_emit(e, w); }
	void simple(uint32_t op, uint32_t dep = 0)
	{
		uint32_t w[16];
		cmd_simple(w, op, dep);
		emit(w);
	}

	uint32_t pick_region_load()
	{
		unsigned x = (unsigned)r.range(0, 99);
		if (x < 60) return 1;
		if (x < 75) return R_PAGED;
		if (x < 85) return R_RO;
		if (x < 90) return R_WO;
		if (x < 94) return R_INVALID;
		if (x < 97) return 12; // beyond the region count
		return 2;
	}
	uint32_t region_size(uint32_t ri) { return ri < NREG ? e->reg[ri].size : 0; }

	// a random legal-looking DMA; mostly in range. 30% are on-chip
	// (region side = IN or OUT, rarely an illegal scratchpad); source and
	// destination never overlap (undefined), so in the same scratchpad they
	// take one half each.
	void dma(bool load, uint32_t dep)
	{
		bool oc = r.chance(30);
		uint32_t w[16];
		uint32_t sp = load ? (uint32_t)r.range(0, 4) : (r.chance(50) ? DNPU_SPAD_IN : DNPU_SPAD_OUT);
		if (load && sp == DNPU_SPAD_ACC)
			sp = DNPU_SPAD_IN;
		uint32_t ri = load ? pick_region_load() : (r.chance(80) ? 2 : (r.chance(50) ? R_PAGED : (uint32_t)r.range(0, 7)));
		uint32_t len0 = (uint32_t)r.range(1, r.chance(20) ? 300 : 40);
		uint32_t count1 = (uint32_t)r.range(1, 4), count2 = (uint32_t)r.range(1, 3);
		uint32_t pb0 = 0, pa0 = 0, pb1 = 0, pa1 = 0;
		if (load && r.chance(50)) {
			pb0 = (uint32_t)r.range(0, 3); pa0 = (uint32_t)r.range(0, 3);
			pb1 = (uint32_t)r.range(0, 2); pa1 = (uint32_t)r.range(0, 2);
		}
		uint32_t row = pb0 + len0 + pa0;
		uint32_t rs1 = len0 + (uint32_t)r.range(0, 20);
		uint32_t ss1 = (load ? row : len0) + (uint32_t)r.range(0, 8);
		uint32_t rows = pb1 + count1 + pa1;
		uint32_t rs2 = rs1 * count1 + (uint32_t)r.range(0, 50);
		uint32_t ss2 = ss1 * rows + (uint32_t)r.range(0, 16);
		uint32_t rext = rs2 * (count2 - 1) + rs1 * (count1 - 1) + len0;
		uint32_t sext = ss2 * (count2 - 1) + ss1 * (rows - 1) + (load ? row : len0);
		if (oc)
			ri = r.chance(50) ? DNPU_SPAD_IN : DNPU_SPAD_OUT;
		if (oc && ri == sp && (rext > SZ[sp] / 2 || sext > SZ[sp] / 2))
			ri = sp == DNPU_SPAD_IN ? DNPU_SPAD_OUT : DNPU_SPAD_IN;
		uint32_t rsize = oc ? SZ[ri] : region_size(ri < NREG ? ri : 1);
		uint32_t off = rext < rsize ? (uint32_t)r.range(0, rsize - rext) : 0;
		if (!load && ri == 2 && off + rext > DUMP_IN)
			off = rext < DUMP_IN ? (uint32_t)r.range(0, DUMP_IN - rext) : 0;
		bool same = oc && ri == sp;
		if (r.chance(5) && !same)
			off = rsize - (uint32_t)r.range(0, 30); // overrun
		uint32_t saddr = sext < SZ[sp] ? (uint32_t)r.range(0, SZ[sp] - sext) : 0;
		if (r.chance(4) && !same)
			saddr = SZ[sp] - (uint32_t)r.range(0, 20);
		if (same) {
			uint32_t half = SZ[sp] / 2;
			bool low = r.chance(50);
			off = (low ? 0 : half) + (uint32_t)r.range(0, half - rext);
			saddr = (low ? half : 0) + (uint32_t)r.range(0, half - sext);
		}
		if (oc && r.chance(3))
			ri = DNPU_SPAD_WGT; // illegal on-chip side
		int padv = (int)r.range(-128, 127);
		if (load)
			cmd_dma(w, DNPU_OP_LOAD, dep, ri, sp, padv, off, saddr, len0, count1, rs1, ss1,
				count2, rs2, ss2, DNPU_PAIR(pb0, pa0), DNPU_PAIR(pb1, pa1));
		else
			cmd_dma(w, DNPU_OP_STORE, dep, ri, sp, 0, off, saddr, len0, count1, ss1, rs1,
				count2, ss2, rs2, 0, 0);
		if (oc)
			w[0] |= DNPU_DMA_F_ONCHIP << 16;
		emit(w);
	}

	void load_params(uint32_t dep)
	{
		// valid per-channel and add records from region A into PARAM
		uint32_t w[16];
		cmd_load1(w, dep, 1, DNPU_SPAD_PARAM, PARAM_SRC, 0, SZ[DNPU_SPAD_PARAM]);
		emit(w);
	}

	void conv(uint32_t dep)
	{
		uint32_t w[16] = {};
		uint32_t oh = (uint32_t)r.range(1, 5), ow = (uint32_t)r.range(1, 5);
		uint32_t n = (uint32_t)r.range(1, 9), c = (uint32_t)r.range(1, 9);
		uint32_t kh = (uint32_t)r.range(1, 3), kw = (uint32_t)r.range(1, 3);
		uint32_t s = (uint32_t)r.range(1, 2), d = (uint32_t)r.range(1, 2);
		uint32_t cp = c + (uint32_t)r.range(0, 3);     // pixel pitch
		uint32_t iw = (ow - 1) * s + (kw - 1) * d + 1;
		uint32_t ih = (oh - 1) * s + (kh - 1) * d + 1;
		uint32_t rp = iw * cp + (uint32_t)r.range(0, 5); // row pitch
		uint32_t in_ext = (ih - 1) * rp + (iw - 1) * cp + c;
		uint32_t wp = n + (uint32_t)r.range(0, 3);
		uint32_t w_ext = (kh * kw * c - 1) * wp + n;
		uint32_t ap = n + (uint32_t)r.range(0, 3);
		uint32_t a_ext = (oh * ow - 1) * ap + n;
		w[0] = DNPU_CMD_W0(DNPU_OP_CONV, dep, r.chance(40) ? DNPU_CONV_F_ACCUMULATE : 0);
		w[1] = DNPU_PAIR(oh, ow);
		w[2] = DNPU_PAIR(n, c);
		w[3] = kh | kw << 8;
		w[4] = (uint32_t)r.range(0, SZ[0] - in_ext);
		w[5] = cp * s;
		w[6] = rp * s;
		w[7] = cp * d;
		w[8] = rp * d;
		w[9] = (uint32_t)r.range(0, SZ[1] - w_ext);
		w[10] = wp;
		w[11] = (uint32_t)r.range(0, SZ[2] / 4 - a_ext);
		w[12] = ap;
		if (r.chance(4))
			w[4 + 5 * (int)r.range(0, 1)] = SZ[0] - (uint32_t)r.range(0, 10);
		if (r.chance(3))
			w[11] = SZ[2] / 4 - (uint32_t)r.range(0, 10);
		emit(w);
	}

	void ppu(uint32_t dep)
	{
		uint32_t w[16] = {};
		uint32_t m = (uint32_t)r.range(1, 8), n = (uint32_t)r.range(1, 9);
		bool fuse = r.chance(40);
		uint32_t dst = r.chance(50) ? DNPU_SPAD_IN : DNPU_SPAD_OUT;
		uint32_t res = dst == DNPU_SPAD_IN ? DNPU_SPAD_OUT : DNPU_SPAD_IN;
		uint32_t ap = n + (uint32_t)r.range(0, 4), dp = n + (uint32_t)r.range(0, 4);
		uint32_t rp = n + (uint32_t)r.range(0, 4);
		int zp = (int)r.range(-128, 127), a = (int)r.range(-128, 127), b = (int)r.range(-128, 127);
		if (r.chance(40)) { a = -128; b = 127; }
		w[0] = DNPU_CMD_W0(DNPU_OP_PPU, dep, fuse ? DNPU_PPU_F_FUSE_ADD : 0);
		w[1] = DNPU_PAIR(m, n);
		w[2] = (uint32_t)r.range(0, SZ[2] / 4 - ((m - 1) * ap + n));
		w[3] = ap;
		// 32 channel records at 0, a bad-shift record at 32*12, add records at 512
		w[4] = r.chance(5) ? 12u * 30 : 12u * (uint32_t)r.range(0, 32 - n);
		w[5] = dst;
		w[6] = (uint32_t)r.range(0, SZ[dst] - ((m - 1) * dp + n));
		w[7] = dp;
		w[8] = DNPU_PPU_QUANT(zp, a < b ? a : b, a < b ? b : a);
		if (fuse) {
			w[9] = res;
			w[10] = (uint32_t)r.range(0, SZ[res] - ((m - 1) * rp + n));
			w[11] = rp;
			w[12] = 512 + 48 * (uint32_t)r.range(0, r.chance(10) ? 4 : 3);
		}
		if (r.chance(3))
			w[6] = SZ[dst] - (uint32_t)r.range(0, 8);
		emit(w);
	}

	void bad_command()
	{
		uint32_t w[16];
		switch (r.range(0, 5)) {
		case 0: cmd_simple(w, (uint32_t)r.range(0x50, 0xff), 0); break;
		case 1: cmd_simple(w, DNPU_OP_SYNC, 0); w[(int)r.range(1, 15)] = 1; break;
		case 2: cmd_simple(w, DNPU_OP_BARRIER, DNPU_CMD_POP_PREV); break;
		case 3: cmd_load1(w, DNPU_CMD_POP_PREV, 1, DNPU_SPAD_IN, 0, 0, 4); break;
		case 4: cmd_simple(w, DNPU_OP_NMC_ADD, 0); break;
		default: cmd_simple(w, DNPU_OP_SYNC, 0); w[0] |= 1u << 12; break;
		}
		emit(w);
	}

	// one race-free block followed by a BARRIER
	void block()
	{
		unsigned k = (unsigned)r.range(0, 99);
		if (k < 20) {
			dma(true, 0);
		} else if (k < 30) {
			dma(false, 0);
		} else if (k < 45) {
			conv(0);
		} else if (k < 58) {
			load_params(0);
			simple(DNPU_OP_BARRIER);
			ppu(0);
		} else if (k < 80) {
			// LOAD -> CONV -> PPU -> STORE linked by tokens
			dma(true, DNPU_CMD_PUSH_NEXT);
			conv(DNPU_CMD_POP_PREV);
			ppu(DNPU_CMD_PUSH_NEXT);
			dma(false, DNPU_CMD_POP_PREV);
		} else if (k < 88) {
			// hand a buffer from load to store through SYNC
			dma(true, DNPU_CMD_PUSH_NEXT);
			simple(DNPU_OP_SYNC, DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_NEXT);
			dma(false, DNPU_CMD_POP_PREV);
		} else if (k < 92) {
			// token misuse: pop with nothing pushed, or overflow
			if (r.chance(50)) {
				simple(DNPU_OP_SYNC, DNPU_CMD_POP_NEXT);
			} else {
				for (int i = 0; i < 9; i++)
					simple(DNPU_OP_SYNC, DNPU_CMD_PUSH_NEXT);
			}
		} else if (k < 94) {
			bad_command();
		} else {
			simple(DNPU_OP_SYNC);
		}
		simple(DNPU_OP_BARRIER);
	}

	void program()
	{
		e->ncmd = 0;
		int blocks = (int)r.range(1, 8);
		for (int i = 0; i < blocks; i++)
			block();
		uint32_t w[16];
		cmd_store1(w, 0, 2, DNPU_SPAD_IN, DUMP_IN, 0, SZ[DNPU_SPAD_IN]);
		emit(w);
		cmd_store1(w, 0, 2, DNPU_SPAD_OUT, DUMP_OUT, 0, SZ[DNPU_SPAD_OUT]);
		emit(w);
		simple(DNPU_OP_END);
	}

	// zero every scratchpad on both models
	void zero_program()
	{
		uint32_t w[16] = {};
		e->ncmd = 0;
		for (unsigned sp : {DNPU_SPAD_IN, DNPU_SPAD_WGT, DNPU_SPAD_OUT, DNPU_SPAD_PARAM}) {
			cmd_load1(w, 0, R_ZERO, sp, 0, 0, SZ[sp]);
			emit(w);
		}
		simple(DNPU_OP_BARRIER);
		memset(w, 0, sizeof(w));
		w[0] = DNPU_CMD_W0(DNPU_OP_CONV, 0, 0);
		w[1] = DNPU_PAIR(SZ[2] / 4 / 16, 1);
		w[2] = DNPU_PAIR(16, 1);
		w[3] = 1 | 1 << 8;
		w[10] = 16;
		w[12] = 16;
		emit(w);
		simple(DNPU_OP_END);
	}
};

static void fill_params(TbRng &r, uint8_t *p)
{
	int32_t *q = (int32_t *)p;
	for (int i = 0; i < 32; i++) {
		q[3 * i] = (int32_t)r.range(-20000, 20000);
		q[3 * i + 1] = (int32_t)r.range(1 << 30, INT32_MAX);
		q[3 * i + 2] = r.chance(80) ? (int32_t)r.range(-12, 1) : (int32_t)r.range(-31, 31);
	}
	q[3 * 30 + 2] = 40; // record 30: bad shift
	for (int k = 0; k < 4; k++) {
		int32_t *a = (int32_t *)(p + 512 + 48 * k);
		a[0] = (int32_t)r.range(-128, 127);
		a[1] = (int32_t)r.range(1 << 30, INT32_MAX);
		a[2] = (int32_t)r.range(-5, 0);
		a[3] = (int32_t)r.range(-128, 127);
		a[4] = (int32_t)r.range(1 << 30, INT32_MAX);
		a[5] = (int32_t)r.range(-5, 0);
		a[6] = 20;
		a[7] = (int32_t)r.range(1 << 30, INT32_MAX);
		a[8] = (int32_t)r.range(-24, -14);
		a[9] = (int32_t)r.range(-128, 127);
		a[10] = -128;
		a[11] = 127;
	}
	((int32_t *)(p + 512 + 48 * 3))[8] = -40; // add record 3: bad out_shift
}

int main(int argc, char **argv)
{
	TbArgs args = tb_parse_args(argc, argv, 3000000);
	long cases = 300;
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "+cases=", 7))
			cases = strtol(argv[i] + 7, nullptr, 0);
	auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
	ctx->traceEverOn(args.trace);
	TbRng rng(args.seed);

	struct env *e = env_new(1);
	// extra regions
	e->reg[R_RO] = {ENV_BASE + ENV_A_OFF, ENV_A_SIZE, DNPU_REGION_VALID | DNPU_REGION_READ, {0, 0}};
	e->reg[R_PAGED] = {ENV_BASE + PLIST_OFF, NPAGES * DNPU_PAGE_SIZE - 100,
			   DNPU_REGION_VALID | DNPU_REGION_READ | DNPU_REGION_WRITE | DNPU_REGION_PAGED,
			   {0, 0}};
	e->reg[R_WO] = {ENV_BASE + ENV_B_OFF, ENV_B_SIZE, DNPU_REGION_VALID | DNPU_REGION_WRITE, {0, 0}};
	e->reg[R_INVALID] = {ENV_BASE + ENV_A_OFF, ENV_A_SIZE, DNPU_REGION_READ, {0, 0}};
	e->reg[R_ZERO] = {ENV_BASE + ZERO_OFF, ZERO_SIZE, DNPU_REGION_VALID | DNPU_REGION_READ, {0, 0}};
	e->nreg = NREG;
	// page list: pages in a shuffled order, the last entry misaligned
	{
		uint64_t *pl = (uint64_t *)(e->mem + PLIST_OFF);
		int order[NPAGES] = {3, 0, 5, 1, 4, 2};
		for (unsigned i = 0; i < NPAGES; i++)
			pl[i] = ENV_BASE + PAGES_OFF + DNPU_PAGE_SIZE * (uint64_t)order[i];
		pl[NPAGES - 1] += 8;
	}
	for (uint32_t i = 0; i < ENV_A_SIZE; i++)
		e->mem[ENV_A_OFF + i] = (uint8_t)rng.u32();
	for (uint32_t i = 0; i < NPAGES * DNPU_PAGE_SIZE; i++)
		e->mem[PAGES_OFF + i] = (uint8_t)rng.u32();
	fill_params(rng, e->mem + ENV_A_OFF + PARAM_SRC);

	std::vector<uint8_t> rtl_mem(e->mem_size);
	EngineSim sim(ctx.get(), args.trace, args.seed, rtl_mem.data(), ENV_BASE, e->mem_size);
	Gen gen(rng, e);

	long ok = 0, faults = 0, mismatches = 0, skipped = 0;
	bool need_zero = true;
	for (long c = 0; c < cases && mismatches < 5; c++) {
		bool zeroing = need_zero;
		if (zeroing)
			gen.zero_program();
		else
			gen.program();
		uint32_t count = e->ncmd;
		if (!zeroing && rng.chance(3))
			count = (uint32_t)rng.range(1, e->ncmd); // may miss END
		sim.debug = getenv("TB_DEBUG") && atol(getenv("TB_DEBUG")) == c;
		sim.latency = (unsigned)rng.range(1, 40);
		sim.stall_pct = (unsigned)rng.range(0, 40);
		// 1..8 bursts in flight (derived: the job streams stay as they were)
		sim.max_out = 1 + sim.latency % 8;
		// both start from the same memory image
		memcpy(e->mem + ENV_CMD_OFF, e->cmd, (size_t)e->ncmd * DNPU_CMD_BYTES);
		memcpy(rtl_mem.data(), e->mem, e->mem_size);
		struct dnpu_cmodel_result res;
		uint32_t f = dnpu_cmodel_load_regions(e->m, e->reg, e->nreg);
		if (f) {
			fprintf(stderr, "region table rejected\n");
			return 1;
		}
		dnpu_cmodel_run(e->m, 0, 0, count, &res);
		JobResult jr = sim.run(e->reg, e->nreg, 0, 0, count, args.timeout);
		bool bad = false;
		if (jr.timed_out) {
			fprintf(stderr, "case %ld: RTL did not finish (model status %s cmd %u)\n", c,
				dnpu_fault_name(res.status), res.fault_cmd);
			bad = true;
		} else if (jr.status != res.status) {
			bad = true;
		} else if (res.status != DNPU_JOB_OK) {
			bad = jr.region != res.fault_region || jr.offset != res.fault_offset ||
			      jr.cmd != res.fault_cmd;
		} else if (memcmp(rtl_mem.data(), e->mem, e->mem_size) != 0) {
			bad = true;
			size_t i = 0;
			while (rtl_mem[i] == e->mem[i])
				i++;
			fprintf(stderr, "case %ld: memory differs first at +0x%zx (rtl %02x model %02x)\n",
				c, i, rtl_mem[i], e->mem[i]);
		}
		if (bad) {
			mismatches++;
			fprintf(stderr,
				"case %ld MISMATCH: model %s region %u offset 0x%x cmd %u | rtl %s region %u "
				"offset 0x%x cmd %u (%u cmds)\n",
				c, dnpu_fault_name(res.status), res.fault_region, res.fault_offset,
				res.fault_cmd, dnpu_fault_name(jr.status), jr.region, jr.offset, jr.cmd,
				count);
			for (uint32_t i = 0; i < count; i++)
				fprintf(stderr, "  [%u] op %02x w0 %08x\n", i, e->cmd[i][0] & 0xff, e->cmd[i][0]);
		}
		if (res.status == DNPU_JOB_OK) {
			ok++;
		} else {
			faults++;
		}
		// after a fault the two may legitimately differ in scratchpad state
		need_zero = res.status != DNPU_JOB_OK || bad;
		if (zeroing)
			skipped++;
	}
	printf("tb_engine %dx%d: seed %llu, %ld jobs (%ld ok, %ld faulted, %ld resets), %ld "
	       "mismatches, macs %llu\n",
	       ROWS, COLS, (unsigned long long)args.seed, ok + faults, ok, faults, skipped, mismatches,
	       (unsigned long long)sim.perf(DNPU_PERF_MACS));
	env_free(e);
	return mismatches ? 1 : 0;
}
