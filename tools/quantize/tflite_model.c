// SPDX-License-Identifier: MIT
/* In-memory TFLite graph: construction helpers. */
#include "tflite_model.h"

#include <stdlib.h>
#include <string.h>

int tfl_model_init(struct tfl_model *m)
{
	memset(m, 0, sizeof(*m));
	m->buffers = calloc(1, sizeof(*m->buffers));
	if (!m->buffers)
		return -1;
	m->n_buffers = 1;
	return 0;
}

void tfl_model_free(struct tfl_model *m)
{
	for (int i = 0; i < m->n_tensors; i++) {
		free(m->tensors[i].name);
		free(m->tensors[i].q.scale);
		free(m->tensors[i].q.zero_point);
	}
	for (int i = 0; i < m->n_buffers; i++)
		free(m->buffers[i].data);
	free(m->tensors);
	free(m->ops);
	free(m->buffers);
	free(m->description);
	memset(m, 0, sizeof(*m));
}

size_t tfl_type_size(enum tfl_type type)
{
	switch (type) {
	case TFL_FLOAT32: case TFL_INT32: return 4;
	case TFL_INT64: return 8;
	case TFL_FLOAT16: case TFL_INT16: return 2;
	case TFL_UINT8: case TFL_INT8: case TFL_BOOL: return 1;
	}
	return 0;
}

size_t tfl_tensor_elems(const struct tfl_tensor *t)
{
	size_t n = 1;
	for (int i = 0; i < t->rank; i++) {
		size_t d = t->dims[i] > 0 ? (size_t)t->dims[i] : 0;
		if (d && n > TFL_MAX_ELEMS / d)
			return TFL_MAX_ELEMS + 1;
		n *= d;
	}
	return n;
}

static int add_buffer(struct tfl_model *m, const void *data, size_t bytes)
{
	struct tfl_buffer *b = realloc(m->buffers,
				       (size_t)(m->n_buffers + 1) * sizeof(*b));
	if (!b)
		return -1;
	m->buffers = b;
	b = &m->buffers[m->n_buffers];
	b->data = malloc(bytes ? bytes : 1);
	if (!b->data)
		return -1;
	memcpy(b->data, data, bytes);
	b->size = bytes;
	return m->n_buffers++;
}

int tfl_add_tensor(struct tfl_model *m, const char *name, enum tfl_type type,
		   int rank, const int32_t *dims, const void *data,
		   size_t bytes)
{
	if (rank < 0 || rank > TFL_MAX_DIMS || !tfl_type_size(type))
		return -1;
	struct tfl_tensor *t = realloc(m->tensors, (size_t)(m->n_tensors + 1) *
				       sizeof(*t));
	if (!t)
		return -1;
	m->tensors = t;
	t = &m->tensors[m->n_tensors];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->rank = rank;
	for (int i = 0; i < rank; i++)
		t->dims[i] = dims[i];
	if (data) {
		if (bytes != tfl_tensor_elems(t) * tfl_type_size(type))
			return -1;
		t->buffer = add_buffer(m, data, bytes);
		if (t->buffer < 0)
			return -1;
	}
	t->name = strdup(name ? name : "");
	if (!t->name)
		return -1;
	return m->n_tensors++;
}

int tfl_set_quant(struct tfl_model *m, int tensor, int count,
		  const float *scale, const int64_t *zero_point, int axis)
{
	if (tensor < 0 || tensor >= m->n_tensors || count < 0)
		return -1;
	struct tfl_quant *q = &m->tensors[tensor].q;
	free(q->scale);
	free(q->zero_point);
	memset(q, 0, sizeof(*q));
	if (!count)
		return 0;
	q->scale = malloc((size_t)count * sizeof(*q->scale));
	q->zero_point = malloc((size_t)count * sizeof(*q->zero_point));
	if (!q->scale || !q->zero_point)
		return -1;
	memcpy(q->scale, scale, (size_t)count * sizeof(*q->scale));
	memcpy(q->zero_point, zero_point,
	       (size_t)count * sizeof(*q->zero_point));
	q->count = count;
	q->axis = axis;
	return 0;
}

int tfl_add_op(struct tfl_model *m, int opcode, int n_inputs,
	       const int *inputs, int n_outputs, const int *outputs,
	       const struct tfl_opts *opts)
{
	if (n_inputs < 0 || n_inputs > TFL_MAX_OP_INPUTS || n_outputs < 0 ||
	    n_outputs > TFL_MAX_OP_OUTPUTS)
		return -1;
	struct tfl_op *op = realloc(m->ops, (size_t)(m->n_ops + 1) *
				    sizeof(*op));
	if (!op)
		return -1;
	m->ops = op;
	op = &m->ops[m->n_ops];
	memset(op, 0, sizeof(*op));
	op->opcode = opcode;
	op->version = 1;
	op->n_inputs = n_inputs;
	op->n_outputs = n_outputs;
	for (int i = 0; i < n_inputs; i++)
		op->inputs[i] = inputs[i];
	for (int i = 0; i < n_outputs; i++)
		op->outputs[i] = outputs[i];
	if (opts)
		op->opts = *opts;
	return m->n_ops++;
}

const void *tfl_tensor_data(const struct tfl_model *m, int tensor)
{
	if (tensor < 0 || tensor >= m->n_tensors)
		return NULL;
	int b = m->tensors[tensor].buffer;
	if (b <= 0 || b >= m->n_buffers || !m->buffers[b].size)
		return NULL;
	return m->buffers[b].data;
}

int tfl_producer(const struct tfl_model *m, int tensor)
{
	for (int i = 0; i < m->n_ops; i++)
		for (int j = 0; j < m->ops[i].n_outputs; j++)
			if (m->ops[i].outputs[j] == tensor)
				return i;
	return -1;
}
