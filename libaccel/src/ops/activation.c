/* SPDX-License-Identifier: MIT */
/* SOFTMAX, LOGISTIC, RELU, RELU6, QUANTIZE, DEQUANTIZE. */
#include <math.h>
#include <string.h>

#include "fixedpoint.h"
#include "ops_internal.h"

struct act_state {
	struct accel_op_state hdr;
	enum accel_dtype in_t, out_t;
	size_t n;
	int depth;              /* softmax: innermost dimension */
	int32_t mult, in_zp, out_zp, lo, hi, radius;
	int shift;
	float beta, fscale;
	double dscale;
};

static struct act_state *act_new(struct accel_model *m, struct accel_op *op)
{
	struct act_state *st = accel_op_state_new(op, sizeof(*st));
	if (!st)
		return NULL;
	struct accel_tensor *in = op_in(m, op, 0), *out = op_out(m, op, 0);
	st->in_t = in->type;
	st->out_t = out->type;
	st->n = accel_tensor_elems(in);
	st->in_zp = qzp(in);
	st->out_zp = qzp(out);
	return st;
}

#define NEED_IO()                                                            \
	struct accel_tensor *in = op_in(m, op, 0), *out = op_out(m, op, 0);   \
	OP_CHECK(in && out, "needs input and output");                        \
	OP_CHECK(accel_tensor_elems(in) == accel_tensor_elems(out),           \
		 "input has %zu elements, output %zu",                       \
		 accel_tensor_elems(in), accel_tensor_elems(out))

/* ---- SOFTMAX ---- */

#define SOFTMAX_DIFF_BITS 5     /* exp() input is Q5.26 */
#define SOFTMAX_ACC_BITS 12     /* sum of exps is Q12.19 */

int accel_prepare_softmax(struct accel_model *m, struct accel_op *op,
			  char *err, size_t errlen)
{
	NEED_IO();
	OP_CHECK(in->rank >= 1, "input must have at least one dimension");
	struct act_state *st = act_new(m, op);
	OP_CHECK(st, "out of memory");
	st->depth = in->dims[in->rank - 1];
	st->beta = op->opt.softmax.beta;
	if (in->type == ACCEL_DT_FLOAT32) {
		OP_CHECK(out->type == ACCEL_DT_FLOAT32, "float input needs float output");
		return 0;
	}
	OP_CHECK(in->type == ACCEL_DT_INT8 &&
		 (out->type == ACCEL_DT_INT8 || out->type == ACCEL_DT_INT16),
		 "supports int8 -> int8/int16 (or float32)");
	if (out->type == ACCEL_DT_INT8)
		OP_CHECK(qzp(out) == -128 && qscale(out) == 1.0f / 256,
			 "int8 output must have scale 1/256 and zero point -128");
	else
		OP_CHECK(qzp(out) == -32768 &&
			 fabsf(qscale(out) - 1.0f / 65536) <= 0.001f / 65536,
			 "int16 output must have scale 1/65536 and zero point -32768");
	/* PreprocessSoftmaxScaling */
	double real = (double)st->beta * (double)qscale(in) *
		      (double)(1 << (31 - SOFTMAX_DIFF_BITS));
	if (real > (double)((1LL << 31) - 1))
		real = (double)((1LL << 31) - 1);
	accel_quantize_multiplier(real, &st->mult, &st->shift);
	OP_CHECK(st->shift >= 0, "input scale * beta too small");
	/* CalculateInputRadius */
	double max_in = 1.0 * ((1 << SOFTMAX_DIFF_BITS) - 1) *
			(double)(1LL << (31 - SOFTMAX_DIFF_BITS)) /
			(double)(1LL << st->shift);
	st->radius = (int32_t)floor(max_in);
	return 0;
}

