// dnpu_nmc vs the C functional model (sim/cmodel): random NMC_ADD,
// NMC_POOL, NMC_MEAN and NMC_DWCONV commands (mostly valid, some with bad
// fields, bad parameter records or scratchpad overruns) run on the RTL unit
// with scratchpad models around it and, as a one-command stream, on the
// C model from the same scratchpad contents. Every scratchpad byte, the
// fault cause/region/offset and the NMC element-op count must match.
// Prints cycles per command kind against the element count (lane use).
//   tb_nmc [+seed=N] [+cases=N per kind] [+trace] [+timeout=cycles-per-cmd]
#include <unordered_map>
#include <vector>

extern "C" {
#include "cm_test.h"
}
#include "Vdnpu_nmc.h"
#include "tb_util.h"

#ifndef LANES
#error "LANES comes from the build"
#endif

#if LANES == 4
#define SMALL 1
static const uint32_t SZ[DNPU_SPAD_COUNT] = {DNPU_SMALL_SPAD_IN, DNPU_SMALL_SPAD_WGT,
					     DNPU_SMALL_SPAD_ACC, DNPU_SMALL_SPAD_OUT,
					     DNPU_SMALL_SPAD_PARAM};
#else
#define SMALL 0
static const uint32_t SZ[DNPU_SPAD_COUNT] = {DNPU_DEFAULT_SPAD_IN, DNPU_DEFAULT_SPAD_WGT,
					     DNPU_DEFAULT_SPAD_ACC, DNPU_DEFAULT_SPAD_OUT,
					     DNPU_DEFAULT_SPAD_PARAM};
#endif

// LANES bytes <-> Verilator ports (32-bit scalar or VlWide)
static void put_bytes(uint32_t &p, const uint8_t *b)
{
	uint32_t v = 0;
	for (int i = 0; i < LANES && i < 4; i++)
		v |= (uint32_t)b[i] << (8 * i);
	p = v;
}
template <std::size_t N> static void put_bytes(VlWide<N> &p, const uint8_t *b)
{
	for (std::size_t wi = 0; wi < N; wi++) {
		uint32_t v = 0;
		for (int i = 0; i < 4; i++)
			v |= (uint32_t)b[wi * 4 + i] << (8 * i);
		p[wi] = v;
	}
}
static uint8_t get_byte(const uint32_t &p, int i) { return (uint8_t)(p >> (8 * i)); }
template <std::size_t N> static uint8_t get_byte(const VlWide<N> &p, int i)
{
	return (uint8_t)(p[i / 4] >> (8 * (i % 4)));
}

struct Dev {
	Vdnpu_nmc *m;
	VerilatedContext *ctx;
	std::unique_ptr<VerilatedFstC> fst;
	std::vector<uint8_t> sp[DNPU_SPAD_COUNT];
	uint64_t cycles = 0, ops = 0;

