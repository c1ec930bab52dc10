/* SPDX-License-Identifier: MIT */
/*
 * Backend interface. A backend runs operators of a planned model: the CPU
 * (always present), the cycle simulator (sim) or the device behind the DRM
 * driver (drm). The runtime (runtime.c) asks every op's preferred backend
 * whether and at what cost it can run it, falls back to the CPU otherwise,
 * and records the choice and the reason in the profile.
 *
 * To add a backend: implement these hooks in backend_<name>.c, and list it
 * in accel_backend_get() (backend.c). A device backend may run several
 * consecutive ops in one job: run() of the first does the work of all of
 * them and run() of the others then only returns (the sim backend's
 * segments, docs/COMPILER.md).
 */
#ifndef ACCEL_BACKEND_H
#define ACCEL_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "accel.h"
#include "model.h"

struct accel_backend_ops {
	const char *name;               /* "cpu", "sim", "drm" */
	enum accel_backend kind;

	/* Usable on this machine? 0, or -1 with the reason in @why. */
	int (*probe)(char *why, size_t len);
	/* Per-context state (device fd, simulator instance...). */
	int (*open)(void **priv, char *err, size_t len);
	void (*close)(void *priv);

	/*
	 * Estimated cost in ns of running @op here, or -1 if this backend
	 * cannot run it (reason in @why). Called after the graph passes.
	 */
	int64_t (*op_cost)(void *priv, const struct accel_model *m,
			   const struct accel_op *op, char *why, size_t len);
	/* Validate and precompute @op (constants available, no arena yet). */
	int (*prepare)(void *priv, struct accel_model *m, struct accel_op *op,
		       char *err, size_t len);
	/* Execute @op; all its tensors have ->data. */
	int (*run)(void *priv, struct accel_model *m, struct accel_op *op,
		   char *err, size_t len);
	/* Free what prepare made (safe for an op that was never prepared). */
	void (*release)(void *priv, struct accel_op *op);
	/* Extra memory prepare allocated for @op (scratch), for reports. */
	size_t (*scratch_bytes)(void *priv, const struct accel_model *m,
				const struct accel_op *op);
	/* Device counters of @op's last run (optional; CPU has none). */
	void (*op_stats)(void *priv, const struct accel_op *op,
			 struct accel_device_stats *st);
};

/* The backend of that kind built into this library, or NULL if none (with
 * the reason in @why). ACCEL_BACKEND_AUTO is not a backend. */
const struct accel_backend_ops *accel_backend_get(enum accel_backend kind,
						  char *why, size_t len);

extern const struct accel_backend_ops accel_backend_cpu;
extern const struct accel_backend_ops accel_backend_sim;
#ifdef ACCEL_HAVE_DRM
extern const struct accel_backend_ops accel_backend_drm;
#endif

#endif /* ACCEL_BACKEND_H */