static void softmax_row_s8(const struct act_state *st, const int8_t *x,
			   void *y, bool out16)
{
	const int depth = st->depth;
	int32_t max = -128;
	for (int c = 0; c < depth; c++)
		max = x[c] > max ? x[c] : max;
	const int32_t diff_min = -st->radius;
	int32_t sum = 0;
	for (int c = 0; c < depth; c++) {
		int32_t diff = x[c] - max;
		if (diff >= diff_min) {
			int32_t sd = accel_srdhm(diff * (1 << st->shift), st->mult);
			sum = fp_add(sum, fp_rescale(
				fp_exp_on_negative(sd, SOFTMAX_DIFF_BITS), 0,
				SOFTMAX_ACC_BITS));
		}
	}
	int nbou;
	int32_t scale = fp_reciprocal(sum, SOFTMAX_ACC_BITS, &nbou);
	const int bits = out16 ? 16 : 8;
	const int exponent = nbou + 31 - bits;
	const int32_t omin = out16 ? -32768 : -128, omax = out16 ? 32767 : 127;
	for (int c = 0; c < depth; c++) {
		int32_t diff = x[c] - max, v = omin;
		if (diff >= diff_min) {
			int32_t sd = accel_srdhm(diff * (1 << st->shift), st->mult);
			int32_t e = fp_exp_on_negative(sd, SOFTMAX_DIFF_BITS);
			v = accel_rdbpot(fp_mul(scale, e), exponent) + omin;
			v = clamp_i32(v, omin, omax);
		}
		if (out16)
			((int16_t *)y)[c] = (int16_t)v;
		else
			((int8_t *)y)[c] = (int8_t)v;
	}
}

int accel_eval_softmax(struct accel_model *m, struct accel_op *op, char *err,
		       size_t errlen)
{
	(void)err;
	(void)errlen;
	const struct act_state *st = op->user_data;
	const void *x = tdata(op_in(m, op, 0));
	void *y = op_out(m, op, 0)->data;
	const size_t rows = st->depth ? st->n / (size_t)st->depth : 0;
	for (size_t r = 0; r < rows; r++) {
		size_t off = r * (size_t)st->depth;
		if (st->in_t == ACCEL_DT_FLOAT32) {
			const float *xr = (const float *)x + off;
			float *yr = (float *)y + off, max = -INFINITY, sum = 0.0f;
			for (int c = 0; c < st->depth; c++)
				max = fmaxf(max, xr[c]);
			for (int c = 0; c < st->depth; c++) {
				yr[c] = expf((xr[c] - max) * st->beta);
				sum += yr[c];
			}
			for (int c = 0; c < st->depth; c++)
				yr[c] /= sum;
		} else if (st->out_t == ACCEL_DT_INT16) {
			softmax_row_s8(st, (const int8_t *)x + off,
				       (int16_t *)y + off, true);
		} else {
			softmax_row_s8(st, (const int8_t *)x + off,
				       (int8_t *)y + off, false);
		}
	}
	return 0;
}

/* ---- LOGISTIC ---- */

int accel_prepare_logistic(struct accel_model *m, struct accel_op *op,
			   char *err, size_t errlen)
{
	NEED_IO();
	struct act_state *st = act_new(m, op);
	OP_CHECK(st, "out of memory");
	OP_CHECK(in->type == out->type, "input and output types differ");
	if (in->type == ACCEL_DT_FLOAT32)
		return 0;
	OP_CHECK(in->type == ACCEL_DT_INT8, "supports int8 (or float32)");
	OP_CHECK(qzp(out) == -128, "int8 output zero point must be -128");
	/* input to Q4.27: multiplier from frexp, shift is a left shift */
	double real = (double)qscale(in) * (double)(1 << (31 - 4));
	int e;
	double q = frexp(real, &e);
	st->mult = (int32_t)round(q * (double)(1LL << 31));
	st->shift = e;
	double max_in = 1.0 * ((1 << 4) - 1) * (double)(1LL << (31 - 4)) /
			(double)(1LL << e);
	st->radius = (int32_t)floor(max_in);
	return 0;
}