	Dev(VerilatedContext *c, Vdnpu_nmc *model, bool trace) : m(model), ctx(c)
	{
		for (int i = 0; i < (int)DNPU_SPAD_COUNT; i++)
			sp[i].assign(SZ[i], 0);
		if (trace) {
			fst.reset(new VerilatedFstC);
			m->trace(fst.get(), 99);
			fst->open("tb_nmc.fst");
		}
	}
	~Dev()
	{
		if (fst)
			fst->close();
	}
	// LANES bytes from @a, wrapping at the size like dnpu_spad_lanes
	void gather(unsigned s, uint32_t a, uint8_t *b)
	{
		for (int i = 0; i < LANES; i++)
			b[i] = sp[s][(a + (uint32_t)i) % SZ[s]];
	}
	void tick()
	{
		m->clk = 0;
		m->eval();
		if (fst)
			fst->dump(ctx->time());
		ctx->timeInc(1);
		// requests of this cycle; reads see the old data of a write
		uint8_t bin[LANES], bout[LANES], bwgt[LANES], bprm[4];
		bool rin = m->in_re, rout = m->out_re, rwgt = m->wgt_re, rprm = m->prm_re;
		if (rin)
			gather(DNPU_SPAD_IN, m->in_raddr, bin);
		if (rout)
			gather(DNPU_SPAD_OUT, m->out_raddr, bout);
		if (rwgt)
			gather(DNPU_SPAD_WGT, m->wgt_raddr, bwgt);
		if (rprm)
			for (int i = 0; i < 4; i++)
				bprm[i] = sp[DNPU_SPAD_PARAM][(m->prm_raddr + (uint32_t)i) % SZ[DNPU_SPAD_PARAM]];
		ops += m->ops_inc;
		if (m->dst_we) {
			unsigned s = m->dst_out ? DNPU_SPAD_OUT : DNPU_SPAD_IN;
			for (int i = 0; i < LANES; i++)
				if ((m->dst_wmask >> i) & 1)
					sp[s][(m->dst_addr + (uint32_t)i) % SZ[s]] = get_byte(m->dst_wdata, i);
		}
		m->clk = 1;
		m->eval();
		if (fst)
			fst->dump(ctx->time());
		ctx->timeInc(1);
		if (rin)
			put_bytes(m->in_rdata, bin);
		if (rout)
			put_bytes(m->out_rdata, bout);
		if (rwgt)
			put_bytes(m->wgt_rdata, bwgt);
		if (rprm)
			m->prm_rdata = (uint32_t)bprm[0] | (uint32_t)bprm[1] << 8 |
				       (uint32_t)bprm[2] << 16 | (uint32_t)bprm[3] << 24;
		cycles++;
	}
};

static int32_t s8(TbRng &r) { return (int32_t)r.range(-128, 127); }
static uint32_t q31(TbRng &r) { return (uint32_t)r.range(1u << 30, 0x7fffffff); }

struct Gen {
	TbRng &r;
	std::vector<uint8_t> *sp;
	Gen(TbRng &rng, std::vector<uint8_t> *s) : r(rng), sp(s) {}

	uint32_t io() { return r.chance(50) ? DNPU_SPAD_IN : DNPU_SPAD_OUT; }
	// a base for a @span-byte access in a @size-byte scratchpad; mostly in range
	uint32_t base(uint64_t span, uint32_t size, uint32_t align = 1)
	{
		if (r.chance(4))
			return (uint32_t)((size > span ? size - span : 0) + r.range(1, 64)) & ~(align - 1);
		if (span >= size)
			return 0;
		return (uint32_t)r.range(0, (int64_t)(size - span)) & ~(align - 1);
	}
	// a destination base in @ds that does not overlap [sb, sb + sspan) of
	// @ss (a byte written at one element and read at another is undefined)
	uint32_t dst_base(unsigned ds, uint64_t dspan, unsigned ss, uint32_t sb, uint64_t sspan)
	{
		uint32_t b = base(dspan, SZ[ds]);
		for (int i = 0; i < 50 && ds == ss && b < sb + sspan && sb < b + dspan; i++)
			b = base(dspan, SZ[ds]);
		return b;
	}
	static bool overlap(uint32_t a, uint64_t as, uint32_t b, uint64_t bs)
	{
		return a < b + bs && b < a + as;
	}
	void put32(unsigned s, uint32_t a, uint32_t v)
	{
		if ((uint64_t)a + 4 <= SZ[s])
			memcpy(&sp[s][a], &v, 4);
	}
	int32_t shift(int lo, int hi) { return r.chance(2) ? (int32_t)r.range(-40, 40) : (int32_t)r.range(lo, hi); }

