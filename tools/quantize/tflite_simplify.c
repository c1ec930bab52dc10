// SPDX-License-Identifier: MIT
/* Float graph clean-up before quantization (see tflite_simplify.h). */
#include "tflite_simplify.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

float tfl_half_to_float(uint16_t h)
{
	int sign = h >> 15, e = (h >> 10) & 0x1f, f = h & 0x3ff;
	float v;
	if (e == 0)
		v = ldexpf((float)f, -24);              /* zero, subnormal */
	else if (e == 31)
		v = f ? NAN : INFINITY;
	else
		v = ldexpf((float)(f | 0x400), e - 25);
	return sign ? -v : v;
}

static void remove_op(struct tfl_model *m, int i)
{
	memmove(&m->ops[i], &m->ops[i + 1],
		sizeof(m->ops[0]) * (size_t)(m->n_ops - i - 1));
	m->n_ops--;
}

/* Point every reader of tensor @from (op inputs, graph outputs) at @to. */
static void replace_uses(struct tfl_model *m, int from, int to)
{
	for (int i = 0; i < m->n_ops; i++)
		for (int j = 0; j < m->ops[i].n_inputs; j++)
			if (m->ops[i].inputs[j] == from)
				m->ops[i].inputs[j] = to;
	for (int i = 0; i < m->n_outputs; i++)
		if (m->outputs[i] == from)
			m->outputs[i] = to;
}

static int uses(const struct tfl_model *m, int t)
{
	int n = 0;
	for (int i = 0; i < m->n_ops; i++)
		for (int j = 0; j < m->ops[i].n_inputs; j++)
			n += m->ops[i].inputs[j] == t;
	for (int i = 0; i < m->n_outputs; i++)
		n += m->outputs[i] == t;
	return n;
}

static int fold_dequantize(struct tfl_model *m, int i, char *err,
			   size_t errlen)
{
	const struct tfl_op *op = &m->ops[i];
	int in = op->inputs[0], out = op->outputs[0];
	const struct tfl_tensor *ti = &m->tensors[in];
	const uint16_t *h = tfl_tensor_data(m, in);
	size_t n = tfl_tensor_elems(ti);
	if (m->buffers[ti->buffer].size < n * 2)
		return fail(err, errlen, "tensor '%s': float16 data too short",
			    ti->name);
	float *f = malloc(sizeof(float) * (n ? n : 1));
	if (!f)
		return fail(err, errlen, "out of memory");
	for (size_t k = 0; k < n; k++) {
		uint16_t v;
		memcpy(&v, (const uint8_t *)h + 2 * k, 2);  /* unaligned-safe */
		f[k] = tfl_half_to_float(v);
	}
	/* the new constant takes the DEQUANTIZE output's name and shape */
	const struct tfl_tensor *to = &m->tensors[out];
	char *name = strdup(to->name);
	int32_t dims[TFL_MAX_DIMS];
	int rank = to->rank;
	memcpy(dims, to->dims, sizeof(dims));
	int t = name ? tfl_add_tensor(m, name, TFL_FLOAT32, rank, dims, f,
				      n * sizeof(float)) : -1;
	free(name);
	free(f);
	if (t < 0)
		return fail(err, errlen, "out of memory");
	replace_uses(m, out, t);
	remove_op(m, i);
	return 0;
}

int tfl_simplify(struct tfl_model *m, struct tfl_simplify_stats *st,
		 char *err, size_t errlen)
{
	struct tfl_simplify_stats s = { 0 };
	for (int i = 0; i < m->n_ops;) {
		const struct tfl_op *op = &m->ops[i];
		if (op->opcode == TFL_OP_DEQUANTIZE && op->n_inputs == 1 &&
		    op->n_outputs == 1 && op->inputs[0] >= 0 &&
		    m->tensors[op->inputs[0]].type == TFL_FLOAT16 &&
		    tfl_tensor_data(m, op->inputs[0]) &&
		    tfl_tensor_elems(&m->tensors[op->inputs[0]]) ==
		    tfl_tensor_elems(&m->tensors[op->outputs[0]])) {
			if (fold_dequantize(m, i, err, errlen))
				return -1;
			s.folded_dequantize++;
			continue;
		}
		i++;
	}
	for (int i = 0; i < m->n_ops;) {
		const struct tfl_op *op = &m->ops[i];
		int src = op->n_inputs == 1 && op->inputs[0] >= 0 ?
			  op->inputs[0] : -1;
		int p = op->opcode == TFL_OP_RELU && src >= 0 ?
			tfl_producer(m, src) : -1;
		struct tfl_op *po = p >= 0 ? &m->ops[p] : NULL;
		bool fusable = po && po->opts.act == TFL_ACT_NONE &&
			       po->n_outputs == 1 && uses(m, src) == 1 &&
			       (po->opcode == TFL_OP_CONV_2D ||
				po->opcode == TFL_OP_DEPTHWISE_CONV_2D ||
				po->opcode == TFL_OP_FULLY_CONNECTED ||
				po->opcode == TFL_OP_ADD);
		if (fusable) {
			int out = op->outputs[0];
			po->opts.act = TFL_ACT_RELU;
			po->outputs[0] = out;
			remove_op(m, i);
			s.fused_relu++;
			continue;
		}
		i++;
	}
	if (st)
		*st = s;
	return 0;
}
