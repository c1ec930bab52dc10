// Batch replay of command streams on dnpu_engine and on the C functional
// model (sim/cmodel), from identical region tables and host memory:
//   - the libFuzzer stream target's inputs (+corpus=DIR, +streams=FILE: the
//     job of tests/cmodel/fuzz_stream.c, small configuration),
//   - streams of compiled layers: random CONV_2D / DEPTHWISE / ADD / PAD /
//     MEAN lowered by tests/cmodel's lowering, and person_detect's
//     CONV_2D and DEPTHWISE_CONV_2D layers (+shared=DIR, skipped without),
//   - structured random streams (on-chip LOAD/STORE among them), and seeded
//     mutations of all of the above
//     (command words, opcodes, dependency bits, inserted/deleted/swapped
//     commands, truncated counts, shrunk or weakened regions).
// Every job must end with an interrupt (the engine watchdog is armed; no
// interrupt within the testbench timeout is a hang) and must not touch
// memory outside its regions' windows with the wrong access (checked per
// bus beat on the RTL and per access on the model). For streams whose
// cross-queue scratchpad/host accesses are ordered by tokens or barriers
// (the ISA's correctness rule; racy streams may legitimately differ) the
// status and fault cause/region/offset/command must agree, and for jobs
// that end OK also all host memory, the IN and OUT scratchpads (stored
// after the job) and the MACS/NMC_OPS counters (the RTL does not undo what
// commands after a faulting one did before the fault was known,
// docs/RTL.md). The JOBS counter must move by one for every job.
//   tb_replay [+corpus=DIR] [+streams=FILE]... [+shared=DIR] [+layers=N]
//             [+random=N] [+mutate=N] [+count=N] [+seed=N]
//             [+timeout=cycles] [+long=model-cycles] [+only=NAME] [+v] [+trace]
// +mutate=N: N mutants of every base stream; +count caps the whole batch.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

extern "C" {
#include "fuzz_stream.h"
#include "lower_tflite.h"
}
#include "tb_engine_sim.h"

static const uint32_t SZ[DNPU_SPAD_COUNT] = {DNPU_SMALL_SPAD_IN, DNPU_SMALL_SPAD_WGT,
					     DNPU_SMALL_SPAD_ACC, DNPU_SMALL_SPAD_OUT,
					     DNPU_SMALL_SPAD_PARAM};

// Host memory at ENV_BASE: the job's image, then the testbench's own area
// (zeros, scratchpad dump, the commands of its reset and dump programs).
static const uint32_t JOB_MEM = 0x100000;
static const uint32_t ZERO_OFF = 0x100000, ZERO_SIZE = 0x10000;
static const uint32_t DUMP_OFF = 0x110000, DUMP_SIZE = 0x8000;
static const uint32_t AUX_CMD_OFF = 0x118000, AUX_CMD_SIZE = 0x1000;
static const uint32_t TOTAL_MEM = 0x119000;

struct Job {
	std::string name;
	std::vector<uint8_t> mem; // image at ENV_BASE, <= JOB_MEM bytes
	std::vector<struct dnpu_region> reg;
	uint32_t cmd_region = 0, cmd_offset = 0, count = 0;
	bool mutant = false;
};

// ------------------------------------------------------------------
// Memory windows a job may touch (security check of both sides)

struct Window {
	uint64_t lo, hi;
	bool rd, wr;
};

static std::vector<Window> job_windows(const std::vector<struct dnpu_region> &reg,
				       const uint8_t *mem, size_t mem_size)
{
	std::vector<Window> w;
	for (const auto &r : reg) {
		if (!(r.flags & DNPU_REGION_VALID))
			continue;
		bool rd = r.flags & DNPU_REGION_READ, wr = r.flags & DNPU_REGION_WRITE;
		if (!(r.flags & DNPU_REGION_PAGED)) {
			w.push_back({r.addr, r.addr + r.size, rd, wr});
			continue;
		}
		uint64_t pages = ((uint64_t)r.size + DNPU_PAGE_SIZE - 1) / DNPU_PAGE_SIZE;
		w.push_back({r.addr, r.addr + 8 * pages, true, false});
		for (uint64_t p = 0; p < pages; p++) {
			uint64_t a = r.addr + 8 * p;
			if (a < ENV_BASE || a + 8 > ENV_BASE + mem_size)
				continue;
			uint64_t pa;
			memcpy(&pa, mem + (a - ENV_BASE), 8);
			if (pa % DNPU_PAGE_SIZE == 0)
				w.push_back({pa, pa + DNPU_PAGE_SIZE, rd, wr});
		}
	}
	return w;
}

// ------------------------------------------------------------------
// Ordering analysis: vector clocks over the three queues

enum { Q_LOAD, Q_COMPUTE, Q_STORE, Q_NONE };
enum { RES_HOST = DNPU_SPAD_COUNT };

struct Access {
	unsigned res;
	uint64_t lo, hi;
	bool write;
};

struct CmdInfo {
	uint32_t idx, op;
	int q;
	uint32_t seq; // 1-based position in its queue
	uint32_t vc[3];
	std::vector<Access> acc;
};

static int queue_of(uint32_t op)
{
	switch (op) {
	case DNPU_OP_LOAD: return Q_LOAD;
	case DNPU_OP_STORE: return Q_STORE;
	case DNPU_OP_CONV: case DNPU_OP_PPU: case DNPU_OP_NMC_ADD: case DNPU_OP_NMC_POOL:
	case DNPU_OP_NMC_MEAN: case DNPU_OP_NMC_DWCONV: case DNPU_OP_SYNC:
		return Q_COMPUTE;
	default: return Q_NONE;
	}
}

static uint64_t sat_add(uint64_t a, uint64_t b) { return a + b < a ? UINT64_MAX : a + b; }
static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return (a && b > UINT64_MAX / a) ? UINT64_MAX : a * b;
}

