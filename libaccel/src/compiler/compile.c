/* SPDX-License-Identifier: MIT */
/*
 * Lowering of ops to dnpu command streams. See compile.h and docs/ISA.md.
 *
 * Token discipline (the same for every lowering): tile t uses half t % 2 of
 * each scratchpad. Its loads wait for the compute queue to release that half
 * (tile t - 2) and signal compute when done; the compute command that writes
 * the output stage waits for the store queue to drain that half (tile t - 2)
 * and signals the load queue (input and parameters free) and the store queue
 * (output ready); the store waits for compute and then signals it back. This
 * keeps every stream valid in program order, so it cannot deadlock, while the
 * load of tile t + 1 and the store of tile t - 1 overlap the compute of t.
 */
#include "compile.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ops/ops_internal.h"
#include "../quant.h"
#include "dnpu_cmodel.h"

enum { TOK_LD2EX, TOK_EX2LD, TOK_EX2ST, TOK_ST2EX };
enum queue { Q_LOAD, Q_COMPUTE, Q_STORE };

void dnpu_caps_default(struct dnpu_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	caps->rows = DNPU_DEFAULT_ROWS;
	caps->cols = DNPU_DEFAULT_COLS;
	caps->lanes = DNPU_DEFAULT_NMC_LANES;
	caps->features = DNPU_FEAT_NMC_ADD | DNPU_FEAT_NMC_POOL |
			 DNPU_FEAT_NMC_MEAN | DNPU_FEAT_NMC_DWCONV |
			 DNPU_FEAT_PPU_FUSE_ADD | DNPU_FEAT_PAGED_REGIONS;
	caps->spad[DNPU_SPAD_IN] = DNPU_DEFAULT_SPAD_IN;
	caps->spad[DNPU_SPAD_WGT] = DNPU_DEFAULT_SPAD_WGT;
	caps->spad[DNPU_SPAD_ACC] = DNPU_DEFAULT_SPAD_ACC;
	caps->spad[DNPU_SPAD_OUT] = DNPU_DEFAULT_SPAD_OUT;
	caps->spad[DNPU_SPAD_PARAM] = DNPU_DEFAULT_SPAD_PARAM;
}

void dnpu_program_free(struct dnpu_program *prog)
{
	free(prog->cmds);
	free(prog->consts);
	memset(prog, 0, sizeof(*prog));
}

/* ---- emission ---------------------------------------------------------- */

static void token_op(struct dnpu_program *p, int tok, int delta)
{
	p->tokens[tok] += delta;
	if (p->tokens[tok] < 0 || p->tokens[tok] > (int)DNPU_TOKEN_DEPTH)
		p->error = 1;	/* would deadlock or overflow: compiler bug */
}

static void track_deps(struct dnpu_program *p, enum queue q, uint32_t dep)
{
	/* pops happen before the command, pushes after */
	if (dep & DNPU_CMD_POP_PREV)
		token_op(p, q == Q_COMPUTE ? TOK_LD2EX : TOK_EX2ST, -1);
	if (dep & DNPU_CMD_POP_NEXT)
		token_op(p, q == Q_LOAD ? TOK_EX2LD : TOK_ST2EX, -1);
	if (dep & DNPU_CMD_PUSH_PREV)
		token_op(p, q == Q_COMPUTE ? TOK_EX2LD : TOK_ST2EX, 1);
	if (dep & DNPU_CMD_PUSH_NEXT)
		token_op(p, q == Q_LOAD ? TOK_LD2EX : TOK_EX2ST, 1);
}

/* Append one 64-byte command given as its struct. */
static void emit(struct dnpu_program *p, const void *cmd)
{
	if (p->n_cmds == p->cap_cmds) {
		uint32_t cap = p->cap_cmds ? p->cap_cmds * 2 : 64;
		uint32_t *n = realloc(p->cmds, (size_t)cap * DNPU_CMD_BYTES);

		if (!n) {
			p->error = 1;
			return;
		}
		p->cmds = n;
		p->cap_cmds = cap;
	}
	memcpy(p->cmds + (size_t)p->n_cmds * DNPU_CMD_WORDS, cmd, DNPU_CMD_BYTES);
	p->n_cmds++;
}

/* Append @n bytes of constants aligned to @align; returns their offset. */
static size_t put_const(struct dnpu_program *p, const void *data, size_t n,
			size_t align)
{
	size_t off = (p->const_bytes + align - 1) & ~(align - 1);

	if (off + n > p->const_cap) {
		size_t cap = p->const_cap ? p->const_cap : 4096;

		while (cap < off + n)
			cap *= 2;
		uint8_t *c = realloc(p->consts, cap);
		if (!c) {
			p->error = 1;
			return 0;
		}
		memset(c + p->const_cap, 0, cap - p->const_cap);
		p->consts = c;
		p->const_cap = cap;
	}
	if (data)
		memcpy(p->consts + off, data, n);
	p->const_bytes = off + n;
	return off;
}

struct dma_shape {
	uint32_t len0, count1, src_stride1, dst_stride1;
	uint32_t count2, src_stride2, dst_stride2;
	uint32_t pad0_before, pad0_after, pad1_before, pad1_after;
};

static void emit_dma(struct dnpu_program *p, uint32_t op, uint32_t dep,
		     uint32_t region, uint32_t spad, int8_t pad_value,
		     uint32_t offset, uint32_t spad_addr,
		     const struct dma_shape *s)
{
	struct dnpu_cmd_dma c = {
		.w0 = DNPU_CMD_W0(op, dep, 0),
		.region = DNPU_DMA_REGION(region, spad, (uint8_t)pad_value),
		.offset = offset,
		.spad_addr = spad_addr,
		.len0 = s->len0,
		.count1 = s->count1 ? s->count1 : 1,
		.src_stride1 = s->src_stride1,
		.dst_stride1 = s->dst_stride1,
		.count2 = s->count2 ? s->count2 : 1,
		.src_stride2 = s->src_stride2,
		.dst_stride2 = s->dst_stride2,
		.pad0 = DNPU_PAIR(s->pad0_before, s->pad0_after),
		.pad1 = DNPU_PAIR(s->pad1_before, s->pad1_after),
	};
	uint64_t rows = (uint64_t)c.count1 * c.count2;

	track_deps(p, op == DNPU_OP_LOAD ? Q_LOAD : Q_STORE, dep);
	p->dram_bytes += rows * c.len0;
	emit(p, &c);
}

/* A contiguous load or store of @len bytes. */
static void emit_copy(struct dnpu_program *p, uint32_t op, uint32_t dep,
		      uint32_t region, uint32_t spad, uint32_t offset,
		      uint32_t spad_addr, uint32_t len)
{
	struct dma_shape s = { .len0 = len, .count1 = 1, .count2 = 1 };

	emit_dma(p, op, dep, region, spad, 0, offset, spad_addr, &s);
}

static void emit_simple(struct dnpu_program *p, uint32_t op)
{
	uint32_t c[DNPU_CMD_WORDS] = { DNPU_CMD_W0(op, 0, 0) };

	emit(p, c);
}

static int fail(char *why, size_t len, const char *msg)
{
	snprintf(why, len, "%s", msg);
	return -1;
}

/* ---- quantization parameters -------------------------------------------- */

static float tscale(const struct accel_tensor *t, int i)
{
	return t->q.count > 1 ? t->q.scale[i] : t->q.scale[0];
}

static int int8_quantized(const struct accel_tensor *t)
{
	return t && t->type == ACCEL_DT_INT8 && t->q.count >= 1;
}

/*
 * Per-output-channel records for a conv-like op: the bias folded with the
 * input zero point (sum over all taps of x * w plus this bias equals
 * TFLite's sum over in-bounds taps of (x - zp) * w plus its bias, because
 * LOAD pads with zp), and the requantization of in * w / out, computed like
 * TFLite's per-channel conv prepare.
 */
static void chan_params(struct dnpu_chan_param *cp, int n_ch,
			const struct accel_tensor *in,
			const struct accel_tensor *filt,
			const struct accel_tensor *bias,
			const struct accel_tensor *out, const int64_t *wsum)
{
	const int32_t *b = bias ? tdata(bias) : NULL;
	double in_s = (double)in->q.scale[0], out_s = (double)out->q.scale[0];
	int32_t in_zp = (int32_t)in->q.zero_point[0];

	for (int c = 0; c < n_ch; c++) {
		int shift;
		int64_t v = (b ? b[c] : 0) - (int64_t)in_zp * wsum[c];

		cp[c].bias = (int32_t)(uint32_t)(uint64_t)v;
		accel_quantize_multiplier(in_s * (double)tscale(filt, c) / out_s,
					  &cp[c].mult, &shift);
		cp[c].shift = shift;
	}
}

/*
 * TFLite's int8 ADD prepare: 20 bits of headroom and a common input scale
 * of twice the larger one. @a and @b are the ADD's inputs in order.
 */
static int add_params(const struct accel_tensor *a, const struct accel_tensor *b,
		      const struct accel_tensor *out, enum accel_act act,
		      struct dnpu_add_param *ap)
{
	double s1 = a->q.scale[0], s2 = b->q.scale[0], so = out->q.scale[0];
	double twice_max = 2.0 * (s1 > s2 ? s1 : s2);
	int32_t lo, hi;
	int sh;

	if (accel_act_range_q(act, out->q.scale[0], (int32_t)out->q.zero_point[0],
			      -128, 127, &lo, &hi))
		return -1;
	memset(ap, 0, sizeof(*ap));
	ap->left_shift = 20;
	ap->in1_offset = -(int32_t)a->q.zero_point[0];
	ap->in2_offset = -(int32_t)b->q.zero_point[0];
	ap->out_offset = (int32_t)out->q.zero_point[0];
	accel_quantize_multiplier(s1 / twice_max, &ap->in1_mult, &sh);
	ap->in1_shift = sh;
	accel_quantize_multiplier(s2 / twice_max, &ap->in2_mult, &sh);
	ap->in2_shift = sh;
	accel_quantize_multiplier(twice_max / ((double)(1 << 20) * so),
				  &ap->out_mult, &sh);
	ap->out_shift = sh;
	ap->act_min = lo;
	ap->act_max = hi;
	return 0;
}

/* ---- CONV_2D and FULLY_CONNECTED on the array ---------------------------- */

