/* SPDX-License-Identifier: MIT */
/*
 * AVX-512 VNNI int8 GEMM. vpdpbusd multiplies unsigned by signed bytes and
 * adds groups of 4 into int32 without saturation, so it is exact: the
 * activations are biased to u8 (x + 128, a sign-bit flip) and the bias
 * carries -128 * sum(w) to undo it. 8 rows x 16 channels per register tile,
 * the requantization epilogue is the shared AVX2 one.
 */
#if defined(__x86_64__)
#include <string.h>

#include "kernels.h"
#include "simd_avx2.h"

#define VNNI __attribute__((target("avx2,avx512f,avx512bw,avx512vl,avx512vnni")))

VNNI static void rows_to_u8(const int8_t *a, size_t lda, int rows, int k,
			    int k4, uint8_t *dst)
{
	const __m512i flip = _mm512_set1_epi8((char)0x80);
	for (int r = 0; r < rows; r++) {
		const int8_t *src = a + (size_t)r * lda;
		uint8_t *d = dst + (size_t)r * k4;
		int i = 0;
		for (; i + 64 <= k; i += 64)
			_mm512_storeu_si512(d + i, _mm512_xor_si512(
				_mm512_loadu_si512(src + i), flip));
		for (; i < k; i++)
			d[i] = (uint8_t)(src[i] ^ 0x80);
		for (; i < k4; i++)
			d[i] = 0x80;
	}
}

static inline int32_t load_quad(const uint8_t *p)
{
	int32_t v;
	memcpy(&v, p, 4);
	return v;
}

VNNI static void tile_8x16(int k4q, const uint8_t *const *ap,
			   const int8_t *b, __m512i *acc)
{
	__m512i c0 = _mm512_setzero_si512(), c1 = c0, c2 = c0, c3 = c0;
	__m512i c4 = c0, c5 = c0, c6 = c0, c7 = c0;
	const uint8_t *a0 = ap[0], *a1 = ap[1], *a2 = ap[2], *a3 = ap[3];
	const uint8_t *a4 = ap[4], *a5 = ap[5], *a6 = ap[6], *a7 = ap[7];
	for (int q = 0; q < k4q; q++, b += 64) {
		__m512i w = _mm512_load_si512(b);
		int o = 4 * q;
		c0 = _mm512_dpbusd_epi32(c0, _mm512_set1_epi32(load_quad(a0 + o)), w);
		c1 = _mm512_dpbusd_epi32(c1, _mm512_set1_epi32(load_quad(a1 + o)), w);
		c2 = _mm512_dpbusd_epi32(c2, _mm512_set1_epi32(load_quad(a2 + o)), w);
		c3 = _mm512_dpbusd_epi32(c3, _mm512_set1_epi32(load_quad(a3 + o)), w);
		c4 = _mm512_dpbusd_epi32(c4, _mm512_set1_epi32(load_quad(a4 + o)), w);
		c5 = _mm512_dpbusd_epi32(c5, _mm512_set1_epi32(load_quad(a5 + o)), w);
		c6 = _mm512_dpbusd_epi32(c6, _mm512_set1_epi32(load_quad(a6 + o)), w);
		c7 = _mm512_dpbusd_epi32(c7, _mm512_set1_epi32(load_quad(a7 + o)), w);
	}
	acc[0] = c0; acc[1] = c1; acc[2] = c2; acc[3] = c3;
	acc[4] = c4; acc[5] = c5; acc[6] = c6; acc[7] = c7;
}

/* requantize 16 accumulators (channels c0..) and store @nc of them */
VNNI static inline void store16(const struct accel_gemm_s8 *g, __m512i acc,
				int c0, int nc, int8_t *o)
{
	const struct accel_requant *rq = &g->rq;
	const __m256i zp = _mm256_set1_epi32(rq->out_zp);
	const __m256i lo = _mm256_set1_epi32(rq->act_min);
	const __m256i hi = _mm256_set1_epi32(rq->act_max);
	__m256i v0 = avx2_requant8(_mm512_castsi512_si256(acc), g->bias_u8 + c0,
				   rq->mult + c0, rq->lshift + c0,
				   rq->rshift + c0, zp, lo, hi);
	__m256i v1 = avx2_requant8(_mm512_extracti64x4_epi64(acc, 1),
				   g->bias_u8 + c0 + 8, rq->mult + c0 + 8,
				   rq->lshift + c0 + 8, rq->rshift + c0 + 8, zp,
				   lo, hi);
	__m128i p = avx2_pack16(v0, v1, 1);
	if (nc == 16) {
		_mm_storeu_si128((__m128i *)o, p);
	} else {
		int8_t tmp[16];
		_mm_storeu_si128((__m128i *)tmp, p);
		memcpy(o, tmp, (size_t)nc);
	}
}

