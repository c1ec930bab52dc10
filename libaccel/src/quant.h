/* SPDX-License-Identifier: MIT */
/*
 * Fixed-point requantization arithmetic with TFLite reference semantics.
 * Shared by the CPU ops, the device compiler and the C functional model of
 * the hardware (whose PPU/NMC must match it bit for bit).
 */
#ifndef ACCEL_QUANT_H
#define ACCEL_QUANT_H

#include <stdint.h>

/* gemmlowp SaturatingRoundingDoublingHighMul. */
static inline int32_t accel_srdhm(int32_t a, int32_t b)
{
	if (a == INT32_MIN && b == INT32_MIN)
		return INT32_MAX;
	int64_t ab = (int64_t)a * (int64_t)b;
	int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
	return (int32_t)((ab + nudge) / (1LL << 31));
}

/* gemmlowp RoundingDivideByPOT: round half away from zero. */
static inline int32_t accel_rdbpot(int32_t x, int exponent)
{
	int32_t mask = (int32_t)((1LL << exponent) - 1);
	int32_t remainder = x & mask;
	int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
	return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/*
 * TFLite MultiplyByQuantizedMultiplier (the "double rounding" variant used
 * by the reference kernels). The left shift wraps like the int32 arithmetic
 * it mirrors instead of being undefined.
 */
static inline int32_t accel_mbqm(int32_t x, int32_t mult, int shift)
{
	int left = shift > 0 ? shift : 0;
	int right = shift > 0 ? 0 : -shift;
	return accel_rdbpot(accel_srdhm((int32_t)((uint32_t)x << left), mult),
			    right);
}

/* int32 addition that wraps like TFLite's (corrupted scales can get there)
 * instead of being undefined. */
static inline int32_t accel_add_wrap(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t accel_sub_wrap(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a - (uint32_t)b);
}

/*
 * TFLite QuantizeMultiplier: real multiplier -> Q31 mantissa and exponent.
 * A multiplier too small to represent becomes (0, 0) like TFLite's.
 */
void accel_quantize_multiplier(double real, int32_t *mult, int *shift);

/*
 * TFLite's int8 MEAN multiplier: in_scale / out_scale with the division by
 * the @n reduced elements folded in (TFLM QuantizedMeanOrSum), so that
 * mean = MBQM(sum(x - in_zp), mult, shift) + out_zp.
 */
void accel_mean_multiplier(double in_scale, double out_scale, int64_t n,
			   int32_t *mult, int *shift);

#endif /* ACCEL_QUANT_H */
