/* SPDX-License-Identifier: MIT */
/*
 * TFLite flatbuffer -> struct accel_model, and the helpers that own the
 * model's memory. Internal to libaccel.
 */
#ifndef ACCEL_LOADER_H
#define ACCEL_LOADER_H

#include <stddef.h>

#include "model.h"

/* Largest single tensor / total activation memory we accept (1 GiB). */
#define ACCEL_MAX_TENSOR_BYTES ((size_t)1 << 30)

#define ACCEL_LOAD_MALFORMED (-1)
#define ACCEL_LOAD_UNSUPPORTED (-2)

/*
 * Parse and validate a .tflite image. The bytes are copied; the model does
 * not reference @data afterwards. Returns 0, or ACCEL_LOAD_MALFORMED /
 * ACCEL_LOAD_UNSUPPORTED with a message in @err. Unsupported operators
 * (accel_cpu_op_supported() false) are refused here.
 */
int accel_model_load(const void *data, size_t size, struct accel_model **out,
		     char *err, size_t errlen);

/* Same, with flags; ACCEL_LOAD_ANY_OP skips the operator support check
 * (fuzzing and loader tests independent of the CPU op set). */
#define ACCEL_LOAD_ANY_OP 1u
int accel_model_load_flags(const void *data, size_t size, unsigned flags,
			   struct accel_model **out, char *err, size_t errlen);

void accel_model_free(struct accel_model *m);

/* Zeroed allocation owned by @m, freed by accel_model_free(). */
void *accel_model_alloc(struct accel_model *m, size_t bytes);

/* Builtin operator name ("CONV_2D"), or NULL for an unknown code. */
const char *accel_builtin_name(int opcode);

/* Name of a dtype ("INT8"). */
const char *accel_dtype_name(enum accel_dtype t);

#endif /* ACCEL_LOADER_H */