// what command @w may read and write (whole scratchpads for compute ops)
static void footprint(const uint32_t *w, const Job &j, std::vector<Access> &acc)
{
	uint32_t op = w[0] & 0xff;
	auto whole = [&](unsigned sp, bool wr) {
		if (sp < DNPU_SPAD_COUNT)
			acc.push_back({sp, 0, UINT64_MAX, wr});
	};
	if (op == DNPU_OP_LOAD || op == DNPU_OP_STORE) {
		bool load = op == DNPU_OP_LOAD;
		uint32_t ri = w[1] & 0xf, sp = (w[1] >> 8) & 0xf;
		uint64_t rows = (uint64_t)(w[12] & 0xffff) + w[5] + (w[12] >> 16);
		uint64_t row = (uint64_t)(w[11] & 0xffff) + w[4] + (w[11] >> 16);
		uint64_t z = w[8] ? w[8] - 1 : 0;
		uint64_t sstr1 = load ? w[7] : w[6], sstr2 = load ? w[10] : w[9];
		uint64_t hstr1 = load ? w[6] : w[7], hstr2 = load ? w[9] : w[10];
		uint64_t sext = sat_add(sat_add(sat_mul(z, sstr2), sat_mul(rows ? rows - 1 : 0, sstr1)), row);
		uint64_t hext = sat_add(sat_add(sat_mul(z, hstr2), sat_mul(w[5] ? w[5] - 1 : 0, hstr1)), w[4]);
		acc.push_back({sp, w[3], sat_add(w[3], sext), load});
		uint64_t lo = 0, hi = UINT64_MAX;
		if (ri < j.reg.size() && !(j.reg[ri].flags & DNPU_REGION_PAGED)) {
			lo = j.reg[ri].addr + w[2];
			hi = sat_add(lo, hext);
		}
		acc.push_back({RES_HOST, lo, hi, !load});
		return;
	}
	switch (op) {
	case DNPU_OP_CONV:
		whole(DNPU_SPAD_IN, false);
		whole(DNPU_SPAD_WGT, false);
		whole(DNPU_SPAD_ACC, true);
		break;
	case DNPU_OP_PPU:
		whole(DNPU_SPAD_ACC, false);
		whole(DNPU_SPAD_PARAM, false);
		whole(w[5] & 0xf, true);
		if (w[0] & (DNPU_PPU_F_FUSE_ADD << 16))
			whole(w[9] & 0xf, false);
		break;
	case DNPU_OP_NMC_ADD: case DNPU_OP_NMC_POOL: case DNPU_OP_NMC_MEAN:
	case DNPU_OP_NMC_DWCONV:
		for (unsigned sp = 0; sp < DNPU_SPAD_COUNT; sp++)
			whole(sp, sp != DNPU_SPAD_WGT && sp != DNPU_SPAD_PARAM);
		break;
	}
}

// True when every conflicting pair of commands in different queues among
// the first @n (program order) is ordered by tokens or a barrier.
static bool ordered_stream(const Job &j, uint32_t n, std::string *why)
{
	static const int fifo_pop[3][2] = {{-1, 1}, {0, 3}, {2, -1}};  // [q][prev,next]
	static const int fifo_push[3][2] = {{-1, 0}, {1, 2}, {3, -1}};
	std::vector<std::vector<uint32_t>> fifo[4];
	std::vector<CmdInfo> cmds;
	uint32_t qcount[3] = {0, 0, 0}, bvc[3] = {0, 0, 0}, qvc[3][3] = {};
	const uint8_t *base = j.mem.data() + (j.reg[j.cmd_region].addr - ENV_BASE) + j.cmd_offset;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t w[16];
		size_t off = (size_t)(base - j.mem.data()) + 64ull * i;
		if (off + 64 > j.mem.size())
			break;
		memcpy(w, j.mem.data() + off, 64);
		uint32_t op = w[0] & 0xff, dep = w[0] & DNPU_CMD_DEP_MASK;
		int q = queue_of(op);
		if (q == Q_NONE) {
			for (int k = 0; k < 3; k++)
				for (int x = 0; x < 3; x++)
					bvc[x] = std::max(bvc[x], qvc[k][x]);
			continue;
		}
		CmdInfo c;
		c.idx = i;
		c.op = op;
		c.q = q;
		for (int x = 0; x < 3; x++)
			c.vc[x] = std::max(qvc[q][x], bvc[x]);
		for (int side = 0; side < 2; side++) {
			int f = fifo_pop[q][side];
			if (!(dep & (side ? DNPU_CMD_POP_NEXT : DNPU_CMD_POP_PREV)) || f < 0)
				continue;
			if (fifo[f].empty())
				return true; // the stream faults TOKEN here
			for (int x = 0; x < 3; x++)
				c.vc[x] = std::max(c.vc[x], fifo[f].front()[x]);
			fifo[f].erase(fifo[f].begin());
		}
		c.seq = ++qcount[q];
		c.vc[q] = c.seq;
		for (int side = 0; side < 2; side++) {
			int f = fifo_push[q][side];
			if ((dep & (side ? DNPU_CMD_PUSH_NEXT : DNPU_CMD_PUSH_PREV)) && f >= 0)
				fifo[f].push_back(std::vector<uint32_t>(c.vc, c.vc + 3));
		}
		memcpy(qvc[q], c.vc, sizeof(c.vc));
		footprint(w, j, c.acc);
		for (size_t k = 0; k < cmds.size(); k++) {
			const CmdInfo &p = cmds[k];
			if (p.q == q || c.vc[p.q] >= p.seq)
				continue;
			for (const Access &a : p.acc)
				for (const Access &b : c.acc)
					if (a.res == b.res && (a.write || b.write) && a.lo < b.hi &&
					    b.lo < a.hi) {
						if (why) {
							char s[96];
							snprintf(s, sizeof(s),
								 "cmd %u (op %02x) / %u (op %02x) on %s %u",
								 p.idx, p.op, i, op,
								 a.res == RES_HOST ? "host" : "spad", a.res);
							*why = s;
						}
						return false;
					}
		}
		cmds.push_back(c);
	}
	return true;
}

