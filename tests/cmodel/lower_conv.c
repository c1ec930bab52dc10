/* SPDX-License-Identifier: MIT */
#include "lower_conv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quant.h"

void lower_quant_params(float in_scale, const float *filter_scale,
			int n_filter_scales, float out_scale, int oc,
			int32_t *mult, int32_t *shift)
{
	for (int c = 0; c < oc; c++) {
		float fs = filter_scale[n_filter_scales > 1 ? c : 0];
		double eff = (double)in_scale * (double)fs / (double)out_scale;
		int s;
		accel_quantize_multiplier(eff, &mult[c], &s);
		shift[c] = s;
	}
}

void lower_act_range(int act, float out_scale, int32_t out_zp,
		     int32_t *act_min, int32_t *act_max)
{
	int32_t lo = -128, hi = 127;
	/* TFLite Quantize(): zero_point + (int32)round(f / scale), in float */
	if (act == 1 || act == 3) {		/* RELU, RELU6 */
		int32_t q0 = out_zp + (int32_t)roundf(0.0f / out_scale);
		lo = q0 > lo ? q0 : lo;
	}
	if (act == 3) {
		int32_t q6 = out_zp + (int32_t)roundf(6.0f / out_scale);
		hi = q6 < hi ? q6 : hi;
	}
	if (act == 2) {				/* RELU_N1_TO_1 */
		int32_t qm = out_zp + (int32_t)roundf(-1.0f / out_scale);
		int32_t qp = out_zp + (int32_t)roundf(1.0f / out_scale);
		lo = qm > lo ? qm : lo;
		hi = qp < hi ? qp : hi;
	}
	*act_min = lo;
	*act_max = hi;
}

int lower_pad_before(bool same, int in, int k, int stride, int dil, int out)
{
	if (!same)
		return 0;
	int eff = (k - 1) * dil + 1;
	int total = (out - 1) * stride + eff - in;
	return total > 0 ? total / 2 : 0;
}

/* bump allocator in region 1 */
struct place {
	struct env *e;
	uint32_t next;
};

static uint32_t place(struct place *p, const void *data, uint32_t len)
{
	uint32_t at = (p->next + 63) & ~63u;
	if ((uint64_t)at + len > p->e->reg[1].size)
		abort();
	memcpy(env_at(p->e, 1, at), data, len);
	p->next = at + len;
	return at;
}

static void put_param(uint8_t *p, int32_t bias, int32_t mult, int32_t shift)
{
	memcpy(p, &bias, 4);
	memcpy(p + 4, &mult, 4);
	memcpy(p + 8, &shift, 4);
}

/* rows of the padded input tile for output rows [oy0, oy0 + n) */
struct rows {
	int first;		/* first input row (may be < 0) */
	int count;		/* rows incl. padding */
	int pad_before, data, pad_after;
};

static struct rows tile_rows(const struct conv_layer *l, int oy0, int n)
{
	struct rows r;
	r.first = oy0 * l->sh - l->pad_top;
	int end = (oy0 + n - 1) * l->sh - l->pad_top + (l->kh - 1) * l->dh + 1;
	r.count = end - r.first;
	r.pad_before = r.first < 0 ? -r.first : 0;
	if (r.pad_before > r.count)
		r.pad_before = r.count;
	r.pad_after = end > l->ih ? end - l->ih : 0;
	if (r.pad_after > r.count - r.pad_before)
		r.pad_after = r.count - r.pad_before;
	r.data = r.count - r.pad_before - r.pad_after;
	return r;
}

static void fold_params(const struct conv_layer *l, uint8_t *prm)
{
	int k = l->depthwise ? l->kh * l->kw : l->kh * l->kw * l->ic;
	for (int n = 0; n < l->oc; n++) {
		int32_t sum = 0;
		for (int i = 0; i < k; i++)
			sum += l->depthwise ? l->weights[i * l->oc + n]
					    : l->weights[n * k + i];
		int32_t b = l->bias ? l->bias[n] : 0;
		put_param(prm + 12 * n,
			  (int32_t)((uint32_t)b - (uint32_t)l->in_zp * (uint32_t)sum),
			  l->mult[n], l->shift[n]);
	}
}

