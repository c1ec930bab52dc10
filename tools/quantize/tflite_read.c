// SPDX-License-Identifier: MIT
/* TFLite flatbuffer reader for the model toolchain. */
#include "tflite_read.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rd {
	const uint8_t *b;
	size_t n;
	bool bad;
};

static uint32_t rd_u32(struct rd *r, size_t pos)
{
	uint32_t v = 0;
	if (pos > r->n || r->n - pos < 4) {
		r->bad = true;
		return 0;
	}
	memcpy(&v, r->b + pos, 4);
	return v;
}

static uint16_t rd_u16(struct rd *r, size_t pos)
{
	uint16_t v = 0;
	if (pos > r->n || r->n - pos < 2) {
		r->bad = true;
		return 0;
	}
	memcpy(&v, r->b + pos, 2);
	return v;
}

/* Follow the uoffset stored at @pos. */
static size_t rd_deref(struct rd *r, size_t pos)
{
	size_t t = pos + rd_u32(r, pos);
	if (t >= r->n)
		r->bad = true;
	return r->bad ? 0 : t;
}

/* Position of field @id of table @tbl, 0 if absent. */
static size_t rd_field(struct rd *r, size_t tbl, int id)
{
	if (!tbl || r->bad)
		return 0;
	int32_t soff = (int32_t)rd_u32(r, tbl);
	int64_t vt = (int64_t)tbl - soff;
	if (vt < 0 || (uint64_t)vt >= r->n) {
		r->bad = true;
		return 0;
	}
	uint16_t vt_len = rd_u16(r, (size_t)vt);
	if ((unsigned)(4 + 2 * id) + 2 > vt_len)
		return 0;
	uint16_t off = rd_u16(r, (size_t)vt + 4 + 2 * (size_t)id);
	if (!off)
		return 0;
	if (tbl + off >= r->n)
		r->bad = true;
	return r->bad ? 0 : tbl + off;
}

static uint32_t rd_scalar(struct rd *r, size_t tbl, int id, unsigned size,
			  uint32_t def)
{
	size_t p = rd_field(r, tbl, id);
	if (!p)
		return def;
	if (r->n - p < size) {
		r->bad = true;
		return def;
	}
	uint32_t v = 0;
	memcpy(&v, r->b + p, size);
	return v;
}

static size_t rd_table(struct rd *r, size_t tbl, int id)
{
	size_t p = rd_field(r, tbl, id);
	return p ? rd_deref(r, p) : 0;
}

