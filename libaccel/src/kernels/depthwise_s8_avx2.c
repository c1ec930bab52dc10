/* SPDX-License-Identifier: MIT */
/*
 * AVX2 depthwise convolution: 16 output channels at a time, taps taken in
 * pairs and interleaved so one vpmaddwd adds two taps per channel exactly in
 * int32. Taps outside the image point at a row of the input zero point,
 * which the folded bias cancels (no edge special case). Blocks that are not
 * 16 whole input channels (channel tail, depth multiplier > 1) gather their
 * input bytes per tap into a small buffer first.
 */
#if defined(__x86_64__)
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "simd_avx2.h"

#define AVX2 __attribute__((target("avx2")))

void AVX2 accel_dw_s8_run_avx2(const struct accel_dw_s8 *d, const int8_t *in,
			       int8_t *out, int cb_begin)
{
	const struct accel_dw_geom *g = &d->g;
	const int C = g->in_c, taps = g->k_h * g->k_w, pairs = (taps + 1) / 2;
	const int OC = C * g->depth_mult, M = g->depth_mult;
	const int8_t *ptr[66];
	const int8_t *bp[66];
	int8_t gath[66][16];
	/* input channel of each output channel (depth multiplier > 1) */
	/* tap pointer arrays below hold 64 taps + padding; prepare selects
	 * these kernels only up to 64 taps. Entries the tap loop does not
	 * set point at the zero-point row. */
	if (taps > 64)
		return;
	for (int t = 0; t < 66; t++)
		ptr[t] = bp[t] = d->zp_row;
	int *ich = malloc(sizeof(int) * (size_t)(d->c16 + 16));
	if (!ich)
		return;
	for (int c = 0; c < d->c16 + 16; c++)
		ich[c] = c < OC ? c / M : 0;
	memset(gath, 0, sizeof(gath));
	const __m256i zp = _mm256_set1_epi32(d->rqp.out_zp);
	const __m256i lo = _mm256_set1_epi32(d->rqp.act_min);
	const __m256i hi = _mm256_set1_epi32(d->rqp.act_max);

	for (int b = 0; b < g->batches; b++) {
		const int8_t *inb = in + (size_t)b * g->in_h * g->in_w * C;
		for (int oy = 0; oy < g->out_h; oy++) {
			int iy0 = oy * g->stride_h - g->pad_top;
			for (int ox = 0; ox < g->out_w; ox++) {
				int ix0 = ox * g->stride_w - g->pad_left;
				int t = 0;
				for (int ky = 0; ky < g->k_h; ky++) {
					int iy = iy0 + ky * g->dil_h;
					for (int kx = 0; kx < g->k_w; kx++, t++) {
						int ix = ix0 + kx * g->dil_w;
						ptr[t] = (iy >= 0 && iy < g->in_h &&
							  ix >= 0 && ix < g->in_w) ?
							inb + ((size_t)iy * g->in_w + ix) * C :
							d->zp_row;
					}
				}
				ptr[taps] = d->zp_row; /* weight 0 pads odd taps */
				int8_t *o = out + (((size_t)b * g->out_h + oy) *
						   g->out_w + ox) * OC;
				for (int cb = cb_begin; cb < d->c16; cb += 16) {
					const int8_t *const *tp = ptr;
					int off = cb;
					int nc = OC - cb < 16 ? OC - cb : 16;
					/* 0: 16 bytes, 1: 8 bytes (8-channel tail),
					 * 2: one input channel broadcast, 3: gathered */
					int mode = 0;
					if (M == 1 && nc == 8)
						mode = 1;
					else if (C == 1)
						mode = 2;
					else if (M != 1 || nc < 16)
						mode = 3;
					if (mode == 2) {
						off = 0;
					} else if (mode == 3) {
						/* gather input channel (cb+l)/M per lane */
						for (int t = 0; t <= taps; t++) {
							if (M == 1) {
								memcpy(gath[t], ptr[t] + cb, (size_t)nc);
							} else {
								for (int l = 0; l < nc; l++)
									gath[t][l] = ptr[t][ich[cb + l]];
							}
							bp[t] = gath[t];
						}
						tp = bp;
						off = 0;
					}
					__m256i al = _mm256_setzero_si256();
					__m256i ah = al;
					const int16_t *w = d->wpack + (size_t)(cb / 16) * pairs * 32;
					for (int p = 0; p < pairs; p++, w += 32) {
						__m128i b0, b1;
						const int8_t *s0 = tp[2 * p] + off;
						const int8_t *s1 = tp[2 * p + 1] + off;
						if (mode == 1) {
							b0 = _mm_loadl_epi64((const __m128i *)s0);
							b1 = _mm_loadl_epi64((const __m128i *)s1);
						} else if (mode == 2) {
							b0 = _mm_set1_epi8(*s0);
							b1 = _mm_set1_epi8(*s1);
						} else {
							b0 = _mm_loadu_si128((const __m128i *)s0);
							b1 = _mm_loadu_si128((const __m128i *)s1);
						}
						__m256i x0 = _mm256_cvtepi8_epi16(b0);
						__m256i x1 = _mm256_cvtepi8_epi16(b1);
						al = _mm256_add_epi32(al, _mm256_madd_epi16(
							_mm256_unpacklo_epi16(x0, x1),
							_mm256_load_si256((const __m256i *)w)));
						ah = _mm256_add_epi32(ah, _mm256_madd_epi16(
							_mm256_unpackhi_epi16(x0, x1),
							_mm256_load_si256((const __m256i *)(w + 16))));
					}
					const struct accel_requant *rq = &d->rqp;
					__m256i vl = avx2_requant8(al, rq->bias + cb,
						rq->mult + cb, rq->lshift + cb,
						rq->rshift + cb, zp, lo, hi);
					__m256i vh = avx2_requant8(ah, rq->bias + cb + 8,
						rq->mult + cb + 8, rq->lshift + cb + 8,
						rq->rshift + cb + 8, zp, lo, hi);
					__m128i r = avx2_pack16(vl, vh, 0);
					if (nc == 16) {
						_mm_storeu_si128((__m128i *)(o + cb), r);
					} else {
						int8_t tmp[16];
						_mm_storeu_si128((__m128i *)tmp, r);
						memcpy(o + cb, tmp, (size_t)nc);
					}
				}
			}
		}
	}
	free(ich);
}