	void add(uint32_t *w)
	{
		uint32_t cols = (uint32_t)r.range(1, r.chance(20) ? 300 : 40);
		uint32_t rows = (uint32_t)r.range(1, 8);
		uint32_t sa = io(), sb = io(), sd = io();
		uint32_t pa = cols + (uint32_t)r.range(0, 16), pb = cols + (uint32_t)r.range(0, 16);
		uint32_t pd = cols + (uint32_t)r.range(0, 16);
		w[1] = DNPU_PAIR(cols, rows);
		w[2] = sa | sb << 4 | sd << 8;
		w[3] = base((uint64_t)(rows - 1) * pa + cols, SZ[sa]);
		w[4] = pa;
		w[5] = base((uint64_t)(rows - 1) * pb + cols, SZ[sb]);
		w[6] = pb;
		if (r.chance(20)) {          // in place
			sd = sa;
			w[2] = sa | sb << 4 | sd << 8;
			w[7] = w[3];
			w[8] = pa;
		} else {
			uint64_t span = (uint64_t)(rows - 1) * pd + cols;
			w[7] = dst_base(sd, span, sa, w[3], (uint64_t)(rows - 1) * pa + cols);
			w[8] = pd;
		}
		// B must not overlap the destination (A may, in place)
		for (int i = 0; i < 50 && sb == sd &&
		     overlap(w[5], (uint64_t)(rows - 1) * pb + cols, w[7],
			     (uint64_t)(rows - 1) * w[8] + cols); i++)
			w[5] = base((uint64_t)(rows - 1) * pb + cols, SZ[sb]);
		if (sb == sd && overlap(w[5], (uint64_t)(rows - 1) * pb + cols, w[7],
					(uint64_t)(rows - 1) * w[8] + cols)) {
			sb = sd == DNPU_SPAD_IN ? DNPU_SPAD_OUT : DNPU_SPAD_IN;
			w[2] = sa | sb << 4 | sd << 8;
			w[5] = base((uint64_t)(rows - 1) * pb + cols, SZ[sb]);
		}
		uint32_t pbse = base(48, SZ[DNPU_SPAD_PARAM], 4);
		w[9] = pbse;
		int32_t amin = s8(r), amax = s8(r);
		if (amin > amax && r.chance(80))
			std::swap(amin, amax);
		if (r.chance(10)) {
			amin = (int32_t)r.range(-1000, 0);
			amax = (int32_t)r.range(0, 1000);
		}
		int32_t p[12] = {-s8(r), (int32_t)q31(r), shift(-3, 0), -s8(r), (int32_t)q31(r),
				 shift(-3, 0), r.chance(90) ? 20 : (int32_t)r.range(-2, 33),
				 (int32_t)q31(r), shift(-22, -15), s8(r), amin, amax};
		for (int i = 0; i < 12; i++)
			put32(DNPU_SPAD_PARAM, pbse + 4 * i, (uint32_t)p[i]);
	}

	void pool(uint32_t *w)
	{
		uint32_t c = (uint32_t)r.range(1, r.chance(20) ? 70 : 24);
		uint32_t kh = (uint32_t)r.range(1, 4), kw = (uint32_t)r.range(1, 4);
		uint32_t sh = (uint32_t)r.range(1, 3), sw = (uint32_t)r.range(1, 3);
		uint32_t ih = (uint32_t)r.range(1, 9), iw = (uint32_t)r.range(1, 9);
		uint32_t pt = r.chance(40) ? (uint32_t)r.range(0, 2) : 0;
		uint32_t pl = r.chance(40) ? (uint32_t)r.range(0, 2) : 0;
		uint32_t oh = (uint32_t)r.range(1, 6), ow = (uint32_t)r.range(1, 6);
		uint32_t ss = io(), ds = io();
		uint32_t spitch = iw * c + (uint32_t)r.range(0, 8);
		uint32_t dpitch = ow * c + (uint32_t)r.range(0, 8);
		int32_t amin = s8(r), amax = s8(r);
		if (amin > amax && r.chance(90))
			std::swap(amin, amax);
		if (r.chance(40)) {
			amin = -128;
			amax = 127;
		}
		w[0] |= r.chance(50) ? DNPU_POOL_F_AVG << 16 : 0;
		w[1] = DNPU_PAIR(ih, iw);
		w[2] = DNPU_PAIR(oh, ow);
		w[3] = c;
		w[4] = kh | kw << 8 | sh << 16 | sw << 24;
		w[5] = DNPU_PAIR(pt, pl);
		w[6] = ss | ds << 8;
		w[7] = base((uint64_t)(ih - 1) * spitch + iw * c, SZ[ss]);
		w[8] = spitch;
		w[9] = dst_base(ds, (uint64_t)(oh - 1) * dpitch + ow * c, ss, w[7],
				(uint64_t)(ih - 1) * spitch + iw * c);
		w[10] = dpitch;
		w[11] = ((uint32_t)amin & 0xff) | ((uint32_t)amax & 0xff) << 8;
	}

