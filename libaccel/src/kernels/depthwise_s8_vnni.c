/* SPDX-License-Identifier: MIT */
/*
 * AVX-512 VNNI (256-bit, AVX512VL) depthwise convolution, depth multiplier
 * 1, 32 channels per block: four taps are byte-interleaved per channel with
 * unpacks so one vpdpbusd adds four taps x 8 channels exactly (activations
 * biased to u8, the bias carries -128 * sum(w)). The unpacks work per
 * 128-bit lane, so accumulator j holds channels {4j..4j+3, 16+4j..16+4j+3};
 * weights and requantization parameters are packed in that order and the
 * final packs restore natural order. Returns the channels it covered.
 */
#if defined(__x86_64__)
#include "kernels.h"
#include "simd_avx2.h"

#define VNNI __attribute__((target("avx2,avx512f,avx512bw,avx512vl,avx512vnni")))

int VNNI accel_dw_s8_run_vnni(const struct accel_dw_s8 *d, const int8_t *in,
			      int8_t *out)
{
	const struct accel_dw_geom *g = &d->g;
	const int C = g->in_c, taps = g->k_h * g->k_w, quads = (taps + 3) / 4;
	const int8_t *ptr[68];
	const __m256i flip = _mm256_set1_epi8((char)0x80);
	const struct accel_requant *rq = &d->rq4;
	const __m256i zp = _mm256_set1_epi32(rq->out_zp);
	const __m256i lo = _mm256_set1_epi32(rq->act_min);
	const __m256i hi = _mm256_set1_epi32(rq->act_max);

	/* tap pointer arrays below hold 64 taps + padding; prepare selects
	 * these kernels only up to 64 taps. Entries the tap loop does not
	 * set point at the zero-point row. */
	if (taps > 64)
		return 0;
	for (int t = 0; t < 68; t++)
		ptr[t] = d->zp_row;
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
				for (; t < 4 * quads; t++)
					ptr[t] = d->zp_row; /* zero weights */
				int8_t *o = out + (((size_t)b * g->out_h + oy) *
						   g->out_w + ox) * C;
				for (int cb = 0; cb < d->c32; cb += 32) {
					__m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
					const int8_t *w = d->wpack4 + (size_t)(cb / 32) * quads * 128;
					for (int q = 0; q < quads; q++, w += 128) {
						__m256i x0 = _mm256_loadu_si256((const __m256i *)(ptr[4 * q] + cb));
						__m256i x1 = _mm256_loadu_si256((const __m256i *)(ptr[4 * q + 1] + cb));
						__m256i x2 = _mm256_loadu_si256((const __m256i *)(ptr[4 * q + 2] + cb));
						__m256i x3 = _mm256_loadu_si256((const __m256i *)(ptr[4 * q + 3] + cb));
						__m256i t01l = _mm256_unpacklo_epi8(x0, x1);
						__m256i t01h = _mm256_unpackhi_epi8(x0, x1);
						__m256i t23l = _mm256_unpacklo_epi8(x2, x3);
						__m256i t23h = _mm256_unpackhi_epi8(x2, x3);
						__m256i q0 = _mm256_xor_si256(_mm256_unpacklo_epi16(t01l, t23l), flip);
						__m256i q1 = _mm256_xor_si256(_mm256_unpackhi_epi16(t01l, t23l), flip);
						__m256i q2 = _mm256_xor_si256(_mm256_unpacklo_epi16(t01h, t23h), flip);
						__m256i q3 = _mm256_xor_si256(_mm256_unpackhi_epi16(t01h, t23h), flip);
						a0 = _mm256_dpbusd_epi32(a0, q0, _mm256_load_si256((const __m256i *)w));
						a1 = _mm256_dpbusd_epi32(a1, q1, _mm256_load_si256((const __m256i *)(w + 32)));
						a2 = _mm256_dpbusd_epi32(a2, q2, _mm256_load_si256((const __m256i *)(w + 64)));
						a3 = _mm256_dpbusd_epi32(a3, q3, _mm256_load_si256((const __m256i *)(w + 96)));
					}
					__m256i r0 = avx2_requant8(a0, rq->bias + cb, rq->mult + cb,
						rq->lshift + cb, rq->rshift + cb, zp, lo, hi);
					__m256i r1 = avx2_requant8(a1, rq->bias + cb + 8, rq->mult + cb + 8,
						rq->lshift + cb + 8, rq->rshift + cb + 8, zp, lo, hi);
					__m256i r2 = avx2_requant8(a2, rq->bias + cb + 16, rq->mult + cb + 16,
						rq->lshift + cb + 16, rq->rshift + cb + 16, zp, lo, hi);
					__m256i r3 = avx2_requant8(a3, rq->bias + cb + 24, rq->mult + cb + 24,
						rq->lshift + cb + 24, rq->rshift + cb + 24, zp, lo, hi);
					/* lane0: 0-7 | 8-15, lane1: 16-23 | 24-31 */
					__m256i p01 = _mm256_packs_epi32(r0, r1);
					__m256i p23 = _mm256_packs_epi32(r2, r3);
					_mm256_storeu_si256((__m256i *)(o + cb),
							    _mm256_packs_epi16(p01, p23));
				}
			}
		}
	}
	return d->c32;
}
#endif