struct conv_geom {
	int batches;
	int ih, iw, c, oh, ow, n, kh, kw, sh, sw, dh, dw;
	int pad_top, pad_left, pad_right, wp;	/* wp: padded input width */
};

/* Input rows a tile of output rows [oy0, oy0 + th) reads, in padded rows. */
static int tile_in_rows(const struct conv_geom *g, int th)
{
	return (th - 1) * g->sh + (g->kh - 1) * g->dh + 1;
}

/*
 * The compiler's estimate of a conv tiling, in cycles, following the C
 * model's cycle model of the RTL device (docs/CMODEL.md): CONV tiles of
 * P pixels pipelined every max(P, cols + 4, rows + 2) cycles plus the
 * array latency and checks once per command, the PPU a row of cols channels per
 * cycle in the same queue, DMA transfers as the C model costs them
 * (dnpu_cmodel_xfer_cycles: the default DRAM model, several bursts in
 * flight; loads and stores share its data path) and the command fetch.
 * Used only to rank tilings.
 */

struct conv_tiling {
	int nt;		/* output channels per weight chunk (and output tile) */
	int ns;		/* output channels per CONV/PPU command */
	int th;		/* output rows per tile (at most) */
	bool ramp;	/* first and last tiles a quarter of th */
};

/*
 * Rows of the row tile starting at @oy0. With @ramp the first and the last
 * tile are small, so the job's first load and last store, which nothing
 * overlaps, are short; the tiles between are as even as possible.
 */
static int tile_rows(int oh, int th, bool ramp, int oy0)
{
	int q = th / 4 > 0 ? th / 4 : 1, mid, n;

	if (!ramp || oh <= 2 * q)
		return oh - oy0 < th ? oh - oy0 : th;
	if (oy0 == 0 || oy0 >= oh - q)
		return q;
	mid = oh - 2 * q;
	n = (mid + th - 1) / th;
	/* even split of the middle rows: the first mid % n tiles get one more */
	int base = mid / n, extra = mid % n, k = 0, at = q;

	while (at < oy0) {
		at += base + (k < extra);
		k++;
	}
	return base + (k < extra);
}

/* The default device's DRAM model, with @caps's DMA width. */
static void est_cfg(const struct dnpu_caps *caps, struct dnpu_cmodel_config *cfg)
{
	dnpu_cmodel_config_default(cfg);
	cfg->cols = caps->cols;
}

/*
 * Cycles of a DMA of @rows rows of @len bytes (@write: a STORE) and @pad
 * padding bytes per row, as the C model's row walk costs them; *bus += its
 * DRAM data-path cycles.
 */
static uint64_t est_dma(const struct dnpu_cmodel_config *cfg, uint64_t rows,
			uint64_t len, uint64_t pad, bool write, uint64_t *bus)
{
	uint64_t b = 0;
	uint64_t x = dnpu_cmodel_xfer_cycles(cfg, 0, len, write, false, &b);

	*bus += rows * b;
	return rows * (4 + x + (pad + DNPU_DMA_BUS_BYTES - 1) / DNPU_DMA_BUS_BYTES) + 6;
}

static uint64_t max3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a > b ? a : b;

	return m > c ? m : c;
}

/* Rows per tile: at most @th_max, the tiles of an image as even as possible. */
static int even_rows(int oh, int th_max)
{
	int tiles = (oh + th_max - 1) / th_max;

	return (oh + tiles - 1) / tiles;
}

/*
 * Replays the emitted schedule with the token rules of the lowering: the
 * loads of tile t wait for compute to release tile t - 2, compute waits for
 * its loads, its first PPU for the store of tile t - 2, the store for
 * compute.
 */
static uint64_t est_conv(const struct dnpu_caps *caps, const struct conv_geom *g,
			 const struct conv_tiling *tl, bool fuse, uint64_t *bytes)
{
	uint64_t kt = (uint64_t)g->kh * g->kw * ((g->c + caps->rows - 1) / caps->rows);
	uint64_t kdim = (uint64_t)g->kh * g->kw * g->c;
	uint64_t ld_free = 0, ex_free = 0, st_free = 0, bus = 0, cmds = 1;
	uint64_t ex_end[2] = { 0, 0 }, st_end[2] = { 0, 0 };
	/* a tile streams every max(P, cols + 4, rows + 2) cycles (two weight banks) */
	uint64_t gap = caps->cols + 4 > caps->rows + 2 ? caps->cols + 4 : caps->rows + 2;
	uint64_t fix = caps->rows + caps->cols + 18;
	struct dnpu_cmodel_config cfg;
	int t = 0;

	est_cfg(caps, &cfg);

	*bytes = 0;
	for (int n0 = 0; n0 < g->n; n0 += tl->nt) {
		int cnt = g->n - n0 < tl->nt ? g->n - n0 : tl->nt;

		*bytes += kdim * cnt;
		for (int img = 0; img < g->batches; img++)
		for (int oy0 = 0, rows; oy0 < g->oh; oy0 += rows, t++) {
			rows = tile_rows(g->oh, tl->th, tl->ramp, oy0);
			uint64_t px = (uint64_t)rows * g->ow, c = 0, c_first = 0, l = 0, s;

			for (int s0 = 0; s0 < cnt; s0 += tl->ns) {
				uint64_t nc = (uint64_t)(cnt - s0 < tl->ns ? cnt - s0 : tl->ns);
				uint64_t ct = (nc + caps->cols - 1) / caps->cols;
				uint64_t conv = (kt * ct - 1) * (px > gap ? px : gap) + px + fix;

				if (!s0)
					c_first = conv + 15;
				c += conv + 15 +
				     ct * (13 + px) + nc + 30 + (fuse ? 17 : 0);
				cmds += 2;
			}
			/* one tile of one image: the input stays for all chunks */
			bool in_again = n0 > 0 && g->batches == 1 &&
					 tile_rows(g->oh, tl->th, tl->ramp, 0) >= g->oh;

			if (!in_again) {
				l = est_dma(&cfg, (uint64_t)tile_in_rows(g, rows),
					    (uint64_t)g->iw * g->c,
					    (uint64_t)(g->pad_left + g->pad_right) * g->c,
					    false, &bus);
				cmds++;
			}
			if (oy0 == 0 && img == 0) {
				l += est_dma(&cfg, 1, kdim * cnt, 0, false, &bus) +
				     est_dma(&cfg, 1, (uint64_t)cnt * sizeof(struct dnpu_chan_param),
					     0, false, &bus);
				cmds += 2;
			}
			s = cnt == g->n ? est_dma(&cfg, 1, px * cnt, 0, true, &bus) :
					  est_dma(&cfg, px, cnt, 0, true, &bus);
			cmds++;
			if (fuse) {
				l += cnt == g->n ? est_dma(&cfg, 1, px * cnt, 0, false, &bus) :
						   est_dma(&cfg, px, cnt, 0, false, &bus);
				cmds++;
			}
			*bytes += (in_again ? 0 : (uint64_t)tile_in_rows(g, rows) * g->iw * g->c) +
				  px * cnt * (fuse ? 2 : 1);
			uint64_t ls = ld_free > ex_end[t % 2] ? ld_free : ex_end[t % 2];
			ld_free = ls + l;
			uint64_t cs = ex_free > ld_free ? ex_free : ld_free;
			uint64_t ppu0 = cs + c_first > st_end[t % 2] ? cs + c_first : st_end[t % 2];
			ex_free = ppu0 + (c - c_first);
			ex_end[t % 2] = ex_free;
			uint64_t ss = st_free > ex_free ? st_free : ex_free;
			st_free = ss + s;
			st_end[t % 2] = st_free;
		}
	}
	/*
	 * the shared data path and the command fetch (blocks of
	 * DNPU_CMD_PREFETCH commands, 2 cycles of decode each) bound it too
	 */
	uint64_t q = max3(ld_free, ex_free, st_free), fbus = 0;
	uint64_t blocks = (cmds + DNPU_CMD_PREFETCH - 1) / DNPU_CMD_PREFETCH;
	uint64_t fetch = dnpu_cmodel_xfer_cycles(&cfg, 0, DNPU_CMD_PREFETCH * DNPU_CMD_BYTES,
						 false, false, &fbus);

	return max3(q, bus + blocks * fbus, blocks * fetch + 2 * cmds);
}

/*
 * Choose the tiling: every output-channel chunk width (all N, then
 * multiples of the array width) and command width with the most output rows
 * the buffers allow, ranked by est_conv(). A chunk's weights and channel
 * records stay in one WGT/PARAM half; its output tile (and the residual
 * with a fused add) in one OUT half; a command's accumulators in one ACC
 * half; the input rows of a tile in one IN half. Among tilings within 1%
 * of the fastest, the one moving the fewest DRAM bytes wins (DRAM access
 * dominates the energy estimate, docs/BENCH.md).
 */
static int choose_conv_tiling(const struct dnpu_caps *caps, const struct conv_geom *g,
			      uint32_t half_par, bool fuse, struct conv_tiling *best)
{
	uint32_t half_in = caps->spad[DNPU_SPAD_IN] / 2;
	uint32_t half_wgt = caps->spad[DNPU_SPAD_WGT] / 2;
	uint32_t half_acc = caps->spad[DNPU_SPAD_ACC] / 4 / 2; /* words */
	uint32_t half_out = caps->spad[DNPU_SPAD_OUT] / 2;
	uint64_t kdim = (uint64_t)g->kh * g->kw * g->c;
	uint64_t row_bytes = (uint64_t)g->wp * g->c, best_cost = UINT64_MAX;
	int cols = (int)caps->cols, n = 0;
	struct cand {
		struct conv_tiling tl;
		uint64_t cycles, bytes;
	} *cand = NULL;

	best->th = 0;
	for (int nt = g->n; nt > 0; nt = nt > cols ? ((nt - 1) / cols) * cols : nt - 1) {
		if (kdim * nt > half_wgt ||
		    (uint64_t)nt * sizeof(struct dnpu_chan_param) > half_par)
			continue;
		for (int ns = nt; ns > 0; ns = ns > cols ? ((ns - 1) / cols) * cols : 0) {
			int th = g->oh;

			while (th > 0 && ((uint64_t)tile_in_rows(g, th) * row_bytes > half_in ||
					  (uint64_t)th * g->ow * ns > half_acc ||
					  (uint64_t)th * g->ow * nt * (fuse ? 2 : 1) > half_out))
				th--;
			if (th <= 0)
				continue;
			for (int ramp = 0; ramp < 2; ramp++) {
				struct conv_tiling tl = {
					.nt = nt, .ns = ns, .ramp = ramp,
					.th = ramp ? th : even_rows(g->oh, th),
				};
				struct cand *c2 = realloc(cand, (size_t)(n + 1) * sizeof(*cand));

				if (!c2)
					break;
				cand = c2;
				cand[n].tl = tl;
				cand[n].cycles = est_conv(caps, g, &tl, fuse, &cand[n].bytes);
				if (cand[n].cycles < best_cost)
					best_cost = cand[n].cycles;
				n++;
			}
		}
	}
	uint64_t best_bytes = UINT64_MAX;
	for (int i = 0; i < n; i++)
		if (cand[i].cycles <= best_cost + best_cost / 100 &&
		    cand[i].bytes < best_bytes) {
			best_bytes = cand[i].bytes;
			*best = cand[i].tl;
		}
	free(cand);
	return best->th > 0 ? 0 : -1;
}

