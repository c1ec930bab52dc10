// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* dnpu: platform/OF binding for SoC and FPGA integrations (plain MMIO). */
#include <drm/drm_drv.h>
#include <linux/dma-mapping.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>

#include "dnpu_compat.h"
#include "dnpu_drv.h"

static int dnpu_platform_probe(struct platform_device *pdev)
{
	struct dnpu_device *ndev;
	int ret;

	ndev = devm_drm_dev_alloc(&pdev->dev, &dnpu_drm_driver,
				  struct dnpu_device, ddev);
	if (IS_ERR(ndev))
		return PTR_ERR(ndev);
	ndev->dev = &pdev->dev;
	ndev->ops = &dnpu_mmio_ops;
	platform_set_drvdata(pdev, ndev);

	ndev->mmio = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(ndev->mmio))
		return PTR_ERR(ndev->mmio);
	ndev->irq = platform_get_irq(pdev, 0);
	if (ndev->irq < 0)
		return ndev->irq;
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (ret)
		return ret;
	return dnpu_device_init(ndev);
}

static DNPU_PLATFORM_REMOVE_RET dnpu_platform_remove(struct platform_device *pdev)
{
	dnpu_device_fini(platform_get_drvdata(pdev));
	return DNPU_PLATFORM_REMOVED;
}

static const struct of_device_id dnpu_of_match[] = {
	{ .compatible = "dnpu,dnpu-1.0" },
	{ }
};
MODULE_DEVICE_TABLE(of, dnpu_of_match);

struct platform_driver dnpu_platform_driver = {
	.probe = dnpu_platform_probe,
	.remove = dnpu_platform_remove,
	.driver = {
		.name = DNPU_DRIVER_NAME,
		.of_match_table = dnpu_of_match,
	},
};