// ------------------------------------------------------------------
// Stream sources

struct Rng : TbRng {
	explicit Rng(uint64_t s) : TbRng(s) {}
	int in(int lo, int hi) { return (int)range(lo, hi); }
	float scale(float lo, float hi) { return lo + (hi - lo) * (float)(u32() % 10000) / 10000.0f; }
};

static bool job_from_env(struct env *e, const std::string &name, Job &j)
{
	if (e->mem_size > JOB_MEM)
		return false;
	memcpy(e->mem + (e->reg[0].addr - ENV_BASE), e->cmd, (size_t)e->ncmd * DNPU_CMD_BYTES);
	j.name = name;
	j.mem.assign(e->mem, e->mem + e->mem_size);
	j.reg.assign(e->reg, e->reg + e->nreg);
	j.cmd_region = 0;
	j.cmd_offset = 0;
	j.count = e->ncmd;
	return true;
}

static bool fuzz_job(const std::vector<uint8_t> &in, const std::string &name, Job &j)
{
	std::vector<uint8_t> mem(FZ_MEM);
	struct dnpu_region reg[FZ_NREG];
	int dflt;
	uint32_t n = fz_stream_job(in.data(), in.size(), ENV_BASE, mem.data(), reg, &dflt);
	if (!n)
		return false;
	j.name = name;
	j.mem = mem;
	j.reg.assign(reg, reg + FZ_NREG);
	j.count = n;
	return true;
}

// One random layer (CONV_2D, DEPTHWISE_CONV_2D, ADD, PAD or MEAN) lowered
// the way tests/cmodel cross-checks against TFLite.
static bool lowered_layer(Rng &r, unsigned kind, int idx, Job &j)
{
	struct env *e = env_new(1);
	int rc = -1;
	std::string name;
	if (kind < 2) {
		struct conv_layer l;
		memset(&l, 0, sizeof(l));
		bool dw = kind == 1;
		l.depthwise = dw;
		l.ih = r.in(1, 10); l.iw = r.in(1, 10);
		l.ic = dw ? r.in(1, 12) : r.in(1, 20);
		l.dm = dw ? r.in(1, 2) : 1;
		l.oc = dw ? l.ic * l.dm : r.in(1, 20);
		l.kh = r.in(1, 3); l.kw = r.in(1, 3);
		l.sh = r.in(1, 2); l.sw = r.in(1, 2);
		l.dh = r.in(1, 2); l.dw = r.in(1, 2);
		bool same = r.chance(50);
		int ekh = (l.kh - 1) * l.dh + 1, ekw = (l.kw - 1) * l.dw + 1;
		if (!same && (ekh > l.ih || ekw > l.iw))
			same = true;
		l.oh = same ? (l.ih + l.sh - 1) / l.sh : (l.ih - ekh) / l.sh + 1;
		l.ow = same ? (l.iw + l.sw - 1) / l.sw : (l.iw - ekw) / l.sw + 1;
		l.pad_top = lower_pad_before(same, l.ih, l.kh, l.sh, l.dh, l.oh);
		l.pad_left = lower_pad_before(same, l.iw, l.kw, l.sw, l.dw, l.ow);
		int k = l.kh * l.kw * (dw ? 1 : l.ic);
		std::vector<int8_t> wts((size_t)k * l.oc), in((size_t)l.ih * l.iw * l.ic);
		std::vector<int32_t> bias(l.oc), mult(l.oc), shift(l.oc);
		std::vector<float> fs(l.oc);
		for (auto &x : wts) x = (int8_t)r.u32();
		for (auto &x : in) x = (int8_t)r.u32();
		for (int i = 0; i < l.oc; i++) {
			bias[i] = r.in(-20000, 20000);
			fs[i] = r.scale(0.001f, 0.05f);
		}
		float in_scale = r.scale(0.005f, 0.1f), out_scale = r.scale(0.01f, 0.5f);
		lower_quant_params(in_scale, fs.data(), l.oc, out_scale, l.oc, mult.data(), shift.data());
		l.in_zp = r.in(-128, 127);
		l.out_zp = r.in(-128, 127);
		lower_act_range(r.chance(50) ? 0 : 1, out_scale, l.out_zp, &l.act_min, &l.act_max);
		if (r.chance(50))
			l.max_tile_rows = r.in(1, 3);
		if (r.chance(50) && (!dw || !same))
			l.max_chunk_channels = r.in(1, 12);
		l.weights = wts.data();
		l.bias = bias.data();
		l.mult = mult.data();
		l.shift = shift.data();
		rc = lower_conv(e, &l, in.data());
		name = dw ? "dwconv" : "conv";
	} else if (kind == 2) {
		size_t n = (size_t)r.in(1, 3000);
		std::vector<int8_t> a(n), b(n);
		for (auto &x : a) x = (int8_t)r.u32();
		for (auto &x : b) x = (int8_t)r.u32();
		struct dnpu_add_param p;
		lower_add_params(r.scale(0.01f, 0.1f), r.in(-128, 127), r.scale(0.01f, 0.1f),
				 r.in(-128, 127), r.scale(0.02f, 0.2f), r.in(-128, 127), 0, &p);
		rc = lower_add(e, n, r.in(1, 64), a.data(), b.data(), &p);
		name = "add";
	} else if (kind == 3) {
		int h = r.in(1, 12), w = r.in(1, 12), c = r.in(1, 16);
		std::vector<int8_t> in((size_t)h * w * c);
		for (auto &x : in) x = (int8_t)r.u32();
		rc = lower_pad(e, h, w, c, r.in(0, 2), r.in(0, 2), r.in(0, 2), r.in(0, 2),
			       (int8_t)r.in(-128, 127), in.data());
		name = "pad";
	} else {
		int h = r.in(1, 8), w = r.in(1, 8), c = r.in(1, 16);
		std::vector<int8_t> in((size_t)h * w * c);
		for (auto &x : in) x = (int8_t)r.u32();
		int32_t mult = r.in(1 << 30, INT32_MAX);
		rc = lower_mean(e, h, w, c, in.data(), r.in(-128, 127), r.in(-128, 127), mult,
				r.in(-8, 0), (uint32_t)(h * w));
		name = "mean";
	}
	bool ok = rc == 0 && job_from_env(e, "lowered" + std::to_string(idx) + "-" + name, j);
	env_free(e);
	return ok;
}