/*
 * Emit a row-tiled, double-buffered conv over output rows with the filter
 * in @wl ([KH][KW][C][N] layout of all N channels, host order) and the
 * channel records @cp. Per output tile: one input load, then per command
 * width a CONV and a PPU writing its columns of the output tile, one store.
 */
static int lower_array_conv(const struct dnpu_caps *caps,
			    struct dnpu_program *p, const struct conv_geom *g,
			    const int8_t *wl, const struct dnpu_chan_param *cp,
			    int8_t in_zp, int32_t out_zp, int32_t act_lo,
			    int32_t act_hi, const struct dnpu_add_param *fuse,
			    char *why, size_t len)
{
	uint32_t half_in = caps->spad[DNPU_SPAD_IN] / 2;
	uint32_t half_wgt = caps->spad[DNPU_SPAD_WGT] / 2;
	uint32_t half_acc = caps->spad[DNPU_SPAD_ACC] / 4 / 2; /* words */
	uint32_t half_out = caps->spad[DNPU_SPAD_OUT] / 2;
	/* with a fused add its parameters sit at the top of PARAM */
	uint32_t add_par = (caps->spad[DNPU_SPAD_PARAM] - sizeof(*fuse)) & ~15u;
	uint32_t half_par = (fuse ? add_par : caps->spad[DNPU_SPAD_PARAM]) / 2;
	uint64_t kdim = (uint64_t)g->kh * g->kw * g->c;
	uint64_t row_bytes = (uint64_t)g->wp * g->c;
	struct conv_tiling tl = { .th = 0 };
	int nt, th;

	if (choose_conv_tiling(caps, g, half_par, fuse != NULL, &tl))
		return fail(why, len, "one output row does not fit the scratchpads");
	nt = tl.nt;
	th = tl.th;
	p->gemm_k = (uint32_t)kdim;
	p->gemm_n = (uint32_t)g->n;
	if ((uint64_t)g->pad_left * g->c > 0xffff ||
	    (uint64_t)g->pad_right * g->c > 0xffff)
		return fail(why, len, "padding too wide for the DMA");

	int n_ntiles = (g->n + nt - 1) / nt;
	size_t *woff = calloc((size_t)n_ntiles, sizeof(*woff));
	size_t *poff = calloc((size_t)n_ntiles, sizeof(*poff));
	int8_t *tile = malloc(kdim * (size_t)nt);

	if (!woff || !poff || !tile) {
		free(woff);
		free(poff);
		free(tile);
		return fail(why, len, "out of memory");
	}
	/* constants: per weight tile, [K][nt] weights then channel records */
	for (int j = 0; j < n_ntiles; j++) {
		int n0 = j * nt, cnt = g->n - n0 < nt ? g->n - n0 : nt;

		for (uint64_t k = 0; k < kdim; k++)
			memcpy(tile + k * cnt, wl + k * g->n + n0, (size_t)cnt);
		woff[j] = put_const(p, tile, kdim * cnt, 16);
		poff[j] = put_const(p, cp + n0, cnt * sizeof(*cp), 16);
	}
	free(tile);
	uint32_t res_off = (uint32_t)th * (uint32_t)g->ow * (uint32_t)nt;
	if (fuse) {
		size_t aoff = put_const(p, fuse, sizeof(*fuse), 16);

		emit_copy(p, DNPU_OP_LOAD, 0, DNPU_RGN_CONST, DNPU_SPAD_PARAM,
			  (uint32_t)aoff, add_par, sizeof(*fuse));
		p->n_regions = DNPU_RGN_MAX;
	}

	/* one tile of one image: its input is loaded once for all chunks */
	bool in_once = tile_rows(g->oh, th, tl.ramp, 0) >= g->oh &&
		       g->batches == 1 && n_ntiles > 1;
	int t = 0, cmd = 0;
	for (int j = 0; j < n_ntiles; j++) {
		int n0 = j * nt, cnt = g->n - n0 < nt ? g->n - n0 : nt;
		uint32_t wb = (uint32_t)(j % 2);
		bool skip_in = in_once && j > 0;
		/* the last load of a tile signals compute */
		uint32_t last_ld = skip_in ? DNPU_CMD_PUSH_NEXT : 0;
		uint32_t in_half = in_once ? 0 : 1;

		/* images of a batch share the weight tile */
		for (int img = 0; img < g->batches; img++)
		for (int oy0 = 0, rows; oy0 < g->oh; oy0 += rows, t++) {
			rows = tile_rows(g->oh, th, tl.ramp, oy0);
			uint32_t b = (uint32_t)(t % 2);
			uint64_t in_img = (uint64_t)img * g->ih * g->iw * g->c;
			uint64_t out_img = (uint64_t)img * g->oh * g->ow * g->n;
			int iy0 = oy0 * g->sh - g->pad_top;
			int iy1 = iy0 + tile_in_rows(g, rows) - 1;
			int before = iy0 < 0 ? -iy0 : 0;
			int after = iy1 >= g->ih ? iy1 - g->ih + 1 : 0;
			int valid = iy1 - iy0 + 1 - before - after;
			uint32_t first_dep = t >= 2 ? DNPU_CMD_POP_NEXT : 0;

			if (valid <= 0) {
				p->error = 1;
				break;
			}
			/* loads: weights at a new weight tile, then the input rows */
			if (oy0 == 0 && img == 0) {
				emit_copy(p, DNPU_OP_LOAD, first_dep, DNPU_RGN_CONST,
					  DNPU_SPAD_WGT, (uint32_t)woff[j],
					  wb * half_wgt, (uint32_t)(kdim * cnt));
				emit_copy(p, DNPU_OP_LOAD, fuse ? 0 : last_ld, DNPU_RGN_CONST,
					  DNPU_SPAD_PARAM, (uint32_t)poff[j],
					  wb * half_par,
					  (uint32_t)(cnt * sizeof(*cp)));
				first_dep = 0;
			}
			uint32_t out_off = (uint32_t)(out_img + (uint64_t)oy0 * g->ow * g->n + n0);
			if (fuse) {
				struct dma_shape rs = {
					.len0 = (uint32_t)cnt,
					.count1 = (uint32_t)(rows * g->ow),
					.src_stride1 = (uint32_t)g->n,
					.dst_stride1 = (uint32_t)cnt,
				};
				if (cnt == g->n) {
					rs.len0 = (uint32_t)(rows * g->ow * cnt);
					rs.count1 = 1;
				}
				emit_dma(p, DNPU_OP_LOAD, first_dep | last_ld, DNPU_RGN_IN1,
					 DNPU_SPAD_OUT, 0, out_off,
					 b * half_out + res_off, &rs);
				first_dep = 0;
			}
			struct dma_shape in = {
				.len0 = (uint32_t)(g->iw * g->c),
				.count1 = (uint32_t)valid,
				.src_stride1 = (uint32_t)(g->iw * g->c),
				.dst_stride1 = (uint32_t)row_bytes,
				.pad0_before = (uint32_t)(g->pad_left * g->c),
				.pad0_after = (uint32_t)(g->pad_right * g->c),
				.pad1_before = (uint32_t)before,
				.pad1_after = (uint32_t)after,
			};
			if (!skip_in)
				emit_dma(p, DNPU_OP_LOAD, first_dep | DNPU_CMD_PUSH_NEXT,
					 DNPU_RGN_IN0, DNPU_SPAD_IN, in_zp,
					 (uint32_t)(in_img + (uint64_t)(iy0 + before) * g->iw * g->c),
					 b * in_half * half_in, &in);

			for (int s0 = 0; s0 < cnt; s0 += tl.ns, cmd++) {
				int sc = cnt - s0 < tl.ns ? cnt - s0 : tl.ns;
				bool first = s0 == 0, last = s0 + tl.ns >= cnt;
				uint32_t ab = (uint32_t)(cmd % 2) * half_acc;
				uint32_t cdep = first ? DNPU_CMD_POP_PREV : 0;
				struct dnpu_cmd_conv cv = {
					.w0 = DNPU_CMD_W0(DNPU_OP_CONV, cdep, 0),
					.out_hw = DNPU_PAIR(rows, g->ow),
					.nc = DNPU_PAIR(sc, g->c),
					.kernel = (uint32_t)(g->kh | (g->kw << 8)),
					.in_base = b * in_half * half_in,
					.in_sx = (uint32_t)(g->sw * g->c),
					.in_sy = (uint32_t)(g->sh * row_bytes),
					.in_tx = (uint32_t)(g->dw * g->c),
					.in_ty = (uint32_t)(g->dh * row_bytes),
					.w_base = wb * half_wgt + (uint32_t)s0,
					.w_pitch = (uint32_t)cnt,
					.acc_base = ab,
					.acc_pitch = (uint32_t)sc,
				};
				track_deps(p, Q_COMPUTE, cdep);
				emit(p, &cv);
				p->macs += (uint64_t)rows * g->ow * sc * kdim;

				/* the first PPU into the output half waits for its
				 * store (tile t - 2); the last frees input, feeds store */
				uint32_t ppu_dep = (first && t >= 2 ? DNPU_CMD_POP_NEXT : 0) |
						   (last ? DNPU_CMD_PUSH_PREV | DNPU_CMD_PUSH_NEXT : 0);
				struct dnpu_cmd_ppu pp = {
					.w0 = DNPU_CMD_W0(DNPU_OP_PPU, ppu_dep,
							  fuse ? DNPU_PPU_F_FUSE_ADD : 0),
					.mn = DNPU_PAIR(rows * g->ow, sc),
					.acc_base = ab,
					.acc_pitch = (uint32_t)sc,
					.param_base = wb * half_par +
						      (uint32_t)(s0 * sizeof(*cp)),
					.dst = DNPU_SPAD_OUT,
					.dst_base = b * half_out + (uint32_t)s0,
					.dst_pitch = (uint32_t)cnt,
					.quant = DNPU_PPU_QUANT(out_zp, act_lo, act_hi),
					.res = fuse ? DNPU_SPAD_OUT : 0,
					.res_base = fuse ? b * half_out + res_off + (uint32_t)s0 : 0,
					.res_pitch = fuse ? (uint32_t)cnt : 0,
					.add_param = fuse ? add_par : 0,
				};
				track_deps(p, Q_COMPUTE, ppu_dep);
				emit(p, &pp);
				p->ppu_elems += (uint64_t)rows * g->ow * sc;
			}

			uint32_t st_dep = DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV;
			if (cnt == g->n) {
				emit_copy(p, DNPU_OP_STORE, st_dep, DNPU_RGN_OUT,
					  DNPU_SPAD_OUT, out_off, b * half_out,
					  (uint32_t)(rows * g->ow * cnt));
			} else {
				struct dma_shape st = {
					.len0 = (uint32_t)cnt,
					.count1 = (uint32_t)(rows * g->ow),
					.src_stride1 = (uint32_t)cnt,
					.dst_stride1 = (uint32_t)g->n,
				};
				emit_dma(p, DNPU_OP_STORE, st_dep, DNPU_RGN_OUT,
					 DNPU_SPAD_OUT, 0, out_off, b * half_out, &st);
			}
		}
	}
	free(woff);
	free(poff);
	p->unit = "array";
	return 0;
}

