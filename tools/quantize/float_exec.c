// SPDX-License-Identifier: MIT
/* Float32 reference executor (see float_exec.h). */
#include "float_exec.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per tensor: far above what the toolchain's models need (64 MiB). */
#define FEXEC_MAX_ELEMS ((size_t)1 << 24)

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static float act(float x, int a)
{
	if (a == TFL_ACT_RELU)
		return x > 0.0f ? x : 0.0f;
	if (a == TFL_ACT_RELU6)
		return x < 0.0f ? 0.0f : x > 6.0f ? 6.0f : x;
	return x;
}

static bool op_supported(int opcode)
{
	switch (opcode) {
	case TFL_OP_CONV_2D: case TFL_OP_DEPTHWISE_CONV_2D:
	case TFL_OP_FULLY_CONNECTED: case TFL_OP_MAX_POOL_2D:
	case TFL_OP_AVERAGE_POOL_2D: case TFL_OP_RESHAPE:
	case TFL_OP_SOFTMAX: case TFL_OP_ADD: case TFL_OP_PAD:
	case TFL_OP_CONCATENATION: case TFL_OP_RELU:
		return true;
	}
	return false;
}

static void nhwc(const struct tfl_tensor *t, int d[4]);

/*
 * Output extent TFLite computes for @in with kernel @k, stride @s and
 * dilation @d under @padding; -1 for parameters out of range. Bounding
 * them here keeps every index computation of the loops below in int.
 */
static int64_t out_extent(int64_t in, int64_t k, int64_t s, int64_t d,
			  int padding)
{
	if (in < 1 || k < 1 || s < 1 || d < 1 || s > 1 << 16 || d > 1 << 16 ||
	    k > 1 << 16)
		return -1;
	int64_t eff = (k - 1) * d + 1;
	if (eff > (int64_t)1 << 24)
		return -1;
	if (padding == TFL_PAD_SAME)
		return (in + s - 1) / s;
	if (padding == TFL_PAD_VALID)
		return in >= eff ? (in - eff) / s + 1 : -1;
	return -1;
}

static bool window_ok(const int id[4], const int od[4], int kh, int kw,
		      const struct tfl_opts *o, bool dilated)
{
	/* 0 = unset, as in tfl_opts built in memory; the writer emits 1 */
	int dh = dilated && o->dilation_h ? o->dilation_h : 1;
	int dw = dilated && o->dilation_w ? o->dilation_w : 1;
	return out_extent(id[1], kh, o->stride_h, dh, o->padding) == od[1] &&
	       out_extent(id[2], kw, o->stride_w, dw, o->padding) == od[2];
}

static bool same_shape(const struct tfl_tensor *a, const struct tfl_tensor *b)
{
	if (a->rank != b->rank)
		return false;
	for (int i = 0; i < a->rank; i++)
		if (a->dims[i] != b->dims[i])
			return false;
	return true;
}

/* Paddings: a constant int32 [rank, 2] of non-negative amounts that
 * produce exactly the output shape. */
static bool pad_ok(const struct tfl_model *m, const struct tfl_op *op)
{
	const struct tfl_tensor *in = &m->tensors[op->inputs[0]];
	const struct tfl_tensor *out = &m->tensors[op->outputs[0]];
	if (op->n_inputs < 2 || op->inputs[1] < 0 || in->rank > 4 ||
	    in->rank != out->rank)
		return false;
	const struct tfl_tensor *p = &m->tensors[op->inputs[1]];
	const int32_t *pd = tfl_tensor_data(m, op->inputs[1]);
	if (!pd || p->type != TFL_INT32 || p->rank != 2 ||
	    p->dims[0] != in->rank || p->dims[1] != 2)
		return false;
	for (int i = 0; i < in->rank; i++) {
		if (pd[2 * i] < 0 || pd[2 * i + 1] < 0 ||
		    pd[2 * i] > 1 << 16 || pd[2 * i + 1] > 1 << 16 ||
		    (int64_t)in->dims[i] + pd[2 * i] + pd[2 * i + 1] !=
		    out->dims[i])
			return false;
	}
	return true;
}