// person_detect's CONV_2D / DEPTHWISE_CONV_2D layers with random inputs
static void model_layers(const std::string &shared, int max_layers, Rng &r,
			 std::vector<Job> &out)
{
	std::string path = shared + "/golden/models/person_detect.tflite";
	FILE *f = fopen(path.c_str(), "rb");
	if (!f) {
		printf("tb_replay: no %s, person_detect layers skipped\n", path.c_str());
		return;
	}
	std::vector<uint8_t> model;
	uint8_t buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		model.insert(model.end(), buf, buf + n);
	fclose(f);
	struct tfl_model m;
	if (tfl_open(&m, model.data(), model.size()))
		return;
	int taken = 0;
	for (int i = 0; i < tfl_op_count(&m) && taken < max_layers; i++) {
		struct tfl_op op;
		if (tfl_get_op(&m, i, &op) ||
		    (op.builtin != TFL_OP_CONV_2D && op.builtin != TFL_OP_DEPTHWISE_CONV_2D))
			continue;
		struct tfl_layer t;
		const char *why = nullptr;
		if (tfl_layer_get(&m, &op, &t, &why))
			continue;
		// the small scratchpads and the 4x4 array: keep the layers short
		if ((uint64_t)t.l.oh * t.l.ow * t.l.oc * t.l.kh * t.l.kw *
			    (t.l.depthwise ? 1 : t.l.ic) <= 400000) {
			std::vector<int8_t> in(t.in_bytes);
			for (auto &x : in)
				x = (int8_t)r.u32();
			struct env *e = env_new(1);
			Job j;
			char name[64];
			snprintf(name, sizeof(name), "person_detect-op%d", i);
			if (lower_conv(e, &t.l, in.data()) == 0 && job_from_env(e, name, j)) {
				out.push_back(j);
				taken++;
			}
			env_free(e);
		}
		tfl_layer_free(&t);
	}
}

// Structured random stream in the fuzz target's layout: mostly well-formed
// commands with random fields, some tokens and barriers.
static Job random_stream(Rng &r, long idx)
{
	std::vector<uint8_t> in(1 + 64 * (size_t)r.in(1, 24));
	in[0] = 0;
	uint32_t *w = (uint32_t *)(in.data() + 1);
	size_t n = (in.size() - 1) / 64;
	static const uint32_t ops[] = {DNPU_OP_LOAD, DNPU_OP_STORE, DNPU_OP_CONV, DNPU_OP_PPU,
				       DNPU_OP_NMC_ADD, DNPU_OP_NMC_POOL, DNPU_OP_NMC_MEAN,
				       DNPU_OP_NMC_DWCONV, DNPU_OP_SYNC, DNPU_OP_BARRIER};
	for (size_t i = 0; i < n; i++) {
		uint32_t *c = w + 16 * i;
		memset(c, 0, 64);
		uint32_t op = i + 1 == n ? DNPU_OP_END : ops[r.range(0, 9)];
		uint32_t dep = r.chance(30) ? (uint32_t)r.range(0, 15) : 0;
		if (op == DNPU_OP_BARRIER || op == DNPU_OP_END)
			dep = 0;
		c[0] = DNPU_CMD_W0(op, dep, 0);
		auto small = [&](uint32_t hi) { return (uint32_t)r.range(0, hi); };
		switch (op) {
		case DNPU_OP_LOAD: case DNPU_OP_STORE:
			c[1] = DNPU_DMA_REGION(small(4), r.chance(80) ? (op == DNPU_OP_LOAD ? small(4) : 3 * small(1)) : small(15), 0);
			c[2] = small(0x11000);
			c[3] = small(0x4100);
			c[4] = 1 + small(r.chance(20) ? 2000 : 64);
			c[5] = 1 + small(4);
			c[6] = c[4] + small(64);
			c[7] = c[4] + small(64);
			c[8] = 1 + small(2);
			c[9] = c[6] * c[5] + small(32);
			c[10] = c[7] * c[5] + small(32);
			if (op == DNPU_OP_LOAD && r.chance(30)) {
				c[1] |= (uint32_t)small(255) << 16;
				c[11] = DNPU_PAIR(small(3), small(3));
				c[12] = DNPU_PAIR(small(2), small(2));
			}
			// on-chip side (DNPU_DMA_F_ONCHIP): the other one of IN/OUT
			if (r.chance(15)) {
				uint32_t sp = DNPU_DMA_SPAD(c[1]);
				c[0] |= DNPU_DMA_F_ONCHIP << 16;
				c[1] = (c[1] & ~0xfu) |
				       (sp == DNPU_SPAD_IN ? DNPU_SPAD_OUT : DNPU_SPAD_IN);
				c[2] = small(0x2000);
			}
			break;
		case DNPU_OP_CONV:
			c[0] |= r.chance(30) ? DNPU_CONV_F_ACCUMULATE << 16 : 0;
			c[1] = DNPU_PAIR(1 + small(4), 1 + small(4));
			c[2] = DNPU_PAIR(1 + small(8), 1 + small(8));
			c[3] = (1 + small(2)) | (1 + small(2)) << 8;
			for (int k = 4; k <= 12; k++)
				c[k] = small(k == 4 || k == 9 ? 0x4000 : k == 11 ? 0x1000 : 64);
			break;
		case DNPU_OP_PPU:
			c[0] |= r.chance(30) ? DNPU_PPU_F_FUSE_ADD << 16 : 0;
			c[1] = DNPU_PAIR(1 + small(8), 1 + small(8));
			c[2] = small(0x1000); c[3] = small(16); c[4] = 12 * small(40);
			c[5] = 3 * small(1); c[6] = small(0x2000); c[7] = small(16);
			c[8] = DNPU_PPU_QUANT(r.in(-128, 127), -128, 127);
			if (c[0] >> 16) {
				c[9] = 3 * small(1); c[10] = small(0x2000); c[11] = small(16);
				c[12] = 4 * small(256);
			}
			break;
		case DNPU_OP_SYNC: case DNPU_OP_BARRIER: case DNPU_OP_END:
			break;
		default: // NMC: random small fields
			for (int k = 1; k <= 12; k++)
				c[k] = r.chance(50) ? small(16) : (uint32_t)r.u32() & 0x3fff;
			break;
		}
		if (r.chance(3))
			c[r.range(0, 15)] ^= 1u << r.range(0, 31);
	}
	// now and then a stream that runs far longer than any watchdog: one
	// in-bounds LOAD or STORE of 65535 x 65535 rows (strides 0)
	if (n > 1 && r.chance(6)) {
		uint32_t *c = w + 16 * (size_t)r.range(0, n - 2);
		memset(c, 0, 64);
		c[0] = DNPU_CMD_W0(r.chance(50) ? DNPU_OP_LOAD : DNPU_OP_STORE, 0, 0);
		c[1] = DNPU_DMA_REGION(1, DNPU_SPAD_IN, 0);
		c[4] = 16;
		c[5] = 0xffff;
		c[8] = 0xffff;
	}
	Job j;
	fuzz_job(in, "random-" + std::to_string(idx), j);
	return j;
}