static int act_range(enum accel_act act, const struct accel_tensor *out,
		     int32_t *lo, int32_t *hi)
{
	return accel_act_range_q(act, out->q.scale[0],
				 (int32_t)out->q.zero_point[0], -128, 127, lo, hi);
}

static int compile_conv(const struct dnpu_caps *caps,
			const struct accel_model *m, const struct accel_op *op,
			const struct dnpu_add_param *fuse,
			struct dnpu_program *p, char *why, size_t len)
{
	struct accel_model *mm = (struct accel_model *)m;
	struct accel_tensor *in = op_in(mm, op, 0), *f = op_in(mm, op, 1);
	struct accel_tensor *bias = op_in(mm, op, 2), *out = op_out(mm, op, 0);
	const struct accel_conv_opts *o = &op->opt.conv;
	struct conv_geom g;
	int32_t lo, hi;

	if (!int8_quantized(in) || !int8_quantized(f) || !int8_quantized(out) ||
	    !f->is_const || (bias && (!bias->is_const || bias->type != ACCEL_DT_INT32)))
		return fail(why, len, "not an int8 conv with constant weights");
	if (in->rank != 4 || f->rank != 4 || out->rank != 4 ||
	    in->dims[0] != out->dims[0] || in->dims[0] < 1)
		return fail(why, len, "only NHWC convs");
	g = (struct conv_geom){
		.batches = in->dims[0],
		.ih = in->dims[1], .iw = in->dims[2], .c = in->dims[3],
		.oh = out->dims[1], .ow = out->dims[2], .n = out->dims[3],
		.kh = f->dims[1], .kw = f->dims[2],
		.sh = o->stride_h, .sw = o->stride_w,
		.dh = o->dilation_h, .dw = o->dilation_w,
	};
	if (f->dims[0] != g.n || f->dims[3] != g.c ||
	    (f->q.count != 1 && f->q.count != g.n))
		return fail(why, len, "filter shape does not match");
	if (o->explicit_pad) {
		g.pad_top = o->pad_top;
		g.pad_left = o->pad_left;
	} else {
		g.pad_top = accel_conv_pad_before(g.ih, g.kh, g.sh, g.dh, g.oh);
		g.pad_left = accel_conv_pad_before(g.iw, g.kw, g.sw, g.dw, g.ow);
	}
	g.pad_right = (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1 - g.iw - g.pad_left;
	if (g.pad_right < 0)
		g.pad_right = 0;
	g.wp = g.pad_left + g.iw + g.pad_right;
	if (g.kh > 255 || g.kw > 255 || g.n > 0xffff || g.c > 0xffff ||
	    g.ow > 0xffff || g.pad_top < 0 || g.pad_left < 0)
		return fail(why, len, "conv dimensions out of the ISA's range");
	if (act_range(o->act, out, &lo, &hi))
		return fail(why, len, "activation has no int8 form");

	size_t kdim = (size_t)g.kh * g.kw * g.c;
	int8_t *wl = malloc(kdim * (size_t)g.n);
	int64_t *wsum = calloc((size_t)g.n, sizeof(*wsum));
	struct dnpu_chan_param *cp = calloc((size_t)g.n, sizeof(*cp));
	const int8_t *w = tdata(f);
	int rc;

	if (!wl || !wsum || !cp) {
		rc = fail(why, len, "out of memory");
		goto out;
	}
	/* OHWI -> [KH][KW][C][N] */
	for (int n = 0; n < g.n; n++)
		for (size_t k = 0; k < kdim; k++) {
			int8_t v = w[(size_t)n * kdim + k];

			wl[k * g.n + n] = v;
			wsum[n] += v;
		}
	chan_params(cp, g.n, in, f, bias, out, wsum);
	rc = lower_array_conv(caps, p, &g, wl, cp, (int8_t)in->q.zero_point[0],
			      (int32_t)out->q.zero_point[0], lo, hi, fuse, why, len);
	p->weight_bytes = f->bytes + (bias ? bias->bytes : 0);
	p->out_bytes = out->bytes;
	p->compulsory_bytes = in->bytes + out->bytes + p->weight_bytes;
out:
	free(wl);
	free(wsum);
	free(cp);
	return rc;
}

static int compile_fc(const struct dnpu_caps *caps,
		      const struct accel_model *m, const struct accel_op *op,
		      struct dnpu_program *p, char *why, size_t len)
{
	struct accel_model *mm = (struct accel_model *)m;
	struct accel_tensor *in = op_in(mm, op, 0), *f = op_in(mm, op, 1);
	struct accel_tensor *bias = op_in(mm, op, 2), *out = op_out(mm, op, 0);
	int32_t lo, hi;

	if (!int8_quantized(in) || !int8_quantized(f) || !int8_quantized(out) ||
	    !f->is_const || f->rank != 2 ||
	    (bias && (!bias->is_const || bias->type != ACCEL_DT_INT32)))
		return fail(why, len, "not an int8 fully-connected with constant weights");
	int n = f->dims[0], k = f->dims[1];
	size_t elems = accel_tensor_elems(in);

	if (k <= 0 || elems % (size_t)k || f->q.count != 1)
		return fail(why, len, "unsupported fully-connected shape");
	int rows = (int)(elems / (size_t)k);
	if (accel_tensor_elems(out) != (size_t)rows * (size_t)n ||
	    n > 0xffff || k > 0xffff || rows > 0xffff)
		return fail(why, len, "fully-connected dimensions out of range");
	if (act_range(op->opt.fc.act, out, &lo, &hi))
		return fail(why, len, "activation has no int8 form");

	/* rows x 1 "image" of k channels, a 1x1 kernel */
	struct conv_geom g = {
		.batches = 1,
		.ih = rows, .iw = 1, .c = k, .oh = rows, .ow = 1, .n = n,
		.kh = 1, .kw = 1, .sh = 1, .sw = 1, .dh = 1, .dw = 1, .wp = 1,
	};
	int8_t *wl = malloc((size_t)k * (size_t)n);
	int64_t *wsum = calloc((size_t)n, sizeof(*wsum));
	struct dnpu_chan_param *cp = calloc((size_t)n, sizeof(*cp));
	const int8_t *w = tdata(f);
	int rc;