	void mean(uint32_t *w)
	{
		uint32_t c = (uint32_t)r.range(1, r.chance(20) ? 70 : 24);
		uint32_t h = (uint32_t)r.range(1, 8), wd = (uint32_t)r.range(1, 8);
		uint32_t ss = io(), ds = io();
		uint32_t spitch = wd * c + (uint32_t)r.range(0, 8);
		uint32_t count = r.chance(40) ? 1 : r.chance(70) ? h * wd : (uint32_t)r.range(1, 100);
		if (r.chance(3))
			count = 0xffffffffu - (uint32_t)r.range(0, 3);
		w[1] = DNPU_PAIR(h, wd);
		w[2] = c;
		w[3] = ss | ds << 8;
		w[4] = base((uint64_t)(h - 1) * spitch + wd * c, SZ[ss]);
		w[5] = spitch;
		w[6] = dst_base(ds, c, ss, w[4], (uint64_t)(h - 1) * spitch + wd * c);
		w[7] = ((uint32_t)(s8(r) & 0xffff)) | ((uint32_t)(s8(r) & 0xffff) << 16);
		w[8] = r.chance(5) ? 0x80000000u : q31(r);
		w[9] = (uint32_t)shift(-6, 1);
		w[10] = count;
	}

	void dw(uint32_t *w)
	{
		static const uint32_t dms[] = {1, 1, 1, 1, 2, 3, 4};
		uint32_t dm = dms[r.range(0, 6)];
		uint32_t ci = (uint32_t)r.range(1, r.chance(20) ? 24 : 10);
		uint32_t co = ci * dm;
		uint32_t kh = (uint32_t)r.range(1, 3), kw = (uint32_t)r.range(1, 3);
		uint32_t sh = (uint32_t)r.range(1, 2), sw = (uint32_t)r.range(1, 2);
		uint32_t dh = r.chance(20) ? 2 : 1, dwl = r.chance(20) ? 2 : 1;
		uint32_t oh = (uint32_t)r.range(1, 5), ow = (uint32_t)r.range(1, 5);
		uint32_t ss = io(), ds = io();
		uint32_t iw = (ow - 1) * sw + (kw - 1) * dwl + 1;
		uint32_t ih = (oh - 1) * sh + (kh - 1) * dh + 1;
		uint32_t spitch = iw * ci + (uint32_t)r.range(0, 8);
		uint32_t dpitch = ow * co + (uint32_t)r.range(0, 8);
		int32_t zp = s8(r);
		int32_t amin = r.chance(50) ? -128 : zp, amax = r.chance(70) ? 127 : s8(r);
		w[1] = DNPU_PAIR(oh, ow);
		w[2] = DNPU_PAIR(r.chance(3) ? co + 1 : co, dm);
		w[3] = kh | kw << 8 | sh << 16 | sw << 24;
		w[4] = dh | dwl << 8;
		w[5] = ss | ds << 8;
		w[6] = base((uint64_t)(ih - 1) * spitch + iw * ci, SZ[ss]);
		w[7] = spitch;
		w[8] = base((uint64_t)kh * kw * co, SZ[DNPU_SPAD_WGT]);
		w[9] = dst_base(ds, (uint64_t)(oh - 1) * dpitch + ow * co, ss, w[6],
				(uint64_t)(ih - 1) * spitch + iw * ci);
		w[10] = dpitch;
		uint32_t pb = base((uint64_t)co * 12, SZ[DNPU_SPAD_PARAM], 4);
		w[11] = pb;
		w[12] = DNPU_PPU_QUANT(zp, amin, amax);
		for (uint32_t i = 0; i < co; i++) {
			put32(DNPU_SPAD_PARAM, pb + 12 * i, (uint32_t)r.range(-20000, 20000));
			put32(DNPU_SPAD_PARAM, pb + 12 * i + 4, q31(r));
			put32(DNPU_SPAD_PARAM, pb + 12 * i + 8,
			      (uint32_t)(r.chance(1) ? (int32_t)r.range(-40, 40) : (int32_t)r.range(-12, -5)));
		}
	}

