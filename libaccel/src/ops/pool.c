/* SPDX-License-Identifier: MIT */
/* AVERAGE_POOL_2D, MAX_POOL_2D (int8, float32) and MEAN. */
#include <math.h>
#include <string.h>

#include "ops_internal.h"

struct pool_state {
	struct accel_op_state hdr;
	bool is_float;
	int n, h, w, c, oh, ow, fh, fw, sh, sw, pad_t, pad_l;
	int32_t lo, hi;
	float flo, fhi;
};

static int prepare_pool(struct accel_model *m, struct accel_op *op, char *err,
			size_t errlen)
{
	struct accel_tensor *in = op_in(m, op, 0), *out = op_out(m, op, 0);
	const struct accel_pool_opts *o = &op->opt.pool;
	OP_CHECK(in && out, "needs input and output");
	OP_CHECK(in->rank == 4 && out->rank == 4, "input and output must be 4-D");
	OP_CHECK(o->filter_w > 0 && o->filter_h > 0 && o->stride_w > 0 &&
		 o->stride_h > 0, "bad filter/stride");
	struct pool_state *st = accel_op_state_new(op, sizeof(*st));
	OP_CHECK(st, "out of memory");
	st->n = in->dims[0];
	st->h = in->dims[1];
	st->w = in->dims[2];
	st->c = in->dims[3];
	st->oh = out->dims[1];
	st->ow = out->dims[2];
	st->fh = o->filter_h;
	st->fw = o->filter_w;
	st->sh = o->stride_h;
	st->sw = o->stride_w;
	OP_CHECK(out->dims[0] == st->n && out->dims[3] == st->c,
		 "output batch/channels differ from the input");
	int eh = accel_conv_out_size(o->padding, st->h, st->fh, st->sh, 1);
	int ew = accel_conv_out_size(o->padding, st->w, st->fw, st->sw, 1);
	OP_CHECK(eh == st->oh && ew == st->ow,
		 "output is %dx%d but padding/stride/filter give %dx%d",
		 st->oh, st->ow, eh, ew);
	st->pad_t = accel_conv_pad_before(st->h, st->fh, st->sh, 1, eh);
	st->pad_l = accel_conv_pad_before(st->w, st->fw, st->sw, 1, ew);
	if (in->type == ACCEL_DT_FLOAT32) {
		OP_CHECK(out->type == ACCEL_DT_FLOAT32, "mixed types");
		st->is_float = true;
		accel_act_range_f(o->act, &st->flo, &st->fhi);
		return 0;
	}
	OP_CHECK(in->type == ACCEL_DT_INT8 && out->type == ACCEL_DT_INT8,
		 "only int8 (or float32) is supported");
	OP_CHECK(accel_act_range_q(o->act, qscale(out), qzp(out), -128, 127,
				   &st->lo, &st->hi) == 0,
		 "unsupported fused activation %d", (int)o->act);
	return 0;
}

int accel_prepare_avg_pool(struct accel_model *m, struct accel_op *op,
			   char *err, size_t errlen)
{
	return prepare_pool(m, op, err, errlen);
}

int accel_prepare_max_pool(struct accel_model *m, struct accel_op *op,
			   char *err, size_t errlen)
{
	return prepare_pool(m, op, err, errlen);
}

