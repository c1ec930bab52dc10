/* SPDX-License-Identifier: MIT */
/*
 * Scalar int32 fixed-point helpers with gemmlowp semantics (exp on negative
 * values, 1/(1+x), logistic), as TFLite's quantized SOFTMAX and LOGISTIC
 * reference kernels use them. A value with I integer bits is a raw int32
 * scaled by 2^(31-I).
 */
#ifndef ACCEL_FIXEDPOINT_H
#define ACCEL_FIXEDPOINT_H

#include <stdint.h>

#include "../quant.h"

static inline int32_t fp_mul(int32_t a, int32_t b) { return accel_srdhm(a, b); }

static inline int32_t fp_add(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t fp_sub(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a - (uint32_t)b);
}

/* gemmlowp SaturatingRoundingMultiplyByPOT for int32. */
static inline int32_t fp_sat_mul_pot(int32_t x, int exponent)
{
	if (exponent > 0) {
		int32_t thr = INT32_MAX >> exponent;
		if (x > thr)
			return INT32_MAX;
		if (x < -thr)
			return INT32_MIN;
		return (int32_t)((uint32_t)x << exponent);
	}
	if (exponent < 0)
		return accel_rdbpot(x, -exponent);
	return x;
}

/* Rescale from src to dst integer bits. */
static inline int32_t fp_rescale(int32_t x, int src_bits, int dst_bits)
{
	return fp_sat_mul_pot(x, src_bits - dst_bits);
}

static inline int32_t fp_rounding_half_sum(int32_t a, int32_t b)
{
	int64_t s = (int64_t)a + (int64_t)b;
	return (int32_t)((s + (s >= 0 ? 1 : -1)) / 2);
}

/* exp(x) for x in [-1/4, 0), 0 integer bits in and out. */
static inline int32_t fp_exp_quarter(int32_t a)
{
	const int32_t c_exp_m1_8 = 1895147668; /* exp(-1/8) */
	const int32_t c_1_3 = 715827883;       /* 1/3 */
	int32_t x = fp_add(a, 1 << 28);        /* a + 1/8 */
	int32_t x2 = fp_mul(x, x);
	int32_t x3 = fp_mul(x2, x);
	int32_t x4 = fp_mul(x2, x2);
	int32_t x4_4 = fp_sat_mul_pot(x4, -2);
	int32_t poly = fp_sat_mul_pot(
		fp_add(fp_mul(fp_add(x4_4, x3), c_1_3), x2), -1);
	return fp_add(c_exp_m1_8, fp_mul(c_exp_m1_8, fp_add(x, poly)));
}

/* exp(a) for a <= 0 given with @ibits integer bits; result 0 integer bits. */
static inline int32_t fp_exp_on_negative(int32_t a, int ibits)
{
	const int fbits = 31 - ibits;
	const int32_t one_quarter = (int32_t)1 << (fbits - 2);
	int32_t mask = one_quarter - 1;
	int32_t a_mod_q_minus_q = fp_sub(a & mask, one_quarter);
	int32_t result = fp_exp_quarter(fp_rescale(a_mod_q_minus_q, ibits, 0));
	int32_t remainder = fp_sub(a_mod_q_minus_q, a);
	static const int32_t mults[7] = { 1672461947, 1302514674, 790015084,
					  290630308, 39332535, 720401, 242 };
	for (int e = -2; e <= 4; e++) {
		if (ibits > e) {
			int sh = fbits + e;
			if (remainder & ((int32_t)1 << sh))
				result = fp_mul(result, mults[e + 2]);
		}
	}
	if (ibits > 5) {
		int32_t clamp = -((int32_t)1 << (36 - ibits));
		if (a < clamp)
			result = 0;
	}
	if (a == 0)
		result = INT32_MAX;
	return result;
}

/* 1/(1+x) for x in [0, 1), 0 integer bits in and out (Newton-Raphson). */
static inline int32_t fp_one_over_one_plus_x(int32_t a)
{
	int32_t half_den = fp_rounding_half_sum(a, INT32_MAX);
	const int32_t c48_17 = 1515870810, cm32_17 = -1010580540; /* 2 ibits */
	int32_t x = fp_add(c48_17, fp_mul(half_den, cm32_17));
	const int32_t one_f2 = 1 << 29;
	for (int i = 0; i < 3; i++) {
		int32_t hdx = fp_mul(half_den, x);
		int32_t one_minus = fp_sub(one_f2, hdx);
		x = fp_add(x, fp_rescale(fp_mul(x, one_minus), 4, 2));
	}
	/* ExactMulByPot<-1> turns 2 ibits into 1, then rescale to 0 */
	return fp_rescale(x, 1, 0);
}

/* gemmlowp logistic(a), a with @ibits integer bits; result 0 integer bits. */
static inline int32_t fp_logistic(int32_t a, int ibits)
{
	if (a == 0)
		return 1 << 30;
	int32_t abs_a = a > 0 ? a : (int32_t)(0u - (uint32_t)a);
	int32_t pos = fp_one_over_one_plus_x(
		fp_exp_on_negative((int32_t)(0u - (uint32_t)abs_a), ibits));
	return a > 0 ? pos : fp_sub(INT32_MAX, pos);
}

static inline int accel_clz32(uint32_t x) { return x ? __builtin_clz(x) : 32; }

/* TFLite GetReciprocal: 1/x for x > 0 with @ibits integer bits. x == 0 (a
 * softmax row where no input is within range: every output is the minimum
 * and the result is unused) gives 0 rather than shifting by 32. */
static inline int32_t fp_reciprocal(int32_t x, int ibits, int *num_bits_over_unit)
{
	if (x == 0) {
		*num_bits_over_unit = 0;
		return 0;
	}
	int headroom_plus_one = accel_clz32((uint32_t)x);
	*num_bits_over_unit = ibits - headroom_plus_one;
	int32_t shifted_minus_one =
		(int32_t)(((uint32_t)x << headroom_plus_one) - (1u << 31));
	return fp_one_over_one_plus_x(shifted_minus_one);
}

#endif /* ACCEL_FIXEDPOINT_H */