	if (!wl || !wsum || !cp) {
		rc = fail(why, len, "out of memory");
		goto out;
	}
	for (int o = 0; o < n; o++)
		for (int i = 0; i < k; i++) {
			int8_t v = w[(size_t)o * k + i];

			wl[(size_t)i * n + o] = v;
			wsum[o] += v;
		}
	chan_params(cp, n, in, f, bias, out, wsum);
	rc = lower_array_conv(caps, p, &g, wl, cp, (int8_t)in->q.zero_point[0],
			      (int32_t)out->q.zero_point[0], lo, hi, NULL, why, len);
	p->weight_bytes = f->bytes + (bias ? bias->bytes : 0);
	p->out_bytes = out->bytes;
	p->compulsory_bytes = in->bytes + out->bytes + p->weight_bytes;
out:
	free(wl);
	free(wsum);
	free(cp);
	return rc;
}

/* ---- measurement-only: depthwise and MEAN on the array ------------------- */

/*
 * DEPTHWISE_CONV_2D (depth multiplier 1) as block-diagonal convs on the
 * array (DNPU_LOWER_NMC_ON_ARRAY, bench/ only): channels in groups of the
 * array width; group g is a conv over its own input channels (the CONV
 * reads a channel slice of the full-width input rows through in_base) with
 * a [KH][KW][G][G] filter that is zero off the diagonal, so its results are
 * exactly the depthwise ones. The PPU writes each group's channels into one
 * output tile, stored once. The array executes G times the useful MACs.
 */
static int lower_dw_on_array(const struct dnpu_caps *caps,
			     struct dnpu_program *p, const struct conv_geom *g,
			     const int8_t *w, const struct dnpu_chan_param *cp,
			     int8_t in_zp, int32_t out_zp, int32_t lo, int32_t hi,
			     char *why, size_t len)
{
	uint32_t half_in = caps->spad[DNPU_SPAD_IN] / 2;
	uint32_t half_wgt = caps->spad[DNPU_SPAD_WGT] / 2;
	uint32_t half_acc = caps->spad[DNPU_SPAD_ACC] / 4 / 2;
	uint32_t half_out = caps->spad[DNPU_SPAD_OUT] / 2;
	uint32_t half_par = caps->spad[DNPU_SPAD_PARAM] / 2;
	int G = (int)caps->cols, c = g->c, taps = g->kh * g->kw;
	uint64_t row_bytes = (uint64_t)g->wp * c;
	uint64_t gw = (uint64_t)taps * G * G;	/* one full group's filter */
	int gpc = (int)(half_wgt / gw);		/* groups per weight chunk */
	int ng = (c + G - 1) / G;

	if ((uint64_t)gpc * G * sizeof(*cp) > half_par)
		gpc = (int)(half_par / (G * sizeof(*cp)));
	if (gpc <= 0)
		return fail(why, len, "depthwise filter group does not fit");
	if (gpc > ng)
		gpc = ng;
	int cc_max = gpc * G < c ? gpc * G : c;
	int th = g->oh;
	while (th > 0 && ((uint64_t)tile_in_rows(g, th) * row_bytes > half_in ||
			  (uint64_t)th * g->ow * G > half_acc ||
			  (uint64_t)th * g->ow * cc_max > half_out))
		th--;
	if (th <= 0)
		return fail(why, len, "one depthwise output row does not fit");

	int nchunks = (ng + gpc - 1) / gpc;
	size_t *woff = calloc((size_t)nchunks, sizeof(*woff));
	size_t *poff = calloc((size_t)nchunks, sizeof(*poff));
	size_t *wlen = calloc((size_t)nchunks, sizeof(*wlen));
	int8_t *bd = calloc((size_t)gpc, gw);

	if (!woff || !poff || !wlen || !bd) {
		free(woff);
		free(poff);
		free(wlen);
		free(bd);
		return fail(why, len, "out of memory");
	}
	for (int j = 0; j < nchunks; j++) {
		int c0 = j * gpc * G, cc = c - c0 < gpc * G ? c - c0 : gpc * G;
		size_t at = 0;

		memset(bd, 0, (size_t)gpc * gw);
		for (int q0 = 0; q0 < cc; q0 += G) {
			int gc = cc - q0 < G ? cc - q0 : G;

			for (int k = 0; k < taps; k++)
				for (int i = 0; i < gc; i++)
					bd[at + ((size_t)k * gc + i) * gc + i] =
						w[(size_t)k * c + c0 + q0 + i];
			at += (size_t)taps * gc * gc;
		}
		woff[j] = put_const(p, bd, at, 16);
		wlen[j] = at;
		poff[j] = put_const(p, cp + c0, (size_t)cc * sizeof(*cp), 16);
	}
	free(bd);

	int t = 0;
	for (int j = 0; j < nchunks; j++) {
		int c0 = j * gpc * G, cc = c - c0 < gpc * G ? c - c0 : gpc * G;
		uint32_t wb = (uint32_t)(j % 2);

		for (int img = 0; img < g->batches; img++)
		for (int oy0 = 0; oy0 < g->oh; oy0 += th, t++) {
			int rows = g->oh - oy0 < th ? g->oh - oy0 : th;
			uint32_t b = (uint32_t)(t % 2);
			uint64_t in_img = (uint64_t)img * g->ih * g->iw * c;
			uint64_t out_img = (uint64_t)img * g->oh * g->ow * c;
			int iy0 = oy0 * g->sh - g->pad_top;
			int iy1 = iy0 + tile_in_rows(g, rows) - 1;
			int before = iy0 < 0 ? -iy0 : 0;
			int after = iy1 >= g->ih ? iy1 - g->ih + 1 : 0;
			int valid = iy1 - iy0 + 1 - before - after;
			uint32_t first_dep = t >= 2 ? DNPU_CMD_POP_NEXT : 0;

			if (valid <= 0) {
				p->error = 1;
				break;
			}
			if (oy0 == 0 && img == 0) {
				emit_copy(p, DNPU_OP_LOAD, first_dep, DNPU_RGN_CONST,
					  DNPU_SPAD_WGT, (uint32_t)woff[j],
					  wb * half_wgt, (uint32_t)wlen[j]);
				emit_copy(p, DNPU_OP_LOAD, 0, DNPU_RGN_CONST,
					  DNPU_SPAD_PARAM, (uint32_t)poff[j],
					  wb * half_par, (uint32_t)(cc * sizeof(*cp)));
				first_dep = 0;
			}
			struct dma_shape in = {
				.len0 = (uint32_t)(g->iw * c),
				.count1 = (uint32_t)valid,
				.src_stride1 = (uint32_t)(g->iw * c),
				.dst_stride1 = (uint32_t)row_bytes,
				.pad0_before = (uint32_t)(g->pad_left * c),
				.pad0_after = (uint32_t)(g->pad_right * c),
				.pad1_before = (uint32_t)before,
				.pad1_after = (uint32_t)after,
			};
			emit_dma(p, DNPU_OP_LOAD, first_dep | DNPU_CMD_PUSH_NEXT,
				 DNPU_RGN_IN0, DNPU_SPAD_IN, in_zp,
				 (uint32_t)(in_img + (uint64_t)(iy0 + before) * g->iw * c),
				 b * half_in, &in);
			uint32_t wat = 0;
			for (int q0 = 0; q0 < cc; q0 += G) {
				int gc = cc - q0 < G ? cc - q0 : G;
				bool first = q0 == 0, last = q0 + G >= cc;
				uint32_t cdep = first ? DNPU_CMD_POP_PREV : 0;
				struct dnpu_cmd_conv cv = {
					.w0 = DNPU_CMD_W0(DNPU_OP_CONV, cdep, 0),
					.out_hw = DNPU_PAIR(rows, g->ow),
					.nc = DNPU_PAIR(gc, gc),
					.kernel = (uint32_t)(g->kh | (g->kw << 8)),
					.in_base = b * half_in + (uint32_t)(c0 + q0),
					.in_sx = (uint32_t)(g->sw * c),
					.in_sy = (uint32_t)(g->sh * row_bytes),
					.in_tx = (uint32_t)(g->dw * c),
					.in_ty = (uint32_t)(g->dh * row_bytes),
					.w_base = wb * half_wgt + wat,
					.w_pitch = (uint32_t)gc,
					.acc_base = b * half_acc,
					.acc_pitch = (uint32_t)gc,
				};
				track_deps(p, Q_COMPUTE, cdep);
				emit(p, &cv);
				wat += (uint32_t)(taps * gc * gc);
				uint32_t pdep = (first && t >= 2 ? DNPU_CMD_POP_NEXT : 0) |
						(last ? DNPU_CMD_PUSH_PREV | DNPU_CMD_PUSH_NEXT : 0);
				struct dnpu_cmd_ppu pp = {
					.w0 = DNPU_CMD_W0(DNPU_OP_PPU, pdep, 0),
					.mn = DNPU_PAIR(rows * g->ow, gc),
					.acc_base = b * half_acc,
					.acc_pitch = (uint32_t)gc,
					.param_base = wb * half_par +
						      (uint32_t)(q0 * sizeof(*cp)),
					.dst = DNPU_SPAD_OUT,
					.dst_base = b * half_out + (uint32_t)q0,
					.dst_pitch = (uint32_t)cc,
					.quant = DNPU_PPU_QUANT(out_zp, lo, hi),
				};
				track_deps(p, Q_COMPUTE, pdep);
				emit(p, &pp);
				p->ppu_elems += (uint64_t)rows * g->ow * gc;
			}
			p->macs += (uint64_t)rows * g->ow * cc * taps;
			uint32_t out_off = (uint32_t)(out_img + (uint64_t)oy0 * g->ow * c + c0);
			uint32_t st_dep = DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV;
			struct dma_shape st = {
				.len0 = (uint32_t)cc,
				.count1 = (uint32_t)(rows * g->ow),
				.src_stride1 = (uint32_t)cc,
				.dst_stride1 = (uint32_t)c,
			};
			if (cc == c) {
				st.len0 = (uint32_t)(rows * g->ow * c);
				st.count1 = 1;
			}
			emit_dma(p, DNPU_OP_STORE, st_dep, DNPU_RGN_OUT, DNPU_SPAD_OUT,
				 0, out_off, b * half_out, &st);
		}
	}
	free(woff);
	free(poff);
	free(wlen);
	p->unit = "array";
	return 0;
}

/*
 * MEAN over H and W on the array (DNPU_LOWER_NMC_ON_ARRAY, bench/ only):
 * the input [H*W][C] is loaded as the weights and multiplied by a vector of
 * H*W ones, so each column sums one channel; the PPU subtracts the zero
 * point (bias) and applies TFLite's folded 1/N multiplier, as NMC_MEAN does.
 */
static int lower_mean_on_array(const struct dnpu_caps *caps,
			       struct dnpu_program *p, int h, int w, int c,
			       int32_t in_zp, int32_t out_zp, int32_t mult,
			       int shift, char *why, size_t len)
{
	uint32_t half_wgt = caps->spad[DNPU_SPAD_WGT] / 2;
	uint32_t half_par = caps->spad[DNPU_SPAD_PARAM] / 2;
	uint32_t half_acc = caps->spad[DNPU_SPAD_ACC] / 4 / 2;
	uint32_t half_out = caps->spad[DNPU_SPAD_OUT] / 2;
	uint64_t px = (uint64_t)h * w;
	uint64_t cc = (uint64_t)c;

	if (px > 0xffff || px > caps->spad[DNPU_SPAD_IN])
		return fail(why, len, "mean too large for the array lowering");
	if (cc * px > half_wgt)
		cc = half_wgt / px;
	if (cc * sizeof(struct dnpu_chan_param) > half_par)
		cc = half_par / sizeof(struct dnpu_chan_param);
	if (cc > half_acc)
		cc = half_acc;
	if (cc > half_out)
		cc = half_out;
	if (cc > caps->cols)
		cc -= cc % caps->cols;
	if (cc == 0)
		return fail(why, len, "one channel of the mean does not fit");
	uint8_t *ones = malloc(px);
	struct dnpu_chan_param *cp = calloc((size_t)c, sizeof(*cp));

	if (!ones || !cp) {
		free(ones);
		free(cp);
		return fail(why, len, "out of memory");
	}
	memset(ones, 1, px);
	for (int i = 0; i < c; i++) {
		cp[i].bias = (int32_t)(-(int64_t)in_zp * (int64_t)px);
		cp[i].mult = mult;
		cp[i].shift = shift;
	}
	size_t ooff = put_const(p, ones, px, 16);
	size_t poff = put_const(p, cp, (size_t)c * sizeof(*cp), 16);
	free(ones);
	free(cp);
	emit_copy(p, DNPU_OP_LOAD, 0, DNPU_RGN_CONST, DNPU_SPAD_IN,
		  (uint32_t)ooff, 0, (uint32_t)px);
	int t = 0;
	for (int c0 = 0; c0 < c; c0 += (int)cc, t++) {
		uint32_t cnt = (uint32_t)(c - c0 < (int)cc ? c - c0 : (int)cc);
		uint32_t b = (uint32_t)(t % 2);
		struct dma_shape s = {
			.len0 = cnt,
			.count1 = (uint32_t)px,
			.src_stride1 = (uint32_t)c,
			.dst_stride1 = cnt,
		};
		if (cnt == (uint32_t)c) {
			s.len0 = (uint32_t)(px * cnt);
			s.count1 = 1;
		}
		emit_dma(p, DNPU_OP_LOAD, t >= 2 ? DNPU_CMD_POP_NEXT : 0,
			 DNPU_RGN_IN0, DNPU_SPAD_WGT, 0, (uint32_t)c0,
			 b * half_wgt, &s);
		emit_copy(p, DNPU_OP_LOAD, DNPU_CMD_PUSH_NEXT, DNPU_RGN_CONST,
			  DNPU_SPAD_PARAM, (uint32_t)(poff + (size_t)c0 * sizeof(struct dnpu_chan_param)),
			  b * half_par, cnt * (uint32_t)sizeof(struct dnpu_chan_param));
		struct dnpu_cmd_conv cv = {
			.w0 = DNPU_CMD_W0(DNPU_OP_CONV, DNPU_CMD_POP_PREV, 0),
			.out_hw = DNPU_PAIR(1, 1),
			.nc = DNPU_PAIR(cnt, px),
			.kernel = 1 | (1 << 8),
			.in_base = 0,
			.w_base = b * half_wgt,
			.w_pitch = cnt,
			.acc_base = b * half_acc,
			.acc_pitch = cnt,
		};
		track_deps(p, Q_COMPUTE, DNPU_CMD_POP_PREV);
		emit(p, &cv);
		uint32_t pdep = DNPU_CMD_PUSH_PREV | DNPU_CMD_PUSH_NEXT |
				(t >= 2 ? DNPU_CMD_POP_NEXT : 0);
		struct dnpu_cmd_ppu pp = {
			.w0 = DNPU_CMD_W0(DNPU_OP_PPU, pdep, 0),
			.mn = DNPU_PAIR(1, cnt),
			.acc_base = b * half_acc,
			.acc_pitch = cnt,
			.param_base = b * half_par,
			.dst = DNPU_SPAD_OUT,
			.dst_base = b * half_out,
			.dst_pitch = cnt,
			.quant = DNPU_PPU_QUANT(out_zp, -128, 127),
		};
		track_deps(p, Q_COMPUTE, pdep);
		emit(p, &pp);
		p->ppu_elems += cnt;
		p->macs += px * cnt;
		emit_copy(p, DNPU_OP_STORE, DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV,
			  DNPU_RGN_OUT, DNPU_SPAD_OUT, (uint32_t)c0, b * half_out, cnt);
	}
	p->unit = "array";
	return 0;
}

/* ---- DEPTHWISE_CONV_2D on the NMC lanes ---------------------------------- */

static int compile_dwconv(const struct dnpu_caps *caps,
			  const struct accel_model *m,
			  const struct accel_op *op, struct dnpu_program *p,
			  char *why, size_t len)
{
	struct accel_model *mm = (struct accel_model *)m;
	struct accel_tensor *in = op_in(mm, op, 0), *f = op_in(mm, op, 1);
	struct accel_tensor *bias = op_in(mm, op, 2), *out = op_out(mm, op, 0);
	const struct accel_conv_opts *o = &op->opt.conv;
	uint32_t half_in = caps->spad[DNPU_SPAD_IN] / 2;
	uint32_t half_out = caps->spad[DNPU_SPAD_OUT] / 2;
	int32_t lo, hi;

	if (!(caps->features & DNPU_FEAT_NMC_DWCONV))
		return fail(why, len, "device has no depthwise NMC");
	if (!int8_quantized(in) || !int8_quantized(f) || !int8_quantized(out) ||
	    !f->is_const || (bias && (!bias->is_const || bias->type != ACCEL_DT_INT32)))
		return fail(why, len, "not an int8 depthwise conv with constant weights");
	if (in->rank != 4 || f->rank != 4 || out->rank != 4 ||
	    in->dims[0] != out->dims[0] || in->dims[0] < 1)
		return fail(why, len, "only NHWC depthwise convs");
	int batches = in->dims[0];

	int ih = in->dims[1], iw = in->dims[2], ci = in->dims[3];
	int oh = out->dims[1], ow = out->dims[2], co = out->dims[3];
	int kh = f->dims[1], kw = f->dims[2];
	int dm = ci > 0 ? co / ci : 0;
	int pt, pl, pr, wp;

	if (f->dims[0] != 1 || f->dims[3] != co || dm <= 0 || ci * dm != co ||
	    (f->q.count != 1 && f->q.count != co))
		return fail(why, len, "depthwise filter shape does not match");
	if (o->explicit_pad) {
		pt = o->pad_top;
		pl = o->pad_left;
	} else {
		pt = accel_conv_pad_before(ih, kh, o->stride_h, o->dilation_h, oh);
		pl = accel_conv_pad_before(iw, kw, o->stride_w, o->dilation_w, ow);
	}
	pr = (ow - 1) * o->stride_w + (kw - 1) * o->dilation_w + 1 - iw - pl;
	if (pr < 0)
		pr = 0;
	wp = pl + iw + pr;
	if (kh > 255 || kw > 255 || o->stride_h > 255 || o->stride_w > 255 ||
	    o->dilation_h > 255 || o->dilation_w > 255 || co > 0xffff ||
	    dm > 0xffff || oh > 0xffff || ow > 0xffff || pt < 0 || pl < 0 ||
	    (uint64_t)pl * ci > 0xffff || (uint64_t)pr * ci > 0xffff)
		return fail(why, len, "depthwise dimensions out of the ISA's range");
	if ((uint64_t)kh * kw * co > caps->spad[DNPU_SPAD_WGT] ||
	    (uint64_t)co * sizeof(struct dnpu_chan_param) > caps->spad[DNPU_SPAD_PARAM])
		return fail(why, len, "depthwise filter too large for the buffers");
	if (act_range(o->act, out, &lo, &hi))
		return fail(why, len, "activation has no int8 form");

	uint64_t row_bytes = (uint64_t)wp * ci;
	int th = oh;
	while (th > 0 && ((uint64_t)((th - 1) * o->stride_h + (kh - 1) * o->dilation_h + 1) *
			  row_bytes > half_in || (uint64_t)th * ow * co > half_out))
		th--;
	if (th <= 0)
		return fail(why, len, "one depthwise output row does not fit");

	/* constants: the filter as stored ([KH][KW][CO]) and channel records */
	int64_t *wsum = calloc((size_t)co, sizeof(*wsum));
	struct dnpu_chan_param *cp = calloc((size_t)co, sizeof(*cp));
	const int8_t *w = tdata(f);

	if (!wsum || !cp) {
		free(wsum);
		free(cp);
		return fail(why, len, "out of memory");
	}
	for (int k = 0; k < kh * kw; k++)
		for (int c = 0; c < co; c++)
			wsum[c] += w[(size_t)k * co + c];
	chan_params(cp, co, in, f, bias, out, wsum);
	if ((caps->lowering & DNPU_LOWER_NMC_ON_ARRAY) && dm == 1) {
		struct conv_geom g = {
			.batches = batches, .ih = ih, .iw = iw, .c = ci,
			.oh = oh, .ow = ow, .n = co, .kh = kh, .kw = kw,
			.sh = o->stride_h, .sw = o->stride_w,
			.dh = o->dilation_h, .dw = o->dilation_w,
			.pad_top = pt, .pad_left = pl, .pad_right = pr, .wp = wp,
		};
		int rc = lower_dw_on_array(caps, p, &g, w, cp,
					   (int8_t)in->q.zero_point[0],
					   (int32_t)out->q.zero_point[0], lo, hi,
					   why, len);
		free(wsum);
		free(cp);
		p->weight_bytes = f->bytes + (bias ? bias->bytes : 0);
		p->out_bytes = out->bytes;
		p->compulsory_bytes = in->bytes + out->bytes + p->weight_bytes;
		return rc;
	}
	size_t woff = put_const(p, w, (size_t)kh * kw * co, 16);
	size_t poff = put_const(p, cp, (size_t)co * sizeof(*cp), 16);
	free(wsum);
	free(cp);

	int t = 0;
	for (int img = 0; img < batches; img++)
	for (int oy0 = 0; oy0 < oh; oy0 += th, t++) {
		int rows = oh - oy0 < th ? oh - oy0 : th;
		uint32_t b = (uint32_t)(t % 2);
		uint64_t in_img = (uint64_t)img * ih * iw * ci;
		uint64_t out_img = (uint64_t)img * oh * ow * co;
		int iy0 = oy0 * o->stride_h - pt;
		int iy1 = iy0 + (rows - 1) * o->stride_h + (kh - 1) * o->dilation_h;
		int before = iy0 < 0 ? -iy0 : 0;
		int after = iy1 >= ih ? iy1 - ih + 1 : 0;
		int valid = iy1 - iy0 + 1 - before - after;
		uint32_t first_dep = t >= 2 ? DNPU_CMD_POP_NEXT : 0;

		if (valid <= 0)
			return fail(why, len, "depthwise tile reads no input row");
		if (t == 0) {
			emit_copy(p, DNPU_OP_LOAD, 0, DNPU_RGN_CONST, DNPU_SPAD_WGT,
				  (uint32_t)woff, 0, (uint32_t)((size_t)kh * kw * co));
			emit_copy(p, DNPU_OP_LOAD, 0, DNPU_RGN_CONST, DNPU_SPAD_PARAM,
				  (uint32_t)poff, 0,
				  (uint32_t)(co * sizeof(struct dnpu_chan_param)));
		}
		struct dma_shape s = {
			.len0 = (uint32_t)(iw * ci),
			.count1 = (uint32_t)valid,
			.src_stride1 = (uint32_t)(iw * ci),
			.dst_stride1 = (uint32_t)row_bytes,
			.pad0_before = (uint32_t)(pl * ci),
			.pad0_after = (uint32_t)(pr * ci),
			.pad1_before = (uint32_t)before,
			.pad1_after = (uint32_t)after,
		};
		emit_dma(p, DNPU_OP_LOAD, first_dep | DNPU_CMD_PUSH_NEXT,
			 DNPU_RGN_IN0, DNPU_SPAD_IN, (int8_t)in->q.zero_point[0],
			 (uint32_t)(in_img + (uint64_t)(iy0 + before) * iw * ci),
			 b * half_in, &s);

		uint32_t dep = DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV |
			       DNPU_CMD_PUSH_NEXT | (t >= 2 ? DNPU_CMD_POP_NEXT : 0);
		struct dnpu_cmd_nmc_dwconv d = {
			.w0 = DNPU_CMD_W0(DNPU_OP_NMC_DWCONV, dep, 0),
			.out_hw = DNPU_PAIR(rows, ow),
			.channels = DNPU_PAIR(co, dm),
			.kernel = (uint32_t)(kh | (kw << 8) | (o->stride_h << 16) |
					     (o->stride_w << 24)),
			.dilation = (uint32_t)(o->dilation_h | (o->dilation_w << 8)),
			.spads = DNPU_SPAD_IN | (DNPU_SPAD_OUT << 8),
			.src_base = b * half_in,
			.src_row_pitch = (uint32_t)row_bytes,
			.w_base = 0,
			.dst_base = b * half_out,
			.dst_row_pitch = (uint32_t)(ow * co),
			.param_base = 0,
			.quant = DNPU_PPU_QUANT(out->q.zero_point[0], lo, hi),
		};
		track_deps(p, Q_COMPUTE, dep);
		emit(p, &d);
		p->macs += (uint64_t)rows * ow * co * kh * kw;
		emit_copy(p, DNPU_OP_STORE, DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV,
			  DNPU_RGN_OUT, DNPU_SPAD_OUT,
			  (uint32_t)(out_img + (uint64_t)oy0 * ow * co), b * half_out,
			  (uint32_t)(rows * ow * co));
	}
	p->weight_bytes = f->bytes + (bias ? bias->bytes : 0);
	p->out_bytes = out->bytes;
	p->compulsory_bytes = in->bytes + out->bytes + p->weight_bytes;
	p->unit = "nmc";
	return 0;
}

/* ---- ADD on the NMC -------------------------------------------------------- */

static int compile_add(const struct dnpu_caps *caps,
		       const struct accel_model *m, const struct accel_op *op,
		       struct dnpu_program *p, char *why, size_t len)
{
	struct accel_model *mm = (struct accel_model *)m;
	struct accel_tensor *a = op_in(mm, op, 0), *bt = op_in(mm, op, 1);
	struct accel_tensor *out = op_out(mm, op, 0);
	uint32_t half_in = caps->spad[DNPU_SPAD_IN] / 2;
	uint32_t half_out = caps->spad[DNPU_SPAD_OUT] / 2;
	struct dnpu_add_param ap;

