// SPDX-License-Identifier: MIT
/*
 * TFLite flatbuffer writer.
 *
 * FlatBuffers references (uoffset) must point forward, so the image is
 * written front to back, parents before children: a table or vector is
 * emitted with zeroed reference slots that are patched once the child it
 * refers to has been appended. Vtables are written just before their table
 * (the table's soffset may point either way).
 */
#include "tflite_write.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* BuiltinOptions union member ids (schema order). */
enum {
	OPT_NONE = 0,
	OPT_CONV2D = 1,
	OPT_DEPTHWISE = 2,
	OPT_POOL2D = 5,
	OPT_FULLY_CONNECTED = 8,
	OPT_SOFTMAX = 9,
	OPT_RESHAPE = 17,
	OPT_CONCATENATION = 10,
	OPT_ADD = 11,
	OPT_PAD = 22,
};

#define TFL_SCHEMA_VERSION 3
#define MAX_FIELDS 12

struct fbb {
	uint8_t *b;
	size_t len, cap;
	bool oom;
};

static void fb_reserve(struct fbb *f, size_t n)
{
	if (f->oom || f->len + n <= f->cap)
		return;
	size_t cap = f->cap ? f->cap : 4096;
	while (cap < f->len + n)
		cap *= 2;
	uint8_t *b = realloc(f->b, cap);
	if (!b) {
		f->oom = true;
		return;
	}
	f->b = b;
	f->cap = cap;
}

static size_t fb_put(struct fbb *f, const void *p, size_t n)
{
	size_t pos = f->len;
	fb_reserve(f, n);
	if (f->oom)
		return pos;
	if (p)
		memcpy(f->b + f->len, p, n);
	else
		memset(f->b + f->len, 0, n);
	f->len += n;
	return pos;
}

static void fb_pad_to(struct fbb *f, size_t align)
{
	while (f->len % align)
		fb_put(f, NULL, 1);
}

static void fb_poke(struct fbb *f, size_t pos, const void *p, size_t n)
{
	if (!f->oom)
		memcpy(f->b + pos, p, n);
}

/* Make the uoffset at @slot refer to @target (target > slot). */
static void fb_patch(struct fbb *f, size_t slot, size_t target)
{
	uint32_t off = (uint32_t)(target - slot);
	fb_poke(f, slot, &off, 4);
}

/*
 * Vector of @n elements of @elem bytes; the element data starts at a
 * multiple of @align (>= 4). Returns the position of the length word;
 * @data NULL leaves the elements zero (reference slots to patch).
 */
static size_t fb_vector(struct fbb *f, const void *data, size_t n,
			size_t elem, size_t align)
{
	while ((f->len + 4) % align)
		fb_put(f, NULL, 1);
	uint32_t len = (uint32_t)n;
	size_t pos = fb_put(f, &len, 4);
	fb_put(f, data, n * elem);
	return pos;
}

static size_t fb_string(struct fbb *f, const char *s)
{
	size_t n = strlen(s);
	size_t pos = fb_vector(f, s, n, 1, 4);
	fb_put(f, NULL, 1);     /* NUL terminator, not counted */
	return pos;
}

/* A table under construction: scalar fields and reference slots. */
struct fb_table {
	int n;
	struct {
		int id;
		unsigned size;          /* 1, 2 or 4 bytes */
		uint32_t value;
		bool ref;
		size_t pos;             /* absolute position once written */
	} f[MAX_FIELDS];
};

static void tb_scalar(struct fb_table *t, int id, unsigned size,
		      uint32_t value)
{
	t->f[t->n].id = id;
	t->f[t->n].size = size;
	t->f[t->n].value = value;
	t->f[t->n].ref = false;
	t->n++;
}

/* Returns the field index, whose .pos is the slot to patch after writing. */
static int tb_ref(struct fb_table *t, int id)
{
	t->f[t->n].id = id;
	t->f[t->n].size = 4;
	t->f[t->n].value = 0;
	t->f[t->n].ref = true;
	return t->n++;
}

