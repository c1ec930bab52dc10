/* SPDX-License-Identifier: MIT */
#include "costmodel.h"

static const struct accel_tensor *tensor(const struct accel_model *m,
					 const int *idx, int n, int i)
{
	if (i >= n || idx[i] < 0 || idx[i] >= m->n_tensors)
		return NULL;
	return &m->tensors[idx[i]];
}

uint64_t accel_op_macs(const struct accel_model *m, const struct accel_op *op)
{
	const struct accel_tensor *f = tensor(m, op->inputs, op->n_inputs, 1);
	const struct accel_tensor *out = tensor(m, op->outputs, op->n_outputs, 0);

	if (!f || !out)
		return 0;
	switch (op->opcode) {
	case ACCEL_OP_CONV_2D:
		/* every output element needs KH * KW * C products */
		if (f->rank == 4)
			return accel_tensor_elems(out) *
			       (uint64_t)f->dims[1] * f->dims[2] * f->dims[3];
		return 0;
	case ACCEL_OP_DEPTHWISE_CONV_2D:
		if (f->rank == 4)
			return accel_tensor_elems(out) *
			       (uint64_t)f->dims[1] * f->dims[2];
		return 0;
	case ACCEL_OP_FULLY_CONNECTED:
		if (f->rank == 2)
			return accel_tensor_elems(out) * (uint64_t)f->dims[1];
		return 0;
	default:
		return 0;
	}
}

int64_t accel_cpu_cost_ns(const struct accel_model *m,
			  const struct accel_op *op)
{
	uint64_t bytes = 0;

	for (int i = 0; i < op->n_inputs; i++) {
		const struct accel_tensor *t = tensor(m, op->inputs, op->n_inputs, i);

		if (t)
			bytes += t->bytes;
	}
	for (int i = 0; i < op->n_outputs; i++) {
		const struct accel_tensor *t = tensor(m, op->outputs, op->n_outputs, i);

		if (t)
			bytes += t->bytes;
	}
	return (int64_t)(accel_op_macs(m, op) / ACCEL_CPU_MACS_PER_NS +
			 bytes / ACCEL_CPU_BYTES_PER_NS) + 1;
}
