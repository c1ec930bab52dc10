/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the backends that run compiled dnpu programs as device
 * jobs (sim: the device model behind its job ring; drm: the device behind
 * the kernel driver): placement cost of a program and the fusion of a
 * residual ADD into the epilogue of the conv before it. Both backends must
 * make the same decisions so that sim predicts what drm does.
 */
#ifndef ACCEL_DEVJOB_H
#define ACCEL_DEVJOB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "accel.h"
#include "compiler/compile.h"
#include "model.h"

/* Fixed cost of one job (ring, doorbell, interrupt) in ns. */
#define DEVJOB_OVERHEAD_NS	5000

/* Device time of @p in ns: the array or the DMA (the C model's DRAM timing,
 * dnpu_cmodel_xfer_cycles), whichever bounds the job, plus the job
 * overhead. */
int64_t devjob_cost_ns(const struct dnpu_caps *caps,
		       const struct dnpu_program *p);

/*
 * The residual ADD that can be computed in @conv's epilogue, or NULL: it
 * runs right after the conv (nothing else touches the add's output in
 * between) and is the only reader of the conv's output. The compiler
 * (dnpu_compile_conv_add) checks the rest.
 */
const struct accel_op *devjob_fusable_add(const struct accel_model *m,
					  const struct accel_op *conv);

/* Whether @add will be computed by the conv before it (placement: it then
 * costs nothing). */
bool devjob_add_fuses_into_prev(const struct dnpu_caps *caps,
				const struct accel_model *m,
				const struct accel_op *add);

/*
 * At run time, with the fused program of the conv before @add: can the job
 * write the add's output directly? Only if its memory overlaps neither the
 * conv's input nor the residual operand. If so, sets t[DNPU_RGN_OUT] to the
 * add's output and t[DNPU_RGN_IN1] to the residual operand and returns true;
 * @t holds the conv's regions on entry.
 */
bool devjob_fused_regions(struct accel_model *m, const struct accel_op *add,
			  struct accel_tensor *t[DNPU_RGN_MAX]);

/* The tensors behind the data regions of @op's job with program @p: IN0,
 * OUT and, when the program has it, IN1. */
void devjob_op_regions(struct accel_model *m, const struct accel_op *op,
		       const struct dnpu_program *p,
		       struct accel_tensor *t[DNPU_RGN_MAX]);

/*
 * Before a job: @p has an OUT region and at most DNPU_RGN_MAX regions, and
 * the tensor of every data region (IN0 .. n_regions) has storage. 0, or -1
 * with the reason in @err. Inline so that the static analyzer sees these
 * bounds in the callers.
 */
static inline int devjob_check_regions(const struct dnpu_program *p,
				       struct accel_tensor *const t[DNPU_RGN_MAX],
				       char *err, size_t len)
{
	if (p->n_regions <= DNPU_RGN_OUT || p->n_regions > DNPU_RGN_MAX) {
		snprintf(err, len, "program has %u regions (want %d..%d)",
			 p->n_regions, DNPU_RGN_OUT + 1, DNPU_RGN_MAX);
		return -1;
	}
	for (uint32_t r = DNPU_RGN_IN0; r < p->n_regions; r++) {
		if (!t[r] || !t[r]->data) {
			snprintf(err, len, "tensor of region %u has no storage", r);
			return -1;
		}
	}
	return 0;
}

/* Whether the device may write region @r of a job (only OUT). */
static inline bool devjob_region_writable(uint32_t r)
{
	return r == DNPU_RGN_OUT;
}

/*
 * The statistics both backends report for a device op: @p is the program
 * that ran and @last its completion record, or @p NULL for an add that the
 * conv before it computed ("fused").
 */
void devjob_op_stats(const struct dnpu_caps *caps,
		     const struct dnpu_program *p,
		     const struct dnpu_job_completion *last,
		     struct accel_device_stats *st);

/* "device fault <cause> at command N (region R offset O)" for a failed
 * completion record. */
void devjob_fault_str(const struct dnpu_job_completion *c, char *buf,
		      size_t len);

#endif /* ACCEL_DEVJOB_H */
