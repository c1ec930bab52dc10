// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* dnpu: register access, firmware boot, ring memory, interrupt. */
#include <drm/drm_print.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/firmware.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/jiffies.h>
#include <linux/module.h>

#include "dnpu_drv.h"

static unsigned int ring_entries = DNPU_RING_DEFAULT_ENTRIES;
module_param(ring_entries, uint, 0444);
MODULE_PARM_DESC(ring_entries, "Job ring entries (power of 2, 2..1024)");

static unsigned int fw_boot_timeout_ms = 1000;
module_param(fw_boot_timeout_ms, uint, 0644);
MODULE_PARM_DESC(fw_boot_timeout_ms, "Time the firmware gets to report FW_READY");

MODULE_FIRMWARE(DNPU_FW_NAME);
MODULE_FIRMWARE(DNPU_FW_SOFT_NAME);

static u32 dnpu_mmio_read(struct dnpu_device *ndev, u32 reg)
{
	return readl(ndev->mmio + reg);
}

static void dnpu_mmio_write(struct dnpu_device *ndev, u32 reg, u32 val)
{
	writel(val, ndev->mmio + reg);
}

const struct dnpu_reg_ops dnpu_mmio_ops = {
	.name = "mmio",
	.read = dnpu_mmio_read,
	.write = dnpu_mmio_write,
};

int dnpu_hw_identify(struct dnpu_device *ndev)
{
	struct dnpu_hw_info *info = &ndev->info;
	unsigned int i;

	info->id = dnpu_read(ndev, DNPU_REG_ID);
	if (info->id != DNPU_ID_MAGIC) {
		drm_err(&ndev->ddev, "bad ID register 0x%08x\n", info->id);
		return -ENODEV;
	}
	info->version = dnpu_read(ndev, DNPU_REG_VERSION);
	if ((info->version >> 16) != DNPU_HW_VERSION_MAJOR) {
		drm_err(&ndev->ddev, "unsupported hardware version %u.%u\n",
			info->version >> 16, info->version & 0xffff);
		return -ENODEV;
	}
	info->caps = dnpu_read(ndev, DNPU_REG_CAPS);
	info->features = dnpu_read(ndev, DNPU_REG_FEATURES);
	info->dma_info = dnpu_read(ndev, DNPU_REG_DMA_INFO);
	for (i = 0; i < DNPU_SPAD_COUNT; i++)
		info->spad_bytes[i] = dnpu_read(ndev, DNPU_REG_SPAD_IN_BYTES + 4 * i);
	info->max_regions = min_t(u32, DNPU_CAPS_MAX_REGIONS(info->caps),
				  DNPU_MAX_REGIONS);
	if (!info->max_regions) {
		drm_err(&ndev->ddev, "CAPS reports no regions\n");
		return -ENODEV;
	}
	if (!(info->features & DNPU_FEAT_PAGED_REGIONS)) {
		/* shmem BOs are not contiguous: paged regions are required */
		drm_err(&ndev->ddev, "device lacks paged regions\n");
		return -ENODEV;
	}
	return 0;
}

int dnpu_ring_alloc(struct dnpu_device *ndev)
{
	struct dnpu_ring *ring = &ndev->ring;
	size_t desc_bytes, comp_bytes;

	if (!dnpu_ring_size_valid(ring_entries)) {
		drm_err(&ndev->ddev, "ring_entries=%u is not a power of 2 in 2..%u\n",
			ring_entries, DNPU_RING_MAX_ENTRIES);
		return -EINVAL;
	}
	ring->entries = ring_entries;
	desc_bytes = ring->entries * sizeof(struct dnpu_job_desc);
	comp_bytes = ring->entries * sizeof(struct dnpu_job_completion);
	ring->bytes = desc_bytes + comp_bytes +
		      ring->entries * DNPU_MAX_REGIONS * sizeof(struct dnpu_region);
	ring->cpu = dmam_alloc_coherent(ndev->dev, ring->bytes, &ring->dma,
					GFP_KERNEL);
	if (!ring->cpu)
		return -ENOMEM;
	ring->desc = ring->cpu;
	ring->desc_dma = ring->dma;
	ring->comp = ring->cpu + desc_bytes;
	ring->comp_dma = ring->dma + desc_bytes;
	ring->tables = ring->cpu + desc_bytes + comp_bytes;
	ring->tables_dma = ring->dma + desc_bytes + comp_bytes;
	return 0;
}

