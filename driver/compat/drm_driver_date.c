// SPDX-License-Identifier: GPL-2.0-only OR MIT
#include <drm/drm_drv.h>
struct drm_driver probe = { .date = "20260101" };
