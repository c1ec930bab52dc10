/* SPDX-License-Identifier: MIT */
/*
 * Random one-op int8 test models (shapes, strides, padding, dilation,
 * channels, per-channel scales, activations...) built with tflite_writer,
 * with random input data. Shared by the TFLite sweep and the ISA test.
 */
#ifndef OPGEN_H
#define OPGEN_H

#include <stddef.h>
#include <stdint.h>

enum opgen_kind {
	GEN_CONV, GEN_DEPTHWISE, GEN_FC, GEN_ADD, GEN_SUB, GEN_MUL,
	GEN_AVGPOOL, GEN_MAXPOOL, GEN_PAD, GEN_TRANSPOSE, GEN_CONCAT,
	GEN_RESHAPE, GEN_QUANTIZE, GEN_DEQUANTIZE, GEN_RELU, GEN_RELU6,
	GEN_SOFTMAX, GEN_LOGISTIC, GEN_MEAN,
	/* float32 versions, integer-valued data so every sum is exact */
	GEN_F_CONV, GEN_F_DEPTHWISE, GEN_F_FC, GEN_F_ADD, GEN_F_MUL,
	GEN_F_MAXPOOL, GEN_F_PAD, GEN_F_RESHAPE,
	GEN_COUNT
};

struct opgen_case {
	char desc[256];
	uint8_t *model;
	size_t size;
	int n_in;
	void *in[2];
	size_t in_bytes[2];
	size_t out_bytes;
	int out_is_float;
};

const char *opgen_name(enum opgen_kind k);

/* Build case @seed of @kind; @big allows larger shapes. 0 or -1. */
int opgen_make(enum opgen_kind kind, uint32_t seed, int big,
	       struct opgen_case *c);
void opgen_free(struct opgen_case *c);

#endif /* OPGEN_H */
