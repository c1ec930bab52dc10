/* SPDX-License-Identifier: MIT */
/*
 * Runtime objects behind the public handles, and hooks for tests and tools
 * inside the tree. Not public API.
 */
#ifndef ACCEL_NET_H
#define ACCEL_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "accel.h"
#include "backend.h"
#include "model.h"
#include "planner.h"

#define ACCEL_ERR_LEN 512

struct accel_context {
	enum accel_backend kind;
	const struct accel_backend_ops *be;     /* NULL if open failed */
	void *be_priv;
	char why[160];          /* why this backend was chosen */
	char err[ACCEL_ERR_LEN];
};

struct accel_net_op {
	const struct accel_backend_ops *be;     /* NULL: folded away */
	void *be_priv;
	bool prepared;
	char reason[256];
	uint64_t last_ns, total_ns, invokes;
	int64_t est_cpu_ns, est_device_ns;	/* placement's costs, -1: none */
};

/* Called after op @op_index (execution order) ran, and at the place of a
 * removed op too (its output has data only if it is a view); tests use it
 * to compare every intermediate tensor. */
typedef void (*accel_observer_fn)(void *user, accel_network *net,
				  int op_index);

struct accel_network {
	accel_context *ctx;
	struct accel_model *m;
	uint8_t *arena;
	uint8_t *persistent;
	struct accel_net_op *ops;       /* one per m->ops entry */
	size_t scratch_bytes;
	accel_observer_fn observer;
	void *observer_user;
};

/* accel_load_memory() with explicit graph-pass options (NULL: defaults). */
int accel_load_memory_opts(accel_context *ctx, const void *data, size_t size,
			   const struct accel_plan_opts *opts,
			   accel_network **net);

static inline struct accel_model *accel_network_model(accel_network *net)
{
	return net->m;
}

static inline void accel_network_set_observer(accel_network *net,
					      accel_observer_fn fn, void *user)
{
	net->observer = fn;
	net->observer_user = user;
}

#endif /* ACCEL_NET_H */
