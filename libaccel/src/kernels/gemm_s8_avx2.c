/* SPDX-License-Identifier: MIT */
/*
 * AVX2 int8 GEMM: activations sign-extended to int16 per row block, weights
 * pre-packed as int16 pairs, vpmaddwd (exact int16*int16 -> int32, unlike
 * vpmaddubsw which saturates) into a 4 rows x 16 channels register tile,
 * then the vectorized bit-exact requantization epilogue.
 */
#if defined(__x86_64__)
#include <string.h>

#include "kernels.h"
#include "simd_avx2.h"

#define AVX2 __attribute__((target("avx2")))

AVX2 static void rows_to_s16(const int8_t *a, size_t lda, int rows, int k,
			     int kp, int16_t *dst)
{
	for (int r = 0; r < rows; r++) {
		const int8_t *src = a + (size_t)r * lda;
		int16_t *d = dst + (size_t)r * kp;
		int i = 0;
		for (; i + 16 <= k; i += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(src + i));
			_mm256_storeu_si256((__m256i *)(d + i),
					    _mm256_cvtepi8_epi16(v));
		}
		for (; i < k; i++)
			d[i] = src[i];
		for (; i < kp; i++)
			d[i] = 0;
	}
}

static inline int32_t load_pair(const int16_t *p)
{
	int32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* 4 rows x 16 channels over kp/2 k-pairs; acc[r*2 + half]. */
AVX2 static void tile_4x16(int kp2, const int16_t *a0, const int16_t *a1,
			   const int16_t *a2, const int16_t *a3,
			   const int16_t *b, __m256i acc[8])
{
	__m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00;
	__m256i c20 = c00, c21 = c00, c30 = c00, c31 = c00;
	for (int kk = 0; kk < kp2; kk++) {
		__m256i b0 = _mm256_load_si256((const __m256i *)b);
		__m256i b1 = _mm256_load_si256((const __m256i *)(b + 16));
		b += 32;
		__m256i x;
		x = _mm256_set1_epi32(load_pair(a0 + 2 * kk));
		c00 = _mm256_add_epi32(c00, _mm256_madd_epi16(x, b0));
		c01 = _mm256_add_epi32(c01, _mm256_madd_epi16(x, b1));
		x = _mm256_set1_epi32(load_pair(a1 + 2 * kk));
		c10 = _mm256_add_epi32(c10, _mm256_madd_epi16(x, b0));
		c11 = _mm256_add_epi32(c11, _mm256_madd_epi16(x, b1));
		x = _mm256_set1_epi32(load_pair(a2 + 2 * kk));
		c20 = _mm256_add_epi32(c20, _mm256_madd_epi16(x, b0));
		c21 = _mm256_add_epi32(c21, _mm256_madd_epi16(x, b1));
		x = _mm256_set1_epi32(load_pair(a3 + 2 * kk));
		c30 = _mm256_add_epi32(c30, _mm256_madd_epi16(x, b0));
		c31 = _mm256_add_epi32(c31, _mm256_madd_epi16(x, b1));
	}
	acc[0] = c00; acc[1] = c01; acc[2] = c10; acc[3] = c11;
	acc[4] = c20; acc[5] = c21; acc[6] = c30; acc[7] = c31;
}

static inline int32_t AVX2 hsum8(__m256i v)
{
	__m128i s = _mm_add_epi32(_mm256_castsi256_si128(v),
				  _mm256_extracti128_si256(v, 1));
	s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
	s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
	return _mm_cvtsi128_si32(s);
}

/*
 * One activation row (FULLY_CONNECTED with batch 1): a register tile would
 * waste 3/4 of its rows, and the weights are read once, so stream the
 * original int8 weights (half the bytes of the int16 packing), 4 channels
 * per pass sharing each activation load.
 */
AVX2 static void gemv_row(const struct accel_gemm_s8 *g, const int16_t *a16,
			  const int8_t *a8, int8_t *o)
{
	const int k = g->k, n = g->n;
	int c = 0;
	for (; c + 4 <= n; c += 4) {
		const int8_t *w0 = g->w + (size_t)c * k;
		__m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
		int i = 0;
		for (; i + 16 <= k; i += 16) {
			__m256i x = _mm256_loadu_si256((const __m256i *)(a16 + i));
#define W(j) _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w0 + (size_t)(j) * k + i)))
			s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(x, W(0)));
			s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(x, W(1)));
			s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(x, W(2)));
			s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(x, W(3)));
#undef W
		}
		int32_t acc[4] = { hsum8(s0), hsum8(s1), hsum8(s2), hsum8(s3) };
		for (; i < k; i++)
			for (int j = 0; j < 4; j++)
				acc[j] += (int32_t)a8[i] * w0[(size_t)j * k + i];
		for (int j = 0; j < 4; j++)
			o[c + j] = (int8_t)accel_requant_one(&g->rq, c + j,
							      acc[j] + g->rq.bias[c + j]);
	}
	for (; c < n; c++) {
		const int8_t *wr = g->w + (size_t)c * k;
		int32_t acc = 0;
		for (int i = 0; i < k; i++)
			acc += (int32_t)a8[i] * wr[i];
		o[c] = (int8_t)accel_requant_one(&g->rq, c, acc + g->rq.bias[c]);
	}
}

void AVX2 accel_gemm_s8_run_avx2(const struct accel_gemm_s8 *g, int m,
				 const int8_t *a, size_t lda, int8_t *out,
				 size_t ldo, void *scratch)
{
	const int kp = g->kp, kp2 = g->kp / 2, n = g->n;
	const int mc = accel_gemm_s8_block_rows(g, m);
	int16_t *a16 = (int16_t *)(((uintptr_t)scratch + 31) & ~(uintptr_t)31);
	const struct accel_requant *rq = &g->rq;
	const __m256i zp = _mm256_set1_epi32(rq->out_zp);
	const __m256i lo = _mm256_set1_epi32(rq->act_min);
	const __m256i hi = _mm256_set1_epi32(rq->act_max);

	if (m < 4) {
		for (int r = 0; r < m; r++) {
			rows_to_s16(a + (size_t)r * lda, lda, 1, g->k, kp, a16);
			gemv_row(g, a16, a + (size_t)r * lda, out + (size_t)r * ldo);
		}
		return;
	}
	for (int m0 = 0; m0 < m; m0 += mc) {
		int rows = m - m0 < mc ? m - m0 : mc;
		rows_to_s16(a + (size_t)m0 * lda, lda, rows, g->k, kp, a16);
		for (int nb = 0; nb < g->n16 / 16; nb++) {
			const int16_t *b = g->wpack + (size_t)nb * kp2 * 32;
			const int c0 = nb * 16;
			const int nc = n - c0 < 16 ? n - c0 : 16;
			for (int r = 0; r < rows; r += 4) {
				const int16_t *ap[4];
				for (int i = 0; i < 4; i++) {
					int rr = r + i < rows ? r + i : rows - 1;
					ap[i] = a16 + (size_t)rr * kp;
				}
				__m256i acc[8];
				tile_4x16(kp2, ap[0], ap[1], ap[2], ap[3], b, acc);
				for (int i = 0; i < 4 && r + i < rows; i++) {
					__m256i v0 = avx2_requant8(
						acc[2 * i], rq->bias + c0,
						rq->mult + c0, rq->lshift + c0,
						rq->rshift + c0, zp, lo, hi);
					__m256i v1 = avx2_requant8(
						acc[2 * i + 1], rq->bias + c0 + 8,
						rq->mult + c0 + 8,
						rq->lshift + c0 + 8,
						rq->rshift + c0 + 8, zp, lo, hi);
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