/*
 * Depthwise conv in input-channel slices (all channels do not fit): each
 * slice gathers its channels with a 3-D LOAD (planes = image rows, rows =
 * pixels, left/right padding as pad pixels), weights with a 2-D LOAD; the
 * output slice is scattered back by a 2-D STORE. Top/bottom padding would
 * need all-pad rows, which a LOAD cannot make: not supported here.
 */
static uint32_t wait_or(unsigned tile)
{
	return tile ? DNPU_CMD_POP_NEXT : 0;
}

static int lower_dw_sliced(struct env *e, const struct conv_layer *l,
			   const int8_t *input)
{
	const struct dnpu_cmodel_config *cfg = dnpu_cmodel_config(e->m);
	const uint32_t *sb = cfg->spad_bytes;
	struct place pl = { e, 0 };
	uint32_t w[16];
	int k = l->kh * l->kw;
	int pad_right = (l->ow - 1) * l->sw - l->pad_left + (l->kw - 1) * l->dw +
			1 - l->iw;
	if (pad_right < 0)
		pad_right = 0;
	int px_row = l->pad_left + l->iw + pad_right;	/* pixels per tile row */

	e->ncmd = 0;
	uint32_t in_off = place(&pl, input, (uint32_t)(l->ih * l->iw * l->ic));
	uint8_t *prm = calloc((size_t)l->oc, 12);
	fold_params(l, prm);
	uint32_t prm_off = place(&pl, prm, (uint32_t)l->oc * 12);
	free(prm);
	uint32_t w_off = place(&pl, l->weights, (uint32_t)(k * l->oc));

	/* largest slice (input channels) with at least one output row */
	int cci = l->ic, toh = 0;
	if (l->max_chunk_channels > 0 && cci > l->max_chunk_channels)
		cci = l->max_chunk_channels;
	for (; cci > 0; cci = cci > (int)cfg->nmc_lanes ? cci - (int)cfg->nmc_lanes : cci - 1) {
		int cco = cci * l->dm;
		if ((uint64_t)k * cco > sb[DNPU_SPAD_WGT] ||
		    (uint64_t)cco * 12 > sb[DNPU_SPAD_PARAM])
			continue;
		for (toh = l->oh; toh > 0; toh--) {
			struct rows r = tile_rows(l, 0, toh);
			uint64_t px = (uint64_t)toh * l->ow;
			if (px <= 0xffff &&
			    (uint64_t)r.count * px_row * cci <= sb[DNPU_SPAD_IN] &&
			    px * cco <= sb[DNPU_SPAD_OUT])
				break;
		}
		if (toh > 0)
			break;
	}
	if (cci == 0 || l->pad_top > 0 ||
	    tile_rows(l, l->oh - 1, 1).pad_after > 0)
		return -1;

	unsigned tile = 0;
	for (int c0 = 0; c0 < l->ic; c0 += cci) {
		int ncin = l->ic - c0 < cci ? l->ic - c0 : cci;
		int ncout = ncin * l->dm, o0 = c0 * l->dm;
		uint32_t row_bytes = (uint32_t)(px_row * ncin);
		for (int oy0 = 0; oy0 < l->oh; oy0 += toh, tile++) {
			int th = l->oh - oy0 < toh ? l->oh - oy0 : toh;
			struct rows r = tile_rows(l, oy0, th);
			uint32_t wait = tile ? DNPU_CMD_POP_NEXT : 0;
			if (oy0 == 0) {
				/* weights [k][ncout] and params of the slice */
				cmd_dma(w, DNPU_OP_LOAD, wait, 1, DNPU_SPAD_WGT, 0,
					w_off + (uint32_t)o0, 0, (uint32_t)ncout,
					(uint32_t)k, (uint32_t)l->oc, (uint32_t)ncout,
					1, 0, 0, 0, 0);
				env_emit(e, w);
				cmd_load1(w, 0, 1, DNPU_SPAD_PARAM,
					  prm_off + (uint32_t)o0 * 12, 0,
					  (uint32_t)ncout * 12);
				env_emit(e, w);
				wait = 0;
			}
			/* planes = image rows, rows = pixels of ncin channels */
			cmd_dma(w, DNPU_OP_LOAD, wait | DNPU_CMD_PUSH_NEXT, 1,
				DNPU_SPAD_IN, l->in_zp,
				in_off + (uint32_t)((r.first * l->iw) * l->ic + c0),
				0, (uint32_t)ncin, (uint32_t)l->iw, (uint32_t)l->ic,
				(uint32_t)ncin, (uint32_t)r.data,
				(uint32_t)(l->iw * l->ic), row_bytes, 0,
				DNPU_PAIR(l->pad_left, pad_right));
			env_emit(e, w);
			memset(w, 0, sizeof(w));
			w[0] = DNPU_CMD_W0(DNPU_OP_NMC_DWCONV,
					   DNPU_CMD_POP_PREV | wait_or(tile) |
					   DNPU_CMD_PUSH_PREV | DNPU_CMD_PUSH_NEXT, 0);
			w[1] = DNPU_PAIR(th, l->ow);
			w[2] = DNPU_PAIR(ncout, l->dm);
			w[3] = (uint32_t)l->kh | (uint32_t)l->kw << 8 |
			       (uint32_t)l->sh << 16 | (uint32_t)l->sw << 24;
			w[4] = (uint32_t)l->dh | (uint32_t)l->dw << 8;
			w[5] = DNPU_SPAD_IN | DNPU_SPAD_OUT << 8;
			w[7] = row_bytes;
			w[10] = (uint32_t)(l->ow * ncout);
			w[12] = DNPU_PPU_QUANT(l->out_zp, l->act_min, l->act_max);
			env_emit(e, w);
			cmd_dma(w, DNPU_OP_STORE,
				DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV, 2,
				DNPU_SPAD_OUT, 0,
				(uint32_t)((oy0 * l->ow) * l->oc + o0), 0,
				(uint32_t)ncout, (uint32_t)(th * l->ow),
				(uint32_t)ncout, (uint32_t)l->oc, 1, 0, 0, 0, 0);
			env_emit(e, w);
		}
	}
	cmd_simple(w, DNPU_OP_END, 0);
	env_emit(e, w);
	return 0;
}

