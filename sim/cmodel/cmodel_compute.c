/* SPDX-License-Identifier: MIT */
/*
 * C functional model: compute-queue commands (CONV on the array, PPU
 * epilogue, NMC ADD/POOL/MEAN/DWCONV). Each command is checked completely
 * (fields, scratchpad ranges, parameter records) before it changes any
 * state, so a faulting compute command has no effect.
 *
 * All int32 arithmetic wraps (done in uint32_t); requantization is
 * accel_mbqm() from libaccel/src/quant.h, bit for bit.
 */
#include <string.h>

#include "cmodel_internal.h"
#include "quant.h"

static inline int32_t wrap_add(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t clamp32(int32_t v, int32_t lo, int32_t hi)
{
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return v;
}

static inline int32_t rd32(const uint8_t *p)
{
	int32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline void wr32(uint8_t *p, int32_t v)
{
	memcpy(p, &v, 4);
}

static inline bool io_spad(uint32_t sp)
{
	return sp == DNPU_SPAD_IN || sp == DNPU_SPAD_OUT;
}

static inline bool shift_ok(int32_t s)
{
	return s >= -31 && s <= 31;
}

/* Highest-address corner + 1 of a strided walk, saturating. */
static uint64_t span(uint64_t base, const uint64_t *n, const uint64_t *stride,
		     int dims, uint64_t tail)
{
	uint64_t end = base;
	for (int i = 0; i < dims; i++)
		end = cm_sadd(end, cm_smul(n[i] - 1, stride[i]));
	return cm_sadd(end, tail);
}

/* ------------------------------------------------------------------ */
/* TFLite int8 ADD (NMC_ADD and the PPU's fused residual add)          */
/* ------------------------------------------------------------------ */

struct add_p {
	int32_t in1_offset, in1_mult, in1_shift;
	int32_t in2_offset, in2_mult, in2_shift;
	int32_t left_shift;
	int32_t out_mult, out_shift, out_offset;
	int32_t act_min, act_max;
};

static bool add_param_read(const struct dnpu_cmodel *m, uint32_t base,
			   struct add_p *p)
{
	memcpy(p, m->spad[DNPU_SPAD_PARAM] + base, sizeof(*p));
	return shift_ok(p->in1_shift) && shift_ok(p->in2_shift) &&
	       shift_ok(p->out_shift) && p->left_shift >= 0 &&
	       p->left_shift <= 31;
}

static int8_t add_apply(const struct add_p *p, int32_t a, int32_t b)
{
	int32_t sa = (int32_t)((uint32_t)wrap_add(a, p->in1_offset)
			       << p->left_shift);
	int32_t sb = (int32_t)((uint32_t)wrap_add(b, p->in2_offset)
			       << p->left_shift);
	sa = accel_mbqm(sa, p->in1_mult, p->in1_shift);
	sb = accel_mbqm(sb, p->in2_mult, p->in2_shift);
	int32_t y = accel_mbqm(wrap_add(sa, sb), p->out_mult, p->out_shift);
	y = wrap_add(y, p->out_offset);
	y = clamp32(y, p->act_min, p->act_max);
	return (int8_t)clamp32(y, -128, 127);
}

/* ------------------------------------------------------------------ */
/* Per-channel parameter records                                       */
/* ------------------------------------------------------------------ */

#define CHAN_PARAM_BYTES 12u

static uint32_t chan_params_check(struct dnpu_cmodel *m, uint32_t base,
				  uint32_t n)
{
	uint32_t f = cm_spad_need(m, DNPU_SPAD_PARAM,
				  (uint64_t)base + (uint64_t)n * CHAN_PARAM_BYTES);
	if (f)
		return f;
	const uint8_t *p = m->spad[DNPU_SPAD_PARAM] + base;
	for (uint32_t i = 0; i < n; i++)
		if (!shift_ok(rd32(p + i * CHAN_PARAM_BYTES + 8)))
			return cm_illegal(m);
	return DNPU_FAULT_NONE;
}

static int32_t chan_requant(const uint8_t *p, int32_t v, int32_t zp,
			    int32_t amin, int32_t amax)
{
	v = wrap_add(v, rd32(p));
	v = accel_mbqm(v, rd32(p + 4), rd32(p + 8));
	v = wrap_add(v, zp);
	return clamp32(v, amin, amax);
}

/* ------------------------------------------------------------------ */
/* Field decoding                                                      */
/* ------------------------------------------------------------------ */

struct conv_f {
	uint64_t oh, ow, n, c, kh, kw;
	uint64_t in_base, in_sx, in_sy, in_tx, in_ty, w_base, w_pitch;
	uint64_t acc_base, acc_pitch;
	bool accumulate;
};

static void conv_decode(const uint32_t *w, struct conv_f *c)
{
	c->oh = DNPU_PAIR_LO(w[1]);
	c->ow = DNPU_PAIR_HI(w[1]);
	c->n = DNPU_PAIR_LO(w[2]);
	c->c = DNPU_PAIR_HI(w[2]);
	c->kh = w[3] & 0xffu;
	c->kw = (w[3] >> 8) & 0xffu;
	c->in_base = w[4];
	c->in_sx = w[5];
	c->in_sy = w[6];
	c->in_tx = w[7];
	c->in_ty = w[8];
	c->w_base = w[9];
	c->w_pitch = w[10];
	c->acc_base = w[11];
	c->acc_pitch = w[12];
	c->accumulate = DNPU_CMD_FLAGS(w[0]) & DNPU_CONV_F_ACCUMULATE;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint32_t conv_check(struct dnpu_cmodel *m, const uint32_t *w,
			   uint64_t *cost)
{
	struct conv_f c;
	conv_decode(w, &c);
	if ((DNPU_CMD_FLAGS(w[0]) & ~DNPU_CONV_F_ACCUMULATE) ||
	    (w[3] >> 16) || w[13] || w[14] || w[15] || !c.oh || !c.ow ||
	    !c.n || !c.c || !c.kh || !c.kw)
		return cm_illegal(m);
	if (!cost)	/* decode only: the static field checks above */
		return DNPU_FAULT_NONE;

	uint64_t in_n[4] = { c.oh, c.ow, c.kh, c.kw };
	uint64_t in_s[4] = { c.in_sy, c.in_sx, c.in_ty, c.in_tx };
	uint64_t k = c.kh * c.kw * c.c;
	uint64_t px = c.oh * c.ow;
	uint64_t wn[1] = { k }, ws[1] = { c.w_pitch };
	uint64_t an[1] = { px }, as[1] = { c.acc_pitch };
	uint32_t f;

	if ((f = cm_spad_need(m, DNPU_SPAD_IN, span(c.in_base, in_n, in_s, 4, c.c))))
		return f;
	if ((f = cm_spad_need(m, DNPU_SPAD_WGT, span(c.w_base, wn, ws, 1, c.n))))
		return f;
	if ((f = cm_spad_need(m, DNPU_SPAD_ACC,
			      cm_smul(span(c.acc_base, an, as, 1, c.n), 4))))
		return f;

	/*
	 * Weight stationary as rtl/dnpu_compute.v: K is tiled per (ky, kx)
	 * into rows-channel slices. Tiles are pipelined: the next tile's
	 * weights load into the array's other bank while a tile streams, once
	 * the tile before has left that bank, so a tile takes max(P, cols + 4,
	 * rows + 2) cycles; 13 cycles of checks first, the array latency
	 * rows + cols - 1 and a few steps at the end.
	 */
	uint64_t rows = m->cfg.rows, cols = m->cfg.cols;
	uint64_t tiles = cm_smul(c.kh * c.kw * cm_ceil_div(c.c, rows),
				 cm_ceil_div(c.n, cols));
	uint64_t period = max_u64(px, max_u64(cols + 4, rows + 2));
	*cost = cm_sadd(cm_smul(tiles - 1, period), 18 + rows + cols + px);
	return DNPU_FAULT_NONE;
}

#ifdef DNPU_CMODEL_MAC_ARRAY
/*
 * CONV on the 2x2 MAC array (cm_mac_*): output tiles of two pixels by two
 * channels, one step per reduction element (ky, kx, ci) with both pixels'
 * activations and both channels' weights; an odd last pixel or channel
 * steps with 0 in its place. conv_check() bounded every offset by a
 * scratchpad size, so 32-bit indices suffice.
 */
static void conv_mac_tile(const struct conv_f *c, const int8_t *in,
			  const int8_t *wg, uint32_t ip0, uint32_t ip1,
			  bool two_px, uint32_t n0, bool two_n, uint32_t out[4])
{
	uint32_t cin = (uint32_t)c->c, wpitch = (uint32_t)c->w_pitch;

	cm_mac_clear();
	for (uint32_t ky = 0; ky < c->kh; ky++) {
		for (uint32_t kx = 0; kx < c->kw; kx++) {
			uint32_t t = ky * (uint32_t)c->in_ty + kx * (uint32_t)c->in_tx;
			const int8_t *a0 = in + ip0 + t, *a1 = in + ip1 + t;
			uint32_t wi = (uint32_t)c->w_base + n0 +
				(ky * (uint32_t)c->kw + kx) * cin * wpitch;

			if (two_px && two_n) {	/* the common case, unbranched */
				for (uint32_t ci = 0; ci < cin; ci++, wi += wpitch)
					cm_mac_step((uint32_t)(uint8_t)a0[ci] |
						    (uint32_t)(uint8_t)a1[ci] << 8 |
						    (uint32_t)(uint8_t)wg[wi] << 16 |
						    (uint32_t)(uint8_t)wg[wi + 1] << 24);
				continue;
			}
			for (uint32_t ci = 0; ci < cin; ci++, wi += wpitch) {
				uint32_t v = (uint8_t)a0[ci] |
					     (uint32_t)(uint8_t)wg[wi] << 16;

				if (two_px)
					v |= (uint32_t)(uint8_t)a1[ci] << 8;
				if (two_n)
					v |= (uint32_t)(uint8_t)wg[wi + 1] << 24;
				cm_mac_step(v);
			}
		}
	}
	for (unsigned i = 0; i < 4; i++)
		out[i] = cm_mac_acc(i);
}

static void conv_compute(const struct dnpu_cmodel *m, const struct conv_f *c)
{
	const int8_t *in = (const int8_t *)m->spad[DNPU_SPAD_IN];
	const int8_t *wg = (const int8_t *)m->spad[DNPU_SPAD_WGT];
	uint8_t *acc = m->spad[DNPU_SPAD_ACC];
	uint32_t px = (uint32_t)(c->oh * c->ow), n = (uint32_t)c->n;
	/*
	 * Pixels pair up only when their accumulator rows are disjoint; with
	 * overlapping rows (pitch < N) a pixel must see its predecessor's
	 * result, as in the one-pixel-at-a-time reference order.
	 */
	uint32_t step = c->acc_pitch >= c->n ? 2 : 1;

	for (uint32_t p = 0; p < px; p += step) {
		bool two_px = step == 2 && p + 1 < px;
		uint32_t ip[2], ab[2];

		for (uint32_t k = 0; k < 2; k++) {
			uint32_t q = p + (k && two_px ? 1 : 0);
			uint32_t oy = q / (uint32_t)c->ow, ox = q % (uint32_t)c->ow;

			ip[k] = (uint32_t)c->in_base + oy * (uint32_t)c->in_sy +
				ox * (uint32_t)c->in_sx;
			ab[k] = 4 * ((uint32_t)c->acc_base + q * (uint32_t)c->acc_pitch);
		}
		for (uint32_t n0 = 0; n0 < n; n0 += 2) {
			bool two_n = n0 + 1 < n;
			uint32_t out[4];

			conv_mac_tile(c, in, wg, ip[0], ip[1], two_px, n0, two_n, out);
			for (uint32_t k = 0; k < (two_px ? 2u : 1u); k++)
				for (uint32_t j = 0; j < (two_n ? 2u : 1u); j++) {
					uint8_t *a = acc + ab[k] + 4 * (n0 + j);
					uint32_t v = out[2 * k + j];

					if (c->accumulate)
						v += (uint32_t)rd32(a);
					wr32(a, (int32_t)v);
				}
		}
	}
}
#else
static void conv_compute(const struct dnpu_cmodel *m, const struct conv_f *c0)
{
	const struct conv_f c = *c0;
	const int8_t *in = (const int8_t *)m->spad[DNPU_SPAD_IN];
	const int8_t *wg = (const int8_t *)m->spad[DNPU_SPAD_WGT];
	uint8_t *acc = m->spad[DNPU_SPAD_ACC];
	uint32_t *sum = m->acc_tmp;

	for (uint64_t oy = 0; oy < c.oh; oy++) {
		for (uint64_t ox = 0; ox < c.ow; ox++) {
			uint8_t *a = acc + 4 * (c.acc_base +
						(oy * c.ow + ox) * c.acc_pitch);
			for (uint64_t n = 0; n < c.n; n++)
				sum[n] = c.accumulate ? (uint32_t)rd32(a + 4 * n) : 0;
			for (uint64_t ky = 0; ky < c.kh; ky++) {
				for (uint64_t kx = 0; kx < c.kw; kx++) {
					const int8_t *ip = in + c.in_base +
						oy * c.in_sy + ox * c.in_sx +
						ky * c.in_ty + kx * c.in_tx;
					const int8_t *wp = wg + c.w_base +
						(ky * c.kw + kx) * c.c * c.w_pitch;
					for (uint64_t ci = 0; ci < c.c; ci++) {
						int32_t x = ip[ci];
						const int8_t *wr = wp + ci * c.w_pitch;
						for (uint64_t n = 0; n < c.n; n++)
							sum[n] += (uint32_t)(x * wr[n]);
					}
				}
			}
			for (uint64_t n = 0; n < c.n; n++)
				wr32(a + 4 * n, (int32_t)sum[n]);
		}
	}
}
#endif

static uint32_t conv_exec(struct dnpu_cmodel *m, const uint32_t *w)
{
	struct conv_f c;
	struct dnpu_cmodel_stats *st = &m->res->stats;

	conv_decode(w, &c);
	conv_compute(m, &c);
	uint64_t k = c.kh * c.kw * c.c, px = c.oh * c.ow;
	st->macs += px * k * c.n;
	st->spad_rd_bytes[DNPU_SPAD_IN] += px * k * cm_ceil_div(c.n, m->cfg.cols);
	st->spad_rd_bytes[DNPU_SPAD_WGT] += k * c.n;
	if (c.accumulate)
		st->spad_rd_bytes[DNPU_SPAD_ACC] += px * c.n * 4;
	st->spad_wr_bytes[DNPU_SPAD_ACC] += px * c.n * 4;
	return DNPU_FAULT_NONE;
}

/* PPU */
struct ppu_f {
	uint64_t mm, n, acc_base, acc_pitch, param_base;
	uint32_t dst_sp, res_sp;
	uint64_t dst_base, dst_pitch, res_base, res_pitch, add_param;
	int32_t zp, amin, amax;
	bool fuse;
};

static void ppu_decode(const uint32_t *w, struct ppu_f *p)
{
	p->mm = DNPU_PAIR_LO(w[1]);
	p->n = DNPU_PAIR_HI(w[1]);
	p->acc_base = w[2];
	p->acc_pitch = w[3];
	p->param_base = w[4];
	p->dst_sp = w[5] & 0xfu;
	p->dst_base = w[6];
	p->dst_pitch = w[7];
	p->zp = (int16_t)(w[8] & 0xffffu);
	p->amin = (int8_t)((w[8] >> 16) & 0xffu);
	p->amax = (int8_t)(w[8] >> 24);
	p->res_sp = w[9] & 0xfu;
	p->res_base = w[10];
	p->res_pitch = w[11];
	p->add_param = w[12];
	p->fuse = DNPU_CMD_FLAGS(w[0]) & DNPU_PPU_F_FUSE_ADD;
}

static uint32_t ppu_check(struct dnpu_cmodel *m, const uint32_t *w,
			  uint64_t *cost)
{
	struct ppu_f p;
	ppu_decode(w, &p);
	if ((DNPU_CMD_FLAGS(w[0]) & ~DNPU_PPU_F_FUSE_ADD) || !p.mm || !p.n ||
	    (w[5] >> 4) || !io_spad(p.dst_sp) || (p.param_base & 3) ||
	    w[13] || w[14] || w[15])
		return cm_illegal(m);
	if (p.fuse) {
		if ((w[9] >> 4) || !io_spad(p.res_sp) || (p.add_param & 3))
			return cm_illegal(m);
	} else if (w[9] || w[10] || w[11] || w[12]) {
		return cm_illegal(m);
	}
	if (!cost)	/* decode only: the static field checks above */
		return DNPU_FAULT_NONE;

	uint64_t rn[1] = { p.mm };
	uint64_t as[1] = { p.acc_pitch }, ds[1] = { p.dst_pitch },
		 rs[1] = { p.res_pitch };
	uint32_t f;
	if ((f = cm_spad_need(m, DNPU_SPAD_ACC,
			      cm_smul(span(p.acc_base, rn, as, 1, p.n), 4))))
		return f;
	if ((f = chan_params_check(m, (uint32_t)p.param_base, (uint32_t)p.n)))
		return f;
	if ((f = cm_spad_need(m, p.dst_sp, span(p.dst_base, rn, ds, 1, p.n))))
		return f;
	if (p.fuse) {
		struct add_p ap;
		if ((f = cm_spad_need(m, p.res_sp,
				      span(p.res_base, rn, rs, 1, p.n))))
			return f;
		if ((f = cm_spad_need(m, DNPU_SPAD_PARAM,
				      p.add_param + sizeof(struct add_p))))
			return f;
		if (!add_param_read(m, (uint32_t)p.add_param, &ap))
			return cm_illegal(m);
	}
	/*
	 * rtl/dnpu_compute.v: checks (a cycle per channel's shift, 13 more
	 * for the fused ADD's parameters); per group of cols channels their
	 * records (12 * cols bytes at the PARAM port width), then a row of
	 * cols elements per cycle; the pipeline drains at the end.
	 */
	uint64_t cols = m->cfg.cols;
	uint64_t pw = cols >= 16 ? 16 : (cols > 4 ? cols : 4);
	uint64_t groups = cm_ceil_div(p.n, cols);
	*cost = cm_sadd(cm_smul(groups, 12 * cols / pw + 1 + p.mm),
			p.n + 30 + (p.fuse ? 17 : 0));
	return DNPU_FAULT_NONE;
}

static uint32_t ppu_exec(struct dnpu_cmodel *m, const uint32_t *w)
{
	struct ppu_f p;
	struct add_p ap;
	struct dnpu_cmodel_stats *st = &m->res->stats;

	ppu_decode(w, &p);
	if (p.fuse)
		add_param_read(m, (uint32_t)p.add_param, &ap);
	const uint8_t *prm = m->spad[DNPU_SPAD_PARAM] + p.param_base;
	for (uint64_t r = 0; r < p.mm; r++) {
		for (uint64_t n = 0; n < p.n; n++) {
			int32_t v = rd32(m->spad[DNPU_SPAD_ACC] +
					 4 * (p.acc_base + r * p.acc_pitch + n));
			v = chan_requant(prm + n * CHAN_PARAM_BYTES, v, p.zp,
					 p.amin, p.amax);
			if (p.fuse) {
				int8_t b = (int8_t)m->spad[p.res_sp]
					[p.res_base + r * p.res_pitch + n];
				v = add_apply(&ap, v, b);
			}
			m->spad[p.dst_sp][p.dst_base + r * p.dst_pitch + n] =
				(uint8_t)(int8_t)v;
		}
	}
	uint64_t e = p.mm * p.n;
	st->ppu_ops += e;
	st->spad_rd_bytes[DNPU_SPAD_ACC] += 4 * e;
	st->spad_rd_bytes[DNPU_SPAD_PARAM] += p.n * CHAN_PARAM_BYTES;
	st->spad_wr_bytes[p.dst_sp] += e;
	if (p.fuse) {
		st->spad_rd_bytes[p.res_sp] += e;
		st->spad_rd_bytes[DNPU_SPAD_PARAM] += sizeof(struct add_p);
	}
	return DNPU_FAULT_NONE;
}

/* NMC_ADD */
static uint32_t nmc_add_check(struct dnpu_cmodel *m, const uint32_t *w,
			      uint64_t *cost)
{
	uint64_t cols = DNPU_PAIR_LO(w[1]), rows = DNPU_PAIR_HI(w[1]);
	uint32_t sa = w[2] & 0xf, sb = (w[2] >> 4) & 0xf, sd = (w[2] >> 8) & 0xf;
	if (DNPU_CMD_FLAGS(w[0]) || !cols || !rows || (w[2] >> 12) ||
	    !io_spad(sa) || !io_spad(sb) || !io_spad(sd) || (w[9] & 3))
		return cm_illegal(m);
	for (int k = 10; k < 16; k++)
		if (w[k])
			return cm_illegal(m);
	if (!cost)	/* decode only: the static field checks above */
		return DNPU_FAULT_NONE;
	uint64_t rn[1] = { rows };
	uint64_t s_a[1] = { w[4] }, s_b[1] = { w[6] }, s_d[1] = { w[8] };
	uint32_t f;
	struct add_p ap;
	if ((f = cm_spad_need(m, sa, span(w[3], rn, s_a, 1, cols))) ||
	    (f = cm_spad_need(m, sb, span(w[5], rn, s_b, 1, cols))) ||
	    (f = cm_spad_need(m, sd, span(w[7], rn, s_d, 1, cols))) ||
	    (f = cm_spad_need(m, DNPU_SPAD_PARAM,
			      (uint64_t)w[9] + sizeof(struct add_p))))
		return f;
	if (!add_param_read(m, w[9], &ap))
		return cm_illegal(m);
	*cost = rows * cm_ceil_div(cols, m->cfg.nmc_lanes);
	return DNPU_FAULT_NONE;
}

static uint32_t nmc_add_exec(struct dnpu_cmodel *m, const uint32_t *w)
{
	uint64_t cols = DNPU_PAIR_LO(w[1]), rows = DNPU_PAIR_HI(w[1]);
	uint32_t sa = w[2] & 0xf, sb = (w[2] >> 4) & 0xf, sd = (w[2] >> 8) & 0xf;
	struct add_p ap;
	struct dnpu_cmodel_stats *st = &m->res->stats;

	add_param_read(m, w[9], &ap);
	for (uint64_t r = 0; r < rows; r++)
		for (uint64_t i = 0; i < cols; i++) {
			int8_t a = (int8_t)m->spad[sa][w[3] + r * w[4] + i];
			int8_t b = (int8_t)m->spad[sb][w[5] + r * w[6] + i];
			m->spad[sd][w[7] + r * w[8] + i] =
				(uint8_t)add_apply(&ap, a, b);
		}
	st->nmc_ops += rows * cols;
	st->spad_rd_bytes[sa] += rows * cols;
	st->spad_rd_bytes[sb] += rows * cols;
	st->spad_wr_bytes[sd] += rows * cols;
	st->spad_rd_bytes[DNPU_SPAD_PARAM] += sizeof(struct add_p);
	return DNPU_FAULT_NONE;
}

/* NMC_POOL */
struct pool_f {
	uint64_t ih, iw, oh, ow, c, kh, kw, sh, sw, pt, pl;
	uint32_t ss, ds;
	uint64_t src, src_pitch, dst, dst_pitch;
	int32_t amin, amax;
	bool avg;
};

static void pool_decode(const uint32_t *w, struct pool_f *p)
{
	p->ih = DNPU_PAIR_LO(w[1]);
	p->iw = DNPU_PAIR_HI(w[1]);
	p->oh = DNPU_PAIR_LO(w[2]);
	p->ow = DNPU_PAIR_HI(w[2]);
	p->c = w[3];
	p->kh = w[4] & 0xff;
	p->kw = (w[4] >> 8) & 0xff;
	p->sh = (w[4] >> 16) & 0xff;
	p->sw = w[4] >> 24;
	p->pt = DNPU_PAIR_LO(w[5]);
	p->pl = DNPU_PAIR_HI(w[5]);
	p->ss = w[6] & 0xf;
	p->ds = (w[6] >> 8) & 0xf;
	p->src = w[7];
	p->src_pitch = w[8];
	p->dst = w[9];
	p->dst_pitch = w[10];
	p->amin = (int8_t)(w[11] & 0xff);
	p->amax = (int8_t)((w[11] >> 8) & 0xff);
	p->avg = DNPU_CMD_FLAGS(w[0]) & DNPU_POOL_F_AVG;
}

static uint32_t nmc_pool_check(struct dnpu_cmodel *m, const uint32_t *w,
			       uint64_t *cost)
{
	struct pool_f p;
	pool_decode(w, &p);
	if ((DNPU_CMD_FLAGS(w[0]) & ~DNPU_POOL_F_AVG) || !p.ih || !p.iw ||
	    !p.oh || !p.ow || !p.c || !p.kh || !p.kw || !p.sh || !p.sw ||
	    (w[6] & 0xfffff0f0u) || !io_spad(p.ss) || !io_spad(p.ds) ||
	    (w[11] >> 16) || w[12] || w[13] || w[14] || w[15])
		return cm_illegal(m);
	if (!cost)	/* decode only: the static field checks above */
		return DNPU_FAULT_NONE;
	uint64_t in_n[2] = { p.ih, p.iw }, in_s[2] = { p.src_pitch, p.c };
	uint64_t out_n[2] = { p.oh, p.ow }, out_s[2] = { p.dst_pitch, p.c };
	uint32_t f;
	if ((f = cm_spad_need(m, p.ss, span(p.src, in_n, in_s, 2, p.c))) ||
	    (f = cm_spad_need(m, p.ds, span(p.dst, out_n, out_s, 2, p.c))))
		return f;
	*cost = cm_smul(cm_smul(p.oh * p.ow, cm_ceil_div(p.c, m->cfg.nmc_lanes)),
			p.kh * p.kw);
	return DNPU_FAULT_NONE;
}

static uint32_t nmc_pool_exec(struct dnpu_cmodel *m, const uint32_t *w)
{
	struct pool_f p;
	struct dnpu_cmodel_stats *st = &m->res->stats;
	uint64_t rd = 0;

	pool_decode(w, &p);
	const int8_t *src = (const int8_t *)m->spad[p.ss];
	for (uint64_t oy = 0; oy < p.oh; oy++)
		for (uint64_t ox = 0; ox < p.ow; ox++)
			for (uint64_t ch = 0; ch < p.c; ch++) {
				int32_t acc = p.avg ? 0 : -128;
				int32_t cnt = 0;
				for (uint64_t ky = 0; ky < p.kh; ky++) {
					int64_t iy = (int64_t)(oy * p.sh + ky) -
						     (int64_t)p.pt;
					if (iy < 0 || iy >= (int64_t)p.ih)
						continue;
					for (uint64_t kx = 0; kx < p.kw; kx++) {
						int64_t ix = (int64_t)(ox * p.sw + kx) -
							     (int64_t)p.pl;
						if (ix < 0 || ix >= (int64_t)p.iw)
							continue;
						int32_t v = src[p.src +
							(uint64_t)iy * p.src_pitch +
							(uint64_t)ix * p.c + ch];
						if (p.avg)
							acc += v;
						else if (v > acc)
							acc = v;
						cnt++;
					}
				}
				if (p.avg && cnt > 0)
					acc = acc > 0 ? (acc + cnt / 2) / cnt
						      : (acc - cnt / 2) / cnt;
				acc = clamp32(acc, p.amin, p.amax);
				m->spad[p.ds][p.dst + oy * p.dst_pitch +
					      ox * p.c + ch] = (uint8_t)(int8_t)acc;
				rd += (uint64_t)cnt;
			}
	uint64_t e = p.oh * p.ow * p.c;
	st->nmc_ops += e * p.kh * p.kw;
	st->spad_rd_bytes[p.ss] += rd;
	st->spad_wr_bytes[p.ds] += e;
	return DNPU_FAULT_NONE;
}

/* NMC_MEAN */
static uint32_t nmc_mean_check(struct dnpu_cmodel *m, const uint32_t *w,
			       uint64_t *cost)
{
	uint64_t h = DNPU_PAIR_LO(w[1]), wd = DNPU_PAIR_HI(w[1]), c = w[2];
	uint32_t ss = w[3] & 0xf, ds = (w[3] >> 8) & 0xf;
	if (DNPU_CMD_FLAGS(w[0]) || !h || !wd || !c || (w[3] & 0xfffff0f0u) ||
	    !io_spad(ss) || !io_spad(ds) || !shift_ok((int32_t)w[9]) ||
	    w[10] == 0)
		return cm_illegal(m);
	for (int k = 11; k < 16; k++)
		if (w[k])
			return cm_illegal(m);
	if (!cost)	/* decode only: the static field checks above */
		return DNPU_FAULT_NONE;
	uint64_t in_n[2] = { h, wd }, in_s[2] = { w[5], c };
	uint32_t f;
	if ((f = cm_spad_need(m, ss, span(w[4], in_n, in_s, 2, c))) ||
	    (f = cm_spad_need(m, ds, (uint64_t)w[6] + c)))
		return f;
	uint64_t vec = cm_ceil_div(c, m->cfg.nmc_lanes);
	*cost = cm_smul(h * wd + 1, vec);
	return DNPU_FAULT_NONE;
}

static uint32_t nmc_mean_exec(struct dnpu_cmodel *m, const uint32_t *w)
{
	uint64_t h = DNPU_PAIR_LO(w[1]), wd = DNPU_PAIR_HI(w[1]), c = w[2];
	uint32_t ss = w[3] & 0xf, ds = (w[3] >> 8) & 0xf;
	int32_t in_zp = (int16_t)(w[7] & 0xffff);
	int32_t out_zp = (int16_t)(w[7] >> 16);
	int64_t count = w[10];
	struct dnpu_cmodel_stats *st = &m->res->stats;
	const int8_t *src = (const int8_t *)m->spad[ss];

	for (uint64_t ch = 0; ch < c; ch++) {
		int32_t acc = 0;
		for (uint64_t y = 0; y < h; y++)
			for (uint64_t x = 0; x < wd; x++)
				acc = wrap_add(acc, src[w[4] + y * w[5] + x * c + ch] -
						    in_zp);
		acc = accel_mbqm(acc, (int32_t)w[8], (int32_t)w[9]);
		int64_t q = acc >= 0 ? ((int64_t)acc + count / 2) / count
				     : ((int64_t)acc - count / 2) / count;
		q += out_zp;
		q = q < -128 ? -128 : q > 127 ? 127 : q;
		m->spad[ds][w[6] + ch] = (uint8_t)(int8_t)q;
	}
	st->nmc_ops += h * wd * c;
	st->spad_rd_bytes[ss] += h * wd * c;
	st->spad_wr_bytes[ds] += c;
	return DNPU_FAULT_NONE;
}

/* NMC_DWCONV */
struct dw_f {
	uint64_t oh, ow, co, dm, ci, kh, kw, sh, sw, dh, dw;
	uint32_t ss, ds;
	uint64_t src, src_pitch, w_base, dst, dst_pitch, param_base;
	int32_t zp, amin, amax;
};

static void dw_decode(const uint32_t *w, struct dw_f *d)
{
	d->oh = DNPU_PAIR_LO(w[1]);
	d->ow = DNPU_PAIR_HI(w[1]);
	d->co = DNPU_PAIR_LO(w[2]);
	d->dm = DNPU_PAIR_HI(w[2]);
	d->ci = d->dm ? d->co / d->dm : 0;
	d->kh = w[3] & 0xff;
	d->kw = (w[3] >> 8) & 0xff;
	d->sh = (w[3] >> 16) & 0xff;
	d->sw = w[3] >> 24;
	d->dh = w[4] & 0xff;
	d->dw = (w[4] >> 8) & 0xff;
	d->ss = w[5] & 0xf;
	d->ds = (w[5] >> 8) & 0xf;
	d->src = w[6];
	d->src_pitch = w[7];
	d->w_base = w[8];
	d->dst = w[9];
	d->dst_pitch = w[10];
	d->param_base = w[11];
	d->zp = (int16_t)(w[12] & 0xffff);
	d->amin = (int8_t)((w[12] >> 16) & 0xff);
	d->amax = (int8_t)(w[12] >> 24);
}

static uint32_t nmc_dw_check(struct dnpu_cmodel *m, const uint32_t *w,
			     uint64_t *cost)
{
	struct dw_f d;
	dw_decode(w, &d);
	if (DNPU_CMD_FLAGS(w[0]) || !d.oh || !d.ow || !d.co || !d.dm ||
	    !d.kh || !d.kw || !d.sh || !d.sw || !d.dh ||
	    !d.dw || (w[4] >> 16) || (w[5] & 0xfffff0f0u) || !io_spad(d.ss) ||
	    !io_spad(d.ds) || (d.param_base & 3) || w[13] || w[14] || w[15])
		return cm_illegal(m);
	if (!cost)	/* decode only: the static field checks above */
		return DNPU_FAULT_NONE;
	/* CO % DM: the device divides sequentially, after the tokens */
	if (d.co % d.dm)
		return cm_illegal(m);
	uint64_t in_n[4] = { d.oh, d.kh, d.ow, d.kw };
	uint64_t in_s[4] = { d.sh * d.src_pitch, d.dh * d.src_pitch,
			     d.sw * d.ci, d.dw * d.ci };
	uint64_t wn[1] = { d.kh * d.kw }, ws[1] = { d.co };
	uint64_t on[2] = { d.oh, d.ow }, os[2] = { d.dst_pitch, d.co };
	uint32_t f;
	if ((f = cm_spad_need(m, d.ss, span(d.src, in_n, in_s, 4, d.ci))) ||
	    (f = cm_spad_need(m, DNPU_SPAD_WGT, span(d.w_base, wn, ws, 1, d.co))) ||
	    (f = chan_params_check(m, (uint32_t)d.param_base, (uint32_t)d.co)) ||
	    (f = cm_spad_need(m, d.ds, span(d.dst, on, os, 2, d.co))))
		return f;
	/* per channel vector: its parameter records, then a cycle per tap */
	uint64_t vec = cm_ceil_div(d.co, m->cfg.nmc_lanes);
	*cost = cm_sadd(cm_smul(vec, cm_sadd(cm_smul(d.oh * d.ow, d.kh * d.kw),
					    3 * m->cfg.nmc_lanes + 1)), 30);
	return DNPU_FAULT_NONE;
}

#ifdef DNPU_CMODEL_MAC_ARRAY
/*
 * NMC_DWCONV on the 2x2 MAC array: channels oc and oc + 1 in one step
 * (a_p, w_p of channel oc + p; ACC(0) and ACC(3) are their sums, the cross
 * products ACC(1), ACC(2) are not used). When source and destination are
 * the same scratchpad a channel's output may feed a later channel's input,
 * so there one channel per tile keeps the reference order. Offsets advance
 * by additions: nmc_dw_check() bounded them by a scratchpad size.
 */
static void dw_mac(struct dnpu_cmodel *m, const struct dw_f *d)
{
	const int8_t *src = (const int8_t *)m->spad[d->ss];
	const int8_t *wg = (const int8_t *)m->spad[DNPU_SPAD_WGT];
	const uint8_t *prm = m->spad[DNPU_SPAD_PARAM] + d->param_base;
	uint8_t *dst = m->spad[d->ds];
	uint32_t co = (uint32_t)d->co, dm = (uint32_t)d->dm;
	uint32_t pitch = (uint32_t)d->src_pitch, ci = (uint32_t)d->ci;
	uint32_t ty = (uint32_t)d->dh * pitch, tx = (uint32_t)d->dw * ci;
	uint32_t sy = (uint32_t)d->sh * pitch, sx = (uint32_t)d->sw * ci;
	uint32_t step = d->ss == d->ds ? 1 : 2;
	uint32_t row = (uint32_t)d->src, orow = (uint32_t)d->dst;

	for (uint32_t oy = 0; oy < d->oh; oy++, row += sy, orow += (uint32_t)d->dst_pitch) {
		uint32_t col = row, opix = orow;

		for (uint32_t ox = 0; ox < d->ow; ox++, col += sx, opix += co) {
			for (uint32_t oc = 0; oc < co; oc += step) {
				bool two = step == 2 && oc + 1 < co;
				uint32_t c0 = oc / dm, c1 = two ? (oc + 1) / dm : c0;
				uint32_t wi = (uint32_t)d->w_base + oc, r = col;

				cm_mac_clear();
				for (uint32_t ky = 0; ky < d->kh; ky++, r += ty) {
					uint32_t x = r;

					for (uint32_t kx = 0; kx < d->kw; kx++, x += tx, wi += co) {
						uint32_t v = (uint32_t)(uint8_t)src[x + c0] |
							     (uint32_t)(uint8_t)wg[wi] << 16;

						if (two)
							v |= (uint32_t)(uint8_t)src[x + c1] << 8 |
							     (uint32_t)(uint8_t)wg[wi + 1] << 24;
						cm_mac_step(v);
					}
				}
				for (uint32_t p = 0; p < (two ? 2u : 1u); p++) {
					int32_t v = chan_requant(prm + (oc + p) * CHAN_PARAM_BYTES,
								 (int32_t)cm_mac_acc(3 * p),
								 d->zp, d->amin, d->amax);

					dst[opix + oc + p] = (uint8_t)(int8_t)v;
				}
			}
		}
	}
}
#endif

static uint32_t nmc_dw_exec(struct dnpu_cmodel *m, const uint32_t *w)
{
	struct dw_f d;
	struct dnpu_cmodel_stats *st = &m->res->stats;

	dw_decode(w, &d);
#ifdef DNPU_CMODEL_MAC_ARRAY
	dw_mac(m, &d);
#else
	const int8_t *src = (const int8_t *)m->spad[d.ss];
	const int8_t *wg = (const int8_t *)m->spad[DNPU_SPAD_WGT];
	const uint8_t *prm = m->spad[DNPU_SPAD_PARAM] + d.param_base;
	for (uint64_t oy = 0; oy < d.oh; oy++)
		for (uint64_t ox = 0; ox < d.ow; ox++)
			for (uint64_t oc = 0; oc < d.co; oc++) {
				uint32_t acc = 0;
				for (uint64_t ky = 0; ky < d.kh; ky++)
					for (uint64_t kx = 0; kx < d.kw; kx++) {
						int32_t x = src[d.src +
							(oy * d.sh + ky * d.dh) * d.src_pitch +
							(ox * d.sw + kx * d.dw) * d.ci +
							oc / d.dm];
						int32_t k = wg[d.w_base +
							(ky * d.kw + kx) * d.co + oc];
						acc += (uint32_t)(x * k);
					}
				int32_t v = chan_requant(prm + oc * CHAN_PARAM_BYTES,
							 (int32_t)acc, d.zp,
							 d.amin, d.amax);
				m->spad[d.ds][d.dst + oy * d.dst_pitch +
					      ox * d.co + oc] = (uint8_t)(int8_t)v;
			}
#endif
	uint64_t e = d.oh * d.ow * d.co;
	st->nmc_ops += e * d.kh * d.kw;
	st->spad_rd_bytes[d.ss] += e * d.kh * d.kw;
	st->spad_rd_bytes[DNPU_SPAD_WGT] += d.kh * d.kw * d.co;
	st->spad_rd_bytes[DNPU_SPAD_PARAM] += d.co * CHAN_PARAM_BYTES;
	st->spad_wr_bytes[d.ds] += e;
	return DNPU_FAULT_NONE;
}

uint32_t cm_compute_check(struct dnpu_cmodel *m, const uint32_t *w,
			  uint64_t *cost)
{
	switch (DNPU_CMD_OPCODE(w[0])) {
	case DNPU_OP_CONV:
		return conv_check(m, w, cost);
	case DNPU_OP_PPU:
		return ppu_check(m, w, cost);
	case DNPU_OP_NMC_ADD:
		return nmc_add_check(m, w, cost);
	case DNPU_OP_NMC_POOL:
		return nmc_pool_check(m, w, cost);
	case DNPU_OP_NMC_MEAN:
		return nmc_mean_check(m, w, cost);
	case DNPU_OP_NMC_DWCONV:
		return nmc_dw_check(m, w, cost);
	}
	return cm_illegal(m);
}

/*
 * Only called after cm_compute_check() succeeded on the same words and
 * nothing in between changed the PARAM scratchpad.
 */
uint32_t cm_compute_exec(struct dnpu_cmodel *m, const uint32_t *w)
{
	switch (DNPU_CMD_OPCODE(w[0])) {
	case DNPU_OP_CONV:
		return conv_exec(m, w);
	case DNPU_OP_PPU:
		return ppu_exec(m, w);
	case DNPU_OP_NMC_ADD:
		return nmc_add_exec(m, w);
	case DNPU_OP_NMC_POOL:
		return nmc_pool_exec(m, w);
	case DNPU_OP_NMC_MEAN:
		return nmc_mean_exec(m, w);
	case DNPU_OP_NMC_DWCONV:
		return nmc_dw_exec(m, w);
	}
	return cm_illegal(m);
}
