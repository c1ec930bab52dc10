// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* dnpu: shmem-backed GEM buffer objects. */
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_print.h>
#include <drm/drm_utils.h>
#include <drm/drm_vma_manager.h>
#include <linux/dma-resv.h>
#include <linux/slab.h>

#include "dnpu_drv.h"

static void dnpu_gem_free(struct drm_gem_object *obj)
{
	struct dnpu_device *ndev = to_dnpu(obj->dev);

	atomic_dec(&ndev->counters.live_bos);
	drm_gem_shmem_object_free(obj);
}

static const struct drm_gem_object_funcs dnpu_gem_funcs = {
	.free = dnpu_gem_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

struct drm_gem_object *dnpu_gem_create_object(struct drm_device *ddev,
					      size_t size)
{
	struct drm_gem_shmem_object *shmem;

	shmem = kzalloc(sizeof(*shmem), GFP_KERNEL);
	if (!shmem)
		return ERR_PTR(-ENOMEM);
	/* cached CPU mappings: the device snoops or the driver syncs */
	shmem->map_wc = false;
	shmem->base.funcs = &dnpu_gem_funcs;
	atomic_inc(&to_dnpu(ddev)->counters.live_bos);
	return &shmem->base;
}

int dnpu_ioctl_bo_create(struct drm_device *ddev, void *data,
			 struct drm_file *file)
{
	struct drm_dnpu_bo_create *args = data;
	struct drm_gem_shmem_object *shmem;
	const char *why;
	int ret;

	ret = dnpu_check_bo_create(args, &why);
	if (ret) {
		drm_dbg(ddev, "bo_create: %s\n", why);
		return ret;
	}
	shmem = drm_gem_shmem_create(ddev, args->size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);
	ret = drm_gem_handle_create(file, &shmem->base, &args->handle);
	/* the handle holds the reference now (or creation failed) */
	drm_gem_object_put(&shmem->base);
	return ret;
}

int dnpu_ioctl_bo_mmap_offset(struct drm_device *ddev, void *data,
			      struct drm_file *file)
{
	struct drm_dnpu_bo_mmap_offset *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->pad) {
		drm_dbg(ddev, "bo_mmap_offset: pad is not zero\n");
		return -EINVAL;
	}
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj) {
		drm_dbg(ddev, "bo_mmap_offset: unknown handle %u\n", args->handle);
		return -ENOENT;
	}
	ret = drm_gem_create_mmap_offset(obj);
	if (!ret)
		args->offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return ret;
}

int dnpu_ioctl_bo_wait(struct drm_device *ddev, void *data,
		       struct drm_file *file)
{
	struct drm_dnpu_bo_wait *args = data;
	struct drm_gem_object *obj;
	long timeout, ret;

	if (args->pad) {
		drm_dbg(ddev, "bo_wait: pad is not zero\n");
		return -EINVAL;
	}
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj) {
		drm_dbg(ddev, "bo_wait: unknown handle %u\n", args->handle);
		return -ENOENT;
	}
	timeout = args->timeout_ns > 0 ?
		  drm_timeout_abs_to_jiffies(args->timeout_ns) : 0;
	/* READ usage covers every job that reads or writes the BO */
	ret = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_READ, true,
				    timeout);
	drm_gem_object_put(obj);
	if (ret == 0)
		return -ETIME;
	return ret < 0 ? ret : 0;
}
