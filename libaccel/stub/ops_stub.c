/* SPDX-License-Identifier: MIT */
/*
 * Placeholder operator layer, compiled only while libaccel/src/ops/ has no
 * sources yet (see libaccel/CMakeLists.txt): supports no operator.
 */
#include "ops/ops.h"

bool accel_cpu_op_supported(int opcode)
{
	(void)opcode;
	return false;
}

int accel_cpu_op_prepare(struct accel_model *m, struct accel_op *op,
			 char *err, size_t errlen)
{
	(void)m;
	(void)op;
	(void)err;
	(void)errlen;
	return -1;
}

int accel_cpu_op_eval(struct accel_model *m, struct accel_op *op,
		      char *err, size_t errlen)
{
	(void)m;
	(void)op;
	(void)err;
	(void)errlen;
	return -1;
}

void accel_cpu_op_release(struct accel_op *op)
{
	(void)op;
}

size_t accel_cpu_op_scratch_bytes(const struct accel_model *m,
				  const struct accel_op *op)
{
	(void)m;
	(void)op;
	return 0;
}
