// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* dnpu: DRM driver, file operations, ioctls, common probe/remove. */
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "dnpu_compat.h"
#include "dnpu_drv.h"

static int dnpu_ioctl_get_param(struct drm_device *ddev, void *data,
				struct drm_file *file)
{
	struct dnpu_device *ndev = to_dnpu(ddev);
	struct drm_dnpu_get_param *args = data;
	const struct dnpu_hw_info *info = &ndev->info;
	const char *why;
	int ret;

	ret = dnpu_check_get_param(args, &why);
	if (ret) {
		drm_dbg(ddev, "get_param %u: %s\n", args->param, why);
		return ret;
	}
	switch (args->param) {
	case DRM_DNPU_PARAM_DEVICE_ID:
		args->value = info->id;
		break;
	case DRM_DNPU_PARAM_HW_VERSION:
		args->value = info->version;
		break;
	case DRM_DNPU_PARAM_CAPS:
		args->value = info->caps;
		break;
	case DRM_DNPU_PARAM_FEATURES:
		args->value = info->features;
		break;
	case DRM_DNPU_PARAM_FW_VERSION:
		args->value = info->fw_version;
		break;
	case DRM_DNPU_PARAM_SPAD_IN_BYTES:
	case DRM_DNPU_PARAM_SPAD_WGT_BYTES:
	case DRM_DNPU_PARAM_SPAD_ACC_BYTES:
	case DRM_DNPU_PARAM_SPAD_OUT_BYTES:
	case DRM_DNPU_PARAM_SPAD_PARAM_BYTES:
		args->value = info->spad_bytes[args->param -
					       DRM_DNPU_PARAM_SPAD_IN_BYTES];
		break;
	case DRM_DNPU_PARAM_MAX_REGIONS:
		args->value = info->max_regions;
		break;
	case DRM_DNPU_PARAM_UAPI_VERSION:
		args->value = DRM_DNPU_UAPI_VERSION;
		break;
	}
	return 0;
}

static int dnpu_ioctl_query(struct drm_device *ddev, void *data,
			    struct drm_file *file)
{
	struct dnpu_device *ndev = to_dnpu(ddev);
	const struct dnpu_hw_info *info = &ndev->info;
	struct drm_dnpu_query *args = data;
	struct drm_dnpu_device_info di = {
		.hw_version = info->version,
		.fw_version = info->fw_version,
		.array_rows = DNPU_CAPS_ARRAY_ROWS(info->caps),
		.array_cols = DNPU_CAPS_ARRAY_COLS(info->caps),
		.nmc_lanes = DNPU_CAPS_NMC_LANES(info->caps),
		.max_regions = info->max_regions,
		.features = info->features,
		.dma_bus_bytes = DNPU_DMA_INFO_BUS_BYTES(info->dma_info),
	};
	u32 len;

	if (args->type != DRM_DNPU_QUERY_DEVICE_INFO) {
		drm_dbg(ddev, "query: unknown type %u\n", args->type);
		return -EINVAL;
	}
	BUILD_BUG_ON(sizeof(di.spad_bytes) != sizeof(info->spad_bytes));
	memcpy(di.spad_bytes, info->spad_bytes, sizeof(di.spad_bytes));

	len = min_t(u32, args->size, sizeof(di));
	if (len && copy_to_user(u64_to_user_ptr(args->ptr), &di, len)) {
		drm_dbg(ddev, "query: cannot write ptr\n");
		return -EFAULT;
	}
	args->size = sizeof(di);
	return 0;
}

