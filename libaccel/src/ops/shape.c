/* SPDX-License-Identifier: MIT */
/* RESHAPE, SQUEEZE, PAD, TRANSPOSE, CONCATENATION: data movement only. */
#include <string.h>

#include "ops_internal.h"

static bool same_quant(const struct accel_tensor *a,
		       const struct accel_tensor *b)
{
	if (a->q.count == 0 || b->q.count == 0)
		return a->q.count == b->q.count || a->type == ACCEL_DT_FLOAT32;
	return a->q.scale[0] == b->q.scale[0] &&
	       a->q.zero_point[0] == b->q.zero_point[0];
}

int accel_prepare_reshape(struct accel_model *m, struct accel_op *op,
			  char *err, size_t errlen)
{
	struct accel_tensor *in = op_in(m, op, 0), *out = op_out(m, op, 0);
	OP_CHECK(in && out, "needs input and output");
	OP_CHECK(in->type == out->type, "input and output types differ");
	OP_CHECK(in->bytes == out->bytes,
		 "input has %zu bytes, output %zu", in->bytes, out->bytes);
	return 0;
}

int accel_eval_reshape(struct accel_model *m, struct accel_op *op, char *err,
		       size_t errlen)
{
	(void)err;
	(void)errlen;
	struct accel_tensor *in = op_in(m, op, 0), *out = op_out(m, op, 0);
	if (out->data != tdata(in))
		memmove(out->data, tdata(in), out->bytes);
	return 0;
}

/* ---- PAD ---- */

struct pad_state {
	struct accel_op_state hdr;
	int rank;
	size_t es;
	int32_t in_d[ACCEL_MAX_DIMS], out_d[ACCEL_MAX_DIMS], before[ACCEL_MAX_DIMS];
	uint8_t value[4];
};

int accel_prepare_pad(struct accel_model *m, struct accel_op *op, char *err,
		      size_t errlen)
{
	struct accel_tensor *in = op_in(m, op, 0), *pt = op_in(m, op, 1);
	struct accel_tensor *out = op_out(m, op, 0);
	OP_CHECK(in && pt && out, "needs input, paddings and output");
	OP_CHECK(pt->is_const && (pt->type == ACCEL_DT_INT32 ||
				  pt->type == ACCEL_DT_INT64),
		 "paddings must be a constant INT32/INT64 tensor");
	OP_CHECK(in->type == out->type, "input and output types differ");
	OP_CHECK(in->rank == out->rank && (int)accel_tensor_elems(pt) == 2 * in->rank,
		 "paddings must be [%d, 2]", in->rank);
	struct pad_state *st = accel_op_state_new(op, sizeof(*st));
	OP_CHECK(st, "out of memory");
	st->rank = in->rank;
	st->es = accel_dtype_size(in->type);
	OP_CHECK(st->es == 1 || st->es == 2 || st->es == 4,
		 "unsupported element type");
	for (int d = 0; d < in->rank; d++) {
		int64_t b, a;
		if (pt->type == ACCEL_DT_INT32) {
			b = ((const int32_t *)tdata(pt))[2 * d];
			a = ((const int32_t *)tdata(pt))[2 * d + 1];
		} else {
			b = ((const int64_t *)tdata(pt))[2 * d];
			a = ((const int64_t *)tdata(pt))[2 * d + 1];
		}
		OP_CHECK(b >= 0 && a >= 0, "negative padding");
		OP_CHECK(in->dims[d] + b + a == out->dims[d],
			 "dim %d: %d + %lld + %lld != output %d", d,
			 in->dims[d], (long long)b, (long long)a, out->dims[d]);
		st->in_d[d] = in->dims[d];
		st->out_d[d] = out->dims[d];
		st->before[d] = (int32_t)b;
	}
	memset(st->value, 0, sizeof(st->value));
	if (in->type == ACCEL_DT_INT8 || in->type == ACCEL_DT_INT16) {
		/* padding is real 0.0 = the output zero point */
		int32_t zp = qzp(out);
		if (st->es == 1)
			st->value[0] = (uint8_t)(int8_t)zp;
		else {
			int16_t v = (int16_t)zp;
			memcpy(st->value, &v, 2);
		}
	}
	return 0;
}