/* Emit vtable + table; returns the table position. */
static size_t tb_end(struct fbb *f, struct fb_table *t)
{
	int max_id = -1;
	for (int i = 0; i < t->n; i++)
		if (t->f[i].id > max_id)
			max_id = t->f[i].id;
	/* Inline layout: soffset, then fields by decreasing size (no gaps
	 * other than alignment within 4-byte words). */
	uint16_t field_off[MAX_FIELDS] = { 0 };
	unsigned tbl_len = 4;
	for (unsigned size = 4; size >= 1; size /= 2)
		for (int i = 0; i < t->n; i++)
			if (t->f[i].size == size) {
				field_off[i] = (uint16_t)tbl_len;
				tbl_len += size;
			}
	tbl_len = (tbl_len + 3) & ~3u;

	unsigned vt_entries = (unsigned)(max_id + 1);
	uint16_t vt[2 + MAX_FIELDS * 2] = { 0 };
	vt[0] = (uint16_t)(4 + 2 * vt_entries);
	vt[1] = (uint16_t)tbl_len;
	for (int i = 0; i < t->n; i++)
		vt[2 + t->f[i].id] = field_off[i];
	/* Place the vtable so the table right after it is 4-aligned. */
	while ((f->len + vt[0]) % 4)
		fb_put(f, NULL, 1);
	size_t vt_pos = fb_put(f, vt, vt[0]);
	size_t tbl = fb_put(f, NULL, tbl_len);
	int32_t soff = (int32_t)(tbl - vt_pos);
	fb_poke(f, tbl, &soff, 4);
	for (int i = 0; i < t->n; i++) {
		t->f[i].pos = tbl + field_off[i];
		fb_poke(f, t->f[i].pos, &t->f[i].value, t->f[i].size);
	}
	return tbl;
}

static uint32_t f2u(float x)
{
	uint32_t u;
	memcpy(&u, &x, 4);
	return u;
}

static size_t write_quant(struct fbb *f, const struct tfl_quant *q)
{
	struct fb_table t = { 0 };
	int scale = tb_ref(&t, 2);
	int zp = tb_ref(&t, 3);
	if (q->axis)
		tb_scalar(&t, 6, 4, (uint32_t)q->axis);
	size_t pos = tb_end(f, &t);
	fb_patch(f, t.f[scale].pos,
		 fb_vector(f, q->scale, (size_t)q->count, 4, 4));
	fb_patch(f, t.f[zp].pos,
		 fb_vector(f, q->zero_point, (size_t)q->count, 8, 8));
	return pos;
}

static size_t write_tensor(struct fbb *f, const struct tfl_tensor *tn)
{
	struct fb_table t = { 0 };
	int shape = tb_ref(&t, 0);
	tb_scalar(&t, 1, 1, (uint32_t)tn->type);
	tb_scalar(&t, 2, 4, (uint32_t)tn->buffer);
	int name = tb_ref(&t, 3);
	int quant = tn->q.count ? tb_ref(&t, 4) : -1;
	size_t pos = tb_end(f, &t);
	fb_patch(f, t.f[shape].pos,
		 fb_vector(f, tn->dims, (size_t)tn->rank, 4, 4));
	fb_patch(f, t.f[name].pos, fb_string(f, tn->name));
	if (quant >= 0)
		fb_patch(f, t.f[quant].pos, write_quant(f, &tn->q));
	return pos;
}