static const struct drm_ioctl_desc dnpu_ioctls[] = {
#define DNPU_IOCTL(name, fn) \
	DRM_IOCTL_DEF_DRV(DNPU_##name, fn, DRM_RENDER_ALLOW)
	DNPU_IOCTL(GET_PARAM, dnpu_ioctl_get_param),
	DNPU_IOCTL(QUERY, dnpu_ioctl_query),
	DNPU_IOCTL(BO_CREATE, dnpu_ioctl_bo_create),
	DNPU_IOCTL(BO_MMAP_OFFSET, dnpu_ioctl_bo_mmap_offset),
	DNPU_IOCTL(SUBMIT, dnpu_ioctl_submit),
	DNPU_IOCTL(BO_WAIT, dnpu_ioctl_bo_wait),
#undef DNPU_IOCTL
};

static int dnpu_open(struct drm_device *ddev, struct drm_file *file)
{
	struct dnpu_file *nfile;
	int ret;

	nfile = kzalloc(sizeof(*nfile), GFP_KERNEL);
	if (!nfile)
		return -ENOMEM;
	nfile->ndev = to_dnpu(ddev);
	ret = dnpu_file_init_entities(nfile);
	if (ret) {
		kfree(nfile);
		return ret;
	}
	file->driver_priv = nfile;
	return 0;
}

static void dnpu_postclose(struct drm_device *ddev, struct drm_file *file)
{
	struct dnpu_file *nfile = file->driver_priv;

	dnpu_file_fini_entities(nfile);
	kfree(nfile);
}

DNPU_DEFINE_FOPS(dnpu_fops);

const struct drm_driver dnpu_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_SYNCOBJ | DNPU_DRIVER_NODE_FEATURES,
	.open = dnpu_open,
	.postclose = dnpu_postclose,
	.gem_create_object = dnpu_gem_create_object,
	.ioctls = dnpu_ioctls,
	.num_ioctls = ARRAY_SIZE(dnpu_ioctls),
	.fops = &dnpu_fops,
	DNPU_DRIVER_DEBUGFS_INIT(dnpu_debugfs_init)
	.name = DNPU_DRIVER_NAME,
	.desc = "dnpu int8 neural network accelerator",
	DNPU_DRIVER_DATE("20261122")
	.major = DRM_DNPU_UAPI_VERSION,
	.minor = 0,
};

/*
 * Common part of probe: the bus binding has allocated @ndev and set dev,
 * ops, the register mappings and irq.
 */
int dnpu_device_init(struct dnpu_device *ndev)
{
	int ret;

	mutex_init(&ndev->cosim_lock);
	mutex_init(&ndev->hw_lock);
	mutex_init(&ndev->submit_lock);
	spin_lock_init(&ndev->job_lock);
	spin_lock_init(&ndev->fence_lock);
	INIT_LIST_HEAD(&ndev->active);

	ret = dnpu_hw_identify(ndev);
	if (ret)
		return ret;
	ret = dnpu_ring_alloc(ndev);
	if (ret)
		return ret;
	ret = dnpu_sched_init(ndev);
	if (ret)
		return ret;
	ret = dnpu_hw_request_irq(ndev);
	if (ret)
		return ret;

	/*
	 * Without firmware the device still registers: GET_PARAM and debugfs
	 * work and SUBMIT reports -ENODEV.
	 */
	mutex_lock(&ndev->hw_lock);
	ret = dnpu_hw_boot(ndev);
	mutex_unlock(&ndev->hw_lock);
	if (ret)
		drm_warn(&ndev->ddev, "firmware not running (%d)\n", ret);

	ret = drm_dev_register(&ndev->ddev, 0);
	if (ret) {
		dnpu_hw_stop(ndev);
		return ret;
	}
	if (dnpu_accel_debugfs_root(&ndev->ddev))
		dnpu_debugfs_create(ndev, dnpu_accel_debugfs_root(&ndev->ddev));
	return 0;
}

void dnpu_device_fini(struct dnpu_device *ndev)
{
	drm_dev_unplug(&ndev->ddev);
	cancel_work_sync(&ndev->recovery_work);
	mutex_lock(&ndev->hw_lock);
	dnpu_hw_stop(ndev);
	mutex_unlock(&ndev->hw_lock);
	/* nothing will complete them any more */
	dnpu_job_cancel_active(ndev, -ENODEV);
}

static int __init dnpu_init(void)
{
	int ret;

	ret = platform_driver_register(&dnpu_platform_driver);
	if (ret)
		return ret;
	ret = pci_register_driver(&dnpu_pci_driver);
	if (ret)
		platform_driver_unregister(&dnpu_platform_driver);
	return ret;
}

static void __exit dnpu_exit(void)
{
	pci_unregister_driver(&dnpu_pci_driver);
	platform_driver_unregister(&dnpu_platform_driver);
}

module_init(dnpu_init);
module_exit(dnpu_exit);

MODULE_DESCRIPTION("dnpu int8 neural network accelerator");
MODULE_LICENSE("Dual MIT/GPL");