	// typical layer tiles (channels a multiple of 16) for the lane-use report
	void fixed(int kind, uint32_t *w)
	{
		memset(w, 0, 64);
		w[0] = DNPU_OP_NMC_ADD + (uint32_t)kind;
		if (kind == 0) {             // 16 rows x 64, IN + IN -> OUT
			w[1] = DNPU_PAIR(64, 16);
			w[2] = 0 | 0 << 4 | 3 << 8;
			w[3] = 0; w[4] = 64; w[5] = 2048; w[6] = 64; w[7] = 0; w[8] = 64;
			w[9] = 0;
			int32_t p[12] = {5, 1 << 30, -1, -3, 1 << 30, -1, 20, 1 << 30, -19, 2, -128, 127};
			for (int i = 0; i < 12; i++)
				put32(DNPU_SPAD_PARAM, 4 * (uint32_t)i, (uint32_t)p[i]);
		} else if (kind == 1) {      // 2x2/2 max pool of 8x8x64 -> 4x4x64
			w[1] = DNPU_PAIR(8, 8); w[2] = DNPU_PAIR(4, 4); w[3] = 64;
			w[4] = 2 | 2 << 8 | 2 << 16 | 2 << 24;
			w[6] = 0 | 3 << 8; w[7] = 0; w[8] = 512; w[9] = 0; w[10] = 256;
			w[11] = 0x7f80;
		} else if (kind == 2) {      // mean of 7x7x64
			w[1] = DNPU_PAIR(7, 7); w[2] = 64; w[3] = 0 | 3 << 8;
			w[4] = 0; w[5] = 448; w[6] = 0; w[7] = 0x00050003;
			w[8] = 0x5397829c; w[9] = (uint32_t)-5; w[10] = 1;
		} else {                     // 3x3 depthwise, 8x8x64 out, pre-padded 10x10x64 in
			w[1] = DNPU_PAIR(8, 8); w[2] = DNPU_PAIR(64, 1);
			w[3] = 3 | 3 << 8 | 1 << 16 | 1 << 24; w[4] = 1 | 1 << 8;
			w[5] = 0 | 3 << 8; w[6] = 0; w[7] = 640; w[8] = 0; w[9] = 0; w[10] = 512;
			w[11] = 0; w[12] = DNPU_PPU_QUANT(-3, -128, 127);
			for (uint32_t i = 0; i < 64; i++) {
				put32(DNPU_SPAD_PARAM, 12 * i, (uint32_t)r.range(-2000, 2000));
				put32(DNPU_SPAD_PARAM, 12 * i + 4, q31(r));
				put32(DNPU_SPAD_PARAM, 12 * i + 8, (uint32_t)-8);
			}
		}
	}

	// kind 0..3 = ADD, POOL, MEAN, DWCONV
	void make(int kind, uint32_t *w)
	{
		memset(w, 0, 64);
		w[0] = DNPU_OP_NMC_ADD + (uint32_t)kind;
		switch (kind) {
		case 0: add(w); break;
		case 1: pool(w); break;
		case 2: mean(w); break;
		default: dw(w); break;
		}
		// invalid variants: a flipped bit anywhere but the opcode and
		// dependency bits (tokens are the engine's business)
		if (r.chance(6)) {
			int wi = (int)r.range(0, 15);
			int b = (int)r.range(0, 31);
			if (wi == 0 && b < 12)
				b += 12;
			w[wi] ^= 1u << b;
		}
		if (r.chance(1))
			w[(int)r.range(1, 15)] = r.u32();
	}
};

