/* SPDX-License-Identifier: MIT */
/* Depthwise int8 convolution: packing, dispatch, portable C. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

static int rq_alloc(struct accel_requant *rq, int n)
{
	rq->bias = calloc((size_t)n + 1, sizeof(int32_t));
	rq->mult = calloc((size_t)n + 1, sizeof(int32_t));
	rq->lshift = calloc((size_t)n + 1, sizeof(int32_t));
	rq->rshift = calloc((size_t)n + 1, sizeof(int32_t));
	return rq->bias && rq->mult && rq->lshift && rq->rshift ? 0 : -1;
}

static void rq_free(struct accel_requant *rq)
{
	free(rq->bias);
	free(rq->mult);
	free(rq->lshift);
	free(rq->rshift);
	memset(rq, 0, sizeof(*rq));
}

/* Lane order of the AVX2 accumulators: lo = {0-3, 8-11}, hi = {4-7, 12-15}. */
static int lane_channel(int lane)
{
	int half = lane / 8, l = lane % 8;
	return (l < 4 ? l : l + 4) + half * 4;
}

int accel_dw_s8_prepare(struct accel_dw_s8 *d, const struct accel_dw_geom *g,
			const int8_t *w, const int32_t *bias,
			const int32_t *mult, const int32_t *shift, int nq,
			int32_t out_zp, int32_t act_min, int32_t act_max)
{
	memset(d, 0, sizeof(*d));
	d->g = *g;
	d->w = w;
	const int oc = g->in_c * g->depth_mult;
	const int taps = g->k_h * g->k_w;
	if (rq_alloc(&d->rq, oc))
		goto fail;
	for (int c = 0; c < oc; c++) {
		int q = nq > 1 ? c : 0;
		int32_t sum = 0;
		for (int t = 0; t < taps; t++)
			sum += w[(size_t)t * oc + c];
		/* zero-point folding; out-of-image taps read zp_row */
		d->rq.bias[c] = (bias ? bias[c] : 0) - g->in_zp * sum;
		d->rq.mult[c] = mult[q];
		d->rq.lshift[c] = shift[q] > 0 ? shift[q] : 0;
		d->rq.rshift[c] = shift[q] > 0 ? 0 : -shift[q];
	}
	d->rq.out_zp = out_zp;
	d->rq.act_min = act_min;
	d->rq.act_max = act_max;
	d->zp_row = malloc((size_t)g->in_c + 16);
	if (!d->zp_row)
		goto fail;
	memset(d->zp_row, (int8_t)g->in_zp, (size_t)g->in_c + 16);

	/* SIMD covers every channel: blocks of 16 output channels, the last
	 * one zero-padded (its extra lanes are computed and dropped) */
	d->c16 = taps <= 64 ? (oc + 15) & ~15 : 0;
	if (d->c16) {
		int pairs = (taps + 1) / 2;
		if (rq_alloc(&d->rqp, d->c16))
			goto fail;
		d->rqp.out_zp = out_zp;
		d->rqp.act_min = act_min;
		d->rqp.act_max = act_max;
		size_t np = (size_t)(d->c16 / 16) * pairs * 32;
		d->wpack = aligned_alloc(32, np * 2);
		if (!d->wpack)
			goto fail;
		for (int cb = 0; cb < d->c16 / 16; cb++) {
			for (int lane = 0; lane < 16; lane++) {
				int c = cb * 16 + lane_channel(lane);
				int pc = cb * 16 + lane;
				if (c >= oc)
					continue;
				d->rqp.bias[pc] = d->rq.bias[c];
				d->rqp.mult[pc] = d->rq.mult[c];
				d->rqp.lshift[pc] = d->rq.lshift[c];
				d->rqp.rshift[pc] = d->rq.rshift[c];
			}
			for (int p = 0; p < pairs; p++) {
				int16_t *blk = d->wpack + ((size_t)cb * pairs + p) * 32;
				/* unpacklo/hi of (x_t0, x_t1) give lanes
				 * [c, c] pairs in lane_channel order */
				for (int lane = 0; lane < 16; lane++) {
					int c = cb * 16 + lane_channel(lane);
					for (int t = 0; t < 2; t++) {
						int tap = 2 * p + t;
						blk[lane * 2 + t] = (int16_t)(tap < taps && c < oc ?
							w[(size_t)tap * oc + c] : 0);
					}
				}
			}
		}
	}
	/* 8 output channels from 8x1 or 1x8 (first layers of small nets): two
	 * output pixels share one 16-lane block */
	if (oc == 8 && taps <= 64 &&
	    ((g->in_c == 8 && g->depth_mult == 1) ||
	     (g->in_c == 1 && g->depth_mult == 8))) {
		int pairs = (taps + 1) / 2;
		if (rq_alloc(&d->rqdup, 16))
			goto fail;
		d->rqdup.out_zp = out_zp;
		d->rqdup.act_min = act_min;
		d->rqdup.act_max = act_max;
		d->wdup = aligned_alloc(32, (size_t)pairs * 64);
		if (!d->wdup)
			goto fail;
		for (int lane = 0; lane < 16; lane++) {
			int c = lane_channel(lane) % 8;
			d->rqdup.bias[lane] = d->rq.bias[c];
			d->rqdup.mult[lane] = d->rq.mult[c];
			d->rqdup.lshift[lane] = d->rq.lshift[c];
			d->rqdup.rshift[lane] = d->rq.rshift[c];
			for (int p = 0; p < pairs; p++)
				for (int t = 0; t < 2; t++) {
					int tap = 2 * p + t;
					d->wdup[p * 32 + lane * 2 + t] = (int16_t)(
						tap < taps ? w[(size_t)tap * oc + c] : 0);
				}
		}
	}
	/* VNNI: depth multiplier 1, whole 32-channel blocks, taps in quads */
	d->c32 = g->depth_mult == 1 && taps <= 64 ? (oc & ~31) : 0;
	if (d->c32) {
		int quads = (taps + 3) / 4;
		if (rq_alloc(&d->rq4, d->c32))
			goto fail;
		d->rq4.out_zp = out_zp;
		d->rq4.act_min = act_min;
		d->rq4.act_max = act_max;
		d->wpack4 = aligned_alloc(32, (size_t)(d->c32 / 32) * quads * 128);
		if (!d->wpack4)
			goto fail;
		for (int cb = 0; cb < d->c32; cb += 32) {
			for (int j = 0; j < 4; j++)
				for (int l = 0; l < 8; l++) {
					/* unpack lane order, see depthwise_s8_vnni.c */
					int c = cb + (l < 4 ? 4 * j + l : 16 + 4 * j + l - 4);
					int pc = cb + j * 8 + l;
					int32_t sum = 0;
					for (int t = 0; t < taps; t++)
						sum += w[(size_t)t * oc + c];
					d->rq4.bias[pc] = d->rq.bias[c] - 128 * sum;
					d->rq4.mult[pc] = d->rq.mult[c];
					d->rq4.lshift[pc] = d->rq.lshift[c];
					d->rq4.rshift[pc] = d->rq.rshift[c];
					for (int q = 0; q < quads; q++)
						for (int t = 0; t < 4; t++) {
							int tap = 4 * q + t;
							d->wpack4[((size_t)(cb / 32) * quads + q) * 128 +
								  j * 32 + l * 4 + t] =
								(int8_t)(tap < taps ? w[(size_t)tap * oc + c] : 0);
						}
				}
		}
	}
	return 0;
fail:
	accel_dw_s8_release(d);
	return -1;
}

