/* SPDX-License-Identifier: MIT */
/* ADD, SUB, MUL with broadcasting (int8 with TFLite rescaling, float32). */
#include <math.h>
#include <string.h>

#include "../kernels/kernels.h"
#include "ops_internal.h"

#define EW_DIMS 6

struct ew_state {
	struct accel_op_state hdr;
	bool is_float, same_shape;
	int32_t in1_off, in2_off, out_zp, lo, hi;
	int left_shift;
	int32_t m1, m2, mo;
	int s1, s2, so;
	float flo, fhi;
	int32_t od[EW_DIMS], st1[EW_DIMS], st2[EW_DIMS];
	size_t n;
};

/* Right-aligned broadcast strides of @t against the output dims. */
static int bcast_strides(const struct accel_tensor *t, const int32_t *od,
			 int32_t *st)
{
	int32_t d[EW_DIMS];
	for (int i = 0; i < EW_DIMS; i++)
		d[i] = 1;
	for (int i = 0; i < t->rank; i++)
		d[EW_DIMS - t->rank + i] = t->dims[i];
	int32_t s = 1;
	for (int i = EW_DIMS - 1; i >= 0; i--) {
		if (d[i] != od[i] && d[i] != 1)
			return -1;
		st[i] = d[i] == 1 ? 0 : s;
		s *= d[i];
	}
	return 0;
}

static int prepare_ew(struct accel_model *m, struct accel_op *op, char *err,
		      size_t errlen)
{
	struct accel_tensor *a = op_in(m, op, 0), *b = op_in(m, op, 1);
	struct accel_tensor *out = op_out(m, op, 0);
	OP_CHECK(a && b && out, "needs two inputs and an output");
	OP_CHECK(a->rank <= EW_DIMS && b->rank <= EW_DIMS &&
		 out->rank <= EW_DIMS, "rank above %d", EW_DIMS);
	struct ew_state *st = accel_op_state_new(op, sizeof(*st));
	OP_CHECK(st, "out of memory");
	for (int i = 0; i < EW_DIMS; i++)
		st->od[i] = 1;
	for (int i = 0; i < out->rank; i++)
		st->od[EW_DIMS - out->rank + i] = out->dims[i];
	OP_CHECK(bcast_strides(a, st->od, st->st1) == 0 &&
		 bcast_strides(b, st->od, st->st2) == 0,
		 "input shapes do not broadcast to the output shape");
	st->n = accel_tensor_elems(out);
	st->same_shape = accel_tensor_elems(a) == st->n &&
			 accel_tensor_elems(b) == st->n;
	enum accel_act act = op->opt.elem.act;
	if (a->type == ACCEL_DT_FLOAT32) {
		OP_CHECK(b->type == ACCEL_DT_FLOAT32 &&
			 out->type == ACCEL_DT_FLOAT32, "mixed types");
		st->is_float = true;
		accel_act_range_f(act, &st->flo, &st->fhi);
		return 0;
	}
	OP_CHECK(a->type == ACCEL_DT_INT8 && b->type == ACCEL_DT_INT8 &&
		 out->type == ACCEL_DT_INT8,
		 "only int8 (or float32) tensors are supported");
	OP_CHECK(a->q.count == 1 && b->q.count == 1 && out->q.count == 1,
		 "needs per-tensor quantization");
	OP_CHECK(accel_act_range_q(act, qscale(out), qzp(out), -128, 127,
				   &st->lo, &st->hi) == 0,
		 "unsupported fused activation %d", (int)act);
	st->in1_off = -qzp(a);
	st->in2_off = -qzp(b);
	st->out_zp = qzp(out);
	if (op->opcode == ACCEL_OP_MUL) {
		double real = (double)qscale(a) * (double)qscale(b) /
			      (double)qscale(out);
		accel_quantize_multiplier(real, &st->mo, &st->so);
		return 0;
	}
	/* ADD/SUB: both inputs to a common scale with 20 bits headroom */
	st->left_shift = 20;
	float sa = qscale(a), sb = qscale(b);
	double twice_max = 2.0 * (double)(sa > sb ? sa : sb);
	accel_quantize_multiplier((double)sa / twice_max, &st->m1, &st->s1);
	accel_quantize_multiplier((double)sb / twice_max, &st->m2, &st->s2);
	accel_quantize_multiplier(
		twice_max / ((double)(1 << st->left_shift) * (double)qscale(out)),
		&st->mo, &st->so);
	return 0;
}

int accel_prepare_add(struct accel_model *m, struct accel_op *op, char *err,
		      size_t errlen)
{
	return prepare_ew(m, op, err, errlen);
}

