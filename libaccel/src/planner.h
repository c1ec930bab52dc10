/* SPDX-License-Identifier: MIT */
/*
 * Graph planning on a loaded model: schedule check, graph passes, tensor
 * lifetimes and the activation arena layout. Internal to libaccel.
 */
#ifndef ACCEL_PLANNER_H
#define ACCEL_PLANNER_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

#define ACCEL_ARENA_ALIGN 16
#define ACCEL_MAX_ARENA_BYTES ((size_t)1 << 30)

struct accel_plan_opts {
	bool fold_pad;          /* PAD -> explicit padding of the next conv */
	bool fuse_relu;         /* standalone RELU/RELU6 -> producer's act */
	bool alias_reshape;     /* RESHAPE/SQUEEZE/EXPAND_DIMS become views */
};

/* Defaults: every pass on; ACCEL_NO_FOLD=1 in the environment turns the
 * graph passes off (debugging aid, e.g. to compare PAD outputs). */
void accel_plan_default_opts(struct accel_plan_opts *o);

/*
 * Validate the graph (single producer per tensor, nothing reads a tensor
 * before it is produced; an invalid stored order is replaced by a
 * topological one, a cycle is an error), run the graph passes, compute
 * lifetimes and arena offsets (m->arena_bytes) and persistent offsets for
 * variable tensors (m->persistent_bytes, offsets in arena_offset).
 * Returns 0, or -1 with a message in @err.
 */
int accel_plan(struct accel_model *m, const struct accel_plan_opts *o,
	       char *err, size_t errlen);

/* Individual steps, exposed for tests. */
int accel_plan_schedule(struct accel_model *m, char *err, size_t errlen);
int accel_fold_pad(struct accel_model *m);    /* returns ops folded */
int accel_fuse_relu(struct accel_model *m);   /* returns ops fused */
int accel_alias_reshape(struct accel_model *m); /* returns ops aliased */
/* True if removed op @op is a reshape view (output shares input storage). */
bool accel_op_is_alias(const struct accel_model *m, const struct accel_op *op);
int accel_plan_memory(struct accel_model *m, char *err, size_t errlen);

#endif /* ACCEL_PLANNER_H */
