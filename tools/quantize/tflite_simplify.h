/* SPDX-License-Identifier: MIT */
/*
 * Float graph clean-up before quantization, for models exported by other
 * converters (e.g. MediaPipe's BlazeFace):
 *  - DEQUANTIZE ops whose input is a constant float16 tensor are folded
 *    into a float32 constant (the quantizer wants float32 weights);
 *  - a standalone RELU whose input comes from a CONV_2D,
 *    DEPTHWISE_CONV_2D, FULLY_CONNECTED or ADD without fused activation,
 *    and is read by nothing else, becomes that op's fused activation (one
 *    requantization instead of two; the float result is the same).
 */
#ifndef TFL_SIMPLIFY_H
#define TFL_SIMPLIFY_H

#include <stddef.h>

#include "tflite_model.h"

struct tfl_simplify_stats {
	int folded_dequantize;
	int fused_relu;
};

/* Rewrites @m in place (removed ops' tensors stay, unused). 0, or -1 with
 * @err set (out of memory, malformed constant). @st may be NULL. */
int tfl_simplify(struct tfl_model *m, struct tfl_simplify_stats *st,
		 char *err, size_t errlen);

/* IEEE half -> float (all cases: zero, subnormal, inf, NaN). */
float tfl_half_to_float(uint16_t h);

#endif /* TFL_SIMPLIFY_H */