/* BuiltinOptions member of an opcode. */
static int options_type(int opcode)
{
	switch (opcode) {
	case TFL_OP_CONV_2D: return OPT_CONV2D;
	case TFL_OP_DEPTHWISE_CONV_2D: return OPT_DEPTHWISE;
	case TFL_OP_AVERAGE_POOL_2D:
	case TFL_OP_MAX_POOL_2D: return OPT_POOL2D;
	case TFL_OP_FULLY_CONNECTED: return OPT_FULLY_CONNECTED;
	case TFL_OP_SOFTMAX: return OPT_SOFTMAX;
	case TFL_OP_RESHAPE: return OPT_RESHAPE;
	case TFL_OP_CONCATENATION: return OPT_CONCATENATION;
	case TFL_OP_ADD: return OPT_ADD;
	case TFL_OP_PAD: return OPT_PAD;
	}
	return OPT_NONE;
}

static size_t write_options(struct fbb *f, const struct tfl_op *op)
{
	const struct tfl_opts *o = &op->opts;
	struct fb_table t = { 0 };
	int shape = -1;
	switch (op->opcode) {
	case TFL_OP_CONV_2D:
		tb_scalar(&t, 0, 1, (uint32_t)o->padding);
		tb_scalar(&t, 1, 4, (uint32_t)o->stride_w);
		tb_scalar(&t, 2, 4, (uint32_t)o->stride_h);
		tb_scalar(&t, 3, 1, (uint32_t)o->act);
		tb_scalar(&t, 4, 4, (uint32_t)(o->dilation_w ? o->dilation_w : 1));
		tb_scalar(&t, 5, 4, (uint32_t)(o->dilation_h ? o->dilation_h : 1));
		break;
	case TFL_OP_DEPTHWISE_CONV_2D:
		tb_scalar(&t, 0, 1, (uint32_t)o->padding);
		tb_scalar(&t, 1, 4, (uint32_t)o->stride_w);
		tb_scalar(&t, 2, 4, (uint32_t)o->stride_h);
		tb_scalar(&t, 3, 4, (uint32_t)(o->depth_multiplier ?
					       o->depth_multiplier : 1));
		tb_scalar(&t, 4, 1, (uint32_t)o->act);
		tb_scalar(&t, 5, 4, (uint32_t)(o->dilation_w ? o->dilation_w : 1));
		tb_scalar(&t, 6, 4, (uint32_t)(o->dilation_h ? o->dilation_h : 1));
		break;
	case TFL_OP_AVERAGE_POOL_2D:
	case TFL_OP_MAX_POOL_2D:
		tb_scalar(&t, 0, 1, (uint32_t)o->padding);
		tb_scalar(&t, 1, 4, (uint32_t)o->stride_w);
		tb_scalar(&t, 2, 4, (uint32_t)o->stride_h);
		tb_scalar(&t, 3, 4, (uint32_t)o->filter_w);
		tb_scalar(&t, 4, 4, (uint32_t)o->filter_h);
		tb_scalar(&t, 5, 1, (uint32_t)o->act);
		break;
	case TFL_OP_FULLY_CONNECTED:
		tb_scalar(&t, 0, 1, (uint32_t)o->act);
		if (o->keep_num_dims)
			tb_scalar(&t, 2, 1, 1);
		break;
	case TFL_OP_SOFTMAX:
		tb_scalar(&t, 0, 4, f2u(o->beta));
		break;
	case TFL_OP_CONCATENATION:
		tb_scalar(&t, 0, 4, (uint32_t)o->axis);
		tb_scalar(&t, 1, 1, (uint32_t)o->act);
		break;
	case TFL_OP_ADD:
		tb_scalar(&t, 0, 1, (uint32_t)o->act);
		break;
	case TFL_OP_RESHAPE:
		if (o->new_shape_rank)
			shape = tb_ref(&t, 0);
		break;
	}
	size_t pos = tb_end(f, &t);
	if (shape >= 0)
		fb_patch(f, t.f[shape].pos,
			 fb_vector(f, o->new_shape, (size_t)o->new_shape_rank,
				   4, 4));
	return pos;
}