int accel_eval_logistic(struct accel_model *m, struct accel_op *op, char *err,
			size_t errlen)
{
	(void)err;
	(void)errlen;
	const struct act_state *st = op->user_data;
	const void *x = tdata(op_in(m, op, 0));
	void *y = op_out(m, op, 0)->data;
	for (size_t i = 0; i < st->n; i++) {
		if (st->in_t == ACCEL_DT_FLOAT32) {
			((float *)y)[i] = 1.0f / (1.0f + expf(-((const float *)x)[i]));
			continue;
		}
		int32_t v = ((const int8_t *)x)[i] - st->in_zp;
		int8_t r;
		if (v <= -st->radius) {
			r = -128;
		} else if (v >= st->radius) {
			r = 127;
		} else {
			int32_t q4 = accel_mbqm(v, st->mult, st->shift);
			int32_t q0 = fp_logistic(q4, 4);
			int32_t o = accel_rdbpot(q0, 31 - 8) - 128;
			r = (int8_t)clamp_i32(o, -128, 127);
		}
		((int8_t *)y)[i] = r;
	}
	return 0;
}

/* ---- RELU / RELU6 ---- */

int accel_prepare_relu(struct accel_model *m, struct accel_op *op, char *err,
		       size_t errlen)
{
	NEED_IO();
	struct act_state *st = act_new(m, op);
	OP_CHECK(st, "out of memory");
	OP_CHECK(in->type == out->type, "input and output types differ");
	if (in->type == ACCEL_DT_FLOAT32)
		return 0;
	OP_CHECK(in->type == ACCEL_DT_INT8, "supports int8 (or float32)");
	accel_quantize_multiplier((double)qscale(in) / (double)qscale(out),
				  &st->mult, &st->shift);
	int32_t z = qzp(out) + (int32_t)roundf(0.0f / qscale(out));
	st->lo = z > -128 ? z : -128;
	st->hi = 127;
	return 0;
}

int accel_eval_relu(struct accel_model *m, struct accel_op *op, char *err,
		    size_t errlen)
{
	(void)err;
	(void)errlen;
	const struct act_state *st = op->user_data;
	const void *x = tdata(op_in(m, op, 0));
	void *y = op_out(m, op, 0)->data;
	for (size_t i = 0; i < st->n; i++) {
		if (st->in_t == ACCEL_DT_FLOAT32) {
			((float *)y)[i] = act_clamp_f(((const float *)x)[i], 0.0f, INFINITY);
			continue;
		}
		int32_t v = accel_add_wrap(st->out_zp, accel_mbqm(((const int8_t *)x)[i] - st->in_zp,
						    st->mult, st->shift));
		((int8_t *)y)[i] = (int8_t)clamp_i32(v, st->lo, st->hi);
	}
	return 0;
}

int accel_prepare_relu6(struct accel_model *m, struct accel_op *op,
			char *err, size_t errlen)
{
	NEED_IO();
	struct act_state *st = act_new(m, op);
	OP_CHECK(st, "out of memory");
	OP_CHECK(in->type == out->type, "input and output types differ");
	if (in->type == ACCEL_DT_FLOAT32)
		return 0;
	OP_CHECK(in->type == ACCEL_DT_INT8, "supports int8 (or float32)");
	/* TFLM: clamp to [zp, quantize(6)] in the input's quantization */
	st->lo = qzp(in);
	st->hi = clamp_i32((int32_t)round(6.0f / qscale(in)) + qzp(in), -128, 127);
	return 0;
}

int accel_eval_relu6(struct accel_model *m, struct accel_op *op, char *err,
		     size_t errlen)
{
	(void)err;
	(void)errlen;
	const struct act_state *st = op->user_data;
	const void *x = tdata(op_in(m, op, 0));
	void *y = op_out(m, op, 0)->data;
	for (size_t i = 0; i < st->n; i++) {
		if (st->in_t == ACCEL_DT_FLOAT32) {
			((float *)y)[i] = act_clamp_f(((const float *)x)[i], 0.0f, 6.0f);
			continue;
		}
		((int8_t *)y)[i] = (int8_t)clamp_i32(((const int8_t *)x)[i],
						     st->lo, st->hi);
	}
	return 0;
}

/* ---- QUANTIZE / DEQUANTIZE ---- */

static bool is_int_type(enum accel_dtype t)
{
	return t == ACCEL_DT_INT8 || t == ACCEL_DT_INT16 || t == ACCEL_DT_INT32;
}