// ------------------------------------------------------------------
// Mutations

static const uint32_t INTERESTING[] = {0, 1, 2, 15, 16, 63, 64, 255, 256, 4095, 4096, 0x3fff,
				       0x4000, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff,
				       0x80000000u, 0xfffffff0u, 0xffffffffu};

static Job mutate(const Job &base, Rng &r, long idx)
{
	Job j = base;
	j.mutant = true;
	j.name = base.name + "~m" + std::to_string(idx);
	uint8_t *cmds = j.mem.data() + (j.reg[j.cmd_region].addr - ENV_BASE) + j.cmd_offset;
	uint32_t cap = (uint32_t)std::min<uint64_t>(j.reg[j.cmd_region].size / 64, 1024);
	auto word = [&](uint32_t c, int k) -> uint32_t & { return ((uint32_t *)(cmds + 64ull * c))[k]; };
	int nmut = r.in(1, 3);
	for (int m = 0; m < nmut && j.count; m++) {
		uint32_t c = (uint32_t)r.range(0, j.count - 1);
		int k = r.in(0, 15);
		switch (r.range(0, 10)) {
		case 0: word(c, k) ^= 1u << r.range(0, 31); break;
		case 1: word(c, k) = INTERESTING[r.range(0, sizeof(INTERESTING) / 4 - 1)]; break;
		case 2: word(c, k) += (uint32_t)r.range(-16, 16); break;
		case 3: { // another opcode
			static const uint8_t ops[] = {0x00, 0x01, 0x02, 0x10, 0x20, 0x30, 0x31, 0x32,
						      0x33, 0x40, 0x41, 0x4f, 0x5a};
			word(c, 0) = (word(c, 0) & ~0xffu) | ops[r.range(0, sizeof(ops) - 1)];
			break;
		}
		case 4: word(c, 0) ^= 1u << r.range(8, 11); break; // a dependency bit
		case 5: // duplicate a command
			if (j.count < cap) {
				memmove(cmds + 64ull * (c + 1), cmds + 64ull * c, 64ull * (j.count - c));
				j.count++;
			}
			break;
		case 6: // delete a command
			if (j.count > 1) {
				memmove(cmds + 64ull * c, cmds + 64ull * (c + 1), 64ull * (j.count - c - 1));
				j.count--;
			}
			break;
		case 7: { // swap two commands
			uint32_t d = (uint32_t)r.range(0, j.count - 1);
			uint8_t t[64];
			memcpy(t, cmds + 64ull * c, 64);
			memcpy(cmds + 64ull * c, cmds + 64ull * d, 64);
			memcpy(cmds + 64ull * d, t, 64);
			break;
		}
		case 8: // cut the stream short (END missing) or run past it
			j.count = r.chance(50) ? (uint32_t)r.range(1, j.count) : std::min(cap, j.count + 1);
			break;
		case 9: { // a weaker region: smaller, without a permission, invalid
			uint32_t ri = (uint32_t)r.range(1, j.reg.size() - 1);
			auto &rg = j.reg[ri];
			switch (r.range(0, 3)) {
			case 0: rg.size = (uint32_t)r.range(0, rg.size); break;
			case 1: rg.flags &= ~DNPU_REGION_WRITE; break;
			case 2: rg.flags &= ~DNPU_REGION_READ; break;
			default: rg.flags &= ~DNPU_REGION_VALID; break;
			}
			break;
		}
		default: // a field of a DMA near a region end
			if ((word(c, 0) & 0xff) <= DNPU_OP_STORE) {
				uint32_t ri = word(c, 1) & 0xf;
				uint32_t sz = ri < j.reg.size() ? j.reg[ri].size : 0;
				word(c, 2) = sz - (uint32_t)r.range(0, 64);
			}
			break;
		}
	}
	return j;
}

// ------------------------------------------------------------------
// Running

struct Host {
	uint8_t *mem;
	std::vector<Window> win;
	long escapes = 0;
	std::string first;
};

static bool host_allowed(const Host *h, uint64_t a, size_t len, bool write)
{
	for (const Window &w : h->win)
		if (a >= w.lo && a + len <= w.hi && (write ? w.wr : w.rd))
			return true;
	return false;
}

static int model_rd(void *ctx, uint64_t a, void *buf, size_t len)
{
	Host *h = (Host *)ctx;
	if (!host_allowed(h, a, len, false)) {
		if (!h->escapes++) {
			char s[96];
			snprintf(s, sizeof(s), "model read %zu B at %#llx", len, (unsigned long long)a);
			h->first = s;
		}
		return 1;
	}
	memcpy(buf, h->mem + (a - ENV_BASE), len);
	return 0;
}