int lower_conv(struct env *e, const struct conv_layer *l, const int8_t *input)
{
	const struct dnpu_cmodel_config *cfg = dnpu_cmodel_config(e->m);
	const uint32_t *sb = cfg->spad_bytes;
	struct place pl = { e, 0 };
	uint32_t w[16];
	int k = l->depthwise ? l->kh * l->kw : l->kh * l->kw * l->ic;
	int pad_right = (l->ow - 1) * l->sw - l->pad_left + (l->kw - 1) * l->dw +
			1 - l->iw;
	if (pad_right < 0)
		pad_right = 0;
	uint32_t row_bytes = (uint32_t)((l->pad_left + l->iw + pad_right) * l->ic);

	if (l->depthwise && l->max_chunk_channels > 0 &&
	    l->ic > l->max_chunk_channels)
		return lower_dw_sliced(e, l, input);
	e->ncmd = 0;
	uint32_t in_off = place(&pl, input, (uint32_t)(l->ih * l->iw * l->ic));
	bool fuse = l->residual && l->add && !l->depthwise;
	uint32_t res_off = 0, add_off = 0;
	if (fuse) {
		res_off = place(&pl, l->residual,
				(uint32_t)(l->oh * l->ow * l->oc));
		add_off = place(&pl, l->add, sizeof(*l->add));
	}

	/* parameters: bias folded with the input zero point */
	uint8_t *prm = calloc((size_t)l->oc, 12);
	fold_params(l, prm);
	uint32_t prm_off = place(&pl, prm, (uint32_t)l->oc * 12);
	free(prm);

	/* output-channel chunk (array columns) so weights and params fit */
	int nc = l->oc;
	if (!l->depthwise && l->max_chunk_channels > 0 &&
	    nc > l->max_chunk_channels)
		nc = l->max_chunk_channels;
	if (!l->depthwise) {
		while (nc > 1 && ((uint64_t)k * nc > sb[DNPU_SPAD_WGT] ||
				  (uint64_t)nc * 12 > sb[DNPU_SPAD_PARAM]))
			nc = nc > (int)cfg->cols ? nc - (int)cfg->cols : nc / 2;
	} else if ((uint64_t)k * l->oc > sb[DNPU_SPAD_WGT] ||
		   (uint64_t)l->oc * 12 > sb[DNPU_SPAD_PARAM]) {
		return lower_dw_sliced(e, l, input);
	}
	if ((uint64_t)k * nc > sb[DNPU_SPAD_WGT] ||
	    (uint64_t)nc * 12 + sizeof(struct dnpu_add_param) > sb[DNPU_SPAD_PARAM])
		return -1;

	/* output rows per tile: IN, ACC and OUT must hold a tile; fewer
	 * output channels per chunk when not even one row fits */
	int toh = 0;
	for (;;) {
		toh = l->oh;
		if (l->max_tile_rows > 0 && toh > l->max_tile_rows)
			toh = l->max_tile_rows;
		for (; toh > 0; toh--) {
			struct rows r = tile_rows(l, 0, toh);
			uint64_t px = (uint64_t)toh * l->ow;
			uint64_t in_need = (uint64_t)r.count * row_bytes;
			if (fuse)
				in_need = ((in_need + 63) & ~63ull) + px * nc;
			if (px <= 0xffff && in_need <= sb[DNPU_SPAD_IN] &&
			    (l->depthwise || px * nc * 4 <= sb[DNPU_SPAD_ACC]) &&
			    px * nc <= sb[DNPU_SPAD_OUT])
				break;
		}
		if (toh > 0 || l->depthwise || nc == 1)
			break;
		nc = nc > (int)cfg->cols ? nc - (int)cfg->cols : nc / 2;
	}
	if (toh == 0)
		return l->depthwise ? lower_dw_sliced(e, l, input) : -1;

	unsigned tile = 0;
	for (int n0 = 0; n0 < l->oc; n0 += nc) {
		int ncur = l->oc - n0 < nc ? l->oc - n0 : nc;
		bool first_of_chunk = true;

		/* device weight layout for this chunk */
		uint32_t w_off;
		if (l->depthwise) {
			w_off = place(&pl, l->weights, (uint32_t)(k * l->oc));
		} else {
			int8_t *dw = malloc((size_t)k * ncur);
			for (int i = 0; i < k; i++)
				for (int n = 0; n < ncur; n++)
					dw[i * ncur + n] = l->weights[(n0 + n) * k + i];
			w_off = place(&pl, dw, (uint32_t)(k * ncur));
			free(dw);
		}

		for (int oy0 = 0; oy0 < l->oh; oy0 += toh, tile++) {
			int th = l->oh - oy0 < toh ? l->oh - oy0 : toh;
			struct rows r = tile_rows(l, oy0, th);
			uint32_t wait = tile ? DNPU_CMD_POP_NEXT : 0;
			if (r.data <= 0)
				return -1;

			if (first_of_chunk) {
				cmd_load1(w, wait, 1, DNPU_SPAD_WGT, w_off, 0,
					  (uint32_t)(k * ncur));
				env_emit(e, w);
				cmd_load1(w, 0, 1, DNPU_SPAD_PARAM,
					  prm_off + (uint32_t)n0 * 12, 0,
					  (uint32_t)ncur * 12);
				env_emit(e, w);
				if (fuse) {
					cmd_load1(w, 0, 1, DNPU_SPAD_PARAM, add_off,
						  (uint32_t)nc * 12,
						  sizeof(struct dnpu_add_param));
					env_emit(e, w);
				}
				wait = 0;
				first_of_chunk = false;
			}
			int first_data = r.first + r.pad_before;
			uint32_t res_base = ((uint32_t)r.count * row_bytes + 63) & ~63u;
			cmd_dma(w, DNPU_OP_LOAD, wait | (fuse ? 0 : DNPU_CMD_PUSH_NEXT), 1,
				DNPU_SPAD_IN, l->in_zp,
				in_off + (uint32_t)(first_data * l->iw * l->ic), 0,
				(uint32_t)(l->iw * l->ic), (uint32_t)r.data,
				(uint32_t)(l->iw * l->ic), row_bytes, 1, 0, 0,
				DNPU_PAIR(l->pad_left * l->ic, pad_right * l->ic),
				DNPU_PAIR(r.pad_before, r.pad_after));
			env_emit(e, w);
			if (fuse) {
				/* residual tile: th*ow pixels x ncur channels */
				cmd_dma(w, DNPU_OP_LOAD, DNPU_CMD_PUSH_NEXT, 1,
					DNPU_SPAD_IN, 0,
					res_off + (uint32_t)((oy0 * l->ow) * l->oc + n0),
					res_base, (uint32_t)ncur,
					(uint32_t)(th * l->ow), (uint32_t)l->oc,
					(uint32_t)ncur, 1, 0, 0, 0, 0);
				env_emit(e, w);
			}

			uint32_t out_wait = tile ? DNPU_CMD_POP_NEXT : 0;
			uint32_t quant = DNPU_PPU_QUANT(l->out_zp, l->act_min,
							l->act_max);
			memset(w, 0, sizeof(w));
			if (l->depthwise) {
				w[0] = DNPU_CMD_W0(DNPU_OP_NMC_DWCONV,
						   DNPU_CMD_POP_PREV | out_wait |
						   DNPU_CMD_PUSH_PREV |
						   DNPU_CMD_PUSH_NEXT, 0);
				w[1] = DNPU_PAIR(th, l->ow);
				w[2] = DNPU_PAIR(l->oc, l->dm);
				w[3] = (uint32_t)l->kh | (uint32_t)l->kw << 8 |
				       (uint32_t)l->sh << 16 | (uint32_t)l->sw << 24;
				w[4] = (uint32_t)l->dh | (uint32_t)l->dw << 8;
				w[5] = DNPU_SPAD_IN | DNPU_SPAD_OUT << 8;
				w[6] = 0;
				w[7] = row_bytes;
				w[8] = 0;
				w[9] = 0;
				w[10] = (uint32_t)(l->ow * l->oc);
				w[11] = 0;
				w[12] = quant;
				env_emit(e, w);
			} else {
				w[0] = DNPU_CMD_W0(DNPU_OP_CONV, DNPU_CMD_POP_PREV, 0);
				w[1] = DNPU_PAIR(th, l->ow);
				w[2] = DNPU_PAIR(ncur, l->ic);
				w[3] = (uint32_t)l->kh | (uint32_t)l->kw << 8;
				w[4] = 0;
				w[5] = (uint32_t)(l->sw * l->ic);
				w[6] = (uint32_t)l->sh * row_bytes;
				w[7] = (uint32_t)(l->dw * l->ic);
				w[8] = (uint32_t)l->dh * row_bytes;
				w[9] = 0;
				w[10] = (uint32_t)ncur;
				w[11] = 0;
				w[12] = (uint32_t)ncur;
				env_emit(e, w);
				memset(w, 0, sizeof(w));
				w[0] = DNPU_CMD_W0(DNPU_OP_PPU, out_wait |
						   DNPU_CMD_PUSH_PREV |
						   DNPU_CMD_PUSH_NEXT,
						   fuse ? DNPU_PPU_F_FUSE_ADD : 0);
				w[1] = DNPU_PAIR(th * l->ow, ncur);
				w[2] = 0;
				w[3] = (uint32_t)ncur;
				w[4] = 0;
				w[5] = DNPU_SPAD_OUT;
				w[6] = 0;
				w[7] = (uint32_t)ncur;
				w[8] = quant;
				if (fuse) {
					w[9] = DNPU_SPAD_IN;
					w[10] = res_base;
					w[11] = (uint32_t)ncur;
					w[12] = (uint32_t)nc * 12;
				}
				env_emit(e, w);
			}
			cmd_dma(w, DNPU_OP_STORE,
				DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV, 2,
				DNPU_SPAD_OUT, 0,
				(uint32_t)((oy0 * l->ow) * l->oc + n0), 0,
				(uint32_t)ncur, (uint32_t)(th * l->ow),
				(uint32_t)ncur, (uint32_t)l->oc, 1, 0, 0, 0, 0);
			env_emit(e, w);
		}
	}
	cmd_simple(w, DNPU_OP_END, 0);
	env_emit(e, w);
	return 0;
}

