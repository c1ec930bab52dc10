/* SPDX-License-Identifier: MIT */
/*
 * Graph planning: schedule validation, graph passes (PAD folding, RELU
 * fusion), tensor lifetimes and a greedy arena layout in the spirit of
 * TFLM's GreedyMemoryPlanner (largest buffers first, each at the lowest
 * offset that does not collide with a time-overlapping placed buffer).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "planner.h"

#define ACCEL_OP_PADV2 60
#define ACCEL_OP_EXPAND_DIMS 70

static int fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && len)
		vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

void accel_plan_default_opts(struct accel_plan_opts *o)
{
	const char *e = getenv("ACCEL_NO_FOLD");
	bool on = !(e && *e && strcmp(e, "0") != 0);
	o->fold_pad = on;
	o->fuse_relu = on;
	o->alias_reshape = on;
}

static bool is_graph_input(const struct accel_model *m, int t)
{
	for (int i = 0; i < m->n_inputs; i++)
		if (m->inputs[i] == t)
			return true;
	return false;
}

static bool is_graph_output(const struct accel_model *m, int t)
{
	for (int i = 0; i < m->n_outputs; i++)
		if (m->outputs[i] == t)
			return true;
	return false;
}

/* Tensors whose value exists before any op runs. */
static bool is_source(const struct accel_model *m, int t)
{
	const struct accel_tensor *x = &m->tensors[t];
	return x->is_const || x->is_variable || is_graph_input(m, t);
}

/* producer[t] = index of the (non-removed) op writing t, or -1. */
static int find_producers(const struct accel_model *m, int *producer,
			  char *err, size_t len)
{
	for (int t = 0; t < m->n_tensors; t++)
		producer[t] = -1;
	for (int i = 0; i < m->n_ops; i++) {
		const struct accel_op *op = &m->ops[i];
		if (op->removed)
			continue;
		for (int k = 0; k < op->n_outputs; k++) {
			int t = op->outputs[k];
			if (producer[t] >= 0)
				return fail(err, len, "tensor %d ('%s') is written by operators %d and %d",
					    t, m->tensors[t].name, producer[t], i);
			if (is_source(m, t))
				return fail(err, len, "operator %d (%s) writes tensor %d ('%s') which is a constant, variable or graph input",
					    i, op->name, t, m->tensors[t].name);
			producer[t] = i;
		}
	}
	return 0;
}

/* Kahn's algorithm; used only when the stored order is not valid. */
static int topo_sort(struct accel_model *m, const int *producer, char *err,
		     size_t len)
{
	int n = m->n_ops, rc = -1;
	size_t edges = 0;
	for (int i = 0; i < n; i++)
		edges += (size_t)m->ops[i].n_inputs;
	int *indeg = calloc((size_t)n + 1, sizeof(int));
	int *start = calloc((size_t)m->n_tensors + 1, sizeof(int));
	int *cons = calloc(edges + 1, sizeof(int));
	int *fill = calloc((size_t)m->n_tensors + 1, sizeof(int));
	int *order = calloc((size_t)n + 1, sizeof(int));
	struct accel_op *sorted = calloc((size_t)n + 1, sizeof(*sorted));
	if (!indeg || !start || !cons || !fill || !order || !sorted) {
		fail(err, len, "out of memory");
		goto out;
	}
	/* consumers of each tensor, CSR layout */
	for (int i = 0; i < n; i++)
		for (int k = 0; k < m->ops[i].n_inputs; k++) {
			int t = m->ops[i].inputs[k];
			if (t >= 0 && producer[t] >= 0) {
				start[t + 1]++;
				indeg[i]++;
			}
		}
	for (int t = 0; t < m->n_tensors; t++)
		start[t + 1] += start[t];
	for (int i = 0; i < n; i++)
		for (int k = 0; k < m->ops[i].n_inputs; k++) {
			int t = m->ops[i].inputs[k];
			if (t >= 0 && producer[t] >= 0)
				cons[start[t] + fill[t]++] = i;
		}
	int head = 0, tail = 0;
	for (int i = 0; i < n; i++)
		if (indeg[i] == 0)
			order[tail++] = i;
	while (head < tail) {
		const struct accel_op *op = &m->ops[order[head++]];
		for (int k = 0; k < op->n_outputs; k++) {
			int t = op->outputs[k];
			for (int c = start[t]; c < start[t + 1]; c++)
				if (--indeg[cons[c]] == 0)
					order[tail++] = cons[c];
		}
	}
	if (tail < n) {
		fail(err, len, "operator graph has a cycle");
		goto out;
	}
	for (int i = 0; i < n; i++)
		sorted[i] = m->ops[order[i]];
	memcpy(m->ops, sorted, (size_t)n * sizeof(*sorted));
	rc = 0;
out:
	free(indeg);
	free(start);
	free(cons);
	free(fill);
	free(order);
	free(sorted);
	return rc;
}

