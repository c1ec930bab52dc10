/* SPDX-License-Identifier: MIT */
/* AVX2 int8 ADD/SUB, 16 elements per step, bit-exact with the C version. */
#if defined(__x86_64__)
#include "kernels.h"
#include "simd_avx2.h"

#define AVX2 __attribute__((target("avx2")))

/* Returns how many elements it handled (a multiple of 16). */
size_t AVX2 accel_addsub_s8_avx2(const struct accel_addsub_s8 *p,
				 const int8_t *a, const int8_t *b, int8_t *out,
				 size_t n)
{
	const __m256i off1 = _mm256_set1_epi32(p->in1_off);
	const __m256i off2 = _mm256_set1_epi32(p->in2_off);
	const __m256i m1 = _mm256_set1_epi32(p->m1), m2 = _mm256_set1_epi32(p->m2);
	const __m256i mo = _mm256_set1_epi32(p->mo);
	const __m256i l1 = _mm256_set1_epi32(p->s1 > 0 ? p->s1 : 0);
	const __m256i r1 = _mm256_set1_epi32(p->s1 > 0 ? 0 : -p->s1);
	const __m256i l2 = _mm256_set1_epi32(p->s2 > 0 ? p->s2 : 0);
	const __m256i r2 = _mm256_set1_epi32(p->s2 > 0 ? 0 : -p->s2);
	const __m256i lo_ = _mm256_set1_epi32(p->so > 0 ? p->so : 0);
	const __m256i ro = _mm256_set1_epi32(p->so > 0 ? 0 : -p->so);
	const __m256i zp = _mm256_set1_epi32(p->out_zp);
	const __m256i vmin = _mm256_set1_epi32(p->act_min);
	const __m256i vmax = _mm256_set1_epi32(p->act_max);
	const __m128i ls = _mm_cvtsi32_si128(p->left_shift);
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		__m128i xa = _mm_loadu_si128((const __m128i *)(a + i));
		__m128i xb = _mm_loadu_si128((const __m128i *)(b + i));
		__m256i r[2];
		for (int h = 0; h < 2; h++) {
			__m128i ha = h ? _mm_srli_si128(xa, 8) : xa;
			__m128i hb = h ? _mm_srli_si128(xb, 8) : xb;
			__m256i va = _mm256_sll_epi32(
				_mm256_add_epi32(_mm256_cvtepi8_epi32(ha), off1), ls);
			__m256i vb = _mm256_sll_epi32(
				_mm256_add_epi32(_mm256_cvtepi8_epi32(hb), off2), ls);
			__m256i sa = avx2_mbqm(va, m1, l1, r1);
			__m256i sb = avx2_mbqm(vb, m2, l2, r2);
			__m256i s = p->sub ? _mm256_sub_epi32(sa, sb) :
					     _mm256_add_epi32(sa, sb);
			__m256i v = _mm256_add_epi32(avx2_mbqm(s, mo, lo_, ro), zp);
			r[h] = _mm256_min_epi32(_mm256_max_epi32(v, vmin), vmax);
		}
		_mm_storeu_si128((__m128i *)(out + i), avx2_pack16(r[0], r[1], 1));
	}
	return i;
}
#endif