void lower_add_params(float s1, int32_t zp1, float s2, int32_t zp2, float so,
		      int32_t zpo, int act, struct dnpu_add_param *p)
{
	int sh;
	memset(p, 0, sizeof(*p));
	p->in1_offset = -zp1;
	p->in2_offset = -zp2;
	p->out_offset = zpo;
	p->left_shift = 20;
	double twice_max = 2.0 * (double)(s1 > s2 ? s1 : s2);
	accel_quantize_multiplier((double)s1 / twice_max, &p->in1_mult, &sh);
	p->in1_shift = sh;
	accel_quantize_multiplier((double)s2 / twice_max, &p->in2_mult, &sh);
	p->in2_shift = sh;
	accel_quantize_multiplier(twice_max / ((double)(1 << 20) * (double)so),
				  &p->out_mult, &sh);
	p->out_shift = sh;
	lower_act_range(act, so, zpo, &p->act_min, &p->act_max);
}

/* generic single-buffered tile loop helpers */
static uint32_t tile_wait(unsigned t)
{
	return t ? DNPU_CMD_POP_NEXT : 0;
}

static void emit_store(struct env *e, uint32_t off, uint32_t len)
{
	uint32_t w[16];
	cmd_dma(w, DNPU_OP_STORE, DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV, 2,
		DNPU_SPAD_OUT, 0, off, 0, len, 1, 0, 0, 1, 0, 0, 0, 0);
	env_emit(e, w);
}