static int dnpu_hw_reset(struct dnpu_device *ndev)
{
	u32 ctrl;
	int ret;

	dnpu_write(ndev, DNPU_REG_IRQ_MASK, 0);
	dnpu_write(ndev, DNPU_REG_CONTROL, DNPU_CONTROL_RESET);
	ret = read_poll_timeout(dnpu_read, ctrl, !(ctrl & DNPU_CONTROL_RESET),
				100, 100 * USEC_PER_MSEC, false, ndev,
				DNPU_REG_CONTROL);
	if (ret)
		drm_err(&ndev->ddev, "soft reset did not complete\n");
	return ret;
}

static int dnpu_hw_load_fw(struct dnpu_device *ndev)
{
	bool soft = ndev->info.features & DNPU_FEAT_SOFT_SEQ;
	const char *name = soft ? DNPU_FW_SOFT_NAME : DNPU_FW_NAME;
	u32 imem = soft ? DNPU_CORE_SOFT_MEM_SIZE : DNPU_CORE_IMEM_SIZE;
	const struct firmware *fw;
	size_t off;
	int ret;

	ret = request_firmware(&fw, name, ndev->dev);
	if (ret) {
		drm_err(&ndev->ddev, "cannot load %s: %d\n", name, ret);
		return ret;
	}
	/* A flat IMEM image; the firmware copies its .data to DMEM itself. */
	if (!fw->size || fw->size > imem) {
		drm_err(&ndev->ddev, "%s: size %zu not in 1..%u\n", name,
			fw->size, imem);
		release_firmware(fw);
		return -EINVAL;
	}
	dnpu_write(ndev, DNPU_REG_FW_ADDR, DNPU_CORE_IMEM_BASE);
	for (off = 0; off < fw->size; off += 4) {
		__le32 word = 0;

		memcpy(&word, fw->data + off, min_t(size_t, 4, fw->size - off));
		dnpu_write(ndev, DNPU_REG_FW_DATA, le32_to_cpu(word));
	}
	release_firmware(fw);
	return 0;
}

static bool dnpu_hw_boot_done(struct dnpu_device *ndev, u32 *status)
{
	*status = dnpu_read(ndev, DNPU_REG_STATUS);
	return (*status & DNPU_STATUS_FW_READY) ||
	       DNPU_STATUS_FW_STATE(*status) == DNPU_FW_STATE_ERROR;
}

/* Reset the device and boot the firmware with an empty ring. */
static int dnpu_hw_boot_once(struct dnpu_device *ndev)
{
	struct dnpu_ring *ring = &ndev->ring;
	u32 status, err, abi;
	bool done;
	int ret;

	WRITE_ONCE(ndev->fw_running, false);
	ret = dnpu_hw_reset(ndev);
	if (ret)
		return ret;
	dnpu_write(ndev, DNPU_REG_CONTROL, 0);	/* keep the core held */
	ret = dnpu_hw_load_fw(ndev);
	if (ret)
		return ret;

	/* RESET zeroed HEAD, TAIL and DONE_SEQNO: restart our view too. */
	memset(ring->cpu, 0, ring->bytes);
	ring->tail = 0;
	ring->seqno = 0;
	dnpu_write(ndev, DNPU_REG_RING_BASE_LO, lower_32_bits(ring->desc_dma));
	dnpu_write(ndev, DNPU_REG_RING_BASE_HI, upper_32_bits(ring->desc_dma));
	dnpu_write(ndev, DNPU_REG_RING_SIZE, ring->entries);
	dnpu_write(ndev, DNPU_REG_RING_TAIL, 0);
	dnpu_write(ndev, DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);
	dnpu_write(ndev, DNPU_REG_IRQ_MASK, DNPU_IRQ_ALL);
	dnpu_write(ndev, DNPU_REG_CONTROL, DNPU_CONTROL_CORE_RUN);

	ret = read_poll_timeout(dnpu_hw_boot_done, done, done, 1000,
				fw_boot_timeout_ms * USEC_PER_MSEC, false,
				ndev, &status);
	err = dnpu_read(ndev, DNPU_REG_FW_ERROR);
	if (ret || !(status & DNPU_STATUS_FW_READY) || err != DNPU_FW_ERR_NONE) {
		drm_err(&ndev->ddev,
			"firmware boot failed: status 0x%08x fw_error %u pc 0x%08x\n",
			status, err, dnpu_read(ndev, DNPU_REG_CORE_PC));
		return ret ?: -EIO;
	}
	ndev->info.fw_version = dnpu_read(ndev, DNPU_REG_FW_VERSION);
	abi = DNPU_FW_VERSION_ABI(ndev->info.fw_version);
	if (abi != DNPU_FW_ABI_VERSION) {
		drm_err(&ndev->ddev, "firmware ring ABI %u, driver needs %u\n",
			abi, DNPU_FW_ABI_VERSION);
		return -EPROTO;
	}
	WRITE_ONCE(ndev->fw_running, true);
	drm_info(&ndev->ddev, "firmware 0x%08x running (%s transport)\n",
		 ndev->info.fw_version, ndev->ops->name);
	return 0;
}