int accel_prepare_sub(struct accel_model *m, struct accel_op *op, char *err,
		      size_t errlen)
{
	return prepare_ew(m, op, err, errlen);
}

int accel_prepare_mul(struct accel_model *m, struct accel_op *op, char *err,
		      size_t errlen)
{
	return prepare_ew(m, op, err, errlen);
}

static inline int32_t ew_q(const struct ew_state *st, int opc, int32_t x1,
			   int32_t x2)
{
	int32_t v1 = x1 + st->in1_off, v2 = x2 + st->in2_off, r;
	if (opc == ACCEL_OP_MUL) {
		r = accel_mbqm(v1 * v2, st->mo, st->so);
	} else {
		int32_t a = accel_mbqm(v1 * (1 << st->left_shift), st->m1, st->s1);
		int32_t b = accel_mbqm(v2 * (1 << st->left_shift), st->m2, st->s2);
		r = accel_mbqm(opc == ACCEL_OP_ADD ? accel_add_wrap(a, b) :
				accel_sub_wrap(a, b), st->mo, st->so);
	}
	return clamp_i32(accel_add_wrap(r, st->out_zp), st->lo, st->hi);
}

static inline float ew_f(const struct ew_state *st, int opc, float a, float b)
{
	float r = opc == ACCEL_OP_ADD ? a + b :
		  (opc == ACCEL_OP_SUB ? a - b : a * b);
	return act_clamp_f(r, st->flo, st->fhi);
}

static int eval_ew(struct accel_model *m, struct accel_op *op)
{
	const struct ew_state *st = op->user_data;
	const void *pa = tdata(op_in(m, op, 0)), *pb = tdata(op_in(m, op, 1));
	void *po = op_out(m, op, 0)->data;
	const int opc = op->opcode;
	if (st->same_shape) {
		if (st->is_float) {
			for (size_t i = 0; i < st->n; i++)
				((float *)po)[i] = ew_f(st, opc, ((const float *)pa)[i],
							((const float *)pb)[i]);
		} else if (opc != ACCEL_OP_MUL) {
			struct accel_addsub_s8 p = {
				.in1_off = st->in1_off, .in2_off = st->in2_off,
				.left_shift = st->left_shift, .m1 = st->m1,
				.s1 = st->s1, .m2 = st->m2, .s2 = st->s2,
				.mo = st->mo, .so = st->so, .out_zp = st->out_zp,
				.act_min = st->lo, .act_max = st->hi,
				.sub = opc == ACCEL_OP_SUB,
			};
			accel_addsub_s8(&p, pa, pb, po, st->n);
		} else {
			for (size_t i = 0; i < st->n; i++)
				((int8_t *)po)[i] = (int8_t)ew_q(
					st, opc, ((const int8_t *)pa)[i],
					((const int8_t *)pb)[i]);
		}
		return 0;
	}
	if (st->n == 0)
		return 0;
	size_t o = 0;
	int32_t idx[EW_DIMS] = { 0 };
	for (;;) {
		size_t i1 = 0, i2 = 0;
		for (int d = 0; d < EW_DIMS; d++) {
			i1 += (size_t)idx[d] * st->st1[d];
			i2 += (size_t)idx[d] * st->st2[d];
		}
		/* innermost dimension in a tight loop */
		int32_t inner = st->od[EW_DIMS - 1];
		int32_t s1 = st->st1[EW_DIMS - 1], s2 = st->st2[EW_DIMS - 1];
		for (int32_t j = 0; j < inner; j++, o++) {
			if (st->is_float)
				((float *)po)[o] = ew_f(st, opc,
					((const float *)pa)[i1 + (size_t)j * s1],
					((const float *)pb)[i2 + (size_t)j * s2]);
			else
				((int8_t *)po)[o] = (int8_t)ew_q(st, opc,
					((const int8_t *)pa)[i1 + (size_t)j * s1],
					((const int8_t *)pb)[i2 + (size_t)j * s2]);
		}
		int d = EW_DIMS - 2;
		for (; d >= 0; d--) {
			if (++idx[d] < st->od[d])
				break;
			idx[d] = 0;
		}
		if (d < 0)
			break;
	}
	return 0;
}

int accel_eval_add(struct accel_model *m, struct accel_op *op, char *err,
		   size_t errlen)
{
	(void)err;
	(void)errlen;
	return eval_ew(m, op);
}

int accel_eval_sub(struct accel_model *m, struct accel_op *op, char *err,
		   size_t errlen)
{
	(void)err;
	(void)errlen;
	return eval_ew(m, op);
}

int accel_eval_mul(struct accel_model *m, struct accel_op *op, char *err,
		   size_t errlen)
{
	(void)err;
	(void)errlen;
	return eval_ew(m, op);
}
