// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dnpu: co-simulation binding. QEMU's ivshmem-doorbell device carries the
 * register block through a mailbox in BAR2 (struct dnpu_cosim_mbox, see
 * uapi/dnpu_hw.h); the simulated device DMAs straight into guest RAM.
 */
#include <drm/drm_drv.h>
#include <drm/drm_print.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/pci.h>

#include "dnpu_drv.h"

#define IVSHMEM_BAR_REGS	0
#define IVSHMEM_BAR_SHM		2
#define IVSHMEM_REG_DOORBELL	0x0c	/* (peer << 16) | vector */

static unsigned int cosim_timeout_ms = 2000;
module_param(cosim_timeout_ms, uint, 0644);
MODULE_PARM_DESC(cosim_timeout_ms, "Co-sim mailbox response timeout");

#define MBOX(field)	offsetof(struct dnpu_cosim_mbox, field)

static u32 dnpu_cosim_shm_read(struct dnpu_device *ndev, size_t off)
{
	return readl(ndev->cosim_shm + off);
}

/* One register access through the mailbox; returns the read value. */
static u32 dnpu_cosim_xfer(struct dnpu_device *ndev, u32 op, u32 reg, u32 val)
{
	u32 seq, resp, status;
	int ret;

	mutex_lock(&ndev->cosim_lock);
	if (ndev->cosim_dead) {
		mutex_unlock(&ndev->cosim_lock);
		return ~0u;
	}
	writel(op, ndev->cosim_shm + MBOX(op));
	writel(reg, ndev->cosim_shm + MBOX(offset));
	writel(val, ndev->cosim_shm + MBOX(value));
	seq = ++ndev->cosim_seq;
	writel(seq, ndev->cosim_shm + MBOX(req_seq));	/* request complete */
	writel(ndev->cosim_peer << 16, ndev->cosim_regs + IVSHMEM_REG_DOORBELL);

	/* the daemon answers in microseconds, a simulated boot in more */
	ret = read_poll_timeout(dnpu_cosim_shm_read, resp, resp == seq, 5,
				cosim_timeout_ms * USEC_PER_MSEC, false, ndev,
				MBOX(resp_seq));
	if (ret) {
		ndev->cosim_dead = true;
		mutex_unlock(&ndev->cosim_lock);
		drm_err(&ndev->ddev, "co-sim daemon does not answer (reg 0x%03x)\n",
			reg);
		return ~0u;
	}
	status = readl(ndev->cosim_shm + MBOX(status));
	val = readl(ndev->cosim_shm + MBOX(value));
	mutex_unlock(&ndev->cosim_lock);
	if (status != DNPU_COSIM_STATUS_OK) {
		drm_err_ratelimited(&ndev->ddev,
				    "co-sim: op %u reg 0x%03x status %u\n",
				    op, reg, status);
		return ~0u;
	}
	return val;
}

static u32 dnpu_cosim_read(struct dnpu_device *ndev, u32 reg)
{
	return dnpu_cosim_xfer(ndev, DNPU_COSIM_OP_READ, reg, 0);
}

static void dnpu_cosim_write(struct dnpu_device *ndev, u32 reg, u32 val)
{
	dnpu_cosim_xfer(ndev, DNPU_COSIM_OP_WRITE, reg, val);
}

static const struct dnpu_reg_ops dnpu_cosim_ops = {
	.name = "cosim",
	.read = dnpu_cosim_read,
	.write = dnpu_cosim_write,
};

static int dnpu_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct dnpu_device *ndev;
	void __iomem * const *bars;
	u32 magic, version;
	int ret;

	ndev = devm_drm_dev_alloc(&pdev->dev, &dnpu_drm_driver,
				  struct dnpu_device, ddev);
	if (IS_ERR(ndev))
		return PTR_ERR(ndev);
	ndev->dev = &pdev->dev;
	ndev->ops = &dnpu_cosim_ops;
	pci_set_drvdata(pdev, ndev);

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	/* the device DMAs (and MSI-X is a DMA write): no master, no IRQ */
	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	if (pci_resource_len(pdev, IVSHMEM_BAR_SHM) < sizeof(struct dnpu_cosim_mbox))
		return -ENODEV;
	ret = pcim_iomap_regions(pdev, BIT(IVSHMEM_BAR_REGS) | BIT(IVSHMEM_BAR_SHM),
				 DNPU_DRIVER_NAME);
	if (ret)
		return ret;
	bars = pcim_iomap_table(pdev);
	ndev->cosim_regs = bars[IVSHMEM_BAR_REGS];
	ndev->cosim_shm = bars[IVSHMEM_BAR_SHM];

	magic = readl(ndev->cosim_shm + MBOX(magic));
	version = readl(ndev->cosim_shm + MBOX(version));
	if (magic != DNPU_COSIM_MAGIC || version != DNPU_COSIM_VERSION) {
		/* plain ivshmem used for something else, or no daemon yet */
		dev_info(&pdev->dev, "no dnpu co-sim daemon (magic 0x%08x version %u)\n",
			 magic, version);
		return -ENODEV;
	}
	ndev->cosim_peer = readl(ndev->cosim_shm + MBOX(daemon_peer_id));
	ndev->cosim_seq = readl(ndev->cosim_shm + MBOX(req_seq));

	/* managed device: vectors are freed after the devm IRQ handler */
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX);
	if (ret < 0)
		return ret;
	ndev->irq = pci_irq_vector(pdev, 0);
	return dnpu_device_init(ndev);
}

static void dnpu_pci_remove(struct pci_dev *pdev)
{
	dnpu_device_fini(pci_get_drvdata(pdev));
}

static const struct pci_device_id dnpu_pci_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT_QUMRANET, 0x1110) },	/* ivshmem */
	{ }
};
MODULE_DEVICE_TABLE(pci, dnpu_pci_ids);

struct pci_driver dnpu_pci_driver = {
	.name = DNPU_DRIVER_NAME,
	.id_table = dnpu_pci_ids,
	.probe = dnpu_pci_probe,
	.remove = dnpu_pci_remove,
};