/* Vector field: returns the first element's position, *len the count. */
static size_t rd_vector(struct rd *r, size_t tbl, int id, size_t elem,
			uint32_t *len)
{
	*len = 0;
	size_t p = rd_table(r, tbl, id);
	if (!p)
		return 0;
	uint32_t n = rd_u32(r, p);
	if (r->bad || (r->n - p - 4) / elem < n) {
		r->bad = true;
		return 0;
	}
	*len = n;
	return p + 4;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static void read_options(struct rd *r, size_t op, struct tfl_op *o)
{
	size_t t = rd_table(r, op, 4);
	struct tfl_opts *x = &o->opts;
	x->dilation_w = x->dilation_h = x->depth_multiplier = 1;
	x->beta = 1.0f;
	if (!t)
		return;
	switch (o->opcode) {
	case TFL_OP_CONV_2D:
		x->padding = (int)rd_scalar(r, t, 0, 1, 0);
		x->stride_w = (int)rd_scalar(r, t, 1, 4, 0);
		x->stride_h = (int)rd_scalar(r, t, 2, 4, 0);
		x->act = (int)rd_scalar(r, t, 3, 1, 0);
		x->dilation_w = (int)rd_scalar(r, t, 4, 4, 1);
		x->dilation_h = (int)rd_scalar(r, t, 5, 4, 1);
		break;
	case TFL_OP_DEPTHWISE_CONV_2D:
		x->padding = (int)rd_scalar(r, t, 0, 1, 0);
		x->stride_w = (int)rd_scalar(r, t, 1, 4, 0);
		x->stride_h = (int)rd_scalar(r, t, 2, 4, 0);
		x->depth_multiplier = (int)rd_scalar(r, t, 3, 4, 0);
		x->act = (int)rd_scalar(r, t, 4, 1, 0);
		x->dilation_w = (int)rd_scalar(r, t, 5, 4, 1);
		x->dilation_h = (int)rd_scalar(r, t, 6, 4, 1);
		break;
	case TFL_OP_AVERAGE_POOL_2D:
	case TFL_OP_MAX_POOL_2D:
		x->padding = (int)rd_scalar(r, t, 0, 1, 0);
		x->stride_w = (int)rd_scalar(r, t, 1, 4, 0);
		x->stride_h = (int)rd_scalar(r, t, 2, 4, 0);
		x->filter_w = (int)rd_scalar(r, t, 3, 4, 0);
		x->filter_h = (int)rd_scalar(r, t, 4, 4, 0);
		x->act = (int)rd_scalar(r, t, 5, 1, 0);
		break;
	case TFL_OP_FULLY_CONNECTED:
		x->act = (int)rd_scalar(r, t, 0, 1, 0);
		x->keep_num_dims = rd_scalar(r, t, 2, 1, 0) != 0;
		break;
	case TFL_OP_ADD:
		x->act = (int)rd_scalar(r, t, 0, 1, 0);
		break;
	case TFL_OP_CONCATENATION:
		x->axis = (int32_t)rd_scalar(r, t, 0, 4, 0);
		x->act = (int)rd_scalar(r, t, 1, 1, 0);
		break;
	case TFL_OP_SOFTMAX: {
		uint32_t u = rd_scalar(r, t, 0, 4, 0x3f800000u);
		memcpy(&x->beta, &u, 4);
		break;
	}
	case TFL_OP_RESHAPE: {
		uint32_t n;
		size_t p = rd_vector(r, t, 0, 4, &n);
		if (n > TFL_MAX_DIMS) {
			r->bad = true;
			break;
		}
		x->new_shape_rank = (int)n;
		for (uint32_t i = 0; i < n; i++)
			x->new_shape[i] = (int32_t)rd_u32(r, p + 4 * i);
		break;
	}
	}
}

static int read_tensor(struct rd *r, size_t t, struct tfl_model *m, int idx,
		       char *err, size_t errlen)
{
	struct tfl_tensor *x = &m->tensors[idx];
	uint32_t n;
	size_t p = rd_vector(r, t, 0, 4, &n);
	if (n > TFL_MAX_DIMS)
		return fail(err, errlen, "tensor %d: rank %u too large", idx, n);
	x->rank = (int)n;
	for (uint32_t i = 0; i < n; i++)
		x->dims[i] = (int32_t)rd_u32(r, p + 4 * i);
	x->type = (enum tfl_type)rd_scalar(r, t, 1, 1, 0);
	x->buffer = (int)rd_scalar(r, t, 2, 4, 0);
	if (x->buffer < 0 || x->buffer >= m->n_buffers)
		return fail(err, errlen, "tensor %d: bad buffer index", idx);
	p = rd_vector(r, t, 3, 1, &n);
	x->name = calloc(1, (size_t)n + 1);
	if (!x->name)
		return fail(err, errlen, "out of memory");
	if (n)
		memcpy(x->name, r->b + p, n);
	size_t q = rd_table(r, t, 4);
	if (q) {
		uint32_t ns, nz;
		size_t ps = rd_vector(r, q, 2, 4, &ns);
		size_t pz = rd_vector(r, q, 3, 8, &nz);
		if (ns && !r->bad) {
			float *s = malloc(ns * sizeof(*s));
			int64_t *z = calloc(ns, sizeof(*z));
			if (!s || !z) {
				free(s);
				free(z);
				return fail(err, errlen, "out of memory");
			}
			memcpy(s, r->b + ps, ns * 4);
			if (nz == ns)
				memcpy(z, r->b + pz, ns * 8);
			x->q.scale = s;
			x->q.zero_point = z;
			x->q.count = (int)ns;
			x->q.axis = (int)rd_scalar(r, q, 6, 4, 0);
		}
	}
	size_t need = tfl_tensor_elems(x) * tfl_type_size(x->type);
	if (x->buffer && m->buffers[x->buffer].size &&
	    m->buffers[x->buffer].size != need)
		return fail(err, errlen, "tensor %d ('%s'): buffer holds %zu bytes, shape needs %zu",
			    idx, x->name, m->buffers[x->buffer].size, need);
	return 0;
}

/* Tensor index vector; -1 (absent optional input) only if @min is -1. */
static int read_indices(struct rd *r, size_t tbl, int id, int *out, int max,
			int *count, int n_tensors, int min)
{
	uint32_t n;
	size_t p = rd_vector(r, tbl, id, 4, &n);
	if (n > (uint32_t)max)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		out[i] = (int32_t)rd_u32(r, p + 4 * i);
		if (out[i] < min || out[i] >= n_tensors)
			return -1;
	}
	*count = (int)n;
	return 0;
}