int accel_plan_schedule(struct accel_model *m, char *err, size_t len)
{
	int *producer = calloc((size_t)m->n_tensors + 1, sizeof(int));
	int rc = -1;
	bool ordered = true;
	if (!producer)
		return fail(err, len, "out of memory");
	if (find_producers(m, producer, err, len))
		goto out;
	for (int i = 0; i < m->n_ops; i++) {
		const struct accel_op *op = &m->ops[i];
		for (int k = 0; k < op->n_inputs; k++) {
			int t = op->inputs[k];
			if (t < 0 || is_source(m, t))
				continue;
			if (producer[t] < 0) {
				fail(err, len, "operator %d (%s) reads tensor %d ('%s') which no operator produces",
				     i, op->name, t, m->tensors[t].name);
				goto out;
			}
			if (producer[t] >= i)
				ordered = false;
		}
	}
	for (int i = 0; i < m->n_outputs; i++) {
		int t = m->outputs[i];
		if (!is_source(m, t) && producer[t] < 0) {
			fail(err, len, "graph output %d (tensor %d '%s') is never produced",
			     i, t, m->tensors[t].name);
			goto out;
		}
	}
	rc = ordered ? 0 : topo_sort(m, producer, err, len);
out:
	free(producer);
	return rc;
}

/* Number of reads of @t by live ops, plus one if it is a graph output. */
static int uses(const struct accel_model *m, int t)
{
	int n = is_graph_output(m, t) ? 1 : 0;
	for (int i = 0; i < m->n_ops; i++) {
		const struct accel_op *op = &m->ops[i];
		if (op->removed)
			continue;
		for (int k = 0; k < op->n_inputs; k++)
			n += op->inputs[k] == t;
	}
	return n;
}

static int only_consumer(const struct accel_model *m, int t)
{
	if (uses(m, t) != 1 || is_graph_output(m, t))
		return -1;
	for (int i = 0; i < m->n_ops; i++) {
		const struct accel_op *op = &m->ops[i];
		if (op->removed)
			continue;
		for (int k = 0; k < op->n_inputs; k++)
			if (op->inputs[k] == t)
				return i;
	}
	return -1;
}

static bool same_per_tensor_quant(const struct accel_tensor *a,
				  const struct accel_tensor *b)
{
	return a->type == b->type && a->q.count == 1 && b->q.count == 1 &&
	       a->q.scale[0] == b->q.scale[0] &&
	       a->q.zero_point[0] == b->q.zero_point[0];
}

static int64_t const_int(const struct accel_tensor *t, size_t i)
{
	if (t->type == ACCEL_DT_INT64) {
		int64_t v;
		memcpy(&v, (const int64_t *)t->const_data + i, sizeof(v));
		return v;
	}
	int32_t v;
	memcpy(&v, (const int32_t *)t->const_data + i, sizeof(v));
	return v;
}

/* Can PAD op @p be folded into conv op @c? Fills pads[4] = t, b, l, r. */
static bool pad_foldable(const struct accel_model *m, const struct accel_op *p,
			 const struct accel_op *c, int pads[4])
{
	if (p->n_inputs < 2 || p->n_outputs != 1 || p->inputs[0] < 0 ||
	    p->inputs[1] < 0)
		return false;
	const struct accel_tensor *x = &m->tensors[p->inputs[0]];
	const struct accel_tensor *y = &m->tensors[p->outputs[0]];
	const struct accel_tensor *pd = &m->tensors[p->inputs[1]];
	if (c->opcode != ACCEL_OP_CONV_2D && c->opcode != ACCEL_OP_DEPTHWISE_CONV_2D)
		return false;
	if (c->n_inputs < 1 || c->inputs[0] != p->outputs[0] ||
	    c->opt.conv.padding != ACCEL_PAD_VALID || c->opt.conv.explicit_pad)
		return false;
	for (int k = 1; k < c->n_inputs; k++)
		if (c->inputs[k] == p->outputs[0])
			return false;
	if (x->rank != 4 || y->rank != 4 || x->type != ACCEL_DT_INT8 ||
	    !same_per_tensor_quant(x, y))
		return false;
	if (!pd->is_const || pd->rank != 2 || pd->dims[0] != 4 ||
	    pd->dims[1] != 2 ||
	    (pd->type != ACCEL_DT_INT32 && pd->type != ACCEL_DT_INT64))
		return false;
	if (p->opcode == ACCEL_OP_PADV2) {
		const struct accel_tensor *cv = p->n_inputs > 2 && p->inputs[2] >= 0 ?
			&m->tensors[p->inputs[2]] : NULL;
		if (cv && (!cv->is_const || cv->type != ACCEL_DT_INT8 ||
			   accel_tensor_elems(cv) != 1 ||
			   *(const int8_t *)cv->const_data != y->q.zero_point[0]))
			return false;
	}
	int64_t v[8];
	for (int i = 0; i < 8; i++) {
		v[i] = const_int(pd, (size_t)i);
		if (v[i] < 0 || v[i] > 1024)
			return false;
	}
	/* only H and W padded, and the shapes must agree with the padding */
	if (v[0] || v[1] || v[6] || v[7])
		return false;
	for (int d = 0; d < 4; d++)
		if ((int64_t)x->dims[d] + v[2 * d] + v[2 * d + 1] != y->dims[d])
			return false;
	pads[0] = (int)v[2];
	pads[1] = (int)v[3];
	pads[2] = (int)v[4];
	pads[3] = (int)v[5];
	return true;
}