static size_t write_op(struct fbb *f, const struct tfl_op *op,
		       int opcode_index)
{
	struct fb_table t = { 0 };
	tb_scalar(&t, 0, 4, (uint32_t)opcode_index);
	int in = tb_ref(&t, 1);
	int out = tb_ref(&t, 2);
	int type = options_type(op->opcode);
	int opts = -1;
	if (type != OPT_NONE) {
		tb_scalar(&t, 3, 1, (uint32_t)type);
		opts = tb_ref(&t, 4);
	}
	size_t pos = tb_end(f, &t);
	fb_patch(f, t.f[in].pos,
		 fb_vector(f, op->inputs, (size_t)op->n_inputs, 4, 4));
	fb_patch(f, t.f[out].pos,
		 fb_vector(f, op->outputs, (size_t)op->n_outputs, 4, 4));
	if (opts >= 0)
		fb_patch(f, t.f[opts].pos, write_options(f, op));
	return pos;
}

/* Distinct (opcode, version) pairs in first-use order. */
struct opcode_set {
	int n;
	int code[64], version[64];
};

static int opcode_index(struct opcode_set *s, const struct tfl_op *op)
{
	for (int i = 0; i < s->n; i++)
		if (s->code[i] == op->opcode && s->version[i] == op->version)
			return i;
	if (s->n == 64)
		return -1;
	s->code[s->n] = op->opcode;
	s->version[s->n] = op->version;
	return s->n++;
}

/* Operators whose options (if any) this writer knows how to emit. */
static bool opcode_known(int opcode)
{
	switch (opcode) {
	case TFL_OP_AVERAGE_POOL_2D: case TFL_OP_CONV_2D:
	case TFL_OP_DEPTHWISE_CONV_2D: case TFL_OP_DEQUANTIZE:
	case TFL_OP_FULLY_CONNECTED: case TFL_OP_MAX_POOL_2D:
	case TFL_OP_RESHAPE: case TFL_OP_SOFTMAX: case TFL_OP_QUANTIZE:
	case TFL_OP_ADD: case TFL_OP_CONCATENATION: case TFL_OP_PAD:
	case TFL_OP_RELU:
		return true;
	}
	return false;
}

static bool model_valid(const struct tfl_model *m)
{
	for (int i = 0; i < m->n_tensors; i++) {
		const struct tfl_tensor *t = &m->tensors[i];
		/* quantized_dimension is written as given: converter output
		 * has e.g. axis 3 on rank-1 depthwise biases */
		if (t->buffer < 0 || t->buffer >= m->n_buffers ||
		    t->q.axis < 0)
			return false;
	}
	for (int i = 0; i < m->n_ops; i++) {
		if (!opcode_known(m->ops[i].opcode))
			return false;
		for (int j = 0; j < m->ops[i].n_inputs + m->ops[i].n_outputs;
		     j++) {
			int k = j < m->ops[i].n_inputs ? m->ops[i].inputs[j] :
				m->ops[i].outputs[j - m->ops[i].n_inputs];
			if (k < -1 || k >= m->n_tensors)
				return false;
		}
	}
	return true;
}