/* tap pointers of output pixel (oy, ox) */
static inline void tap_ptrs(const struct accel_dw_s8 *d, const int8_t *inb,
			    int oy, int ox, const int8_t **ptr)
{
	const struct accel_dw_geom *g = &d->g;
	int iy0 = oy * g->stride_h - g->pad_top, ix0 = ox * g->stride_w - g->pad_left;
	int t = 0;
	for (int ky = 0; ky < g->k_h; ky++) {
		int iy = iy0 + ky * g->dil_h;
		for (int kx = 0; kx < g->k_w; kx++, t++) {
			int ix = ix0 + kx * g->dil_w;
			ptr[t] = (iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w) ?
				inb + ((size_t)iy * g->in_w + ix) * g->in_c : d->zp_row;
		}
	}
	ptr[t] = d->zp_row;
}

/*
 * 8 output channels (8 input channels x1, or 1 input channel x8): lanes 0-7
 * are output pixel ox, lanes 8-15 pixel ox+1, so a 16-lane block is full.
 */
void AVX2 accel_dw_s8_run_pairs8_avx2(const struct accel_dw_s8 *d,
				      const int8_t *in, int8_t *out)
{
	const struct accel_dw_geom *g = &d->g;
	const int taps = g->k_h * g->k_w, pairs = (taps + 1) / 2;
	const int bcast = g->in_c == 1;
	const int8_t *pa[66], *pb[66];
	const struct accel_requant *rq = &d->rqdup;
	const __m256i zp = _mm256_set1_epi32(rq->out_zp);
	const __m256i lo = _mm256_set1_epi32(rq->act_min);
	const __m256i hi = _mm256_set1_epi32(rq->act_max);
	/* tap pointer arrays below hold 64 taps + padding; prepare selects
	 * these kernels only up to 64 taps. Entries the tap loop does not
	 * set point at the zero-point row. */
	if (taps > 64)
		return;
	for (int t = 0; t < 66; t++)
		pa[t] = pb[t] = d->zp_row;
	for (int b = 0; b < g->batches; b++) {
		const int8_t *inb = in + (size_t)b * g->in_h * g->in_w * g->in_c;
		for (int oy = 0; oy < g->out_h; oy++) {
			for (int ox = 0; ox < g->out_w; ox += 2) {
				int two = ox + 1 < g->out_w;
				tap_ptrs(d, inb, oy, ox, pa);
				tap_ptrs(d, inb, oy, two ? ox + 1 : ox, pb);
				__m256i al = _mm256_setzero_si256(), ah = al;
				const int16_t *w = d->wdup;
				for (int p = 0; p < pairs; p++, w += 32) {
					__m128i b0, b1;
					if (bcast) {
						b0 = _mm_unpacklo_epi64(_mm_set1_epi8(*pa[2 * p]),
									_mm_set1_epi8(*pb[2 * p]));
						b1 = _mm_unpacklo_epi64(_mm_set1_epi8(*pa[2 * p + 1]),
									_mm_set1_epi8(*pb[2 * p + 1]));
					} else {
						b0 = _mm_unpacklo_epi64(
							_mm_loadl_epi64((const __m128i *)pa[2 * p]),
							_mm_loadl_epi64((const __m128i *)pb[2 * p]));
						b1 = _mm_unpacklo_epi64(
							_mm_loadl_epi64((const __m128i *)pa[2 * p + 1]),
							_mm_loadl_epi64((const __m128i *)pb[2 * p + 1]));
					}
					__m256i x0 = _mm256_cvtepi8_epi16(b0);
					__m256i x1 = _mm256_cvtepi8_epi16(b1);
					al = _mm256_add_epi32(al, _mm256_madd_epi16(
						_mm256_unpacklo_epi16(x0, x1),
						_mm256_load_si256((const __m256i *)w)));
					ah = _mm256_add_epi32(ah, _mm256_madd_epi16(
						_mm256_unpackhi_epi16(x0, x1),
						_mm256_load_si256((const __m256i *)(w + 16))));
				}
				__m256i vl = avx2_requant8(al, rq->bias, rq->mult,
							   rq->lshift, rq->rshift, zp, lo, hi);
				__m256i vh = avx2_requant8(ah, rq->bias + 8, rq->mult + 8,
							   rq->lshift + 8, rq->rshift + 8, zp, lo, hi);
				__m128i r = avx2_pack16(vl, vh, 0);
				int8_t *o = out + (((size_t)b * g->out_h + oy) * g->out_w + ox) * 8;
				if (two)
					_mm_storeu_si128((__m128i *)o, r);
				else
					_mm_storel_epi64((__m128i *)o, r);
			}
		}
	}
}
#endif
