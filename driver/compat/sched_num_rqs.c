// SPDX-License-Identifier: GPL-2.0-only OR MIT
#include <drm/gpu_scheduler.h>
struct drm_sched_init_args probe = { .num_rqs = DRM_SCHED_PRIORITY_COUNT };