/*
 * DMA-only tile pipelines (LOAD into OUT, STORE from OUT): before tile t > 0
 * is loaded, the compute queue relays "STORE t-1 done" to the load queue.
 */
static void emit_relay(struct env *e, unsigned t)
{
	uint32_t w[16];
	if (!t)
		return;
	cmd_simple(w, DNPU_OP_SYNC, DNPU_CMD_POP_NEXT | DNPU_CMD_PUSH_PREV);
	env_emit(e, w);
}

static void emit_pass(struct env *e)
{
	uint32_t w[16];
	cmd_simple(w, DNPU_OP_SYNC, DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_NEXT);
	env_emit(e, w);
}

static void emit_end(struct env *e)
{
	uint32_t w[16];
	cmd_simple(w, DNPU_OP_END, 0);
	env_emit(e, w);
}

int lower_pad(struct env *e, int h, int w, int c, int pt, int pb, int pl,
	      int pr, int8_t padv, const int8_t *in)
{
	const struct dnpu_cmodel_config *cfg = dnpu_cmodel_config(e->m);
	uint32_t out_sz = cfg->spad_bytes[DNPU_SPAD_OUT];
	struct place p = { e, 0 };
	uint32_t cmd[16];
	int oh = pt + h + pb;
	uint32_t orow = (uint32_t)((pl + w + pr) * c);

	/* tiles of output rows x data columns; edge column tiles take the
	 * left/right padding */
	int cw = w;
	while (cw > 1 && (uint64_t)(pl + cw + pr) * c > out_sz)
		cw = (cw + 1) / 2;
	uint32_t trb_max = (uint32_t)((pl + cw + pr) * c);
	int rows = (int)(out_sz / trb_max);

	e->ncmd = 0;
	if (rows <= 0)
		return -1;
	uint32_t in_off = place(&p, in, (uint32_t)(h * w * c));
	/* rows with no data come from a constant row of pad bytes (a LOAD
	 * needs a data row to insert padding around) */
	int8_t *padrow = malloc(trb_max);
	memset(padrow, padv, trb_max);
	uint32_t pad_off = place(&p, padrow, trb_max);
	free(padrow);
	unsigned t = 0;
	for (int r0 = 0; r0 < oh; r0 += rows) {
		int n = oh - r0 < rows ? oh - r0 : rows;
		int d0 = r0 > pt ? r0 : pt;
		int d1 = r0 + n < pt + h ? r0 + n : pt + h;
		for (int x0 = 0; x0 < w; x0 += cw, t++) {
			int nx = w - x0 < cw ? w - x0 : cw;
			int left = x0 == 0 ? pl : 0;
			int right = x0 + nx == w ? pr : 0;
			uint32_t trb = (uint32_t)((left + nx + right) * c);
			uint32_t col = x0 == 0 ? 0 : (uint32_t)((pl + x0) * c);
			uint32_t dep = tile_wait(t) | DNPU_CMD_PUSH_NEXT;
			emit_relay(e, t);
			if (d1 > d0) {
				/* padding insertion straight into OUT */
				cmd_dma(cmd, DNPU_OP_LOAD, dep, 1, DNPU_SPAD_OUT,
					padv,
					in_off + (uint32_t)(((d0 - pt) * w + x0) * c),
					0, (uint32_t)(nx * c), (uint32_t)(d1 - d0),
					(uint32_t)(w * c), trb, 1, 0, 0,
					DNPU_PAIR(left * c, right * c),
					DNPU_PAIR(d0 - r0, r0 + n - d1));
			} else {
				cmd_dma(cmd, DNPU_OP_LOAD, dep, 1, DNPU_SPAD_OUT,
					0, pad_off, 0, trb, (uint32_t)n, 0, trb,
					1, 0, 0, 0, 0);
			}
			env_emit(e, cmd);
			emit_pass(e);
			cmd_dma(cmd, DNPU_OP_STORE,
				DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_PREV, 2,
				DNPU_SPAD_OUT, 0, (uint32_t)r0 * orow + col, 0, trb,
				(uint32_t)n, trb, orow, 1, 0, 0, 0, 0);
			env_emit(e, cmd);
		}
	}
	emit_end(e);
	return 0;
}