static int model_wr(void *ctx, uint64_t a, const void *buf, size_t len)
{
	Host *h = (Host *)ctx;
	if (!host_allowed(h, a, len, true)) {
		if (!h->escapes++) {
			char s[96];
			snprintf(s, sizeof(s), "model write %zu B at %#llx", len, (unsigned long long)a);
			h->first = s;
		}
		return 1;
	}
	memcpy(h->mem + (a - ENV_BASE), buf, len);
	return 0;
}

// RTL beats: a read beat must overlap a readable window, every strobed byte
// of a write beat must lie in a writable one.
static void rtl_beat(Host *h, uint64_t a, uint16_t strb, bool write)
{
	bool ok;
	if (!write) {
		ok = false;
		for (const Window &w : h->win)
			if (w.rd && a < w.hi && w.lo < a + 16)
				ok = true;
	} else {
		ok = true;
		for (int i = 0; i < 16; i++)
			if ((strb >> i & 1) && !host_allowed(h, a + i, 1, true))
				ok = false;
	}
	if (!ok && !h->escapes++) {
		char s[96];
		snprintf(s, sizeof(s), "rtl %s beat at %#llx strb %04x", write ? "write" : "read",
			 (unsigned long long)a, strb);
		h->first = s;
	}
}

struct Stats {
	long jobs = 0, ordered = 0, racy = 0, ok = 0, long_jobs = 0, watchdog = 0;
	long compared = 0, failures = 0, racy_diverged = 0, imprecise = 0;
	std::map<std::string, long> faults; // model fault causes
};

