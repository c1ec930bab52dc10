/* SPDX-License-Identifier: MIT */
/* FULLY_CONNECTED (int8 per-tensor or per-channel weights, float32). */
#include <math.h>

#include "../kernels/kernels.h"
#include "ops_internal.h"

struct fc_state {
	struct accel_op_state hdr;
	bool is_float;
	int batches, in_depth, units;
	float act_lo, act_hi;
	void *gscratch;
	struct accel_gemm_s8 gemm;
};

static void fc_release(void *p)
{
	struct fc_state *st = p;
	accel_gemm_s8_release(&st->gemm);
	free(st->gscratch);
}

int accel_prepare_fully_connected(struct accel_model *m, struct accel_op *op,
				  char *err, size_t errlen)
{
	struct accel_tensor *in = op_in(m, op, 0), *f = op_in(m, op, 1);
	struct accel_tensor *bias = op_in(m, op, 2), *out = op_out(m, op, 0);
	OP_CHECK(in && f && out, "needs input, weights and output");
	OP_CHECK(f->is_const && f->rank == 2, "weights must be a constant 2-D tensor");
	struct fc_state *st = accel_op_state_new(op, sizeof(*st));
	OP_CHECK(st, "out of memory");
	st->hdr.release = fc_release;
	st->units = f->dims[0];
	st->in_depth = f->dims[1];
	size_t n_in = accel_tensor_elems(in);
	OP_CHECK(st->in_depth > 0 && n_in % (size_t)st->in_depth == 0,
		 "input has %zu elements, not a multiple of weight depth %d",
		 n_in, st->in_depth);
	st->batches = (int)(n_in / (size_t)st->in_depth);
	OP_CHECK(accel_tensor_elems(out) == (size_t)st->batches * st->units,
		 "output has %zu elements, expected %d x %d",
		 accel_tensor_elems(out), st->batches, st->units);
	if (bias) {
		OP_CHECK(bias->is_const &&
			 accel_tensor_elems(bias) == (size_t)st->units,
			 "bias must be constant with %d elements", st->units);
	}
	if (in->type == ACCEL_DT_FLOAT32) {
		OP_CHECK(f->type == ACCEL_DT_FLOAT32 &&
			 out->type == ACCEL_DT_FLOAT32 &&
			 (!bias || bias->type == ACCEL_DT_FLOAT32),
			 "float input needs float weights, bias and output");
		st->is_float = true;
		accel_act_range_f(op->opt.fc.act, &st->act_lo, &st->act_hi);
		return 0;
	}
	OP_CHECK(in->type == ACCEL_DT_INT8 && f->type == ACCEL_DT_INT8 &&
		 out->type == ACCEL_DT_INT8,
		 "only int8 (or float32) input/weights/output are supported");
	OP_CHECK(!bias || bias->type == ACCEL_DT_INT32, "bias must be INT32");
	OP_CHECK(in->q.count == 1 && out->q.count == 1,
		 "input/output need per-tensor quantization");
	OP_CHECK(f->q.count == 1 || f->q.count == st->units,
		 "weights have %d scales, expected 1 or %d", f->q.count,
		 st->units);
	for (int i = 0; i < f->q.count; i++)
		OP_CHECK(f->q.zero_point[i] == 0,
			 "weight zero point must be 0");
	int nq = f->q.count;
	int32_t *mult = malloc(sizeof(int32_t) * (size_t)nq);
	int32_t *shift = malloc(sizeof(int32_t) * (size_t)nq);
	int rc = 0;
	if (!mult || !shift) {
		free(mult);
		free(shift);
		return accel_op_fail(op, err, errlen, "out of memory");
	}
	for (int i = 0; !rc && i < nq; i++) {
		/* GetQuantizedConvolutionMultipler: (in * w) / out in double */
		double prod = (double)in->q.scale[0] * (double)f->q.scale[i];
		int s;
		accel_quantize_multiplier(prod / (double)out->q.scale[0],
					  &mult[i], &s);
		shift[i] = s;
	}
	int32_t lo = 0, hi = 0;
	if (!rc && accel_act_range_q(op->opt.fc.act, qscale(out), qzp(out),
				     -128, 127, &lo, &hi))
		rc = accel_op_fail(op, err, errlen,
				   "unsupported fused activation %d",
				   (int)op->opt.fc.act);
	if (!rc && accel_gemm_s8_prepare(&st->gemm, tdata(f), st->units,
					 st->in_depth,
					 bias ? tdata(bias) : NULL, qzp(in),
					 mult, shift, nq, qzp(out), lo, hi))
		rc = accel_op_fail(op, err, errlen, "out of memory");
	free(mult);
	free(shift);
	if (rc)
		return rc;
	size_t gs = accel_gemm_s8_scratch(&st->gemm, st->batches);
	st->gscratch = malloc(gs);
	OP_CHECK(st->gscratch, "out of memory");
	st->hdr.scratch_bytes = gs + st->gemm.bytes;
	return 0;
}

int accel_eval_fully_connected(struct accel_model *m, struct accel_op *op,
			       char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	struct fc_state *st = op->user_data;
	struct accel_tensor *in = op_in(m, op, 0), *out = op_out(m, op, 0);
	if (st->is_float) {
		const float *x = tdata(in), *w = tdata(op_in(m, op, 1));
		struct accel_tensor *bt = op_in(m, op, 2);
		const float *b = bt ? tdata(bt) : NULL;
		float *y = out->data;
		for (int r = 0; r < st->batches; r++)
			for (int u = 0; u < st->units; u++) {
				float acc = 0.0f;
				for (int i = 0; i < st->in_depth; i++)
					acc += x[(size_t)r * st->in_depth + i] *
					       w[(size_t)u * st->in_depth + i];
				if (b)
					acc += b[u];
				y[(size_t)r * st->units + u] =
					act_clamp_f(acc, st->act_lo, st->act_hi);
			}
		return 0;
	}
	accel_gemm_s8_run(&st->gemm, st->batches, tdata(in),
			  (size_t)st->in_depth, out->data, (size_t)st->units,
			  st->gscratch);
	return 0;
}
