/* SPDX-License-Identifier: MIT */
/*
 * conv_layer (lower_conv.h) from a CONV_2D / DEPTHWISE_CONV_2D operator of a
 * .tflite image read with tflite_mini: shapes, options, weights, bias and
 * TFLM-style per-channel quantization.
 */
#ifndef LOWER_TFLITE_H
#define LOWER_TFLITE_H

#include "lower_conv.h"
#include "tflite_mini.h"

#define TFL_OP_AVERAGE_POOL_2D		1
#define TFL_OP_CONV_2D			3
#define TFL_OP_DEPTHWISE_CONV_2D	4

struct tfl_layer {
	struct conv_layer l;
	int batch;
	size_t in_bytes, out_bytes;	/* per image */
	int32_t *bias, *mult, *shift;	/* owned */
};

/* 0, or -1 with a reason in @why for an op the lowering does not take. */
int tfl_layer_get(const struct tfl_model *m, const struct tfl_op *op,
		  struct tfl_layer *t, const char **why);
void tfl_layer_free(struct tfl_layer *t);

#endif /* LOWER_TFLITE_H */
