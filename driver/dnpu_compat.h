/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The only place where dnpu deals with API differences between kernels
 * (Debian 12's 6.1 and the 6.12 backport). DNPU_HAVE_* come from the
 * build-time probes in driver/compat/ (see driver/Kbuild).
 */
#ifndef DNPU_COMPAT_H
#define DNPU_COMPAT_H

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/gpu_scheduler.h>
#include <linux/platform_device.h>

#ifdef DNPU_HAVE_DRM_ACCEL
#include <drm/drm_accel.h>
#define DNPU_DRIVER_NODE_FEATURES	DRIVER_COMPUTE_ACCEL
#define DNPU_DEFINE_FOPS(name)		DEFINE_DRM_ACCEL_FOPS(name)
#else
/* No accel subsystem: expose a render node instead. */
#define DNPU_DRIVER_NODE_FEATURES	DRIVER_RENDER
#define DNPU_DEFINE_FOPS(name)		DEFINE_DRM_GEM_FOPS(name)
#endif

/*
 * debugfs: drm_driver.debugfs_init runs for primary/render minors only;
 * accel devices add their files to the device's directory themselves once
 * registered.
 */
#ifdef DNPU_HAVE_DRM_ACCEL
#define DNPU_DRIVER_DEBUGFS_INIT(fn)
static inline struct dentry *dnpu_accel_debugfs_root(struct drm_device *ddev)
{
	return ddev->debugfs_root;
}
#else
#define DNPU_DRIVER_DEBUGFS_INIT(fn)	.debugfs_init = (fn),
static inline struct dentry *dnpu_accel_debugfs_root(struct drm_device *ddev)
{
	return NULL;
}
#endif

#ifdef DNPU_HAVE_DRM_DRIVER_DATE
#define DNPU_DRIVER_DATE(d)		.date = (d),
#else
#define DNPU_DRIVER_DATE(d)
#endif

static inline int dnpu_sched_job_init(struct drm_sched_job *job,
				      struct drm_sched_entity *entity,
				      void *owner)
{
#if defined(DNPU_HAVE_SCHED_JOB_INIT_CLIENT_ID)
	return drm_sched_job_init(job, entity, 1, owner, 0);
#elif defined(DNPU_HAVE_SCHED_JOB_INIT_CREDITS)
	return drm_sched_job_init(job, entity, 1, owner);
#else
	return drm_sched_job_init(job, entity, owner);
#endif
}

/* Restart after a reset; jobs without a hardware fence are completed. */
static inline void dnpu_sched_start(struct drm_gpu_scheduler *sched)
{
#if defined(DNPU_HAVE_SCHED_START_NOARG)
	drm_sched_start(sched);
#elif defined(DNPU_HAVE_SCHED_START_BOOL)
	drm_sched_start(sched, true);
#else
	drm_sched_start(sched, 0);	/* errno for jobs without a fence */
#endif
}

#ifdef DNPU_HAVE_SCHED_NUM_RQS
#define DNPU_SCHED_ARGS_NUM_RQS		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
#else
#define DNPU_SCHED_ARGS_NUM_RQS
#endif

#ifdef DNPU_HAVE_SCHED_PRIO_LOW
#define DNPU_SCHED_PRIORITY_LOW		DRM_SCHED_PRIORITY_LOW
#else
#define DNPU_SCHED_PRIORITY_LOW		DRM_SCHED_PRIORITY_MIN
#endif

#ifdef DNPU_HAVE_SCHED_STAT_RESET
#define DNPU_SCHED_STAT_RESET		DRM_GPU_SCHED_STAT_RESET
#else
#define DNPU_SCHED_STAT_RESET		DRM_GPU_SCHED_STAT_NOMINAL
#endif

/*
 * The timeout handler decided the job is not hung. Older schedulers took
 * the job off the pending list before calling the handler and expect the
 * driver to put it back; newer ones have a status for it.
 */
static inline enum drm_gpu_sched_stat
dnpu_sched_timeout_no_hang(struct drm_sched_job *job)
{
#ifdef DNPU_HAVE_SCHED_STAT_NO_HANG
	return DRM_GPU_SCHED_STAT_NO_HANG;
#else
	struct drm_gpu_scheduler *sched = job->sched;

	spin_lock(&sched->job_list_lock);
	list_add(&job->list, &sched->pending_list);
	spin_unlock(&sched->job_list_lock);
	return DRM_GPU_SCHED_STAT_NOMINAL;
#endif
}

/* platform_driver.remove returned int before it became void. */
#ifdef DNPU_HAVE_PLATFORM_REMOVE_VOID
#define DNPU_PLATFORM_REMOVE_RET	void
#define DNPU_PLATFORM_REMOVED
#else
#define DNPU_PLATFORM_REMOVE_RET	int
#define DNPU_PLATFORM_REMOVED		0
#endif

#endif /* DNPU_COMPAT_H */