int tfl_write(const struct tfl_model *m, uint8_t **out, size_t *size)
{
	struct opcode_set codes = { 0 };
	int *op_code = calloc((size_t)m->n_ops + 1, sizeof(*op_code));
	if (!op_code || !model_valid(m)) {
		free(op_code);
		return -1;
	}
	for (int i = 0; i < m->n_ops; i++) {
		op_code[i] = opcode_index(&codes, &m->ops[i]);
		if (op_code[i] < 0) {
			free(op_code);
			return -1;
		}
	}

	struct fbb f = { 0 };
	size_t root = fb_put(&f, NULL, 4);
	fb_put(&f, "TFL3", 4);

	struct fb_table model = { 0 };
	tb_scalar(&model, 0, 4, TFL_SCHEMA_VERSION);
	int opcodes_ref = tb_ref(&model, 1);
	int subgraphs_ref = tb_ref(&model, 2);
	int desc_ref = m->description ? tb_ref(&model, 3) : -1;
	int buffers_ref = tb_ref(&model, 4);
	fb_patch(&f, root, tb_end(&f, &model));

	/* operator_codes */
	size_t v = fb_vector(&f, NULL, (size_t)codes.n, 4, 4);
	fb_patch(&f, model.f[opcodes_ref].pos, v);
	for (int i = 0; i < codes.n; i++) {
		struct fb_table t = { 0 };
		int c = codes.code[i];
		tb_scalar(&t, 0, 1, (uint32_t)(c < 127 ? c : 127));
		tb_scalar(&t, 2, 4, (uint32_t)codes.version[i]);
		tb_scalar(&t, 3, 4, (uint32_t)c);
		fb_patch(&f, v + 4 + 4 * (size_t)i, tb_end(&f, &t));
	}

	/* subgraphs: exactly one */
	v = fb_vector(&f, NULL, 1, 4, 4);
	fb_patch(&f, model.f[subgraphs_ref].pos, v);
	struct fb_table sg = { 0 };
	int tensors_ref = tb_ref(&sg, 0);
	int inputs_ref = tb_ref(&sg, 1);
	int outputs_ref = tb_ref(&sg, 2);
	int ops_ref = tb_ref(&sg, 3);
	int name_ref = tb_ref(&sg, 4);
	fb_patch(&f, v + 4, tb_end(&f, &sg));

	v = fb_vector(&f, NULL, (size_t)m->n_tensors, 4, 4);
	fb_patch(&f, sg.f[tensors_ref].pos, v);
	for (int i = 0; i < m->n_tensors; i++)
		fb_patch(&f, v + 4 + 4 * (size_t)i,
			 write_tensor(&f, &m->tensors[i]));
	fb_patch(&f, sg.f[inputs_ref].pos,
		 fb_vector(&f, m->inputs, (size_t)m->n_inputs, 4, 4));
	fb_patch(&f, sg.f[outputs_ref].pos,
		 fb_vector(&f, m->outputs, (size_t)m->n_outputs, 4, 4));
	v = fb_vector(&f, NULL, (size_t)m->n_ops, 4, 4);
	fb_patch(&f, sg.f[ops_ref].pos, v);
	for (int i = 0; i < m->n_ops; i++)
		fb_patch(&f, v + 4 + 4 * (size_t)i,
			 write_op(&f, &m->ops[i], op_code[i]));
	fb_patch(&f, sg.f[name_ref].pos, fb_string(&f, "main"));
	if (desc_ref >= 0)
		fb_patch(&f, model.f[desc_ref].pos,
			 fb_string(&f, m->description));

	/* buffers; data 16-byte aligned so constants can be used in place */
	v = fb_vector(&f, NULL, (size_t)m->n_buffers, 4, 4);
	fb_patch(&f, model.f[buffers_ref].pos, v);
	for (int i = 0; i < m->n_buffers; i++) {
		struct fb_table t = { 0 };
		int data = m->buffers[i].size ? tb_ref(&t, 0) : -1;
		fb_patch(&f, v + 4 + 4 * (size_t)i, tb_end(&f, &t));
		if (data >= 0)
			fb_patch(&f, t.f[data].pos,
				 fb_vector(&f, m->buffers[i].data,
					   m->buffers[i].size, 1, 16));
	}
	fb_pad_to(&f, 16);
	free(op_code);
	if (f.oom) {
		free(f.b);
		return -1;
	}
	*out = f.b;
	*size = f.len;
	return 0;
}

int tfl_write_file(const struct tfl_model *m, const char *path)
{
	uint8_t *buf;
	size_t size;
	if (tfl_write(m, &buf, &size))
		return -1;
	FILE *fp = fopen(path, "wb");
	int ret = -1;
	if (fp) {
		ret = fwrite(buf, 1, size, fp) == size ? 0 : -1;
		if (fclose(fp))
			ret = -1;
	}
	free(buf);
	return ret;
}