int accel_fold_pad(struct accel_model *m)
{
	int folded = 0;
	for (int i = 0; i < m->n_ops; i++) {
		struct accel_op *p = &m->ops[i];
		int pads[4];
		if (p->removed || (p->opcode != ACCEL_OP_PAD &&
				   p->opcode != ACCEL_OP_PADV2))
			continue;
		int ci = only_consumer(m, p->outputs[0]);
		if (ci <= i)
			continue;
		struct accel_op *c = &m->ops[ci];
		if (!pad_foldable(m, p, c, pads))
			continue;
		/* inputs arrays are loader-allocated and writable */
		((int *)c->inputs)[0] = p->inputs[0];
		c->opt.conv.explicit_pad = true;
		c->opt.conv.pad_top = pads[0];
		c->opt.conv.pad_bottom = pads[1];
		c->opt.conv.pad_left = pads[2];
		c->opt.conv.pad_right = pads[3];
		p->removed = true;
		folded++;
	}
	return folded;
}

/* Pointer to the fused-activation field of ops that have one. */
static enum accel_act *act_field(struct accel_op *op)
{
	switch (op->opcode) {
	case ACCEL_OP_CONV_2D:
	case ACCEL_OP_DEPTHWISE_CONV_2D:
		return &op->opt.conv.act;
	case ACCEL_OP_FULLY_CONNECTED:
		return &op->opt.fc.act;
	case ACCEL_OP_ADD:
	case ACCEL_OP_SUB:
	case ACCEL_OP_MUL:
		return &op->opt.elem.act;
	case ACCEL_OP_AVERAGE_POOL_2D:
	case ACCEL_OP_MAX_POOL_2D:
		return &op->opt.pool.act;
	}
	return NULL;
}

int accel_fuse_relu(struct accel_model *m)
{
	int fused = 0;
	for (int i = 0; i < m->n_ops; i++) {
		struct accel_op *r = &m->ops[i];
		if (r->removed || r->n_inputs != 1 || r->n_outputs != 1 ||
		    r->inputs[0] < 0 ||
		    (r->opcode != ACCEL_OP_RELU && r->opcode != ACCEL_OP_RELU6))
			continue;
		int t = r->inputs[0], o = r->outputs[0];
		if (only_consumer(m, t) != i)
			continue;
		/* with equal quantization, RELU is exactly the producer's
		 * fused activation clamp */
		if (!same_per_tensor_quant(&m->tensors[t], &m->tensors[o]) ||
		    (m->tensors[t].type != ACCEL_DT_INT8 &&
		     m->tensors[t].type != ACCEL_DT_UINT8))
			continue;
		for (int j = 0; j < i; j++) {
			struct accel_op *p = &m->ops[j];
			enum accel_act *act = act_field(p);
			if (p->removed || p->n_outputs != 1 || p->outputs[0] != t)
				continue;
			if (!act || *act != ACCEL_ACT_NONE)
				break;
			*act = r->opcode == ACCEL_OP_RELU ? ACCEL_ACT_RELU :
							   ACCEL_ACT_RELU6;
			((int *)p->outputs)[0] = o;
			r->removed = true;
			fused++;
			break;
		}
	}
	return fused;
}

static bool is_reshape_like(int opcode)
{
	return opcode == ACCEL_OP_RESHAPE || opcode == ACCEL_OP_SQUEEZE ||
	       opcode == ACCEL_OP_EXPAND_DIMS;
}