// A valid command whose element positions alias (a byte written at one
// element and read or written at another) has undefined results (ISA);
// random bit flips can make such commands, so they are detected here from
// the command's address walk and not compared.
struct Alias {
	std::unordered_map<uint64_t, uint64_t> wr;
	std::vector<std::pair<uint64_t, uint64_t>> rd;
	static uint64_t key(uint32_t sp, uint64_t a) { return (uint64_t)sp << 40 | a; }
	void w(uint32_t sp, uint64_t a, uint64_t e, bool &bad)
	{
		auto it = wr.find(key(sp, a));
		if (it != wr.end() && it->second != e)
			bad = true;
		wr[key(sp, a)] = e;
	}
	void r(uint32_t sp, uint64_t a, uint64_t e) { rd.push_back({key(sp, a), e}); }
	bool check(bool bad)
	{
		for (auto &x : rd) {
			auto it = wr.find(x.first);
			if (it != wr.end() && it->second != x.second)
				return true;
		}
		return bad;
	}
};

static bool aliased(int kind, const uint32_t *w)
{
	Alias al;
	bool bad = false;
	if (kind == 0) {
		uint32_t cols = w[1] & 0xffff, rows = w[1] >> 16;
		for (uint64_t r = 0; r < rows; r++)
			for (uint64_t i = 0; i < cols; i++) {
				uint64_t e = r << 16 | i;
				al.r(w[2] & 15, w[3] + r * w[4] + i, e);
				al.r((w[2] >> 4) & 15, w[5] + r * w[6] + i, e);
				al.w((w[2] >> 8) & 15, w[7] + r * w[8] + i, e, bad);
			}
	} else if (kind == 1) {
		uint64_t ih = w[1] & 0xffff, iw = w[1] >> 16, oh = w[2] & 0xffff, ow = w[2] >> 16;
		uint64_t c = w[3], kh = w[4] & 255, kw = (w[4] >> 8) & 255, sh = (w[4] >> 16) & 255,
			 sw = w[4] >> 24, pt = w[5] & 0xffff, pl = w[5] >> 16;
		for (uint64_t oy = 0; oy < oh; oy++)
			for (uint64_t ox = 0; ox < ow; ox++)
				for (uint64_t ch = 0; ch < c; ch++) {
					uint64_t e = (oy * ow + ox) * c + ch;
					for (uint64_t ky = 0; ky < kh; ky++)
						for (uint64_t kx = 0; kx < kw; kx++) {
							int64_t iy = (int64_t)(oy * sh + ky) - (int64_t)pt;
							int64_t ix = (int64_t)(ox * sw + kx) - (int64_t)pl;
							if (iy >= 0 && iy < (int64_t)ih && ix >= 0 && ix < (int64_t)iw)
								al.r(w[6] & 15, w[7] + (uint64_t)iy * w[8] + (uint64_t)ix * c + ch, e);
						}
					al.w((w[6] >> 8) & 15, w[9] + oy * w[10] + ox * c + ch, e, bad);
				}
	} else if (kind == 2) {
		uint64_t h = w[1] & 0xffff, wd = w[1] >> 16, c = w[2];
		for (uint64_t ch = 0; ch < c; ch++) {
			for (uint64_t y = 0; y < h; y++)
				for (uint64_t x = 0; x < wd; x++)
					al.r(w[3] & 15, w[4] + y * w[5] + x * c + ch, ch);
			al.w((w[3] >> 8) & 15, w[6] + ch, ch, bad);
		}
	} else {
		uint64_t oh = w[1] & 0xffff, ow = w[1] >> 16, co = w[2] & 0xffff, dm = w[2] >> 16;
		uint64_t kh = w[3] & 255, kw = (w[3] >> 8) & 255, sh = (w[3] >> 16) & 255, sw = w[3] >> 24;
		uint64_t dh = w[4] & 255, dw = (w[4] >> 8) & 255, ci = co / dm;
		for (uint64_t oy = 0; oy < oh; oy++)
			for (uint64_t ox = 0; ox < ow; ox++)
				for (uint64_t oc = 0; oc < co; oc++) {
					uint64_t e = (oy * ow + ox) * co + oc;
					for (uint64_t ky = 0; ky < kh; ky++)
						for (uint64_t kx = 0; kx < kw; kx++)
							al.r(w[5] & 15, w[6] + (oy * sh + ky * dh) * w[7] +
								(ox * sw + kx * dw) * ci + oc / dm, e);
					al.w((w[5] >> 8) & 15, w[9] + oy * w[10] + ox * co + oc, e, bad);
				}
	}
	return al.check(bad);
}