int dnpu_hw_boot(struct dnpu_device *ndev)
{
	u32 crash_seq = READ_ONCE(ndev->crash_seq);
	int ret = dnpu_hw_boot_once(ndev);

	WRITE_ONCE(ndev->fw_failed, ret != 0);
	if (!ret)	/* a crash during the boot keeps the outage open */
		WRITE_ONCE(ndev->recovered_seq, crash_seq);
	return ret;
}

/* Quiesce the device: no more interrupts or DMA. */
void dnpu_hw_stop(struct dnpu_device *ndev)
{
	WRITE_ONCE(ndev->fw_running, false);
	dnpu_hw_reset(ndev);
}

static irqreturn_t dnpu_irq_thread(int irq, void *arg)
{
	struct dnpu_device *ndev = arg;
	u32 status;

	status = dnpu_read(ndev, DNPU_REG_IRQ_STATUS);
	if (!status || status == ~0u)
		return IRQ_NONE;
	dnpu_write(ndev, DNPU_REG_IRQ_STATUS, status);

	if (status & (DNPU_IRQ_JOB_DONE | DNPU_IRQ_JOB_FAULT))
		dnpu_job_complete(ndev);
	if (status & DNPU_IRQ_FW_ERROR) {
		/* jobs submitted from now until the reboot fail */
		WRITE_ONCE(ndev->fw_running, false);
		WRITE_ONCE(ndev->crash_seq, ndev->crash_seq + 1);
		drm_err(&ndev->ddev, "firmware error %u\n",
			dnpu_read(ndev, DNPU_REG_FW_ERROR));
		dnpu_job_trigger_recovery(ndev);
	}
	return IRQ_HANDLED;
}

int dnpu_hw_request_irq(struct dnpu_device *ndev)
{
	/* Threaded only: register access may sleep on the co-sim transport. */
	return devm_request_threaded_irq(ndev->dev, ndev->irq, NULL,
					 dnpu_irq_thread, IRQF_ONESHOT,
					 DNPU_DRIVER_NAME, ndev);
}

u64 dnpu_hw_perf(struct dnpu_device *ndev, unsigned int counter)
{
	u32 lo = dnpu_read(ndev, DNPU_REG_PERF_LO(counter));	/* latches HI */

	return (u64)dnpu_read(ndev, DNPU_REG_PERF_HI(counter)) << 32 | lo;
}

void dnpu_hw_progress(struct dnpu_device *ndev, struct dnpu_progress *p)
{
	p->heartbeat = dnpu_read(ndev, DNPU_REG_HEARTBEAT);
	p->done_seqno = dnpu_read(ndev, DNPU_REG_DONE_SEQNO);
	p->ring_head = dnpu_read(ndev, DNPU_REG_RING_HEAD);
}
