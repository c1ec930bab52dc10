/* SPDX-License-Identifier: MIT */
/* The CPU backend: a thin adapter over the operator layer in ops/. */
#include <stdio.h>

#include "backend.h"
#include "costmodel.h"
#include "ops/ops.h"

static int cpu_probe(char *why, size_t len)
{
	(void)why;
	(void)len;
	return 0;
}

static int cpu_open(void **priv, char *err, size_t len)
{
	(void)err;
	(void)len;
	*priv = NULL;
	return 0;
}

static void cpu_close(void *priv)
{
	(void)priv;
}

static int64_t cpu_op_cost(void *priv, const struct accel_model *m,
			   const struct accel_op *op, char *why, size_t len)
{
	(void)priv;
	if (!accel_cpu_op_supported(op->opcode)) {
		snprintf(why, len, "no CPU kernel for %s", op->name);
		return -1;
	}
	return accel_cpu_cost_ns(m, op);
}

static int cpu_prepare(void *priv, struct accel_model *m, struct accel_op *op,
		       char *err, size_t len)
{
	(void)priv;
	return accel_cpu_op_prepare(m, op, err, len);
}

static int cpu_run(void *priv, struct accel_model *m, struct accel_op *op,
		   char *err, size_t len)
{
	(void)priv;
	return accel_cpu_op_eval(m, op, err, len);
}

static void cpu_release(void *priv, struct accel_op *op)
{
	(void)priv;
	accel_cpu_op_release(op);
}

static size_t cpu_scratch(void *priv, const struct accel_model *m,
			  const struct accel_op *op)
{
	(void)priv;
	return accel_cpu_op_scratch_bytes(m, op);
}

const struct accel_backend_ops accel_backend_cpu = {
	.name = "cpu",
	.kind = ACCEL_BACKEND_CPU,
	.probe = cpu_probe,
	.open = cpu_open,
	.close = cpu_close,
	.op_cost = cpu_op_cost,
	.prepare = cpu_prepare,
	.run = cpu_run,
	.release = cpu_release,
	.scratch_bytes = cpu_scratch,
};
