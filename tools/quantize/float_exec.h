/* SPDX-License-Identifier: MIT */
/*
 * Minimal float32 reference executor for the toolchain: runs a float TFLite
 * graph (tflite_model.h) so the quantizer can calibrate activation ranges
 * and measure quantization error. Supports CONV_2D, DEPTHWISE_CONV_2D,
 * FULLY_CONNECTED, MAX/AVERAGE_POOL_2D, RESHAPE, SOFTMAX, ADD (same
 * shapes), PAD (zeros), CONCATENATION and RELU, with fused NONE/RELU/RELU6. Straightforward loops: a reference, not a fast path.
 */
#ifndef FLOAT_EXEC_H
#define FLOAT_EXEC_H

#include <stddef.h>

#include "tflite_model.h"

/* Called after @tensor was produced; may modify the values in place
 * (the quantizer uses it to record ranges or to fake-quantize). */
typedef void (*fexec_hook)(void *ctx, int tensor, float *data, size_t n);

struct fexec {
	const struct tfl_model *m;
	float **val;            /* per tensor: activation storage or NULL */
	const float **cval;     /* per tensor: readable values (consts too) */
	fexec_hook hook;
	void *hook_ctx;
};

/* Check that every op is supported and every tensor float32 (int32 for
 * the RESHAPE shape input), allocate activations. 0 or -1 with @err. */
int fexec_init(struct fexec *e, const struct tfl_model *m, char *err,
	       size_t errlen);
void fexec_free(struct fexec *e);

/* Run with @input (elements of the graph's first input). 0 or -1. */
int fexec_run(struct fexec *e, const float *input, char *err, size_t errlen);

/* Values of @tensor after the last run (constants always). */
const float *fexec_tensor(const struct fexec *e, int tensor);

#endif /* FLOAT_EXEC_H */