int accel_eval_pad(struct accel_model *m, struct accel_op *op, char *err,
		   size_t errlen)
{
	(void)err;
	(void)errlen;
	const struct pad_state *st = op->user_data;
	const uint8_t *x = tdata(op_in(m, op, 0));
	struct accel_tensor *out = op_out(m, op, 0);
	uint8_t *y = out->data;
	size_t n_out = accel_tensor_elems(out);
	if (st->es == 1) {
		memset(y, st->value[0], n_out);
	} else {
		for (size_t i = 0; i < n_out; i++)
			memcpy(y + i * st->es, st->value, st->es);
	}
	const int r = st->rank;
	if (r == 0) {
		memcpy(y, x, st->es);
		return 0;
	}
	size_t rows = 1;
	for (int d = 0; d < r - 1; d++)
		rows *= (size_t)st->in_d[d];
	size_t row_bytes = (size_t)st->in_d[r - 1] * st->es;
	int32_t idx[ACCEL_MAX_DIMS] = { 0 };
	for (size_t row = 0; row < rows; row++) {
		size_t off = 0;
		for (int d = 0; d < r; d++)
			off = off * (size_t)st->out_d[d] +
			      (size_t)(idx[d] + st->before[d]);
		memcpy(y + off * st->es, x + row * row_bytes, row_bytes);
		for (int d = r - 2; d >= 0; d--) {
			if (++idx[d] < st->in_d[d])
				break;
			idx[d] = 0;
		}
	}
	return 0;
}

/* ---- TRANSPOSE ---- */

struct transpose_state {
	struct accel_op_state hdr;
	int rank;
	size_t es, n;
	int32_t out_d[ACCEL_MAX_DIMS];
	size_t in_stride[ACCEL_MAX_DIMS]; /* input stride of each output dim */
};

int accel_prepare_transpose(struct accel_model *m, struct accel_op *op,
			    char *err, size_t errlen)
{
	struct accel_tensor *in = op_in(m, op, 0), *pt = op_in(m, op, 1);
	struct accel_tensor *out = op_out(m, op, 0);
	OP_CHECK(in && pt && out, "needs input, perm and output");
	OP_CHECK(pt->is_const && pt->type == ACCEL_DT_INT32,
		 "perm must be a constant INT32 tensor");
	OP_CHECK(in->type == out->type && in->rank == out->rank &&
		 (int)accel_tensor_elems(pt) == in->rank,
		 "perm/input/output ranks or types do not agree");
	struct transpose_state *st = accel_op_state_new(op, sizeof(*st));
	OP_CHECK(st, "out of memory");
	st->rank = in->rank;
	st->es = accel_dtype_size(in->type);
	st->n = accel_tensor_elems(in);
	size_t stride[ACCEL_MAX_DIMS];
	size_t s = 1;
	for (int d = in->rank - 1; d >= 0; d--) {
		stride[d] = s;
		s *= (size_t)in->dims[d];
	}
	const int32_t *perm = tdata(pt);
	bool used[ACCEL_MAX_DIMS] = { false };
	for (int d = 0; d < in->rank; d++) {
		int p = perm[d] < 0 ? perm[d] + in->rank : perm[d];
		OP_CHECK(p >= 0 && p < in->rank && !used[p], "bad perm");
		used[p] = true;
		OP_CHECK(out->dims[d] == in->dims[p],
			 "output dim %d is %d, expected %d", d, out->dims[d],
			 in->dims[p]);
		st->out_d[d] = out->dims[d];
		st->in_stride[d] = stride[p];
	}
	OP_CHECK(!in->q.count || same_quant(in, out),
		 "input and output quantization differ");
	return 0;
}

