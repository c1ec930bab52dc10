/* SPDX-License-Identifier: MIT */
/*
 * Placement cost model: how long an op takes on the host CPU, so device
 * backends can be compared against it. Deterministic (no timing runs), so
 * placement and the profile are the same on every machine.
 */
#ifndef ACCEL_COSTMODEL_H
#define ACCEL_COSTMODEL_H

#include <stdint.h>

#include "model.h"

/*
 * The reference host is an AIoT application processor: 4 int8 MACs per ns
 * with SIMD (a quad Cortex-A53 class CPU), 2 bytes per ns of memory traffic.
 */
#define ACCEL_CPU_MACS_PER_NS		4
#define ACCEL_CPU_BYTES_PER_NS		2

/* Multiply-accumulates of a conv/depthwise/fully-connected op, else 0. */
uint64_t accel_op_macs(const struct accel_model *m, const struct accel_op *op);

/* Estimated CPU time of @op in ns (>= 1). */
int64_t accel_cpu_cost_ns(const struct accel_model *m,
			  const struct accel_op *op);

#endif /* ACCEL_COSTMODEL_H */
