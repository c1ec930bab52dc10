// SPDX-License-Identifier: GPL-2.0-only OR MIT
#include <drm/gpu_scheduler.h>
int probe = DRM_GPU_SCHED_STAT_NO_HANG;