int lower_add(struct env *e, size_t n, int cols, const int8_t *a,
	      const int8_t *b, const struct dnpu_add_param *prm)
{
	const struct dnpu_cmodel_config *cfg = dnpu_cmodel_config(e->m);
	struct place p = { e, 0 };
	uint32_t w[16];
	size_t rows_total = n / (size_t)cols;
	uint32_t half = cfg->spad_bytes[DNPU_SPAD_IN] / 2;
	uint32_t rows = half / (uint32_t)cols;
	if (cfg->spad_bytes[DNPU_SPAD_OUT] / (uint32_t)cols < rows)
		rows = cfg->spad_bytes[DNPU_SPAD_OUT] / (uint32_t)cols;
	if (rows > 0xffff)
		rows = 0xffff;

	e->ncmd = 0;
	if (n % (size_t)cols || rows == 0 || cols > 0xffff)
		return -1;
	uint32_t a_off = place(&p, a, (uint32_t)n);
	uint32_t b_off = place(&p, b, (uint32_t)n);
	uint32_t prm_off = place(&p, prm, sizeof(*prm));
	cmd_load1(w, 0, 1, DNPU_SPAD_PARAM, prm_off, 0, sizeof(*prm));
	env_emit(e, w);
	unsigned t = 0;
	for (size_t r0 = 0; r0 < rows_total; r0 += rows, t++) {
		uint32_t nr = (uint32_t)(rows_total - r0 < rows ? rows_total - r0 : rows);
		uint32_t off = (uint32_t)(r0 * (size_t)cols), len = nr * (uint32_t)cols;
		cmd_load1(w, tile_wait(t), 1, DNPU_SPAD_IN, a_off + off, 0, len);
		env_emit(e, w);
		cmd_load1(w, DNPU_CMD_PUSH_NEXT, 1, DNPU_SPAD_IN, b_off + off, half, len);
		env_emit(e, w);
		memset(w, 0, sizeof(w));
		w[0] = DNPU_CMD_W0(DNPU_OP_NMC_ADD, DNPU_CMD_POP_PREV |
				   DNPU_CMD_PUSH_PREV | DNPU_CMD_PUSH_NEXT |
				   tile_wait(t), 0);
		w[1] = DNPU_PAIR(cols, nr);
		w[2] = DNPU_SPAD_IN | DNPU_SPAD_IN << 4 | DNPU_SPAD_OUT << 8;
		w[3] = 0; w[4] = (uint32_t)cols;
		w[5] = half; w[6] = (uint32_t)cols;
		w[7] = 0; w[8] = (uint32_t)cols;
		w[9] = 0;
		env_emit(e, w);
		emit_store(e, off, len);
	}
	emit_end(e);
	return 0;
}

