/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: TFLite loader + graph planner on arbitrary bytes.
 * Built only with -DDNPU_FUZZ=ON (clang); see tests/libaccel/README.md.
 * A loaded model must satisfy the loader's invariants and plan without
 * overlapping simultaneously live tensors.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "loader.h"
#include "planner.h"

static void check(const struct accel_model *m)
{
	for (int i = 0; i < m->n_ops; i++) {
		const struct accel_op *op = &m->ops[i];
		for (int k = 0; k < op->n_inputs; k++)
			if (op->inputs[k] < -1 || op->inputs[k] >= m->n_tensors)
				abort();
		for (int k = 0; k < op->n_outputs; k++)
			if (op->outputs[k] < 0 || op->outputs[k] >= m->n_tensors)
				abort();
	}
	for (int i = 0; i < m->n_tensors; i++) {
		const struct accel_tensor *t = &m->tensors[i];
		if (t->bytes != accel_tensor_elems(t) * accel_dtype_size(t->type))
			abort();
		if (t->is_const || t->is_variable || t->first_use < 0)
			continue;
		if (t->arena_offset + t->bytes > m->arena_bytes)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct accel_model *m;
	char err[256];
	if (accel_model_load_flags(data, size, ACCEL_LOAD_ANY_OP, &m, err,
				   sizeof(err)))
		return 0;
	if (accel_plan(m, NULL, err, sizeof(err)) == 0)
		check(m);
	accel_model_free(m);
	return 0;
}