int main(int argc, char **argv)
{
	TbArgs args = tb_parse_args(argc, argv, 0);
	std::vector<std::string> files;
	std::string corpus, shared, only;
	long random_n = 0, mutate_n = 0, count = 1000000;
	int layers = 0, lowered = 0;
	uint64_t long_cycles = 400000;
	bool verbose = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strncmp(a, "+corpus=", 8)) corpus = a + 8;
		else if (!strncmp(a, "+streams=", 9)) files.push_back(a + 9);
		else if (!strncmp(a, "+shared=", 8)) shared = a + 8;
		else if (!strncmp(a, "+layers=", 8)) layers = atoi(a + 8);
		else if (!strncmp(a, "+lowered=", 9)) lowered = atoi(a + 9);
		else if (!strncmp(a, "+random=", 8)) random_n = atol(a + 8);
		else if (!strncmp(a, "+mutate=", 8)) mutate_n = atol(a + 8);
		else if (!strncmp(a, "+count=", 7)) count = atol(a + 7);
		else if (!strncmp(a, "+long=", 6)) long_cycles = strtoull(a + 6, nullptr, 0);
		else if (!strncmp(a, "+only=", 6)) only = a + 6;
		else if (!strcmp(a, "+v")) verbose = true;
	}
	if (!corpus.empty()) {
		DIR *d = opendir(corpus.c_str());
		if (!d) {
			fprintf(stderr, "tb_replay: cannot open %s\n", corpus.c_str());
			return 2;
		}
		std::vector<std::string> names;
		while (struct dirent *de = readdir(d))
			if (de->d_name[0] != '.')
				names.push_back(corpus + "/" + de->d_name);
		closedir(d);
		std::sort(names.begin(), names.end());
		files.insert(files.end(), names.begin(), names.end());
	}

	Rng rng(args.seed);
	std::vector<Job> bases;
	long unusable = 0;
	for (const auto &fn : files) {
		FILE *f = fopen(fn.c_str(), "rb");
		if (!f) {
			fprintf(stderr, "tb_replay: cannot open %s\n", fn.c_str());
			return 2;
		}
		std::vector<uint8_t> in;
		uint8_t buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			in.insert(in.end(), buf, buf + n);
		fclose(f);
		Job j;
		std::string base = fn.substr(fn.find_last_of('/') + 1);
		if (fuzz_job(in, base, j))
			bases.push_back(j);
		else
			unusable++;
	}
	size_t from_files = bases.size();
	for (int i = 0; i < lowered; i++) {
		Job j;
		if (lowered_layer(rng, (unsigned)(i % 5), i, j))
			bases.push_back(j);
	}
	size_t from_lowered = bases.size() - from_files;
	if (!shared.empty() && layers > 0)
		model_layers(shared, layers, rng, bases);
	size_t from_model = bases.size() - from_files - from_lowered;
	for (long i = 0; i < random_n; i++)
		bases.push_back(random_stream(rng, i));

	std::vector<Job> jobs;
	for (const Job &b : bases) {
		jobs.push_back(b);
		for (long k = 0; k < mutate_n; k++)
			jobs.push_back(mutate(b, rng, k));
	}
	if (!only.empty())
		jobs.erase(std::remove_if(jobs.begin(), jobs.end(),
					  [&](const Job &j) { return j.name != only; }),
			   jobs.end());
	if ((long)jobs.size() > count) {
		// keep a spread over all sources
		std::vector<Job> keep;
		for (long i = 0; i < count; i++)
			keep.push_back(jobs[(size_t)((double)i * (double)jobs.size() / (double)count)]);
		jobs.swap(keep);
	}
	setvbuf(stdout, nullptr, _IOLBF, 0);
	printf("tb_replay: seed %llu, %zu streams: %zu files (%ld unusable), %zu lowered layers, %zu "
	       "person_detect layers, %ld random, %ld mutants each\n",
	       (unsigned long long)args.seed, jobs.size(), from_files, unusable, from_lowered, from_model, random_n, mutate_n);

	auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
	ctx->traceEverOn(args.trace);
	std::vector<uint8_t> rtl_mem(TOTAL_MEM), cm_mem(TOTAL_MEM);
	EngineSim sim(ctx.get(), args.trace, args.seed, rtl_mem.data(), ENV_BASE, TOTAL_MEM);
	struct dnpu_cmodel_config cfg;
	dnpu_cmodel_config_small(&cfg);
	struct dnpu_cmodel *cm = dnpu_cmodel_create(&cfg);
	Host host_cm, host_rtl;
	host_cm.mem = cm_mem.data();
	host_rtl.mem = rtl_mem.data();
	dnpu_cmodel_set_host(cm, model_rd, model_wr, &host_cm);
	sim.on_beat = [&](uint64_t a, uint16_t s, bool w) { rtl_beat(&host_rtl, a, s, w); };

	// the testbench's own programs: zero every scratchpad; store IN and OUT
	std::vector<struct dnpu_region> aux = {
		{ENV_BASE + AUX_CMD_OFF, AUX_CMD_SIZE, DNPU_REGION_VALID | DNPU_REGION_READ, {0, 0}},
		{ENV_BASE + ZERO_OFF, ZERO_SIZE, DNPU_REGION_VALID | DNPU_REGION_READ, {0, 0}},
		{ENV_BASE + DUMP_OFF, DUMP_SIZE, DNPU_REGION_VALID | DNPU_REGION_WRITE, {0, 0}},
	};
	std::vector<uint32_t> zero_prog, dump_prog;
	{
		uint32_t w[16];
		for (unsigned sp : {DNPU_SPAD_IN, DNPU_SPAD_WGT, DNPU_SPAD_OUT, DNPU_SPAD_PARAM}) {
			cmd_load1(w, 0, 1, sp, 0, 0, SZ[sp]);
			zero_prog.insert(zero_prog.end(), w, w + 16);
		}
		cmd_simple(w, DNPU_OP_BARRIER, 0);
		zero_prog.insert(zero_prog.end(), w, w + 16);
		memset(w, 0, sizeof(w));
		w[0] = DNPU_CMD_W0(DNPU_OP_CONV, 0, 0);
		w[1] = DNPU_PAIR(SZ[DNPU_SPAD_ACC] / 4 / 16, 1);
		w[2] = DNPU_PAIR(16, 1);
		w[3] = 1 | 1 << 8;
		w[10] = 16;
		w[12] = 16;
		zero_prog.insert(zero_prog.end(), w, w + 16);
		cmd_simple(w, DNPU_OP_END, 0);
		zero_prog.insert(zero_prog.end(), w, w + 16);
		cmd_store1(w, 0, 2, DNPU_SPAD_IN, 0, 0, SZ[DNPU_SPAD_IN]);
		dump_prog.insert(dump_prog.end(), w, w + 16);
		cmd_store1(w, 0, 2, DNPU_SPAD_OUT, SZ[DNPU_SPAD_IN], 0, SZ[DNPU_SPAD_OUT]);
		dump_prog.insert(dump_prog.end(), w, w + 16);
		cmd_simple(w, DNPU_OP_END, 0);
		dump_prog.insert(dump_prog.end(), w, w + 16);
	}
	// run an aux program on both; false if either disagrees with OK
	auto run_aux = [&](const std::vector<uint32_t> &prog) {
		memset(rtl_mem.data() + AUX_CMD_OFF, 0, AUX_CMD_SIZE);
		memset(cm_mem.data() + AUX_CMD_OFF, 0, AUX_CMD_SIZE);
		memcpy(rtl_mem.data() + AUX_CMD_OFF, prog.data(), prog.size() * 4);
		memcpy(cm_mem.data() + AUX_CMD_OFF, prog.data(), prog.size() * 4);
		host_cm.win = host_rtl.win = job_windows(aux, rtl_mem.data(), TOTAL_MEM);
		struct dnpu_cmodel_result res;
		dnpu_cmodel_set_watchdog(cm, 0);
		dnpu_cmodel_load_regions(cm, aux.data(), (uint32_t)aux.size());
		dnpu_cmodel_run(cm, 0, 0, (uint32_t)prog.size() / 16, &res);
		JobResult jr = sim.run(aux.data(), (uint32_t)aux.size(), 0, 0,
				       (uint32_t)prog.size() / 16, 2000000, 0);
		return res.status == DNPU_JOB_OK && !jr.timed_out && jr.status == DNPU_JOB_OK;
	};

	Stats st;
	const unsigned perf_ids[3] = {DNPU_PERF_MACS, DNPU_PERF_NMC_OPS, DNPU_PERF_JOBS};
	for (size_t ji = 0; ji < jobs.size() && st.failures < 10; ji++) {
		const Job &j = jobs[ji];
		st.jobs++;
		std::string fail;
		// identical start: zeroed scratchpads, zeroed dump area, the job's image
		if (!run_aux(zero_prog))
			fail = "reset program failed";
		for (auto *mem : {&rtl_mem, &cm_mem}) {
			memset(mem->data(), 0, JOB_MEM);
			memcpy(mem->data(), j.mem.data(), j.mem.size());
			memset(mem->data() + DUMP_OFF, 0xa5, DUMP_SIZE);
		}
		host_cm.win = host_rtl.win = job_windows(j.reg, j.mem.data(), j.mem.size());
		host_cm.escapes = host_rtl.escapes = 0;

		struct dnpu_cmodel_result res;
		dnpu_cmodel_set_watchdog(cm, long_cycles);
		if (dnpu_cmodel_load_regions(cm, j.reg.data(), (uint32_t)j.reg.size())) {
			fprintf(stderr, "%s: region table rejected\n", j.name.c_str());
			return 2;
		}
		dnpu_cmodel_run(cm, j.cmd_region, j.cmd_offset, j.count, &res);
		bool is_long = res.status == DNPU_FAULT_TIMEOUT;
		std::string why;
		uint32_t upto = res.status == DNPU_JOB_OK ? j.count : std::min(j.count, res.fault_cmd + 1);
		bool ordered = ordered_stream(j, upto, &why);

		// watchdog: generous for jobs the model finishes, short for long ones
		uint64_t wd_k = is_long ? 16 : std::max<uint64_t>(256, res.stats.cycles * 16 / 1024);
		uint64_t limit = args.timeout ? args.timeout : wd_k * 1024 * 2 + 200000;
		uint64_t p0[3];
		for (int k = 0; k < 3; k++)
			p0[k] = sim.perf(perf_ids[k]);
		sim.latency = (unsigned)rng.range(1, 30);
		sim.stall_pct = (unsigned)rng.range(0, 30);
		// 1..8 bursts in flight (derived: the job streams stay as they were)
		sim.max_out = 1 + sim.latency % 8;
		JobResult jr = sim.run(j.reg.data(), (uint32_t)j.reg.size(), j.cmd_region,
				       j.cmd_offset, j.count, limit, (uint32_t)wd_k);
		uint64_t dp[3];
		for (int k = 0; k < 3; k++)
			dp[k] = sim.perf(perf_ids[k]) - p0[k];

		const char *mc = dnpu_fault_name(res.status);
		st.faults[mc]++;
		if (jr.timed_out)
			fail = "HANG: no interrupt within " + std::to_string(limit) + " cycles";
		else if (host_rtl.escapes)
			fail = "RTL outside its regions: " + host_rtl.first;
		else if (host_cm.escapes)
			fail = "model outside its regions: " + host_cm.first;
		else if (dp[2] != 1)
			fail = "JOBS counter moved by " + std::to_string(dp[2]);
		if (jr.status == DNPU_FAULT_TIMEOUT)
			st.watchdog++;
		if (is_long) {
			st.long_jobs++;
		} else if (ordered) {
			st.ordered++;
			// same outcome, same fault record, same memory and counters
			std::string d;
			if (jr.status != res.status)
				d = "status";
			else if (res.status != DNPU_JOB_OK &&
				 (jr.region != res.fault_region || jr.offset != res.fault_offset ||
				  jr.cmd != res.fault_cmd))
				d = "fault record";
			// the RTL does not undo what commands after the faulting
			// one did before the fault was known (docs/RTL.md): memory
			// and counters only for jobs that end OK
			else if (res.status != DNPU_JOB_OK)
				;
			else if (dp[0] != res.stats.macs)
				d = "MACS " + std::to_string(dp[0]) + " vs " + std::to_string(res.stats.macs);
			else if (dp[1] != res.stats.nmc_ops)
				d = "NMC_OPS " + std::to_string(dp[1]) + " vs " + std::to_string(res.stats.nmc_ops);
			if (d.empty() && !run_aux(dump_prog))
				d = "dump program failed";
			if (d.empty() && res.status != DNPU_JOB_OK) {
				if (memcmp(rtl_mem.data(), cm_mem.data(), TOTAL_MEM))
					st.imprecise++;
			} else if (d.empty() && memcmp(rtl_mem.data(), cm_mem.data(), TOTAL_MEM)) {
				size_t i = 0;
				while (rtl_mem[i] == cm_mem[i])
					i++;
				char s[128];
				snprintf(s, sizeof(s), "memory differs first at +%#zx%s (rtl %02x model %02x)",
					 i, i >= DUMP_OFF && i < DUMP_OFF + DUMP_SIZE ? " (scratchpad dump)" : "",
					 rtl_mem[i], cm_mem[i]);
				d = s;
			}
			if (!d.empty() && fail.empty())
				fail = "DISAGREE " + d;
			st.compared++;
		} else {
			st.racy++;
			if (jr.status != res.status)
				st.racy_diverged++;
			if (verbose) {
				printf("  %s: racy (%s)\n", j.name.c_str(), why.c_str());
				const uint8_t *cb = j.mem.data() + (j.reg[j.cmd_region].addr - ENV_BASE) +
						    j.cmd_offset;
				for (uint32_t c = 0; c < j.count && c < 8; c++)
					printf("    [%u] %08x\n", c, ((const uint32_t *)(cb + 64ull * c))[0]);
			}
		}
		if (res.status == DNPU_JOB_OK)
			st.ok++;
		if (!fail.empty() || verbose)
			printf("%s %s: %u cmds, model %s reg %u off %#x cmd %u (%llu cyc) | rtl %s reg %u "
			       "off %#x cmd %u (%llu cyc)%s%s\n",
			       fail.empty() ? "ok  " : "FAIL", j.name.c_str(), j.count, mc,
			       res.fault_region, res.fault_offset, res.fault_cmd,
			       (unsigned long long)res.stats.cycles,
			       dnpu_fault_name(jr.status), jr.region, jr.offset, jr.cmd,
			       (unsigned long long)jr.cycles, ordered ? "" : " [racy]",
			       fail.empty() ? "" : (": " + fail).c_str());
		if (!fail.empty() || (verbose && !only.empty())) {
			st.failures += !fail.empty();
			// the commands around the fault, for the record
			const uint8_t *cb = j.mem.data() + (j.reg[j.cmd_region].addr - ENV_BASE) + j.cmd_offset;
			uint32_t at = std::min(res.fault_cmd, jr.cmd);
			for (uint32_t c = at > 2 ? at - 2 : 0; c < j.count && c <= at + 2; c++) {
				const uint32_t *w = (const uint32_t *)(cb + 64ull * c);
				printf("  [%u]", c);
				for (int k = 0; k < 16; k++)
					printf(" %08x", w[k]);
				printf("\n");
			}
		}
	}
	// the engine must still work after the last job too
	if (st.jobs && !run_aux(zero_prog)) {
		printf("FAIL engine unusable after the last job\n");
		st.failures++;
	}
	printf("tb_replay: %ld streams, %ld ordered and compared (%ld faulted with later "
	       "commands' effects), %ld racy (%ld different status), %ld long (watchdog fired "
	       "%ld), model outcomes:",
	       st.jobs, st.compared, st.imprecise, st.racy, st.racy_diverged, st.long_jobs,
	       st.watchdog);
	for (const auto &kv : st.faults)
		printf(" %s %ld", kv.first.c_str(), kv.second);
	printf("; %ld failures\n", st.failures);
	dnpu_cmodel_destroy(cm);
	return st.failures ? 1 : 0;
}
