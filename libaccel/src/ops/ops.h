/* SPDX-License-Identifier: MIT */
/*
 * CPU operator layer: validates an op of the model at load time, prepares
 * its quantization parameters once, and evaluates it with the CPU kernels.
 * Internal to libaccel.
 */
#ifndef ACCEL_OPS_H
#define ACCEL_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "../model.h"

/* True when the CPU backend implements this builtin opcode at all. */
bool accel_cpu_op_supported(int opcode);

/*
 * Check types/shapes/options of @op and compute its parameters (stored in
 * op->user_data). Tensor data of constant inputs is available; activation
 * tensors are not yet allocated. Returns 0, or -1 with a message in @err
 * naming the op and what is wrong.
 */
int accel_cpu_op_prepare(struct accel_model *m, struct accel_op *op,
			 char *err, size_t errlen);

/* Run @op; all its tensors have ->data set. Returns 0 or -1 with @err set. */
int accel_cpu_op_eval(struct accel_model *m, struct accel_op *op,
		      char *err, size_t errlen);

/* Release what prepare allocated (safe on an op that was never prepared). */
void accel_cpu_op_release(struct accel_op *op);

/*
 * Bytes the op allocated in prepare (im2col/scratch buffers and weights
 * repacked for the kernels), so the memory report can count them; 0 if none.
 * The kernel ISA (kernels/kernels.h) is the one in effect at prepare time.
 */
size_t accel_cpu_op_scratch_bytes(const struct accel_model *m,
				  const struct accel_op *op);

#endif /* ACCEL_OPS_H */