int tfl_read(const void *data, size_t size, struct tfl_model *m, char *err,
	     size_t errlen)
{
	memset(m, 0, sizeof(*m));
	struct rd r = { data, size, false };
	if (size < 8 || memcmp(r.b + 4, "TFL3", 4))
		return fail(err, errlen, "not a TFLite flatbuffer (no TFL3 identifier)");
	size_t model = rd_deref(&r, 0);

	uint32_t n_buf;
	size_t bufs = rd_vector(&r, model, 4, 4, &n_buf);
	m->buffers = calloc(n_buf ? n_buf : 1, sizeof(*m->buffers));
	if (!m->buffers)
		return fail(err, errlen, "out of memory");
	m->n_buffers = n_buf ? (int)n_buf : 1;
	for (uint32_t i = 0; i < n_buf && !r.bad; i++) {
		size_t b = rd_deref(&r, bufs + 4 * i);
		uint32_t len;
		size_t p = rd_vector(&r, b, 0, 1, &len);
		if (!len)
			continue;
		m->buffers[i].data = malloc(len);
		if (!m->buffers[i].data)
			return fail(err, errlen, "out of memory");
		memcpy(m->buffers[i].data, r.b + p, len);
		m->buffers[i].size = len;
	}

	uint32_t n_codes;
	size_t codes = rd_vector(&r, model, 1, 4, &n_codes);
	uint32_t n_sg;
	size_t sgs = rd_vector(&r, model, 2, 4, &n_sg);
	if (r.bad || n_sg < 1)
		return fail(err, errlen, "corrupt model: no subgraph");
	size_t sg = rd_deref(&r, sgs);

	uint32_t n_t;
	size_t tens = rd_vector(&r, sg, 0, 4, &n_t);
	m->tensors = calloc(n_t ? n_t : 1, sizeof(*m->tensors));
	if (!m->tensors)
		return fail(err, errlen, "out of memory");
	m->n_tensors = (int)n_t;
	for (uint32_t i = 0; i < n_t && !r.bad; i++)
		if (read_tensor(&r, rd_deref(&r, tens + 4 * i), m, (int)i,
				err, errlen))
			return -1;
	if (r.bad)
		return fail(err, errlen, "corrupt model: tensors out of bounds");

	if (read_indices(&r, sg, 1, m->inputs, TFL_MAX_OP_INPUTS,
			 &m->n_inputs, m->n_tensors, 0) ||
	    read_indices(&r, sg, 2, m->outputs, TFL_MAX_OP_INPUTS,
			 &m->n_outputs, m->n_tensors, 0))
		return fail(err, errlen, "bad subgraph inputs/outputs");

	uint32_t n_ops;
	size_t ops = rd_vector(&r, sg, 3, 4, &n_ops);
	m->ops = calloc(n_ops ? n_ops : 1, sizeof(*m->ops));
	if (!m->ops)
		return fail(err, errlen, "out of memory");
	m->n_ops = (int)n_ops;
	for (uint32_t i = 0; i < n_ops && !r.bad; i++) {
		size_t op = rd_deref(&r, ops + 4 * i);
		struct tfl_op *o = &m->ops[i];
		uint32_t ci = rd_scalar(&r, op, 0, 4, 0);
		if (ci >= n_codes)
			return fail(err, errlen, "op %u: bad opcode index", i);
		size_t code = rd_deref(&r, codes + 4 * ci);
		int dep = (int8_t)rd_scalar(&r, code, 0, 1, 0);
		int bc = (int)rd_scalar(&r, code, 3, 4, 0);
		o->opcode = bc > dep ? bc : dep;
		o->version = (int)rd_scalar(&r, code, 2, 4, 1);
		if (read_indices(&r, op, 1, o->inputs, TFL_MAX_OP_INPUTS,
				 &o->n_inputs, m->n_tensors, -1) ||
		    read_indices(&r, op, 2, o->outputs, TFL_MAX_OP_OUTPUTS,
				 &o->n_outputs, m->n_tensors, 0))
			return fail(err, errlen, "op %u: bad inputs/outputs", i);
		read_options(&r, op, o);
	}
	uint32_t dl;
	size_t dp = rd_vector(&r, model, 3, 1, &dl);
	if (dl) {
		m->description = calloc(1, (size_t)dl + 1);
		if (m->description)
			memcpy(m->description, r.b + dp, dl);
	}
	if (r.bad)
		return fail(err, errlen, "corrupt model: offset out of bounds");
	return 0;
}

int tfl_read_file(const char *path, struct tfl_model *m, char *err,
		  size_t errlen)
{
	memset(m, 0, sizeof(*m));
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail(err, errlen, "%s: cannot open", path);
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return fail(err, errlen, "out of memory");
			}
			buf = nb;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (!got)
			break;
	}
	fclose(f);
	int ret = tfl_read(buf, len, m, err, errlen);
	free(buf);
	return ret;
}