/* Every input has the output's rank and dims except along the axis,
 * where they add up to the output's. */
static bool concat_ok(const struct tfl_model *m, const struct tfl_op *op)
{
	const struct tfl_tensor *out = &m->tensors[op->outputs[0]];
	int axis = op->opts.axis < 0 ? op->opts.axis + out->rank : op->opts.axis;
	if (axis < 0 || axis >= out->rank)
		return false;
	int64_t sum = 0;
	for (int j = 0; j < op->n_inputs; j++) {
		if (op->inputs[j] < 0)
			return false;
		const struct tfl_tensor *t = &m->tensors[op->inputs[j]];
		if (t->rank != out->rank)
			return false;
		for (int i = 0; i < t->rank; i++)
			if (i != axis && t->dims[i] != out->dims[i])
				return false;
		sum += t->dims[axis];
	}
	return sum == out->dims[axis];
}

/* Shapes must agree, or the loops below would index out of bounds. */
static bool shapes_ok(const struct tfl_model *m, const struct tfl_op *op)
{
	const struct tfl_tensor *in = &m->tensors[op->inputs[0]];
	const struct tfl_tensor *out = &m->tensors[op->outputs[0]];
	int id[4], od[4], fd[4];
	nhwc(in, id);
	nhwc(out, od);
	size_t bias = op->n_inputs > 2 && op->inputs[2] >= 0 ?
		      tfl_tensor_elems(&m->tensors[op->inputs[2]]) : 0;
	bool has_bias = op->n_inputs > 2 && op->inputs[2] >= 0;
	switch (op->opcode) {
	case TFL_OP_CONV_2D:
	case TFL_OP_DEPTHWISE_CONV_2D: {
		const struct tfl_tensor *w = &m->tensors[op->inputs[1]];
		nhwc(w, fd);
		if (in->rank != 4 || out->rank != 4 || w->rank != 4 ||
		    id[0] != od[0] || (has_bias && bias != (size_t)od[3]))
			return false;
		if (!window_ok(id, od, fd[1], fd[2], &op->opts, true))
			return false;
		if (op->opcode == TFL_OP_CONV_2D)
			return fd[0] == od[3] && fd[3] == id[3];
		return fd[0] == 1 && fd[3] == od[3] && id[3] > 0 &&
		       od[3] % id[3] == 0;
	}
	case TFL_OP_FULLY_CONNECTED: {
		const struct tfl_tensor *w = &m->tensors[op->inputs[1]];
		if (w->rank != 2 || w->dims[1] <= 0 ||
		    tfl_tensor_elems(in) % (size_t)w->dims[1] ||
		    (has_bias && bias != (size_t)w->dims[0]))
			return false;
		return tfl_tensor_elems(in) / (size_t)w->dims[1] *
		       (size_t)w->dims[0] == tfl_tensor_elems(out);
	}
	case TFL_OP_MAX_POOL_2D:
	case TFL_OP_AVERAGE_POOL_2D:
		return in->rank == 4 && out->rank == 4 && id[0] == od[0] &&
		       id[3] == od[3] &&
		       window_ok(id, od, op->opts.filter_h, op->opts.filter_w,
				 &op->opts, false);
	case TFL_OP_ADD:
		/* no broadcasting: both operands have the output's shape */
		return op->n_inputs == 2 && op->inputs[1] >= 0 &&
		       same_shape(&m->tensors[op->inputs[1]], out) &&
		       same_shape(in, out);
	case TFL_OP_PAD:
		return pad_ok(m, op);
	case TFL_OP_CONCATENATION:
		return concat_ok(m, op);
	default:
		return tfl_tensor_elems(in) == tfl_tensor_elems(out);
	}
}