void accel_dw_s8_release(struct accel_dw_s8 *d)
{
	rq_free(&d->rq);
	rq_free(&d->rqp);
	rq_free(&d->rq4);
	rq_free(&d->rqdup);
	free(d->wdup);
	d->wdup = NULL;
	free(d->wpack4);
	d->wpack4 = NULL;
	free(d->wpack);
	free(d->zp_row);
	d->wpack = NULL;
	d->zp_row = NULL;
}

ACCEL_OPTIMIZE_HOT
void accel_dw_s8_run_c(const struct accel_dw_s8 *d, const int8_t *in,
		       int8_t *out, int c_begin)
{
	const struct accel_dw_geom *g = &d->g;
	const int oc = g->in_c * g->depth_mult, M = g->depth_mult;
	int32_t *acc = malloc(sizeof(int32_t) * (size_t)oc);
	if (!acc)
		return;
	for (int b = 0; b < g->batches; b++) {
		const int8_t *inb = in + (size_t)b * g->in_h * g->in_w * g->in_c;
		for (int oy = 0; oy < g->out_h; oy++) {
			for (int ox = 0; ox < g->out_w; ox++) {
				int8_t *o = out + (((size_t)b * g->out_h + oy) *
						   g->out_w + ox) * oc;
				int iy0 = oy * g->stride_h - g->pad_top;
				int ix0 = ox * g->stride_w - g->pad_left;
				for (int c = c_begin; c < oc; c++)
					acc[c] = d->rq.bias[c];
				/* tap by tap, channels innermost (vectorizable);
				 * taps outside the image read the zero point,
				 * cancelled by the folded bias */
				for (int ky = 0; ky < g->k_h; ky++) {
					int iy = iy0 + ky * g->dil_h;
					for (int kx = 0; kx < g->k_w; kx++) {
						int ix = ix0 + kx * g->dil_w;
						const int8_t *wt = d->w + (size_t)(ky * g->k_w + kx) * oc;
						const int8_t *px = (iy >= 0 && iy < g->in_h &&
								    ix >= 0 && ix < g->in_w) ?
							inb + ((size_t)iy * g->in_w + ix) * g->in_c :
							d->zp_row;
						if (M == 1) {
							for (int c = c_begin; c < oc; c++)
								acc[c] += (int16_t)px[c] * (int16_t)wt[c];
						} else {
							for (int c = c_begin; c < oc; c++)
								acc[c] += (int32_t)px[c / M] * wt[c];
						}
					}
				}
				for (int c = c_begin; c < oc; c++)
					o[c] = (int8_t)accel_requant_one(&d->rq, c, acc[c]);
			}
		}
	}
	free(acc);
}

void accel_dw_s8_run(const struct accel_dw_s8 *d, const int8_t *in,
		     int8_t *out)
{
#if defined(__x86_64__)
	if (accel_kernels_isa() >= ACCEL_ISA_AVX2 && d->wdup) {
		accel_dw_s8_run_pairs8_avx2(d, in, out);
		return;
	}
	if (accel_kernels_isa() == ACCEL_ISA_AVX512VNNI && d->c32) {
		int done = accel_dw_s8_run_vnni(d, in, out);
		if (done < d->c16)
			accel_dw_s8_run_avx2(d, in, out, done);
		return;
	}
	if (accel_kernels_isa() >= ACCEL_ISA_AVX2 && d->c16) {
		accel_dw_s8_run_avx2(d, in, out, 0);
		return;
	}
#endif
	accel_dw_s8_run_c(d, in, out, 0);
}
