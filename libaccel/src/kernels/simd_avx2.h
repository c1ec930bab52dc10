/* SPDX-License-Identifier: MIT */
/*
 * AVX2 helpers shared by the kernels; only included from files whose
 * functions carry __attribute__((target("avx2"))).
 */
#ifndef ACCEL_SIMD_AVX2_H
#define ACCEL_SIMD_AVX2_H

#include <immintrin.h>
#include <stdint.h>

#define AVX2_FN static inline __attribute__((target("avx2"), always_inline))

/*
 * MultiplyByQuantizedMultiplier on 8 lanes, bit-exact: left shift, then
 * SaturatingRoundingDoublingHighMul (positive multiplier, so it equals
 * floor((x*m + 2^30) / 2^31); the low 32 bits of a logical 64-bit shift
 * are the same as of an arithmetic one), then RoundingDivideByPOT.
 */
AVX2_FN __m256i avx2_mbqm(__m256i x, __m256i mult, __m256i lsh, __m256i rsh)
{
	const __m256i half = _mm256_set1_epi64x(1LL << 30);
	const __m256i one = _mm256_set1_epi32(1);
	x = _mm256_sllv_epi32(x, lsh);
	__m256i pe = _mm256_add_epi64(_mm256_mul_epi32(x, mult), half);
	__m256i po = _mm256_add_epi64(
		_mm256_mul_epi32(_mm256_srli_epi64(x, 32),
				 _mm256_srli_epi64(mult, 32)), half);
	__m256i h = _mm256_blend_epi32(_mm256_srli_epi64(pe, 31),
				       _mm256_slli_epi64(po, 1), 0xAA);
	__m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, rsh), one);
	__m256i rem = _mm256_and_si256(h, mask);
	__m256i thr = _mm256_add_epi32(_mm256_srai_epi32(mask, 1),
				       _mm256_srli_epi32(h, 31));
	__m256i r = _mm256_srav_epi32(h, rsh);
	return _mm256_sub_epi32(r, _mm256_cmpgt_epi32(rem, thr));
}

/* acc + bias -> requantized, zero point added, clamped (still int32). */
AVX2_FN __m256i avx2_requant8(__m256i acc, const int32_t *bias,
			      const int32_t *mult, const int32_t *lsh,
			      const int32_t *rsh, __m256i zp, __m256i lo,
			      __m256i hi)
{
	acc = _mm256_add_epi32(acc, _mm256_loadu_si256((const __m256i *)bias));
	__m256i v = avx2_mbqm(acc, _mm256_loadu_si256((const __m256i *)mult),
			      _mm256_loadu_si256((const __m256i *)lsh),
			      _mm256_loadu_si256((const __m256i *)rsh));
	v = _mm256_add_epi32(v, zp);
	return _mm256_min_epi32(_mm256_max_epi32(v, lo), hi);
}

/*
 * Two int32 vectors already within int8 range -> 16 int8. @lo holds lanes
 * {0-3, 8-11} and @hi {4-7, 12-15} of the 16 outputs ("interleaved"), or
 * with @natural lo = 0-7, hi = 8-15.
 */
AVX2_FN __m128i avx2_pack16(__m256i lo, __m256i hi, int natural)
{
	__m256i p = _mm256_packs_epi32(lo, hi);
	if (natural)
		p = _mm256_permute4x64_epi64(p, 0xD8);
	p = _mm256_packs_epi16(p, p);
	p = _mm256_permute4x64_epi64(p, 0x08);
	return _mm256_castsi256_si128(p);
}

#endif /* ACCEL_SIMD_AVX2_H */