static int eval_pool(struct accel_model *m, struct accel_op *op, bool avg,
		     char *err, size_t errlen)
{
	const struct pool_state *st = op->user_data;
	const void *x = tdata(op_in(m, op, 0));
	void *y = op_out(m, op, 0)->data;
	int32_t *acc = malloc(sizeof(int32_t) * (size_t)st->c);
	float *facc = malloc(sizeof(float) * (size_t)st->c);
	if (!acc || !facc) {
		free(acc);
		free(facc);
		return accel_op_fail(op, err, errlen, "out of memory");
	}
	for (int b = 0; b < st->n; b++)
	for (int oy = 0; oy < st->oh; oy++)
	for (int ox = 0; ox < st->ow; ox++) {
		int y0 = oy * st->sh - st->pad_t, x0 = ox * st->sw - st->pad_l;
		int fy0 = y0 < 0 ? -y0 : 0, fx0 = x0 < 0 ? -x0 : 0;
		int fy1 = st->h - y0 < st->fh ? st->h - y0 : st->fh;
		int fx1 = st->w - x0 < st->fw ? st->w - x0 : st->fw;
		for (int c = 0; c < st->c; c++) {
			acc[c] = avg ? 0 : -128;
			facc[c] = avg ? 0.0f : -INFINITY;
		}
		int count = 0;
		for (int fy = fy0; fy < fy1; fy++)
		for (int fx = fx0; fx < fx1; fx++, count++) {
			size_t off = (((size_t)b * st->h + y0 + fy) * st->w + x0 + fx) * st->c;
			if (st->is_float) {
				const float *p = (const float *)x + off;
				for (int c = 0; c < st->c; c++)
					facc[c] = avg ? facc[c] + p[c] : (facc[c] < p[c] ? p[c] : facc[c]);
			} else {
				const int8_t *p = (const int8_t *)x + off;
				for (int c = 0; c < st->c; c++)
					acc[c] = avg ? acc[c] + p[c] :
						 (p[c] > acc[c] ? p[c] : acc[c]);
			}
		}
		size_t ooff = (((size_t)b * st->oh + oy) * st->ow + ox) * st->c;
		if (count == 0) {
			free(acc);
			free(facc);
			return accel_op_fail(op, err, errlen,
					     "pooling window outside the input");
		}
		for (int c = 0; c < st->c; c++) {
			if (st->is_float) {
				float v = avg ? facc[c] / (float)count : facc[c];
				((float *)y)[ooff + c] = act_clamp_f(v, st->flo, st->fhi);
			} else {
				int32_t v = acc[c];
				if (avg) /* round half away from zero */
					v = v > 0 ? (v + count / 2) / count :
						    (v - count / 2) / count;
				((int8_t *)y)[ooff + c] = (int8_t)clamp_i32(v, st->lo, st->hi);
			}
		}
	}
	free(acc);
	free(facc);
	return 0;
}

int accel_eval_avg_pool(struct accel_model *m, struct accel_op *op, char *err,
			size_t errlen)
{
	return eval_pool(m, op, true, err, errlen);
}

int accel_eval_max_pool(struct accel_model *m, struct accel_op *op, char *err,
			size_t errlen)
{
	return eval_pool(m, op, false, err, errlen);
}

/* ---- MEAN ---- */

struct mean_state {
	struct accel_op_state hdr;
	bool is_float;
	int rank;
	int32_t dims[ACCEL_MAX_DIMS], ostride[ACCEL_MAX_DIMS];
	size_t n_out, n_in;
	int64_t n_red;
	int32_t in_zp, out_zp, mult;
	int shift;
	int32_t *sum;
	float *fsum;
	/* reduced axes contiguous: input = [outer][red][inner] */
	bool contiguous;
	size_t outer, inner;
};

static void mean_release(void *p)
{
	struct mean_state *st = p;
	free(st->sum);
	free(st->fsum);
}

