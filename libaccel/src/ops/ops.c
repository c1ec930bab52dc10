/* SPDX-License-Identifier: MIT */
/* CPU operator layer: dispatch by builtin code and shared helpers. */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "ops_internal.h"

struct op_entry {
	int opcode;
	int (*prepare)(struct accel_model *, struct accel_op *, char *, size_t);
	int (*eval)(struct accel_model *, struct accel_op *, char *, size_t);
};

static const struct op_entry op_table[] = {
	{ ACCEL_OP_ADD, accel_prepare_add, accel_eval_add },
	{ ACCEL_OP_AVERAGE_POOL_2D, accel_prepare_avg_pool, accel_eval_avg_pool },
	{ ACCEL_OP_CONCATENATION, accel_prepare_concatenation,
	  accel_eval_concatenation },
	{ ACCEL_OP_CONV_2D, accel_prepare_conv2d, accel_eval_conv2d },
	{ ACCEL_OP_DEPTHWISE_CONV_2D, accel_prepare_depthwise_conv,
	  accel_eval_depthwise_conv },
	{ ACCEL_OP_DEQUANTIZE, accel_prepare_dequantize, accel_eval_dequantize },
	{ ACCEL_OP_FULLY_CONNECTED, accel_prepare_fully_connected,
	  accel_eval_fully_connected },
	{ ACCEL_OP_LOGISTIC, accel_prepare_logistic, accel_eval_logistic },
	{ ACCEL_OP_MAX_POOL_2D, accel_prepare_max_pool, accel_eval_max_pool },
	{ ACCEL_OP_MUL, accel_prepare_mul, accel_eval_mul },
	{ ACCEL_OP_RELU, accel_prepare_relu, accel_eval_relu },
	{ ACCEL_OP_RELU6, accel_prepare_relu6, accel_eval_relu6 },
	{ ACCEL_OP_RESHAPE, accel_prepare_reshape, accel_eval_reshape },
	{ ACCEL_OP_SOFTMAX, accel_prepare_softmax, accel_eval_softmax },
	{ ACCEL_OP_SVDF, accel_prepare_svdf, accel_eval_svdf },
	{ ACCEL_OP_PAD, accel_prepare_pad, accel_eval_pad },
	{ ACCEL_OP_TRANSPOSE, accel_prepare_transpose, accel_eval_transpose },
	{ ACCEL_OP_MEAN, accel_prepare_mean, accel_eval_mean },
	{ ACCEL_OP_SUB, accel_prepare_sub, accel_eval_sub },
	{ ACCEL_OP_SQUEEZE, accel_prepare_reshape, accel_eval_reshape },
	{ ACCEL_OP_QUANTIZE, accel_prepare_quantize, accel_eval_quantize },
};

static const struct op_entry *find_op(int opcode)
{
	for (size_t i = 0; i < sizeof(op_table) / sizeof(op_table[0]); i++)
		if (op_table[i].opcode == opcode)
			return &op_table[i];
	return NULL;
}

bool accel_cpu_op_supported(int opcode)
{
	return find_op(opcode) != NULL;
}

int accel_op_fail(const struct accel_op *op, char *err, size_t errlen,
		  const char *fmt, ...)
{
	if (err && errlen) {
		int n = snprintf(err, errlen, "%s: ",
				 op->name ? op->name : "op");
		if (n < 0)
			n = 0;
		if ((size_t)n < errlen) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -1;
}

void *accel_op_state_new(struct accel_op *op, size_t size)
{
	accel_cpu_op_release(op);
	op->user_data = calloc(1, size);
	return op->user_data;
}

int accel_cpu_op_prepare(struct accel_model *m, struct accel_op *op,
			 char *err, size_t errlen)
{
	const struct op_entry *e = find_op(op->opcode);
	if (!e)
		return accel_op_fail(op, err, errlen,
				     "builtin operator %d is not supported by the CPU backend",
				     op->opcode);
	if (op->n_outputs < 1 || !op_out(m, op, 0))
		return accel_op_fail(op, err, errlen, "missing output tensor");
	int rc = e->prepare(m, op, err, errlen);
	if (rc == 0 && !op->user_data &&
	    !accel_op_state_new(op, sizeof(struct accel_op_state)))
		return accel_op_fail(op, err, errlen, "out of memory");
	return rc;
}

int accel_cpu_op_eval(struct accel_model *m, struct accel_op *op,
		      char *err, size_t errlen)
{
	const struct op_entry *e = find_op(op->opcode);
	if (!e)
		return accel_op_fail(op, err, errlen, "not supported");
	if (!op->user_data)
		return accel_op_fail(op, err, errlen, "evaluated before prepare");
	return e->eval(m, op, err, errlen);
}

void accel_cpu_op_release(struct accel_op *op)
{
	struct accel_op_state *st = op->user_data;
	if (!st)
		return;
	if (st->release)
		st->release(st);
	free(st);
	op->user_data = NULL;
}

size_t accel_cpu_op_scratch_bytes(const struct accel_model *m,
				  const struct accel_op *op)
{
	(void)m;
	const struct accel_op_state *st = op->user_data;
	return st ? st->scratch_bytes : 0;
}

int accel_act_range_q(enum accel_act act, float scale, int32_t zp,
		      int32_t qmin, int32_t qmax, int32_t *lo, int32_t *hi)
{
	/* quantize(f) = zp + round(f / scale), float math as TFLite */
#define Q(f) (zp + (int32_t)roundf((f) / scale))
	switch (act) {
	case ACCEL_ACT_NONE:
		*lo = qmin;
		*hi = qmax;
		return 0;
	case ACCEL_ACT_RELU:
		*lo = Q(0.0f) > qmin ? Q(0.0f) : qmin;
		*hi = qmax;
		return 0;
	case ACCEL_ACT_RELU6:
		*lo = Q(0.0f) > qmin ? Q(0.0f) : qmin;
		*hi = Q(6.0f) < qmax ? Q(6.0f) : qmax;
		return 0;
	case ACCEL_ACT_RELU_N1_TO_1:
		*lo = Q(-1.0f) > qmin ? Q(-1.0f) : qmin;
		*hi = Q(1.0f) < qmax ? Q(1.0f) : qmax;
		return 0;
	default:
		return -1;
	}
#undef Q
}

void accel_act_range_f(enum accel_act act, float *lo, float *hi)
{
	*lo = -INFINITY;
	*hi = INFINITY;
	if (act == ACCEL_ACT_RELU) {
		*lo = 0.0f;
	} else if (act == ACCEL_ACT_RELU6) {
		*lo = 0.0f;
		*hi = 6.0f;
	} else if (act == ACCEL_ACT_RELU_N1_TO_1) {
		*lo = -1.0f;
		*hi = 1.0f;
	}
}

int accel_conv_out_size(enum accel_padding pad, int in, int filter,
			int stride, int dilation)
{
	int eff = (filter - 1) * dilation + 1;
	if (stride <= 0)
		return 0;
	if (pad == ACCEL_PAD_SAME)
		return (in + stride - 1) / stride;
	return (in + stride - eff) / stride;
}

int accel_conv_pad_before(int in, int filter, int stride, int dilation,
			  int out)
{
	int eff = (filter - 1) * dilation + 1;
	int total = (out - 1) * stride + eff - in;
	return total > 0 ? total / 2 : 0;
}
