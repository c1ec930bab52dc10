/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "backend.h"

const struct accel_backend_ops *accel_backend_get(enum accel_backend kind,
						  char *why, size_t len)
{
	switch (kind) {
	case ACCEL_BACKEND_CPU:
		return &accel_backend_cpu;
	case ACCEL_BACKEND_SIM:
		return &accel_backend_sim;
	case ACCEL_BACKEND_DRM:
#ifdef ACCEL_HAVE_DRM
		return &accel_backend_drm;
#else
		snprintf(why, len, "drm backend is not built into this libaccel (no DRM uapi headers at build time)");
		return NULL;
#endif
	default:
		snprintf(why, len, "unknown backend %d", (int)kind);
		return NULL;
	}
}