int fexec_init(struct fexec *e, const struct tfl_model *m, char *err,
	       size_t errlen)
{
	memset(e, 0, sizeof(*e));
	e->m = m;
	e->val = calloc((size_t)m->n_tensors + 1, sizeof(*e->val));
	e->cval = calloc((size_t)m->n_tensors + 1, sizeof(*e->cval));
	if (!e->val || !e->cval)
		return fail(err, errlen, "out of memory");
	for (int i = 0; i < m->n_ops; i++) {
		const struct tfl_op *op = &m->ops[i];
		if (!op_supported(op->opcode))
			return fail(err, errlen, "op %d: builtin %d not supported by the float executor",
				    i, op->opcode);
		if (op->n_inputs < 1 || op->n_outputs != 1 ||
		    op->inputs[0] < 0 || op->outputs[0] < 0)
			return fail(err, errlen, "op %d: bad operands", i);
		int need = op->opcode == TFL_OP_CONV_2D ||
			   op->opcode == TFL_OP_DEPTHWISE_CONV_2D ||
			   op->opcode == TFL_OP_FULLY_CONNECTED ? 2 : 1;
		if (op->n_inputs < need || (need == 2 && op->inputs[1] < 0))
			return fail(err, errlen, "op %d: missing weights", i);
		/* RESHAPE's shape and PAD's paddings are int32 */
		int typed = op->opcode == TFL_OP_RESHAPE ||
			    op->opcode == TFL_OP_PAD ? 1 : op->n_inputs;
		for (int j = 0; j < typed; j++)
			if (op->inputs[j] >= 0 &&
			    m->tensors[op->inputs[j]].type != TFL_FLOAT32)
				return fail(err, errlen, "op %d: input %d is not float32 (quantized model?)",
					    i, j);
		if (need == 2 && !tfl_tensor_data(m, op->inputs[1]))
			return fail(err, errlen, "op %d: weights are not constant", i);
		if (m->tensors[op->outputs[0]].type != TFL_FLOAT32)
			return fail(err, errlen, "op %d: output is not float32", i);
		if (!shapes_ok(m, op))
			return fail(err, errlen, "op %d: inconsistent tensor shapes", i);
	}
	for (int i = 0; i < m->n_tensors; i++) {
		const struct tfl_tensor *t = &m->tensors[i];
		const void *d = tfl_tensor_data(m, i);
		if (tfl_tensor_elems(t) > FEXEC_MAX_ELEMS)
			return fail(err, errlen, "tensor %d ('%s') too large for the float executor",
				    i, t->name);
		if (d) {
			if (t->type == TFL_FLOAT32)
				e->cval[i] = d;
			continue;
		}
		if (t->type != TFL_FLOAT32)
			continue;
		e->val[i] = calloc(tfl_tensor_elems(t) + 1, sizeof(float));
		if (!e->val[i])
			return fail(err, errlen, "out of memory");
		e->cval[i] = e->val[i];
	}
	if (m->n_inputs < 1 || m->inputs[0] < 0 || !e->val[m->inputs[0]])
		return fail(err, errlen, "graph input is not a float32 activation");
	for (int i = 0; i < m->n_ops; i++)
		if (!e->val[m->ops[i].outputs[0]])
			return fail(err, errlen, "op %d: output is a constant", i);
	return 0;
}

void fexec_free(struct fexec *e)
{
	if (e->m && e->val)
		for (int i = 0; i < e->m->n_tensors; i++)
			free(e->val[i]);
	free(e->val);
	free(e->cval);
	memset(e, 0, sizeof(*e));
}

const float *fexec_tensor(const struct fexec *e, int tensor)
{
	return e->cval[tensor];
}

/* Dims of a rank-4 NHWC tensor (lower ranks are left-padded with 1). */
static void nhwc(const struct tfl_tensor *t, int d[4])
{
	for (int i = 0; i < 4; i++)
		d[i] = t->rank > 4 ? 0 : 1;     /* rank > 4: rejected by callers */
	for (int i = 0; i < t->rank && t->rank <= 4; i++)
		d[4 - t->rank + i] = t->dims[i];
}

