/* SPDX-License-Identifier: MIT */
#include "quant.h"

#include <math.h>

void accel_quantize_multiplier(double real, int32_t *mult, int *shift)
{
	if (real == 0.0) {
		*mult = 0;
		*shift = 0;
		return;
	}
	int exp;
	double q = frexp(real, &exp);
	int64_t q_fixed = (int64_t)llround(q * (double)(1LL << 31));
	if (q_fixed == (1LL << 31)) {
		q_fixed /= 2;
		exp++;
	}
	if (exp < -31) {
		exp = 0;
		q_fixed = 0;
	}
	/* as TFLite/TFLM: larger shifts are clamped (single-rounding limit) */
	if (exp > 30) {
		exp = 30;
		q_fixed = (1LL << 31) - 1;
	}
	*mult = (int32_t)q_fixed;
	*shift = exp;
}

void accel_mean_multiplier(double in_scale, double out_scale, int64_t n,
			   int32_t *mult, int *shift)
{
	accel_quantize_multiplier(in_scale / out_scale, mult, shift);
	if (n <= 0)
		return;
	/* as many bits of 1/n as the 64-bit product and the shift allow */
	int sh = 63 - __builtin_clzll((unsigned long long)n);
	if (sh > 32)
		sh = 32;
	if (sh > 31 + *shift)
		sh = 31 + *shift;
	*mult = (int32_t)(((int64_t)*mult << sh) / n);
	*shift -= sh;
}
