/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "loader.h"
#include "model.h"

struct accel_alloc {
	struct accel_alloc *next;
	max_align_t data[];
};

size_t accel_dtype_size(enum accel_dtype t)
{
	switch (t) {
	case ACCEL_DT_INT8:
	case ACCEL_DT_UINT8:
	case ACCEL_DT_BOOL:
		return 1;
	case ACCEL_DT_INT16:
	case ACCEL_DT_FLOAT16:
		return 2;
	case ACCEL_DT_INT32:
	case ACCEL_DT_FLOAT32:
		return 4;
	case ACCEL_DT_INT64:
		return 8;
	}
	return 0;
}

const char *accel_dtype_name(enum accel_dtype t)
{
	static const char *const names[] = {
		[ACCEL_DT_FLOAT32] = "FLOAT32", [ACCEL_DT_INT8] = "INT8",
		[ACCEL_DT_UINT8] = "UINT8",     [ACCEL_DT_INT16] = "INT16",
		[ACCEL_DT_INT32] = "INT32",     [ACCEL_DT_INT64] = "INT64",
		[ACCEL_DT_FLOAT16] = "FLOAT16", [ACCEL_DT_BOOL] = "BOOL",
	};
	if ((unsigned)t < sizeof(names) / sizeof(names[0]) && names[t])
		return names[t];
	return "?";
}

size_t accel_tensor_elems(const struct accel_tensor *t)
{
	size_t n = 1;
	for (int i = 0; i < t->rank; i++)
		n *= (size_t)t->dims[i];
	return n;
}

void *accel_model_alloc(struct accel_model *m, size_t bytes)
{
	struct accel_alloc *a = calloc(1, sizeof(*a) + bytes);
	if (!a)
		return NULL;
	a->next = m->allocs;
	m->allocs = a;
	return a->data;
}

void accel_model_free(struct accel_model *m)
{
	if (!m)
		return;
	struct accel_alloc *a = m->allocs;
	while (a) {
		struct accel_alloc *next = a->next;
		free(a);
		a = next;
	}
	free(m);
}
