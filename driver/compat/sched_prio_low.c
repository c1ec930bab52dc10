// SPDX-License-Identifier: GPL-2.0-only OR MIT
#include <drm/gpu_scheduler.h>
int probe = DRM_SCHED_PRIORITY_LOW;
