/* SPDX-License-Identifier: MIT */
#include "xnn_runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xnnpack.h>

#include "loader.h"
#include "model.h"
#include "ops/ops.h"
#include "ops/ops_internal.h"

struct xlayer {
	int op_index, fallback;  /* fallback: 1 libaccel op, -1 folded */
	const char *name;
	xnn_operator_t op;
	uint64_t ns;
};

struct xnn_net {
	struct accel_model *m;
	void **bufs;
	int n;
	struct xlayer *l;
	int in_t, out_t;
	int32_t *zero_bias;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int xinit_done;

/* The PAD op producing tensor @t, when its only consumer is op @ci. */
static struct accel_op *pad_producer(struct accel_model *m, int t, int ci)
{
	for (int i = 0; i < m->n_ops; i++) {
		struct accel_op *p = &m->ops[i];
		if (p->opcode != ACCEL_OP_PAD || p->outputs[0] != t)
			continue;
		for (int j = 0; j < m->n_ops; j++)
			if (j != ci)
				for (int k = 0; k < m->ops[j].n_inputs; k++)
					if (m->ops[j].inputs[k] == t)
						return NULL;
		return p;
	}
	return NULL;
}

static int8_t qmin_max(struct accel_op *op, const struct accel_tensor *out,
		       int8_t *hi)
{
	int32_t lo = -128, h = 127;
	enum accel_act act = ACCEL_ACT_NONE;
	if (op->opcode == ACCEL_OP_CONV_2D || op->opcode == ACCEL_OP_DEPTHWISE_CONV_2D)
		act = op->opt.conv.act;
	else if (op->opcode == ACCEL_OP_FULLY_CONNECTED)
		act = op->opt.fc.act;
	else if (op->opcode == ACCEL_OP_ADD)
		act = op->opt.elem.act;
	accel_act_range_q(act, qscale(out), qzp(out), -128, 127, &lo, &h);
	*hi = (int8_t)h;
	return (int8_t)lo;
}

static int build_layer(struct xnn_net *x, int oi, char *err, size_t errlen)
{
	struct accel_model *m = x->m;
	struct accel_op *op = &m->ops[oi];
	struct xlayer *l = &x->l[oi];
	l->op_index = oi;
	l->name = op->name;
	enum xnn_status st = xnn_status_success;
	if (op->opcode == ACCEL_OP_CONV_2D || op->opcode == ACCEL_OP_DEPTHWISE_CONV_2D) {
		struct accel_tensor *in = op_in(m, op, 0), *f = op_in(m, op, 1);
		struct accel_tensor *b = op_in(m, op, 2), *out = op_out(m, op, 0);
		bool dw = op->opcode == ACCEL_OP_DEPTHWISE_CONV_2D;
		uint32_t pt = 0, pb = 0, pl = 0, pr = 0, flags = 0;
		struct accel_op *pad = pad_producer(m, op->inputs[0], oi);
		if (pad && op->opt.conv.padding == ACCEL_PAD_VALID) {
			const int32_t *p = tdata(op_in(m, pad, 1));
			if (p[0] == 0 && p[1] == 0 && p[6] == 0 && p[7] == 0) {
				pt = (uint32_t)p[2]; pb = (uint32_t)p[3];
				pl = (uint32_t)p[4]; pr = (uint32_t)p[5];
				in = op_in(m, pad, 0);
				x->l[pad - m->ops].fallback = -1;
			}
		}
		if (op->opt.conv.padding == ACCEL_PAD_SAME)
			flags |= XNN_FLAG_TENSORFLOW_SAME_PADDING;
		int cin = in->dims[3], cout = out->dims[3];
		float *ks = malloc(sizeof(float) * (size_t)cout);
		for (int c = 0; c < cout; c++)
			ks[c] = f->q.scale[f->q.count > 1 ? c : 0];
		int8_t hi, lo = qmin_max(op, out, &hi);
		const int32_t *bias = b ? tdata(b) : x->zero_bias;
		if (dw) {
			flags |= XNN_FLAG_DEPTHWISE_CONVOLUTION;
			st = xnn_create_convolution2d_nhwc_qc8(pt, pr, pb, pl,
				(uint32_t)f->dims[1], (uint32_t)f->dims[2],
				(uint32_t)op->opt.conv.stride_h, (uint32_t)op->opt.conv.stride_w,
				(uint32_t)op->opt.conv.dilation_h, (uint32_t)op->opt.conv.dilation_w,
				(uint32_t)cin, 1, (size_t)(cout / cin), (size_t)cin, (size_t)cout,
				(int8_t)qzp(in), qscale(in), ks, tdata(f), bias,
				(int8_t)qzp(out), qscale(out), lo, hi, flags, &l->op);
		} else {
			st = xnn_create_convolution2d_nhwc_qc8(pt, pr, pb, pl,
				(uint32_t)f->dims[1], (uint32_t)f->dims[2],
				(uint32_t)op->opt.conv.stride_h, (uint32_t)op->opt.conv.stride_w,
				(uint32_t)op->opt.conv.dilation_h, (uint32_t)op->opt.conv.dilation_w,
				1, (size_t)cin, (size_t)cout, (size_t)cin, (size_t)cout,
				(int8_t)qzp(in), qscale(in), ks, tdata(f), bias,
				(int8_t)qzp(out), qscale(out), lo, hi, flags, &l->op);
		}
		free(ks);
		if (st == xnn_status_success)
			st = xnn_setup_convolution2d_nhwc_qc8(l->op, (size_t)in->dims[0],
				(size_t)in->dims[1], (size_t)in->dims[2], in->data, out->data, NULL);
	} else if (op->opcode == ACCEL_OP_FULLY_CONNECTED) {
		struct accel_tensor *in = op_in(m, op, 0), *f = op_in(m, op, 1);
		struct accel_tensor *b = op_in(m, op, 2), *out = op_out(m, op, 0);
		int k = f->dims[1], n = f->dims[0];
		int8_t hi, lo = qmin_max(op, out, &hi);
		st = xnn_create_fully_connected_nc_qs8((size_t)k, (size_t)n, (size_t)k,
			(size_t)n, (int8_t)qzp(in), qscale(in), f->q.scale[0], tdata(f),
			b ? tdata(b) : x->zero_bias, (int8_t)qzp(out),
			qscale(out), lo, hi, 0, &l->op);
		if (st == xnn_status_success)
			st = xnn_setup_fully_connected_nc_qs8(l->op,
				accel_tensor_elems(in) / (size_t)k, in->data, out->data, NULL);
	} else if (op->opcode == ACCEL_OP_ADD) {
		struct accel_tensor *a = op_in(m, op, 0), *b = op_in(m, op, 1);
		struct accel_tensor *out = op_out(m, op, 0);
		int8_t hi, lo = qmin_max(op, out, &hi);
		st = xnn_create_add_nd_qs8((int8_t)qzp(a), qscale(a), (int8_t)qzp(b),
			qscale(b), (int8_t)qzp(out), qscale(out), lo, hi, 0, &l->op);
		size_t sa[6], sb[6];
		for (int i = 0; i < a->rank; i++)
			sa[i] = (size_t)a->dims[i];
		for (int i = 0; i < b->rank; i++)
			sb[i] = (size_t)b->dims[i];
		if (st == xnn_status_success)
			st = xnn_setup_add_nd_qs8(l->op, (size_t)a->rank, sa, (size_t)b->rank,
				sb, a->data, b->data, out->data, NULL);
	} else if ((op->opcode == ACCEL_OP_MEAN ||
		    (op->opcode == ACCEL_OP_AVERAGE_POOL_2D &&
		     op->opt.pool.filter_h == op_in(m, op, 0)->dims[1] &&
		     op->opt.pool.filter_w == op_in(m, op, 0)->dims[2] &&
		     op->opt.pool.padding == ACCEL_PAD_VALID)) &&
		   op_in(m, op, 0)->rank == 4) {
		struct accel_tensor *in = op_in(m, op, 0), *out = op_out(m, op, 0);
		int c = in->dims[3];
		st = xnn_create_global_average_pooling_nwc_qs8((size_t)c, (size_t)c,
			(size_t)c, (int8_t)qzp(in), qscale(in), (int8_t)qzp(out),
			qscale(out), -128, 127, 0, &l->op);
		if (st == xnn_status_success)
			st = xnn_setup_global_average_pooling_nwc_qs8(l->op,
				(size_t)in->dims[0], (size_t)in->dims[1] * in->dims[2],
				in->data, out->data, NULL);
	} else if (l->fallback != -1) {
		l->fallback = 1;
		if (accel_cpu_op_prepare(m, op, err, errlen))
			return -1;
	}
	if (st != xnn_status_success) {
		snprintf(err, errlen, "op %d %s: XNNPACK status %d", oi, op->name, (int)st);
		return -1;
	}
	return 0;
}

struct xnn_net *xnn_net_create(const void *model, size_t size, char *err,
			       size_t errlen)
{
	if (!xinit_done) {
		if (xnn_initialize(NULL) != xnn_status_success) {
			snprintf(err, errlen, "xnn_initialize failed");
			return NULL;
		}
		xinit_done = 1;
	}
	struct xnn_net *x = calloc(1, sizeof(*x));
	if (accel_model_load(model, size, &x->m, err, errlen)) {
		free(x);
		return NULL;
	}
	struct accel_model *m = x->m;
	x->bufs = calloc((size_t)m->n_tensors, sizeof(void *));
	for (int i = 0; i < m->n_tensors; i++) {
		struct accel_tensor *t = &m->tensors[i];
		if (t->is_const) {
			t->data = (void *)t->const_data;
			continue;
		}
		x->bufs[i] = calloc(1, t->bytes + 64); /* XNNPACK over-reads */
		t->data = x->bufs[i];
	}
	x->zero_bias = calloc(4096, sizeof(int32_t));
	x->n = m->n_ops;
	x->l = calloc((size_t)m->n_ops, sizeof(struct xlayer));
	/* PADs are marked folded by their consumer; build consumers first */
	for (int oi = m->n_ops - 1; oi >= 0; oi--) {
		if (m->ops[oi].opcode == ACCEL_OP_PAD)
			continue;
		if (build_layer(x, oi, err, errlen)) {
			xnn_net_free(x);
			return NULL;
		}
	}
	for (int oi = 0; oi < m->n_ops; oi++)
		if (m->ops[oi].opcode == ACCEL_OP_PAD && x->l[oi].fallback != -1 &&
		    build_layer(x, oi, err, errlen)) {
			xnn_net_free(x);
			return NULL;
		}
	for (int oi = 0; oi < m->n_ops; oi++)
		if (m->ops[oi].opcode == ACCEL_OP_PAD) {
			x->l[oi].op_index = oi;
			x->l[oi].name = m->ops[oi].name;
		}
	x->in_t = m->inputs[0];
	x->out_t = m->outputs[0];
	return x;
}

void xnn_net_free(struct xnn_net *x)
{
	if (!x)
		return;
	for (int i = 0; i < x->n; i++) {
		if (x->l[i].op)
			xnn_delete_operator(x->l[i].op);
		accel_cpu_op_release(&x->m->ops[i]);
	}
	for (int i = 0; i < x->m->n_tensors; i++)
		free(x->bufs[i]);
	free(x->bufs);
	free(x->l);
	free(x->zero_bias);
	accel_model_free(x->m);
	free(x);
}

int xnn_net_set_input(struct xnn_net *x, const void *data, size_t bytes)
{
	struct accel_tensor *t = &x->m->tensors[x->in_t];
	if (bytes != t->bytes)
		return -1;
	memcpy(t->data, data, bytes);
	return 0;
}

int xnn_net_invoke(struct xnn_net *x)
{
	char err[256];
	for (int i = 0; i < x->n; i++) {
		struct xlayer *l = &x->l[i];
		uint64_t t0 = now_ns();
		if (l->op) {
			if (xnn_run_operator(l->op, NULL) != xnn_status_success)
				return -1;
		} else if (l->fallback == 1) {
			if (accel_cpu_op_eval(x->m, &x->m->ops[i], err, sizeof(err)))
				return -1;
		}
		l->ns = now_ns() - t0;
	}
	return 0;
}

int xnn_net_get_output(struct xnn_net *x, void *data, size_t bytes)
{
	struct accel_tensor *t = &x->m->tensors[x->out_t];
	if (bytes != t->bytes)
		return -1;
	memcpy(data, t->data, bytes);
	return 0;
}

int xnn_net_layers(const struct xnn_net *x) { return x->n; }

void xnn_net_layer(const struct xnn_net *x, int i, int *op_index,
		   const char **name, uint64_t *ns, int *fallback)
{
	*op_index = x->l[i].op_index;
	*name = x->l[i].name;
	*ns = x->l[i].ns;
	*fallback = x->l[i].fallback;
}