static const char *const KIND[4] = {"ADD", "POOL", "MEAN", "DWCONV"};

int main(int argc, char **argv)
{
	TbArgs a = tb_parse_args(argc, argv, 2000000);
	uint64_t cases = 1500;
	int64_t only = -1;   // +case=N: run only case N on the RTL (debug)
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "+cases=", 7))
			cases = strtoull(argv[i] + 7, nullptr, 0);
		if (!strncmp(argv[i], "+case=", 6))
			only = strtoll(argv[i] + 6, nullptr, 0);
	}
	VerilatedContext ctx;
	ctx.traceEverOn(a.trace);
	Vdnpu_nmc m(&ctx);
	Dev d(&ctx, &m, a.trace);
	TbRng r(a.seed);
	Gen g(r, d.sp);
	struct env *e = env_new(SMALL);
	if (!e) {
		fprintf(stderr, "env_new failed\n");
		return 1;
	}

	m.rst = 1;
	m.start = 0;
	m.kill = 0;
	for (int i = 0; i < 4; i++)
		d.tick();
	m.rst = 0;
	d.tick();

	uint64_t n_ok[4] = {}, n_fault[4] = {}, cyc[4] = {}, elems[4] = {}, vec_cyc[4] = {};
	int fails = 0;
	uint64_t n_alias = 0;
	uint64_t fx_cyc[4] = {}, fx_elems[4] = {};
	for (uint64_t c = 0; c < 4 * cases + 4 && fails < 5; c++) {
		int kind = (int)(c % 4);
		bool fx = c >= 4 * cases;   // the last four: typical tiles
		if (c % 16 == 0)
			for (unsigned s = 0; s < DNPU_SPAD_COUNT; s++)
				for (auto &b : d.sp[s])
					b = (uint8_t)r.next();
		uint32_t w[16];
		if (fx)
			g.fixed(kind, w);
		else
			g.make(kind, w);

		// C model: optional SYNCs in front (fault offsets), the command, END
		for (unsigned s = 0; s < DNPU_SPAD_COUNT; s++)
			memcpy(env_spad(e, s), d.sp[s].data(), SZ[s]);
		e->ncmd = 0;
		uint32_t pre = (uint32_t)r.range(0, 2), tw[16];
		for (uint32_t i = 0; i < pre; i++) {
			cmd_simple(tw, DNPU_OP_SYNC, 0);
			env_emit(e, tw);
		}
		env_emit(e, w);
		cmd_simple(tw, DNPU_OP_END, 0);
		env_emit(e, tw);
		struct dnpu_cmodel_result res;
		env_run(e, &res);
		// bit flips can make huge windows: keep the run time bounded
		bool too_long = res.stats.compute_busy > 400000;
		if (res.status == DNPU_JOB_OK && (too_long || aliased(kind, w))) {
			n_alias++;
			for (unsigned s = 0; s < DNPU_SPAD_COUNT; s++)
				memcpy(d.sp[s].data(), env_spad(e, s), SZ[s]);
			continue;
		}

		if (only >= 0 && (int64_t)c != only) {
			for (unsigned s = 0; s < DNPU_SPAD_COUNT; s++)
				memcpy(d.sp[s].data(), env_spad(e, s), SZ[s]);
			continue;
		}
		// RTL
		for (int i = 0; i < 16; i++)
			m.cmd[i] = w[i];
		m.cmd_region = 0;
		m.cmd_off = pre * DNPU_CMD_BYTES;
		m.start = 1;
		uint64_t t0 = d.cycles, ops0 = d.ops;
		d.tick();
		m.start = 0;
		while (!m.done && d.cycles - t0 < a.timeout)
			d.tick();
		uint64_t dt = d.cycles - t0, dops = d.ops - ops0;
		bool bad = false;
		if (!m.done) {
			fprintf(stderr, "case %llu %s: timeout\n", (unsigned long long)c, KIND[kind]);
			bad = true;
		} else {
			uint32_t st = m.fault ? m.fault_cause : DNPU_JOB_OK;
			if (st != res.status ||
			    (st && (m.fault_region != res.fault_region ||
				    m.fault_offset != res.fault_offset))) {
				fprintf(stderr, "case %llu %s: rtl %u/%u/0x%x model %u/%u/0x%x\n",
					(unsigned long long)c, KIND[kind], st, m.fault_region,
					m.fault_offset, res.status, res.fault_region, res.fault_offset);
				bad = true;
			}
			for (unsigned s = 0; s < DNPU_SPAD_COUNT && !bad; s++) {
				const uint8_t *ms = env_spad(e, s);
				for (uint32_t i = 0; i < SZ[s]; i++)
					if (ms[i] != d.sp[s][i]) {
						fprintf(stderr, "case %llu %s: spad %u byte 0x%x rtl %d model %d\n",
							(unsigned long long)c, KIND[kind], s, i,
							(int8_t)d.sp[s][i], (int8_t)ms[i]);
						bad = true;
						break;
					}
			}
			if (!bad && !st && dops != res.stats.nmc_ops) {
				fprintf(stderr, "case %llu %s: ops rtl %llu model %llu\n",
					(unsigned long long)c, KIND[kind], (unsigned long long)dops,
					(unsigned long long)res.stats.nmc_ops);
				bad = true;
			}
			if (!st && fx) {
				fx_cyc[kind] += dt;
				fx_elems[kind] += res.stats.nmc_ops;
			} else if (fx) {
				fprintf(stderr, "typical %s tile faulted %u\n", KIND[kind], st);
				bad = true;
			} else if (!st) {
				n_ok[kind]++;
				cyc[kind] += dt;
				elems[kind] += res.stats.nmc_ops;
				vec_cyc[kind] += res.stats.compute_busy;
			} else {
				n_fault[kind]++;
			}
		}
		if (bad) {
			fprintf(stderr, "  words:");
			for (int i = 0; i < 16; i++)
				fprintf(stderr, " %08x", w[i]);
			fprintf(stderr, "\n");
			fails++;
			// resynchronise the device after a mismatch
			for (unsigned s = 0; s < DNPU_SPAD_COUNT; s++)
				memcpy(d.sp[s].data(), env_spad(e, s), SZ[s]);
			m.rst = 1;
			d.tick();
			d.tick();
			m.rst = 0;
			d.tick();
		}
	}
	printf("dnpu_nmc LANES=%d seed=%llu (%llu aliasing or huge commands not compared)\n", LANES,
	       (unsigned long long)a.seed, (unsigned long long)n_alias);
	printf("%-7s %6s %6s %10s %10s %8s %8s\n", "kind", "ok", "fault", "cycles", "elem_ops",
	       "ops/cyc", "lane_use");
	for (int k = 0; k < 4; k++) {
		double opc = cyc[k] ? (double)elems[k] / (double)cyc[k] : 0.0;
		printf("%-7s %6llu %6llu %10llu %10llu %8.2f %7.1f%%  (C model cycle estimate %llu)\n",
		       KIND[k], (unsigned long long)n_ok[k], (unsigned long long)n_fault[k],
		       (unsigned long long)cyc[k], (unsigned long long)elems[k], opc,
		       100.0 * opc / LANES, (unsigned long long)vec_cyc[k]);
	}
	printf("typical tiles (ADD 16x64, 2x2/2 max POOL 8x8x64, MEAN 7x7x64, 3x3 DWCONV 8x8x64):\n");
	for (int k = 0; k < 4; k++) {
		double opc = fx_cyc[k] ? (double)fx_elems[k] / (double)fx_cyc[k] : 0.0;
		printf("%-7s %10llu cycles %10llu elem_ops %8.2f ops/cyc %7.1f%% lane use\n", KIND[k],
		       (unsigned long long)fx_cyc[k], (unsigned long long)fx_elems[k], opc,
		       100.0 * opc / LANES);
	}
	env_free(e);
	if (fails) {
		printf("FAIL (%d mismatches)\n", fails);
		return 1;
	}
	printf("PASS\n");
	return 0;
}
