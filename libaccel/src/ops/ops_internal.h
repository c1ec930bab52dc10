/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the CPU operator implementations in ops/.
 * Internal to libaccel.
 */
#ifndef ACCEL_OPS_INTERNAL_H
#define ACCEL_OPS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../model.h"
#include "../quant.h"
#include "ops.h"

/* Report a prepare/eval failure naming the op; always returns -1. */
int accel_op_fail(const struct accel_op *op, char *err, size_t errlen,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define OP_CHECK(cond, ...)                                                  \
	do {                                                                  \
		if (!(cond))                                                  \
			return accel_op_fail(op, err, errlen, __VA_ARGS__);   \
	} while (0)

/* Tensor @i of the op's inputs / outputs, NULL when absent (-1). */
static inline struct accel_tensor *op_in(struct accel_model *m,
					 const struct accel_op *op, int i)
{
	if (i >= op->n_inputs || op->inputs[i] < 0 ||
	    op->inputs[i] >= m->n_tensors)
		return NULL;
	return &m->tensors[op->inputs[i]];
}

static inline struct accel_tensor *op_out(struct accel_model *m,
					  const struct accel_op *op, int i)
{
	if (i >= op->n_outputs || op->outputs[i] < 0 ||
	    op->outputs[i] >= m->n_tensors)
		return NULL;
	return &m->tensors[op->outputs[i]];
}

/* Data of a tensor; constant tensors may be read before ->data is set. */
static inline const void *tdata(const struct accel_tensor *t)
{
	return t->data ? t->data : t->const_data;
}

static inline float qscale(const struct accel_tensor *t)
{
	return t->q.count > 0 ? t->q.scale[0] : 0.0f;
}

static inline int32_t qzp(const struct accel_tensor *t)
{
	return t->q.count > 0 ? (int32_t)t->q.zero_point[0] : 0;
}

/* Dimension @i counted from the innermost (0 = last). */
static inline int32_t dim_from_end(const struct accel_tensor *t, int i)
{
	return i < t->rank ? t->dims[t->rank - 1 - i] : 1;
}

static inline int32_t clamp_i32(int32_t v, int32_t lo, int32_t hi)
{
	return v < lo ? lo : (v > hi ? hi : v);
}

/*
 * TFLite CalculateActivationRangeQuantized for an output of the given
 * type range. Returns -1 for activations that have no quantized form.
 */
int accel_act_range_q(enum accel_act act, float scale, int32_t zp,
		      int32_t qmin, int32_t qmax, int32_t *lo, int32_t *hi);

/*
 * TFLite ActivationFunctionWithMinMax: std::min(std::max(x, lo), hi), which
 * keeps x (e.g. -0.0) unless it is strictly outside the range.
 */
static inline float act_clamp_f(float x, float lo, float hi)
{
	float v = x < lo ? lo : x;
	return hi < v ? hi : v;
}

/* TFLite CalculateActivationRange for float outputs. */
void accel_act_range_f(enum accel_act act, float *lo, float *hi);

/* TFLite ComputeOutSize / ComputePaddingHeightWidth, one dimension. */
int accel_conv_out_size(enum accel_padding pad, int in, int filter,
			int stride, int dilation);
int accel_conv_pad_before(int in, int filter, int stride, int dilation,
			  int out);

/* Per-op prepare/eval entry points, one pair per builtin. */
#define ACCEL_DECLARE_OP(name)                                                \
	int accel_prepare_##name(struct accel_model *m, struct accel_op *op,  \
				 char *err, size_t errlen);                   \
	int accel_eval_##name(struct accel_model *m, struct accel_op *op,     \
			      char *err, size_t errlen)

ACCEL_DECLARE_OP(conv2d);
ACCEL_DECLARE_OP(depthwise_conv);
ACCEL_DECLARE_OP(fully_connected);
ACCEL_DECLARE_OP(add);
ACCEL_DECLARE_OP(sub);
ACCEL_DECLARE_OP(mul);
ACCEL_DECLARE_OP(avg_pool);
ACCEL_DECLARE_OP(max_pool);
ACCEL_DECLARE_OP(mean);
ACCEL_DECLARE_OP(pad);
ACCEL_DECLARE_OP(reshape);
ACCEL_DECLARE_OP(transpose);
ACCEL_DECLARE_OP(concatenation);
ACCEL_DECLARE_OP(softmax);
ACCEL_DECLARE_OP(logistic);
ACCEL_DECLARE_OP(quantize);
ACCEL_DECLARE_OP(dequantize);
ACCEL_DECLARE_OP(svdf);
ACCEL_DECLARE_OP(relu);
ACCEL_DECLARE_OP(relu6);

/* Prepared state header: every op's user_data starts with this. */
struct accel_op_state {
	size_t scratch_bytes;   /* reported by accel_cpu_op_scratch_bytes */
	void (*release)(void *state); /* extra cleanup, may be NULL */
};

/* Allocate zeroed per-op state of @size bytes and attach it to @op. */
void *accel_op_state_new(struct accel_op *op, size_t size);

#endif /* ACCEL_OPS_INTERNAL_H */
