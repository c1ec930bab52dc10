/* SPDX-License-Identifier: MIT */
#include "tflite_mini.h"

#include <string.h>

/* Field ids from the TFLite schema. */
enum { MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2, MODEL_BUFFERS = 4 };
enum { SG_TENSORS = 0, SG_OPERATORS = 3 };
enum { T_SHAPE = 0, T_TYPE = 1, T_BUFFER = 2, T_QUANT = 4 };
enum { Q_SCALE = 2, Q_ZERO_POINT = 3 };
enum { OP_OPCODE_INDEX = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS = 4 };
enum { OC_DEPRECATED = 0, OC_BUILTIN = 3 };
enum { BUF_DATA = 0 };

static int rd(const struct tfl_model *m, uint64_t pos, void *out, size_t n)
{
	if (pos > m->size || n > m->size - pos)
		return -1;
	memcpy(out, m->buf + pos, n);
	return 0;
}

/* position of field @f in table @t, 0 if absent or malformed */
static uint32_t field_pos(const struct tfl_model *m, uint32_t t, int f)
{
	int32_t vt_off;
	uint16_t vt_size, fo;
	if (rd(m, t, &vt_off, 4))
		return 0;
	int64_t vt = (int64_t)t - vt_off;
	if (vt < 0 || rd(m, (uint64_t)vt, &vt_size, 2))
		return 0;
	if ((uint32_t)(4 + 2 * f) + 2 > vt_size)
		return 0;
	if (rd(m, (uint64_t)vt + 4 + 2 * (uint64_t)f, &fo, 2) || fo == 0)
		return 0;
	return t + fo;
}

/* follow an offset field (table, vector): absolute position or 0 */
static uint32_t field_ref(const struct tfl_model *m, uint32_t t, int f)
{
	uint32_t p = field_pos(m, t, f), rel;
	if (!p || rd(m, p, &rel, 4) || (uint64_t)p + rel >= m->size)
		return 0;
	return p + rel;
}

/* vector at @v: element count; elements start at v + 4 */
static uint32_t vec_len(const struct tfl_model *m, uint32_t v)
{
	uint32_t n;
	if (!v || rd(m, v, &n, 4))
		return 0;
	return n;
}

/* i-th table of a vector of tables */
static uint32_t vec_table(const struct tfl_model *m, uint32_t v, uint32_t i)
{
	uint32_t rel, p = v + 4 + 4 * i;
	if (i >= vec_len(m, v) || rd(m, p, &rel, 4) ||
	    (uint64_t)p + rel >= m->size)
		return 0;
	return p + rel;
}

int32_t tfl_field_i32(const struct tfl_model *m, uint32_t table, int field,
		      int32_t def)
{
	int32_t v;
	uint32_t p = table ? field_pos(m, table, field) : 0;
	return p && !rd(m, p, &v, 4) ? v : def;
}

int32_t tfl_field_u8(const struct tfl_model *m, uint32_t table, int field,
		     int32_t def)
{
	uint8_t v;
	uint32_t p = table ? field_pos(m, table, field) : 0;
	return p && !rd(m, p, &v, 1) ? v : def;
}

int tfl_open(struct tfl_model *m, const uint8_t *buf, size_t size)
{
	uint32_t root;
	m->buf = buf;
	m->size = size;
	if (rd(m, 0, &root, 4) || root >= size)
		return -1;
	m->model = root;
	m->subgraph = vec_table(m, field_ref(m, root, MODEL_SUBGRAPHS), 0);
	return m->subgraph ? 0 : -1;
}

int tfl_op_count(const struct tfl_model *m)
{
	return (int)vec_len(m, field_ref(m, m->subgraph, SG_OPERATORS));
}

static int int_vec(const struct tfl_model *m, uint32_t v, int *out, int max)
{
	uint32_t n = vec_len(m, v);
	if (n > (uint32_t)max)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		if (rd(m, v + 4 + 4 * i, &out[i], 4))
			return -1;
	return (int)n;
}

int tfl_get_op(const struct tfl_model *m, int idx, struct tfl_op *op)
{
	uint32_t t = vec_table(m, field_ref(m, m->subgraph, SG_OPERATORS),
			       (uint32_t)idx);
	if (!t)
		return -1;
	int oci = tfl_field_i32(m, t, OP_OPCODE_INDEX, 0);
	uint32_t oc = vec_table(m, field_ref(m, m->model, MODEL_OPCODES),
			       (uint32_t)oci);
	if (!oc)
		return -1;
	int dep = tfl_field_u8(m, oc, OC_DEPRECATED, 0);
	int bi = tfl_field_i32(m, oc, OC_BUILTIN, 0);
	op->builtin = bi > dep ? bi : dep;
	op->ninputs = int_vec(m, field_ref(m, t, OP_INPUTS), op->inputs, 8);
	op->noutputs = int_vec(m, field_ref(m, t, OP_OUTPUTS), op->outputs, 4);
	op->options = field_ref(m, t, OP_OPTIONS);
	return op->ninputs < 0 || op->noutputs < 0 ? -1 : 0;
}

int tfl_get_tensor(const struct tfl_model *m, int idx, struct tfl_tensor *t)
{
	uint32_t tt = vec_table(m, field_ref(m, m->subgraph, SG_TENSORS),
				(uint32_t)idx);
	if (!tt)
		return -1;
	memset(t, 0, sizeof(*t));
	t->rank = int_vec(m, field_ref(m, tt, T_SHAPE), t->dims, 6);
	t->type = tfl_field_u8(m, tt, T_TYPE, 0);
	t->buffer = (uint32_t)tfl_field_i32(m, tt, T_BUFFER, 0);
	uint32_t q = field_ref(m, tt, T_QUANT);
	if (q) {
		uint32_t sv = field_ref(m, q, Q_SCALE), zv = field_ref(m, q, Q_ZERO_POINT);
		uint32_t n = vec_len(m, sv);
		if (n > TFL_MAX_SCALES || vec_len(m, zv) != n)
			return -1;
		for (uint32_t i = 0; i < n; i++)
			if (rd(m, sv + 4 + 4 * i, &t->scale[i], 4) ||
			    rd(m, zv + 4 + 8 * i, &t->zero_point[i], 8))
				return -1;
		t->nq = (int)n;
	}
	return t->rank < 0 ? -1 : 0;
}

const uint8_t *tfl_buffer(const struct tfl_model *m, uint32_t idx, size_t *len)
{
	uint32_t b = vec_table(m, field_ref(m, m->model, MODEL_BUFFERS), idx);
	uint32_t d = b ? field_ref(m, b, BUF_DATA) : 0;
	uint32_t n = vec_len(m, d);
	if (!n || (uint64_t)d + 4 + n > m->size)
		return NULL;
	*len = n;
	return m->buf + d + 4;
}