/*
 * One activation row (FULLY_CONNECTED, batch 1): stream the packed weights
 * once, four independent accumulator chains to hide vpdpbusd latency.
 */
VNNI static void gemv_row(const struct accel_gemm_s8 *g, const uint8_t *au,
			  int8_t *o)
{
	const int k4q = g->k4 / 4;
	for (int nb = 0; nb < g->n16 / 16; nb++) {
		const int8_t *b = g->wpack4 + (size_t)nb * k4q * 64;
		__m512i c0 = _mm512_setzero_si512(), c1 = c0, c2 = c0, c3 = c0;
		int q = 0;
		for (; q + 4 <= k4q; q += 4) {
			const int8_t *bq = b + (size_t)q * 64;
			c0 = _mm512_dpbusd_epi32(c0, _mm512_set1_epi32(load_quad(au + 4 * q)),
						 _mm512_load_si512(bq));
			c1 = _mm512_dpbusd_epi32(c1, _mm512_set1_epi32(load_quad(au + 4 * q + 4)),
						 _mm512_load_si512(bq + 64));
			c2 = _mm512_dpbusd_epi32(c2, _mm512_set1_epi32(load_quad(au + 4 * q + 8)),
						 _mm512_load_si512(bq + 128));
			c3 = _mm512_dpbusd_epi32(c3, _mm512_set1_epi32(load_quad(au + 4 * q + 12)),
						 _mm512_load_si512(bq + 192));
		}
		for (; q < k4q; q++)
			c0 = _mm512_dpbusd_epi32(c0, _mm512_set1_epi32(load_quad(au + 4 * q)),
						 _mm512_load_si512(b + (size_t)q * 64));
		__m512i acc = _mm512_add_epi32(_mm512_add_epi32(c0, c1),
					       _mm512_add_epi32(c2, c3));
		int c = nb * 16, nc = g->n - c < 16 ? g->n - c : 16;
		store16(g, acc, c, nc, o + c);
	}
}

void VNNI accel_gemm_s8_run_vnni(const struct accel_gemm_s8 *g, int m,
				 const int8_t *a, size_t lda, int8_t *out,
				 size_t ldo, void *scratch)
{
	const int k4 = g->k4, k4q = g->k4 / 4, n = g->n;
	const int mc = accel_gemm_s8_block_rows(g, m);
	uint8_t *au = (uint8_t *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63);
	const struct accel_requant *rq = &g->rq;
	const __m256i zp = _mm256_set1_epi32(rq->out_zp);
	const __m256i lo = _mm256_set1_epi32(rq->act_min);
	const __m256i hi = _mm256_set1_epi32(rq->act_max);

	if (m < 4) {
		for (int r = 0; r < m; r++) {
			rows_to_u8(a + (size_t)r * lda, lda, 1, g->k, k4, au);
			gemv_row(g, au, out + (size_t)r * ldo);
		}
		return;
	}
	for (int m0 = 0; m0 < m; m0 += mc) {
		int rows = m - m0 < mc ? m - m0 : mc;
		rows_to_u8(a + (size_t)m0 * lda, lda, rows, g->k, k4, au);
		for (int nb = 0; nb < g->n16 / 16; nb++) {
			const int8_t *b = g->wpack4 + (size_t)nb * k4q * 64;
			const int c0 = nb * 16;
			const int nc = n - c0 < 16 ? n - c0 : 16;
			for (int r = 0; r < rows; r += 8) {
				const uint8_t *ap[8];
				for (int i = 0; i < 8; i++) {
					int rr = r + i < rows ? r + i : rows - 1;
					ap[i] = au + (size_t)rr * k4;
				}
				__m512i acc[8];
				tile_8x16(k4q, ap, b, acc);
				for (int i = 0; i < 8 && r + i < rows; i++) {
					__m256i v0 = avx2_requant8(
						_mm512_castsi512_si256(acc[i]),
						g->bias_u8 + c0, rq->mult + c0,
						rq->lshift + c0, rq->rshift + c0,
						zp, lo, hi);
					__m256i v1 = avx2_requant8(
						_mm512_extracti64x4_epi64(acc[i], 1),
						g->bias_u8 + c0 + 8, rq->mult + c0 + 8,
						rq->lshift + c0 + 8, rq->rshift + c0 + 8,
						zp, lo, hi);
					__m128i p = avx2_pack16(v0, v1, 1);
					int8_t *o = out + (size_t)(m0 + r + i) * ldo + c0;
					if (nc == 16) {
						_mm_storeu_si128((__m128i *)o, p);
					} else {
						int8_t tmp[16];
						_mm_storeu_si128((__m128i *)tmp, p);
						memcpy(o, tmp, (size_t)nc);
					}
				}
			}
		}
	}
}
#endif