int lower_mean(struct env *e, int h, int w, int c, const int8_t *in,
	       int32_t in_zp, int32_t out_zp, int32_t mult, int32_t shift,
	       uint32_t count)
{
	const struct dnpu_cmodel_config *cfg = dnpu_cmodel_config(e->m);
	struct place p = { e, 0 };
	uint32_t cmd[16];
	int cc = (int)(cfg->spad_bytes[DNPU_SPAD_IN] / (uint32_t)(h * w));

	e->ncmd = 0;
	if (cc == 0)
		return -1;
	if (cc > c)
		cc = c;
	uint32_t in_off = place(&p, in, (uint32_t)(h * w * c));
	unsigned t = 0;
	for (int c0 = 0; c0 < c; c0 += cc, t++) {
		int n = c - c0 < cc ? c - c0 : cc;
		/* gather the channel slice: h*w pixels of n channels */
		cmd_dma(cmd, DNPU_OP_LOAD, tile_wait(t) | DNPU_CMD_PUSH_NEXT, 1,
			DNPU_SPAD_IN, 0, in_off + (uint32_t)c0, 0, (uint32_t)n,
			(uint32_t)(h * w), (uint32_t)c, (uint32_t)n, 1, 0, 0, 0, 0);
		env_emit(e, cmd);
		memset(cmd, 0, sizeof(cmd));
		cmd[0] = DNPU_CMD_W0(DNPU_OP_NMC_MEAN, DNPU_CMD_POP_PREV |
				     DNPU_CMD_PUSH_PREV | DNPU_CMD_PUSH_NEXT |
				     tile_wait(t), 0);
		cmd[1] = DNPU_PAIR(h, w);
		cmd[2] = (uint32_t)n;
		cmd[3] = DNPU_SPAD_IN | DNPU_SPAD_OUT << 8;
		cmd[4] = 0;
		cmd[5] = (uint32_t)(w * n);
		cmd[6] = 0;
		cmd[7] = DNPU_PAIR((uint32_t)in_zp & 0xffff, (uint32_t)out_zp & 0xffff);
		cmd[8] = (uint32_t)mult;
		cmd[9] = (uint32_t)shift;
		cmd[10] = count;
		env_emit(e, cmd);
		emit_store(e, (uint32_t)c0, (uint32_t)n);
	}
	emit_end(e);
	return 0;
}