int accel_prepare_quantize(struct accel_model *m, struct accel_op *op,
			   char *err, size_t errlen)
{
	NEED_IO();
	struct act_state *st = act_new(m, op);
	OP_CHECK(st, "out of memory");
	OP_CHECK(out->q.count == 1, "output needs per-tensor quantization");
	OP_CHECK(out->type == ACCEL_DT_INT8 || out->type == ACCEL_DT_INT16 ||
		 out->type == ACCEL_DT_INT32, "output must be int8/int16/int32");
	if (out->type == ACCEL_DT_INT8) {
		st->lo = -128;
		st->hi = 127;
	} else if (out->type == ACCEL_DT_INT16) {
		st->lo = -32768;
		st->hi = 32767;
	} else {
		st->lo = INT32_MIN;
		st->hi = INT32_MAX;
	}
	if (in->type == ACCEL_DT_FLOAT32) {
		OP_CHECK(out->type != ACCEL_DT_INT32, "float -> int32 not supported");
		st->fscale = qscale(out);
		return 0;
	}
	OP_CHECK(is_int_type(in->type) && in->q.count == 1,
		 "input must be float32 or per-tensor quantized int8/int16/int32");
	OP_CHECK(!(in->type == ACCEL_DT_INT32 && out->type == ACCEL_DT_INT32),
		 "int32 -> int32 not supported");
	accel_quantize_multiplier((double)qscale(in) / (double)qscale(out),
				  &st->mult, &st->shift);
	return 0;
}

static int32_t load_int(enum accel_dtype t, const void *p, size_t i)
{
	switch (t) {
	case ACCEL_DT_INT8: return ((const int8_t *)p)[i];
	case ACCEL_DT_INT16: return ((const int16_t *)p)[i];
	default: return ((const int32_t *)p)[i];
	}
}

static void store_int(enum accel_dtype t, void *p, size_t i, int32_t v)
{
	switch (t) {
	case ACCEL_DT_INT8: ((int8_t *)p)[i] = (int8_t)v; break;
	case ACCEL_DT_INT16: ((int16_t *)p)[i] = (int16_t)v; break;
	default: ((int32_t *)p)[i] = v; break;
	}
}

int accel_eval_quantize(struct accel_model *m, struct accel_op *op,
			char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	const struct act_state *st = op->user_data;
	const void *x = tdata(op_in(m, op, 0));
	void *y = op_out(m, op, 0)->data;
	for (size_t i = 0; i < st->n; i++) {
		int64_t v;
		if (st->in_t == ACCEL_DT_FLOAT32) {
			/* AffineQuantize: float division, round half away */
			v = (int64_t)(int32_t)roundf(((const float *)x)[i] / st->fscale) +
			    st->out_zp;
		} else {
			int32_t d = (int32_t)((uint32_t)load_int(st->in_t, x, i) -
					      (uint32_t)st->in_zp);
			v = (int64_t)accel_mbqm(d, st->mult, st->shift) + st->out_zp;
		}
		v = v < st->lo ? st->lo : (v > st->hi ? st->hi : v);
		store_int(st->out_t, y, i, (int32_t)v);
	}
	return 0;
}

int accel_prepare_dequantize(struct accel_model *m, struct accel_op *op,
			     char *err, size_t errlen)
{
	NEED_IO();
	struct act_state *st = act_new(m, op);
	OP_CHECK(st, "out of memory");
	OP_CHECK((in->type == ACCEL_DT_INT8 || in->type == ACCEL_DT_INT16) &&
		 in->q.count == 1 && out->type == ACCEL_DT_FLOAT32,
		 "supports per-tensor int8/int16 -> float32");
	st->dscale = (double)qscale(in);
	return 0;
}

int accel_eval_dequantize(struct accel_model *m, struct accel_op *op,
			  char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	const struct act_state *st = op->user_data;
	const void *x = tdata(op_in(m, op, 0));
	float *y = op_out(m, op, 0)->data;
	for (size_t i = 0; i < st->n; i++)
		y[i] = (float)(st->dscale *
			       (double)(load_int(st->in_t, x, i) - st->in_zp));
	return 0;
}