static int pad_before(int in, int out, int stride, int k, int dil, int pad)
{
	if (pad != TFL_PAD_SAME)
		return 0;
	int total = (out - 1) * stride + (k - 1) * dil + 1 - in;
	return total > 0 ? total / 2 : 0;
}

static void conv(struct fexec *e, const struct tfl_op *op, bool depthwise)
{
	const struct tfl_model *m = e->m;
	const struct tfl_opts *o = &op->opts;
	int id[4], fd[4], od[4];
	nhwc(&m->tensors[op->inputs[0]], id);
	nhwc(&m->tensors[op->inputs[1]], fd);
	nhwc(&m->tensors[op->outputs[0]], od);
	const float *in = e->cval[op->inputs[0]];
	const float *w = e->cval[op->inputs[1]];
	const float *bias = op->n_inputs > 2 && op->inputs[2] >= 0 ?
			    e->cval[op->inputs[2]] : NULL;
	float *out = e->val[op->outputs[0]];
	int sw = o->stride_w ? o->stride_w : 1, sh = o->stride_h ? o->stride_h : 1;
	int dw = o->dilation_w ? o->dilation_w : 1;
	int dh = o->dilation_h ? o->dilation_h : 1;
	int kh = fd[1], kw = fd[2];
	int ph = pad_before(id[1], od[1], sh, kh, dh, o->padding);
	int pw = pad_before(id[2], od[2], sw, kw, dw, o->padding);
	int cin = id[3], cout = od[3];
	int mult = depthwise ? cout / (cin ? cin : 1) : 1;
	for (int b = 0; b < od[0]; b++)
	for (int y = 0; y < od[1]; y++)
	for (int x = 0; x < od[2]; x++)
	for (int c = 0; c < cout; c++) {
		float acc = bias ? bias[c] : 0.0f;
		for (int ky = 0; ky < kh; ky++) {
			int iy = y * sh - ph + ky * dh;
			if (iy < 0 || iy >= id[1])
				continue;
			for (int kx = 0; kx < kw; kx++) {
				int ix = x * sw - pw + kx * dw;
				if (ix < 0 || ix >= id[2])
					continue;
				const float *px = in + (((size_t)b * id[1] + iy) *
							id[2] + ix) * cin;
				if (depthwise) {
					acc += px[c / mult] *
					       w[((size_t)ky * kw + kx) * cout + c];
				} else {
					const float *pw_ = w + (((size_t)c * kh + ky) *
								kw + kx) * cin;
					for (int i = 0; i < cin; i++)
						acc += px[i] * pw_[i];
				}
			}
		}
		out[(((size_t)b * od[1] + y) * od[2] + x) * cout + c] =
			act(acc, o->act);
	}
}

static void fully_connected(struct fexec *e, const struct tfl_op *op)
{
	const struct tfl_model *m = e->m;
	const struct tfl_tensor *wt = &m->tensors[op->inputs[1]];
	int units = wt->dims[0], depth = wt->dims[wt->rank - 1];
	size_t batches = tfl_tensor_elems(&m->tensors[op->inputs[0]]) /
			 (size_t)(depth ? depth : 1);
	const float *in = e->cval[op->inputs[0]];
	const float *w = e->cval[op->inputs[1]];
	const float *bias = op->n_inputs > 2 && op->inputs[2] >= 0 ?
			    e->cval[op->inputs[2]] : NULL;
	float *out = e->val[op->outputs[0]];
	for (size_t b = 0; b < batches; b++)
		for (int u = 0; u < units; u++) {
			float acc = bias ? bias[u] : 0.0f;
			for (int i = 0; i < depth; i++)
				acc += in[b * (size_t)depth + (size_t)i] *
				       w[(size_t)u * depth + (size_t)i];
			out[b * (size_t)units + (size_t)u] = act(acc, op->opts.act);
		}
}