int lower_nchw_to_nhwc(struct env *e, int c, int h, int w, const int8_t *in)
{
	const struct dnpu_cmodel_config *cfg = dnpu_cmodel_config(e->m);
	struct place p = { e, 0 };
	uint32_t cmd[16];
	uint32_t plane = (uint32_t)(h * w), orow = (uint32_t)(w * c);
	int rows = (int)(cfg->spad_bytes[DNPU_SPAD_OUT] / orow);

	e->ncmd = 0;
	if (rows == 0)
		return -1;
	uint32_t in_off = place(&p, in, plane * (uint32_t)c);
	unsigned t = 0;
	for (int y0 = 0; y0 < h; y0 += rows, t++) {
		int n = h - y0 < rows ? h - y0 : rows;
		emit_relay(e, t);
		/* one byte per row: pixel x of channel z -> (x*c + z) */
		cmd_dma(cmd, DNPU_OP_LOAD, tile_wait(t) | DNPU_CMD_PUSH_NEXT, 1,
			DNPU_SPAD_OUT, 0, in_off + (uint32_t)y0 * (uint32_t)w, 0,
			1, (uint32_t)(n * w), 1, (uint32_t)c, (uint32_t)c, plane,
			1, 0, 0);
		env_emit(e, cmd);
		emit_pass(e);
		emit_store(e, (uint32_t)y0 * orow, (uint32_t)n * orow);
	}
	emit_end(e);
	return 0;
}

static int8_t requant(const struct conv_layer *l, int n, int32_t acc)
{
	if (l->bias)
		acc += l->bias[n];
	acc = accel_mbqm(acc, l->mult[n], l->shift[n]);
	acc += l->out_zp;
	acc = acc < l->act_min ? l->act_min : acc;
	acc = acc > l->act_max ? l->act_max : acc;
	return (int8_t)acc;
}

void ref_conv(const struct conv_layer *l, const int8_t *in, int8_t *out)
{
	for (int oy = 0; oy < l->oh; oy++)
		for (int ox = 0; ox < l->ow; ox++)
			for (int n = 0; n < l->oc; n++) {
				int32_t acc = 0;
				for (int ky = 0; ky < l->kh; ky++)
					for (int kx = 0; kx < l->kw; kx++) {
						int iy = oy * l->sh - l->pad_top + ky * l->dh;
						int ix = ox * l->sw - l->pad_left + kx * l->dw;
						if (iy < 0 || iy >= l->ih || ix < 0 || ix >= l->iw)
							continue;
						const int8_t *px = in + (iy * l->iw + ix) * l->ic;
						if (l->depthwise) {
							int32_t x = px[n / l->dm] - l->in_zp;
							acc += x * l->weights[(ky * l->kw + kx) * l->oc + n];
						} else {
							const int8_t *wr = l->weights +
								((n * l->kh + ky) * l->kw + kx) * l->ic;
							for (int c = 0; c < l->ic; c++)
								acc += (px[c] - l->in_zp) * wr[c];
						}
					}
				out[(oy * l->ow + ox) * l->oc + n] = requant(l, n, acc);
			}
}
