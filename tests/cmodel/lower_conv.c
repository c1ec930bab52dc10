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
	if ((uint64_t)at + len > ENV_A_SIZE)
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

	e->ncmd = 0;
	uint32_t in_off = place(&pl, input, (uint32_t)(l->ih * l->iw * l->ic));

	/* parameters: bias folded with the input zero point */
	uint8_t *prm = calloc((size_t)l->oc, 12);
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
		return -1;
	}
	if ((uint64_t)k * nc > sb[DNPU_SPAD_WGT])
		return -1;

	/* output rows per tile: IN, ACC and OUT must hold a tile */
	int toh = l->oh;
	if (l->max_tile_rows > 0 && toh > l->max_tile_rows)
		toh = l->max_tile_rows;
	for (; toh > 0; toh--) {
		struct rows r = tile_rows(l, 0, toh);
		uint64_t px = (uint64_t)toh * l->ow;
		if (px <= 0xffff &&
		    (uint64_t)r.count * row_bytes <= sb[DNPU_SPAD_IN] &&
		    (l->depthwise || px * nc * 4 <= sb[DNPU_SPAD_ACC]) &&
		    px * nc <= sb[DNPU_SPAD_OUT])
			break;
	}
	if (toh == 0)
		return -1;

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
				wait = 0;
				first_of_chunk = false;
			}
			int first_data = r.first + r.pad_before;
			cmd_dma(w, DNPU_OP_LOAD, wait | DNPU_CMD_PUSH_NEXT, 1,
				DNPU_SPAD_IN, l->in_zp,
				in_off + (uint32_t)(first_data * l->iw * l->ic), 0,
				(uint32_t)(l->iw * l->ic), (uint32_t)r.data,
				(uint32_t)(l->iw * l->ic), row_bytes, 1, 0, 0,
				DNPU_PAIR(l->pad_left * l->ic, pad_right * l->ic),
				DNPU_PAIR(r.pad_before, r.pad_after));
			env_emit(e, w);

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
						   DNPU_CMD_PUSH_NEXT, 0);
				w[1] = DNPU_PAIR(th * l->ow, ncur);
				w[2] = 0;
				w[3] = (uint32_t)ncur;
				w[4] = 0;
				w[5] = DNPU_SPAD_OUT;
				w[6] = 0;
				w[7] = (uint32_t)ncur;
				w[8] = quant;
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