	if (!(caps->features & DNPU_FEAT_NMC_ADD))
		return fail(why, len, "device has no NMC add");
	if (!int8_quantized(a) || !int8_quantized(bt) || !int8_quantized(out) ||
	    a->q.count != 1 || bt->q.count != 1 || out->q.count != 1)
		return fail(why, len, "not a per-tensor int8 add");
	size_t n = accel_tensor_elems(out);
	if (accel_tensor_elems(a) != n || accel_tensor_elems(bt) != n)
		return fail(why, len, "broadcasting add runs on the CPU");
	if (add_params(a, bt, out, op->opt.elem.act, &ap))
		return fail(why, len, "activation has no int8 form");
	size_t poff = put_const(p, &ap, sizeof(ap), 16);

	/* chunks: A and B side by side in one IN half, result in an OUT half */
	uint32_t chunk = half_in / 2 < half_out ? half_in / 2 : half_out;
	if (chunk > 0x8000)
		chunk = 0x8000;
	chunk &= ~15u;
	if (!chunk)
		return fail(why, len, "scratchpads too small");
	emit_copy(p, DNPU_OP_LOAD, 0, DNPU_RGN_CONST, DNPU_SPAD_PARAM,
		  (uint32_t)poff, 0, sizeof(ap));
	int t = 0;
	for (size_t off = 0; off < n; off += chunk, t++) {
		uint32_t cnt = (uint32_t)(n - off < chunk ? n - off : chunk);
		uint32_t b = (uint32_t)(t % 2);

		emit_copy(p, DNPU_OP_LOAD, t >= 2 ? DNPU_CMD_POP_NEXT : 0,
			  DNPU_RGN_IN0, DNPU_SPAD_IN, (uint32_t)off, b * half_in, cnt);
		emit_copy(p, DNPU_OP_LOAD, DNPU_CMD_PUSH_NEXT, DNPU_RGN_IN1,
			  DNPU_SPAD_IN, (uint32_t)off, b * half_in + chunk, cnt);
		uint32_t dep = DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV |
			       DNPU_CMD_PUSH_NEXT | (t >= 2 ? DNPU_CMD_POP_NEXT : 0);
		struct dnpu_cmd_nmc_add c = {
			.w0 = DNPU_CMD_W0(DNPU_OP_NMC_ADD, dep, 0),
			.shape = DNPU_PAIR(cnt, 1),
			.spads = DNPU_SPAD_IN | (DNPU_SPAD_IN << 4) | (DNPU_SPAD_OUT << 8),
			.a_base = b * half_in, .a_pitch = cnt,
			.b_base = b * half_in + chunk, .b_pitch = cnt,
			.dst_base = b * half_out, .dst_pitch = cnt,
			.param_base = 0,
		};
		track_deps(p, Q_COMPUTE, dep);
		emit(p, &c);
		emit_copy(p, DNPU_OP_STORE, DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV,
			  DNPU_RGN_OUT, DNPU_SPAD_OUT, (uint32_t)off, b * half_out, cnt);
	}
	p->n_regions = DNPU_RGN_MAX;
	p->out_bytes = out->bytes;
	p->compulsory_bytes = a->bytes + bt->bytes + out->bytes;
	p->unit = "nmc";
	return 0;
}

/* ---- pooling on the NMC ---------------------------------------------------- */

static int compile_pool(const struct dnpu_caps *caps,
			const struct accel_model *m, const struct accel_op *op,
			struct dnpu_program *p, char *why, size_t len)
{
	struct accel_model *mm = (struct accel_model *)m;
	struct accel_tensor *in = op_in(mm, op, 0), *out = op_out(mm, op, 0);
	const struct accel_pool_opts *o = &op->opt.pool;
	uint32_t half_in = caps->spad[DNPU_SPAD_IN] / 2;
	uint32_t half_out = caps->spad[DNPU_SPAD_OUT] / 2;
	bool avg = op->opcode == ACCEL_OP_AVERAGE_POOL_2D;
	int32_t lo, hi;