int accel_prepare_mean(struct accel_model *m, struct accel_op *op, char *err,
		       size_t errlen)
{
	struct accel_tensor *in = op_in(m, op, 0), *ax = op_in(m, op, 1);
	struct accel_tensor *out = op_out(m, op, 0);
	OP_CHECK(in && ax && out, "needs input, axis and output");
	OP_CHECK(ax->is_const && ax->type == ACCEL_DT_INT32,
		 "axis must be a constant INT32 tensor");
	struct mean_state *st = accel_op_state_new(op, sizeof(*st));
	OP_CHECK(st, "out of memory");
	st->hdr.release = mean_release;
	st->rank = in->rank;
	bool red[ACCEL_MAX_DIMS] = { false };
	const int32_t *axes = tdata(ax);
	for (size_t i = 0; i < accel_tensor_elems(ax); i++) {
		int a = axes[i] < 0 ? axes[i] + in->rank : axes[i];
		OP_CHECK(a >= 0 && a < in->rank, "axis %d out of range",
			 axes[i]);
		red[a] = true;
	}
	size_t s = 1;
	st->n_red = 1;
	for (int d = in->rank - 1; d >= 0; d--) {
		st->dims[d] = in->dims[d];
		st->ostride[d] = red[d] ? 0 : (int32_t)s;
		if (red[d])
			st->n_red *= in->dims[d];
		else
			s *= (size_t)in->dims[d];
	}
	st->n_out = s;
	st->n_in = accel_tensor_elems(in);
	int r0 = -1, r1 = -1;
	st->contiguous = true;
	for (int d = 0; d < in->rank; d++) {
		if (!red[d])
			continue;
		if (r0 < 0)
			r0 = d;
		else if (r1 != d)
			st->contiguous = false;
		r1 = d + 1;
	}
	st->outer = 1;
	st->inner = 1;
	for (int d = 0; d < (r0 < 0 ? in->rank : r0); d++)
		st->outer *= (size_t)in->dims[d];
	for (int d = r1 < 0 ? in->rank : r1; d < in->rank; d++)
		st->inner *= (size_t)in->dims[d];
	OP_CHECK(accel_tensor_elems(out) == st->n_out,
		 "output has %zu elements, expected %zu",
		 accel_tensor_elems(out), st->n_out);
	if (in->type == ACCEL_DT_FLOAT32) {
		OP_CHECK(out->type == ACCEL_DT_FLOAT32, "mixed types");
		st->is_float = true;
		st->fsum = malloc(sizeof(float) * (st->n_out + 1));
		OP_CHECK(st->fsum, "out of memory");
		return 0;
	}
	OP_CHECK(in->type == ACCEL_DT_INT8 && out->type == ACCEL_DT_INT8,
		 "only int8 (or float32) is supported");
	st->in_zp = qzp(in);
	st->out_zp = qzp(out);
	accel_quantize_multiplier((double)qscale(in) / (double)qscale(out),
				  &st->mult, &st->shift);
	/* fold 1/num_elements into the multiplier like TFLM's
	 * QuantizedMeanOrSum, keeping the shift within range */
	if (st->n_red > 0) {
		int sh = 63 - __builtin_clzll((unsigned long long)st->n_red);
		if (sh > 32)
			sh = 32;
		if (sh > 31 + st->shift)
			sh = 31 + st->shift;
		st->mult = (int32_t)(((int64_t)st->mult << sh) / st->n_red);
		st->shift -= sh;
	}
	st->sum = malloc(sizeof(int32_t) * (st->n_out + 1));
	OP_CHECK(st->sum, "out of memory");
	st->hdr.scratch_bytes = sizeof(int32_t) * st->n_out;
	return 0;
}

int accel_eval_mean(struct accel_model *m, struct accel_op *op, char *err,
		    size_t errlen)
{
	(void)err;
	(void)errlen;
	struct mean_state *st = op->user_data;
	const void *x = tdata(op_in(m, op, 0));
	void *y = op_out(m, op, 0)->data;
	if (st->is_float)
		memset(st->fsum, 0, sizeof(float) * st->n_out);
	else
		memset(st->sum, 0, sizeof(int32_t) * st->n_out);
	int32_t idx[ACCEL_MAX_DIMS] = { 0 };
	const int r = st->rank;
	size_t o = 0;
	if (st->contiguous && !st->is_float) {
		/* [outer][red][inner]: sum rows of @inner, vectorizable */
		const int8_t *xi = x;
		for (size_t a = 0; a < st->outer; a++) {
			int32_t *acc = st->sum + a * st->inner;
			for (int64_t k = 0; k < st->n_red; k++, xi += st->inner)
				for (size_t i = 0; i < st->inner; i++)
					acc[i] += xi[i];
		}
	}
	for (size_t i = (st->contiguous && !st->is_float) ? st->n_in : 0;
	     i < st->n_in; i++) {
		if (st->is_float)
			st->fsum[o] += ((const float *)x)[i];
		else
			st->sum[o] += ((const int8_t *)x)[i];
		for (int d = r - 1; d >= 0; d--) {
			o += (size_t)st->ostride[d];
			if (++idx[d] < st->dims[d])
				break;
			o -= (size_t)st->ostride[d] * (size_t)st->dims[d];
			idx[d] = 0;
		}
	}
	for (size_t j = 0; j < st->n_out; j++) {
		if (st->is_float) {
			((float *)y)[j] = st->fsum[j] / (float)st->n_red;
		} else {
			int32_t v = accel_add_wrap(st->sum[j], -st->in_zp * (int32_t)st->n_red);
			v = accel_add_wrap(accel_mbqm(v, st->mult, st->shift), st->out_zp);
			((int8_t *)y)[j] = (int8_t)clamp_i32(v, -128, 127);
		}
	}
	return 0;
}