int accel_eval_transpose(struct accel_model *m, struct accel_op *op,
			 char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	const struct transpose_state *st = op->user_data;
	const uint8_t *x = tdata(op_in(m, op, 0));
	uint8_t *y = op_out(m, op, 0)->data;
	const int r = st->rank;
	if (r == 0 || st->n == 0) {
		if (st->n)
			memcpy(y, x, st->es);
		return 0;
	}
	int32_t idx[ACCEL_MAX_DIMS] = { 0 };
	size_t src = 0;
	const size_t inner_n = (size_t)st->out_d[r - 1];
	const size_t inner_s = st->in_stride[r - 1];
	for (size_t o = 0; o < st->n; o += inner_n) {
		if (st->es == 1) {
			for (size_t j = 0; j < inner_n; j++)
				y[o + j] = x[src + j * inner_s];
		} else {
			for (size_t j = 0; j < inner_n; j++)
				memcpy(y + (o + j) * st->es,
				       x + (src + j * inner_s) * st->es, st->es);
		}
		for (int d = r - 2; d >= 0; d--) {
			src += st->in_stride[d];
			if (++idx[d] < st->out_d[d])
				break;
			src -= st->in_stride[d] * (size_t)st->out_d[d];
			idx[d] = 0;
		}
	}
	return 0;
}

/* ---- CONCATENATION ---- */

struct concat_state {
	struct accel_op_state hdr;
	size_t outer, es;
	size_t chunk[16];       /* bytes each input contributes per outer step */
};

int accel_prepare_concatenation(struct accel_model *m, struct accel_op *op,
				char *err, size_t errlen)
{
	struct accel_tensor *out = op_out(m, op, 0);
	OP_CHECK(op->n_inputs >= 1 && op->n_inputs <= 16,
		 "%d inputs (1..16 supported)", op->n_inputs);
	OP_CHECK(op->opt.concat.act == ACCEL_ACT_NONE,
		 "fused activation not supported");
	int axis = op->opt.concat.axis;
	if (axis < 0)
		axis += out->rank;
	OP_CHECK(axis >= 0 && axis < out->rank, "axis %d out of range",
		 op->opt.concat.axis);
	struct concat_state *st = accel_op_state_new(op, sizeof(*st));
	OP_CHECK(st, "out of memory");
	st->es = accel_dtype_size(out->type);
	st->outer = 1;
	for (int d = 0; d < axis; d++)
		st->outer *= (size_t)out->dims[d];
	size_t inner = 1;
	for (int d = axis + 1; d < out->rank; d++)
		inner *= (size_t)out->dims[d];
	int32_t total = 0;
	for (int i = 0; i < op->n_inputs; i++) {
		struct accel_tensor *in = op_in(m, op, i);
		OP_CHECK(in && in->type == out->type && in->rank == out->rank,
			 "input %d: type/rank differ from the output", i);
		for (int d = 0; d < out->rank; d++)
			OP_CHECK(d == axis || in->dims[d] == out->dims[d],
				 "input %d: dim %d is %d, output %d", i, d,
				 in->dims[d], out->dims[d]);
		OP_CHECK(out->type == ACCEL_DT_FLOAT32 || same_quant(in, out),
			 "input %d quantization differs from the output (requantizing concat not supported)",
			 i);
		st->chunk[i] = (size_t)in->dims[axis] * inner * st->es;
		total += in->dims[axis];
	}
	OP_CHECK(total == out->dims[axis], "inputs sum to %d along axis, output %d",
		 total, out->dims[axis]);
	return 0;
}

int accel_eval_concatenation(struct accel_model *m, struct accel_op *op,
			     char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	const struct concat_state *st = op->user_data;
	uint8_t *y = op_out(m, op, 0)->data;
	for (size_t o = 0; o < st->outer; o++) {
		for (int i = 0; i < op->n_inputs; i++) {
			const uint8_t *x = tdata(op_in(m, op, i));
			memcpy(y, x + o * st->chunk[i], st->chunk[i]);
			y += st->chunk[i];
		}
	}
	return 0;
}