	if (!(caps->features & DNPU_FEAT_NMC_POOL))
		return fail(why, len, "device has no NMC pooling");
	if (!int8_quantized(in) || !int8_quantized(out) || in->rank != 4 ||
	    out->rank != 4 || in->dims[0] != out->dims[0])
		return fail(why, len, "only int8 NHWC pooling");
	int batches = in->dims[0];
	int ih = in->dims[1], iw = in->dims[2], c = in->dims[3];
	int oh = out->dims[1], ow = out->dims[2];
	int pt = accel_conv_pad_before(ih, o->filter_h, o->stride_h, 1, oh);
	int pl = accel_conv_pad_before(iw, o->filter_w, o->stride_w, 1, ow);

	if (out->dims[3] != c || o->filter_h > 255 || o->filter_w > 255 ||
	    o->stride_h > 255 || o->stride_w > 255 || oh > 0xffff || ow > 0xffff ||
	    iw > 0xffff || pt < 0 || pl < 0)
		return fail(why, len, "pooling dimensions out of the ISA's range");
	if (act_range(o->act, out, &lo, &hi))
		return fail(why, len, "activation has no int8 form");

	uint64_t row_bytes = (uint64_t)iw * c;
	int th = oh;
	while (th > 0 && ((uint64_t)((th - 1) * o->stride_h + o->filter_h) * row_bytes > half_in ||
			  (uint64_t)th * ow * c > half_out))
		th--;
	if (th <= 0)
		return fail(why, len, "one pooling output row does not fit");