static void pool(struct fexec *e, const struct tfl_op *op, bool is_max)
{
	const struct tfl_model *m = e->m;
	const struct tfl_opts *o = &op->opts;
	int id[4], od[4];
	nhwc(&m->tensors[op->inputs[0]], id);
	nhwc(&m->tensors[op->outputs[0]], od);
	const float *in = e->cval[op->inputs[0]];
	float *out = e->val[op->outputs[0]];
	int sw = o->stride_w ? o->stride_w : 1, sh = o->stride_h ? o->stride_h : 1;
	int ph = pad_before(id[1], od[1], sh, o->filter_h, 1, o->padding);
	int pw = pad_before(id[2], od[2], sw, o->filter_w, 1, o->padding);
	for (int b = 0; b < od[0]; b++)
	for (int y = 0; y < od[1]; y++)
	for (int x = 0; x < od[2]; x++)
	for (int c = 0; c < od[3]; c++) {
		float acc = is_max ? -INFINITY : 0.0f;
		int count = 0;
		for (int ky = 0; ky < o->filter_h; ky++) {
			int iy = y * sh - ph + ky;
			if (iy < 0 || iy >= id[1])
				continue;
			for (int kx = 0; kx < o->filter_w; kx++) {
				int ix = x * sw - pw + kx;
				if (ix < 0 || ix >= id[2])
					continue;
				float v = in[(((size_t)b * id[1] + iy) * id[2] +
					      ix) * id[3] + c];
				acc = is_max ? fmaxf(acc, v) : acc + v;
				count++;
			}
		}
		if (!is_max)
			acc = count ? acc / (float)count : 0.0f;
		out[(((size_t)b * od[1] + y) * od[2] + x) * od[3] + c] =
			act(acc, o->act);
	}
}

static void add(struct fexec *e, const struct tfl_op *op, size_t n)
{
	const float *a = e->cval[op->inputs[0]], *b = e->cval[op->inputs[1]];
	float *out = e->val[op->outputs[0]];
	for (size_t i = 0; i < n; i++)
		out[i] = act(a[i] + b[i], op->opts.act);
}

static void relu(struct fexec *e, const struct tfl_op *op, size_t n)
{
	const float *a = e->cval[op->inputs[0]];
	float *out = e->val[op->outputs[0]];
	for (size_t i = 0; i < n; i++)
		out[i] = act(a[i], TFL_ACT_RELU);
}

/* Constant zero padding (shape checked by pad_ok). */
static void pad(struct fexec *e, const struct tfl_op *op)
{
	const struct tfl_model *m = e->m;
	int id[4], od[4], before[4] = { 0 };
	nhwc(&m->tensors[op->inputs[0]], id);
	nhwc(&m->tensors[op->outputs[0]], od);
	const int32_t *pd = tfl_tensor_data(m, op->inputs[1]);
	int rank = m->tensors[op->inputs[0]].rank;
	for (int i = 0; i < rank; i++)
		before[4 - rank + i] = pd[2 * i];
	const float *in = e->cval[op->inputs[0]];
	float *out = e->val[op->outputs[0]];
	memset(out, 0, tfl_tensor_elems(&m->tensors[op->outputs[0]]) *
	       sizeof(float));
	for (int b = 0; b < id[0]; b++)
	for (int y = 0; y < id[1]; y++)
	for (int x = 0; x < id[2]; x++)
	for (int c = 0; c < id[3]; c++)
		out[((((size_t)b + before[0]) * od[1] + y + before[1]) * od[2] +
		     x + before[2]) * od[3] + c + before[3]] =
			in[(((size_t)b * id[1] + y) * id[2] + x) * id[3] + c];
}