bool accel_op_is_alias(const struct accel_model *m, const struct accel_op *op)
{
	(void)m;
	return op->removed && is_reshape_like(op->opcode);
}

/*
 * A reshape only changes the shape: its output can share the input's
 * storage when the input is an activation (not constant data, not state)
 * of the same type and size. Tensors are only ever written by their single
 * producer, so the shared buffer just has to live as long as both.
 */
int accel_alias_reshape(struct accel_model *m)
{
	int n = 0;
	for (int i = 0; i < m->n_ops; i++) {
		struct accel_op *op = &m->ops[i];
		if (op->removed || !is_reshape_like(op->opcode) ||
		    op->n_inputs < 1 || op->n_outputs != 1 || op->inputs[0] < 0)
			continue;
		const struct accel_tensor *in = &m->tensors[op->inputs[0]];
		const struct accel_tensor *out = &m->tensors[op->outputs[0]];
		if (in->is_const || in->is_variable || in->type != out->type ||
		    in->bytes != out->bytes || op->inputs[0] == op->outputs[0])
			continue;
		op->removed = true;
		n++;
	}
	return n;
}

struct buf {
	int tensor;
	size_t size, offset;
	int first, last;
};

static int cmp_buf(const void *a, const void *b)
{
	const struct buf *x = a, *y = b;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	if (x->first != y->first)
		return x->first - y->first;
	return x->tensor - y->tensor;
}

static size_t align_up(size_t v)
{
	return (v + ACCEL_ARENA_ALIGN - 1) & ~(size_t)(ACCEL_ARENA_ALIGN - 1);
}

/*
 * A device backend may compute a residual ADD in the epilogue of the conv
 * that runs right before it: the add's output is then written while the
 * conv still reads its inputs, so its life starts at the conv.
 */
static void reserve_fused_add_outputs(struct accel_model *m)
{
	int prev = -1;

	for (int i = 0; i < m->n_ops; i++) {
		const struct accel_op *op = &m->ops[i];

		if (op->removed)
			continue;
		if (prev >= 0 && op->opcode == ACCEL_OP_ADD && op->n_inputs == 2 &&
		    op->n_outputs == 1 && op->outputs[0] >= 0 &&
		    m->ops[prev].opcode == ACCEL_OP_CONV_2D &&
		    m->ops[prev].n_outputs == 1) {
			int co = m->ops[prev].outputs[0];
			struct accel_tensor *t = &m->tensors[op->outputs[0]];

			if ((op->inputs[0] == co || op->inputs[1] == co) &&
			    t->first_use > prev)
				t->first_use = prev;
		}
		prev = i;
	}
}

static void compute_lifetimes(struct accel_model *m)
{
	int end = m->n_ops > 0 ? m->n_ops - 1 : 0;
	for (int t = 0; t < m->n_tensors; t++)
		m->tensors[t].first_use = m->tensors[t].last_use = -1;
	/* inputs stay valid across invokes: they live the whole run */
	for (int i = 0; i < m->n_inputs; i++) {
		m->tensors[m->inputs[i]].first_use = 0;
		m->tensors[m->inputs[i]].last_use = end;
	}
	for (int i = 0; i < m->n_ops; i++) {
		const struct accel_op *op = &m->ops[i];
		if (op->removed)
			continue;
		for (int pass = 0; pass < 2; pass++) {
			const int *idx = pass ? op->outputs : op->inputs;
			int n = pass ? op->n_outputs : op->n_inputs;
			for (int k = 0; k < n; k++) {
				if (idx[k] < 0)
					continue;
				struct accel_tensor *t = &m->tensors[idx[k]];
				if (t->first_use < 0)
					t->first_use = i;
				if (t->last_use < i)
					t->last_use = i;
			}
		}
	}
	for (int i = 0; i < m->n_outputs; i++) {
		struct accel_tensor *t = &m->tensors[m->outputs[i]];
		if (t->first_use < 0)
			t->first_use = 0;
		t->last_use = end;
	}
	reserve_fused_add_outputs(m);
}

static bool in_arena(const struct accel_tensor *t)
{
	return !t->is_const && !t->is_variable && t->first_use >= 0;
}

static int alias_root(const int *alias, int t)
{
	while (alias[t] >= 0)
		t = alias[t];
	return t;
}