	int t = 0;
	/* images of a batch are independent: tile each in turn */
	for (int n = 0; n < batches; n++)
	for (int oy0 = 0; oy0 < oh; oy0 += th, t++) {
		int rows = oh - oy0 < th ? oh - oy0 : th;
		uint32_t b = (uint32_t)(t % 2);
		uint64_t in_img = (uint64_t)n * ih * row_bytes;
		uint64_t out_img = (uint64_t)n * oh * ow * c;
		int r0 = oy0 * o->stride_h - pt;
		int r1 = (oy0 + rows - 1) * o->stride_h - pt + o->filter_h - 1;

		r0 = r0 < 0 ? 0 : r0;
		r1 = r1 >= ih ? ih - 1 : r1;
		if (r1 < r0)
			return fail(why, len, "pooling window outside the input");
		emit_copy(p, DNPU_OP_LOAD,
			  (t >= 2 ? DNPU_CMD_POP_NEXT : 0) | DNPU_CMD_PUSH_NEXT,
			  DNPU_RGN_IN0, DNPU_SPAD_IN, (uint32_t)(in_img + r0 * row_bytes),
			  b * half_in, (uint32_t)((r1 - r0 + 1) * row_bytes));
		uint32_t dep = DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV |
			       DNPU_CMD_PUSH_NEXT | (t >= 2 ? DNPU_CMD_POP_NEXT : 0);
		struct dnpu_cmd_nmc_pool pc = {
			.w0 = DNPU_CMD_W0(DNPU_OP_NMC_POOL, dep, avg ? DNPU_POOL_F_AVG : 0),
			.in_hw = DNPU_PAIR(r1 - r0 + 1, iw),
			.out_hw = DNPU_PAIR(rows, ow),
			.channels = (uint32_t)c,
			.window = (uint32_t)(o->filter_h | (o->filter_w << 8) |
					     (o->stride_h << 16) | (o->stride_w << 24)),
			.pad = DNPU_PAIR(r0 + pt - oy0 * o->stride_h, pl),
			.spads = DNPU_SPAD_IN | (DNPU_SPAD_OUT << 8),
			.src_base = b * half_in,
			.src_row_pitch = (uint32_t)row_bytes,
			.dst_base = b * half_out,
			.dst_row_pitch = (uint32_t)(ow * c),
			.act = (uint32_t)((lo & 0xff) | ((hi & 0xff) << 8)),
		};
		track_deps(p, Q_COMPUTE, dep);
		emit(p, &pc);
		emit_copy(p, DNPU_OP_STORE, DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV,
			  DNPU_RGN_OUT, DNPU_SPAD_OUT,
			  (uint32_t)(out_img + (uint64_t)oy0 * ow * c), b * half_out,
			  (uint32_t)(rows * ow * c));
	}
	p->out_bytes = out->bytes;
	p->compulsory_bytes = in->bytes + out->bytes;
	p->unit = "nmc";
	return 0;
}


/* ---- MEAN over H and W on the NMC ------------------------------------------- */

static int compile_mean(const struct dnpu_caps *caps,
			const struct accel_model *m, const struct accel_op *op,
			struct dnpu_program *p, char *why, size_t len)
{
	struct accel_model *mm = (struct accel_model *)m;
	struct accel_tensor *in = op_in(mm, op, 0), *ax = op_in(mm, op, 1);
	struct accel_tensor *out = op_out(mm, op, 0);
	uint32_t half_in = caps->spad[DNPU_SPAD_IN] / 2;
	uint32_t half_out = caps->spad[DNPU_SPAD_OUT] / 2;
	bool red[4] = { false };

	if (!(caps->features & DNPU_FEAT_NMC_MEAN))
		return fail(why, len, "device has no NMC mean");
	if (!int8_quantized(in) || !int8_quantized(out) || in->rank != 4 ||
	    in->dims[0] != 1 || !ax || !ax->is_const || ax->type != ACCEL_DT_INT32)
		return fail(why, len, "only int8 batch-1 NHWC mean");
	const int32_t *axes = tdata(ax);
	for (size_t i = 0; i < accel_tensor_elems(ax); i++) {
		int a = axes[i] < 0 ? axes[i] + 4 : axes[i];

		if (a < 0 || a > 3)
			return fail(why, len, "bad mean axis");
		red[a] = true;
	}
	if (red[0] || !red[1] || !red[2] || red[3])
		return fail(why, len, "only a mean over height and width");
	int h = in->dims[1], w = in->dims[2], c = in->dims[3];
	int32_t mult;
	int shift;

	if (h > 0xffff || w > 0xffff || (int64_t)h * w > (1 << 23))
		return fail(why, len, "mean too large");
	accel_mean_multiplier((double)in->q.scale[0], (double)out->q.scale[0],
			      (int64_t)h * w, &mult, &shift);
	if (caps->lowering & DNPU_LOWER_NMC_ON_ARRAY) {
		p->out_bytes = out->bytes;
		p->compulsory_bytes = in->bytes + out->bytes;
		return lower_mean_on_array(caps, p, h, w, c,
					   (int32_t)in->q.zero_point[0],
					   (int32_t)out->q.zero_point[0], mult,
					   shift, why, len);
	}
	/* channel chunks: all pixels of cc channels per tile */
	uint64_t cc = (uint64_t)c;
	if (cc * h * w > half_in)
		cc = half_in / ((uint64_t)h * w);
	if (cc > half_out)
		cc = half_out;
	if (cc == 0)
		return fail(why, len, "one channel of the mean does not fit");
	int t = 0;
	for (int c0 = 0; c0 < c; c0 += (int)cc, t++) {
		uint32_t cnt = (uint32_t)(c - c0 < (int)cc ? c - c0 : (int)cc);
		uint32_t b = (uint32_t)(t % 2);
		struct dma_shape s = {
			.len0 = cnt,
			.count1 = (uint32_t)(h * w),
			.src_stride1 = (uint32_t)c,
			.dst_stride1 = cnt,
		};
		emit_dma(p, DNPU_OP_LOAD,
			 (t >= 2 ? DNPU_CMD_POP_NEXT : 0) | DNPU_CMD_PUSH_NEXT,
			 DNPU_RGN_IN0, DNPU_SPAD_IN, 0, (uint32_t)c0, b * half_in, &s);
		uint32_t dep = DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV |
			       DNPU_CMD_PUSH_NEXT | (t >= 2 ? DNPU_CMD_POP_NEXT : 0);
		struct dnpu_cmd_nmc_mean mc = {
			.w0 = DNPU_CMD_W0(DNPU_OP_NMC_MEAN, dep, 0),
			.in_hw = DNPU_PAIR(h, w),
			.channels = cnt,
			.spads = DNPU_SPAD_IN | (DNPU_SPAD_OUT << 8),
			.src_base = b * half_in,
			.src_row_pitch = (uint32_t)w * cnt,
			.dst_base = b * half_out,
			.zps = DNPU_PAIR((uint32_t)in->q.zero_point[0] & 0xffff,
					 (uint32_t)out->q.zero_point[0] & 0xffff),
			.mult = mult,
			.shift = shift,
			.count = 1,
		};
		track_deps(p, Q_COMPUTE, dep);
		emit(p, &mc);
		emit_copy(p, DNPU_OP_STORE, DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV,
			  DNPU_RGN_OUT, DNPU_SPAD_OUT, (uint32_t)c0, b * half_out, cnt);
	}
	p->out_bytes = out->bytes;
	p->compulsory_bytes = in->bytes + out->bytes;
	p->unit = "nmc";
	return 0;
}

/* ---- entry ------------------------------------------------------------------ */

int dnpu_compile_op(const struct dnpu_caps *caps, const struct accel_model *m,
		    const struct accel_op *op, struct dnpu_program *prog,
		    char *why, size_t len)
{
	int rc;

	memset(prog, 0, sizeof(*prog));
	prog->n_regions = DNPU_RGN_OUT + 1;
	switch (op->opcode) {
	case ACCEL_OP_CONV_2D:
		rc = compile_conv(caps, m, op, NULL, prog, why, len);
		break;
	case ACCEL_OP_FULLY_CONNECTED:
		rc = compile_fc(caps, m, op, prog, why, len);
		break;
	case ACCEL_OP_DEPTHWISE_CONV_2D:
		rc = compile_dwconv(caps, m, op, prog, why, len);
		break;
	case ACCEL_OP_ADD:
		rc = compile_add(caps, m, op, prog, why, len);
		break;
	case ACCEL_OP_AVERAGE_POOL_2D:
	case ACCEL_OP_MAX_POOL_2D:
		rc = compile_pool(caps, m, op, prog, why, len);
		break;
	case ACCEL_OP_MEAN:
		rc = compile_mean(caps, m, op, prog, why, len);
		break;
	default:
		rc = fail(why, len, "no device lowering for this operator");
		break;
	}
	if (rc == 0) {
		emit_simple(prog, DNPU_OP_END);
		if (prog->error)
			rc = fail(why, len, "internal compiler error (token or memory)");
	}
	if (rc)
		dnpu_program_free(prog);
	return rc;
}

int dnpu_compile_conv_add(const struct dnpu_caps *caps,
			  const struct accel_model *m,
			  const struct accel_op *conv, const struct accel_op *add,
			  struct dnpu_program *prog, char *why, size_t len)
{
	struct accel_model *mm = (struct accel_model *)m;
	struct accel_tensor *conv_out = op_out(mm, conv, 0);
	struct accel_tensor *a = op_in(mm, add, 0), *b = op_in(mm, add, 1);
	struct accel_tensor *out = op_out(mm, add, 0);
	struct accel_tensor *res = a == conv_out ? b : a;
	struct dnpu_add_param ap;
	int rc;

	memset(prog, 0, sizeof(*prog));
	if (!(caps->features & DNPU_FEAT_PPU_FUSE_ADD))
		return fail(why, len, "device cannot fuse adds into the epilogue");
	if (caps->lowering & DNPU_LOWER_NO_FUSED_ADD)
		return fail(why, len, "fusion off (ACCEL_SIM_LOWERING=no-fused-add)");
	if (conv->opcode != ACCEL_OP_CONV_2D || add->opcode != ACCEL_OP_ADD ||
	    !conv_out || (a != conv_out && b != conv_out) || a == b)
		return fail(why, len, "not a conv feeding an add");
	if (!int8_quantized(res) || !int8_quantized(out) ||
	    !int8_quantized(conv_out) || res->q.count != 1 ||
	    out->q.count != 1 || conv_out->q.count != 1 ||
	    accel_tensor_elems(res) != accel_tensor_elems(conv_out) ||
	    accel_tensor_elems(out) != accel_tensor_elems(conv_out))
		return fail(why, len, "add is not a same-shape per-tensor int8 add");
	/* ADD is symmetric: the conv result takes the first parameter set */
	if (add_params(conv_out, res, out, add->opt.elem.act, &ap))
		return fail(why, len, "activation has no int8 form");
	prog->n_regions = DNPU_RGN_OUT + 1;
	rc = compile_conv(caps, m, conv, &ap, prog, why, len);
	if (rc == 0) {
		prog->compulsory_bytes += res->bytes + out->bytes - conv_out->bytes;
		prog->out_bytes = out->bytes;
		emit_simple(prog, DNPU_OP_END);
		if (prog->error)
			rc = fail(why, len, "internal compiler error (token or memory)");
	}
	if (rc)
		dnpu_program_free(prog);
	return rc;
}