static void concatenation(struct fexec *e, const struct tfl_op *op)
{
	const struct tfl_tensor *ot = &e->m->tensors[op->outputs[0]];
	int axis = op->opts.axis < 0 ? op->opts.axis + ot->rank : op->opts.axis;
	size_t outer = 1, inner = 1;
	for (int i = 0; i < axis; i++)
		outer *= (size_t)ot->dims[i];
	for (int i = axis + 1; i < ot->rank; i++)
		inner *= (size_t)ot->dims[i];
	float *out = e->val[op->outputs[0]];
	size_t row = (size_t)ot->dims[axis] * inner, off = 0;
	for (int j = 0; j < op->n_inputs; j++) {
		const struct tfl_tensor *t = &e->m->tensors[op->inputs[j]];
		const float *in = e->cval[op->inputs[j]];
		size_t chunk = (size_t)t->dims[axis] * inner;
		for (size_t o = 0; o < outer; o++)
			for (size_t k = 0; k < chunk; k++)
				out[o * row + off + k] =
					act(in[o * chunk + k], op->opts.act);
		off += chunk;
	}
}

static void softmax(struct fexec *e, const struct tfl_op *op)
{
	const struct tfl_tensor *t = &e->m->tensors[op->inputs[0]];
	int depth = t->rank ? t->dims[t->rank - 1] : 1;
	size_t rows = tfl_tensor_elems(t) / (size_t)(depth ? depth : 1);
	const float *in = e->cval[op->inputs[0]];
	float *out = e->val[op->outputs[0]];
	for (size_t r = 0; r < rows; r++) {
		const float *x = in + r * (size_t)depth;
		float *y = out + r * (size_t)depth;
		float mx = x[0], sum = 0.0f;
		for (int i = 1; i < depth; i++)
			mx = fmaxf(mx, x[i]);
		for (int i = 0; i < depth; i++) {
			y[i] = expf((x[i] - mx) * op->opts.beta);
			sum += y[i];
		}
		for (int i = 0; i < depth; i++)
			y[i] /= sum;
	}
}

int fexec_run(struct fexec *e, const float *input, char *err, size_t errlen)
{
	const struct tfl_model *m = e->m;
	int in = m->inputs[0];
	size_t n = tfl_tensor_elems(&m->tensors[in]);
	memcpy(e->val[in], input, n * sizeof(float));
	if (e->hook)
		e->hook(e->hook_ctx, in, e->val[in], n);
	for (int i = 0; i < m->n_ops; i++) {
		const struct tfl_op *op = &m->ops[i];
		int out = op->outputs[0];
		size_t on = tfl_tensor_elems(&m->tensors[out]);
		if (!e->cval[op->inputs[0]] ||
		    (op->opcode == TFL_OP_ADD && !e->cval[op->inputs[1]]))
			return fail(err, errlen, "op %d: input has no values", i);
		switch (op->opcode) {
		case TFL_OP_CONV_2D: conv(e, op, false); break;
		case TFL_OP_DEPTHWISE_CONV_2D: conv(e, op, true); break;
		case TFL_OP_FULLY_CONNECTED: fully_connected(e, op); break;
		case TFL_OP_MAX_POOL_2D: pool(e, op, true); break;
		case TFL_OP_AVERAGE_POOL_2D: pool(e, op, false); break;
		case TFL_OP_SOFTMAX: softmax(e, op); break;
		case TFL_OP_ADD: add(e, op, on); break;
		case TFL_OP_RELU: relu(e, op, on); break;
		case TFL_OP_PAD: pad(e, op); break;
		case TFL_OP_CONCATENATION:
			for (int j = 1; j < op->n_inputs; j++)
				if (!e->cval[op->inputs[j]])
					return fail(err, errlen, "op %d: input has no values", i);
			concatenation(e, op);
			break;
		case TFL_OP_RESHAPE:
			if (tfl_tensor_elems(&m->tensors[op->inputs[0]]) != on)
				return fail(err, errlen, "op %d: RESHAPE changes the element count", i);
			memcpy(e->val[out], e->cval[op->inputs[0]],
			       on * sizeof(float));
			break;
		default:
			return fail(err, errlen, "op %d: unsupported", i);
		}
		if (e->hook)
			e->hook(e->hook_ctx, out, e->val[out], on);
	}
	return 0;
}
