// SPDX-License-Identifier: GPL-2.0-only OR MIT
#include <linux/kconfig.h>
#if !IS_ENABLED(CONFIG_DRM_ACCEL)
#error no DRM_ACCEL
#endif
#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
DEFINE_DRM_ACCEL_FOPS(probe_fops);
int probe = DRIVER_COMPUTE_ACCEL;
const void *probe_fops_ref = &probe_fops;