/* Merge each reshape view's lifetime into its root tensor's. */
static void merge_alias_lifetimes(struct accel_model *m, int *alias)
{
	for (int t = 0; t < m->n_tensors; t++)
		alias[t] = -1;
	for (int i = 0; i < m->n_ops; i++) {
		const struct accel_op *op = &m->ops[i];
		if (!accel_op_is_alias(m, op))
			continue;
		int root = alias_root(alias, op->inputs[0]);
		int out = op->outputs[0];
		if (root == out)
			continue;
		alias[out] = root;
		struct accel_tensor *r = &m->tensors[root], *o = &m->tensors[out];
		if (o->first_use >= 0 && (r->first_use < 0 || o->first_use < r->first_use))
			r->first_use = o->first_use;
		if (o->last_use > r->last_use)
			r->last_use = o->last_use;
		if (r->first_use < 0)
			r->first_use = i;
		if (r->last_use < i)
			r->last_use = i;
	}
	/* views take the (final) lifetime of their root */
	for (int t = 0; t < m->n_tensors; t++) {
		if (alias[t] < 0)
			continue;
		const struct accel_tensor *r = &m->tensors[alias_root(alias, t)];
		m->tensors[t].first_use = r->first_use;
		m->tensors[t].last_use = r->last_use;
	}
}

int accel_plan_memory(struct accel_model *m, char *err, size_t len)
{
	int *alias = calloc((size_t)m->n_tensors + 1, sizeof(int));
	if (!alias)
		return fail(err, len, "out of memory");
	compute_lifetimes(m);
	merge_alias_lifetimes(m, alias);
	int n = 0;
	size_t persistent = 0;
	for (int t = 0; t < m->n_tensors; t++) {
		struct accel_tensor *x = &m->tensors[t];
		x->arena_offset = 0;
		if (in_arena(x) && alias[t] < 0)
			n++;
		if (x->is_variable) {
			x->arena_offset = persistent;
			persistent += align_up(x->bytes);
		}
	}
	struct buf *b = calloc((size_t)n + 1, sizeof(*b));
	int *placed = calloc((size_t)n + 1, sizeof(int));   /* by offset */
	if (!b || !placed) {
		free(b);
		free(placed);
		free(alias);
		return fail(err, len, "out of memory");
	}
	n = 0;
	for (int t = 0; t < m->n_tensors; t++) {
		const struct accel_tensor *x = &m->tensors[t];
		if (in_arena(x) && alias[t] < 0)
			b[n++] = (struct buf){ t, align_up(x->bytes), 0,
					       x->first_use, x->last_use };
	}
	qsort(b, (size_t)n, sizeof(*b), cmp_buf);
	size_t total = 0;
	for (int i = 0; i < n; i++) {
		size_t off = 0;
		int pos = 0;
		for (int k = 0; k < i; k++) {
			const struct buf *p = &b[placed[k]];
			if (p->last < b[i].first || p->first > b[i].last)
				continue;       /* not alive at the same time */
			if (off + b[i].size <= p->offset)
				break;
			if (p->offset + p->size > off)
				off = p->offset + p->size;
		}
		b[i].offset = off;
		/* keep placed[] sorted by offset */
		for (pos = i; pos > 0 && b[placed[pos - 1]].offset > off; pos--)
			placed[pos] = placed[pos - 1];
		placed[pos] = i;
		if (off + b[i].size > total)
			total = off + b[i].size;
		m->tensors[b[i].tensor].arena_offset = off;
	}
	for (int t = 0; t < m->n_tensors; t++)
		if (alias[t] >= 0)
			m->tensors[t].arena_offset =
				m->tensors[alias_root(alias, t)].arena_offset;
	free(b);
	free(placed);
	free(alias);
	if (total > ACCEL_MAX_ARENA_BYTES || persistent > ACCEL_MAX_ARENA_BYTES)
		return fail(err, len, "model needs %zu bytes of activations and %zu of state (limit %zu)",
			    total, persistent, ACCEL_MAX_ARENA_BYTES);
	m->arena_bytes = total;
	m->persistent_bytes = persistent;
	return 0;
}

int accel_plan(struct accel_model *m, const struct accel_plan_opts *o,
	       char *err, size_t len)
{
	struct accel_plan_opts def;
	if (!o) {
		accel_plan_default_opts(&def);
		o = &def;
	}
	if (accel_plan_schedule(m, err, len))
		return -1;
	if (o->fold_pad)
		accel_fold_pad(m);
	if (o->fuse_relu)
		accel_fuse_relu(m);
	if (o->alias_reshape)
		accel_alias_reshape(m);
	m->n_removed = 0;
	for (int i = 0; i < m->n_ops; i++)
		m->n_removed += m->ops[i].removed;
	return accel_plan_memory(m, err, len);
}
