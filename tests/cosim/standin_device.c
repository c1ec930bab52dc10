// SPDX-License-Identifier: MIT
#include "standin_device.h"

#include <stdio.h>
#include <stdlib.h>

#include "dnpu_hw.h"

struct standin {
	struct cosim_bus bus;
	uint32_t scratch, irq_status, irq_mask, fault_cause;
	uint64_t ring_base;
	unsigned int dma_pending;
};

static void *standin_create(const struct cosim_bus *bus,
			    const char *const *opts, char *err, size_t errlen)
{
	struct standin *d;

	if (opts && opts[0]) {
		snprintf(err, errlen, "standin: unknown option '%s'", opts[0]);
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "standin: out of memory");
		return NULL;
	}
	d->bus = *bus;
	return d;
}

static void standin_destroy(void *dev)
{
	free(dev);
}

static int standin_read(void *dev, uint32_t off, uint32_t *val)
{
	struct standin *d = dev;

	switch (off) {
	case DNPU_REG_ID: *val = DNPU_ID_MAGIC; return 0;
	case DNPU_REG_VERSION:
		*val = DNPU_HW_VERSION_MAJOR << 16 | DNPU_HW_VERSION_MINOR;
		return 0;
	case DNPU_REG_SCRATCH: *val = d->scratch; return 0;
	case DNPU_REG_IRQ_STATUS: *val = d->irq_status; return 0;
	case DNPU_REG_IRQ_MASK: *val = d->irq_mask; return 0;
	case DNPU_REG_FAULT_CAUSE: *val = d->fault_cause; return 0;
	case DNPU_REG_RING_BASE_LO: *val = (uint32_t)d->ring_base; return 0;
	case DNPU_REG_RING_BASE_HI:
		*val = (uint32_t)(d->ring_base >> 32);
		return 0;
	default: return -1;
	}
}

static int standin_write(void *dev, uint32_t off, uint32_t val)
{
	struct standin *d = dev;

	switch (off) {
	case DNPU_REG_SCRATCH: d->scratch = val; return 0;
	case DNPU_REG_IRQ_STATUS: d->irq_status &= ~val; return 0;
	case DNPU_REG_IRQ_MASK: d->irq_mask = val & DNPU_IRQ_ALL; return 0;
	case DNPU_REG_IRQ_RAISE: d->irq_status |= val & DNPU_IRQ_ALL; return 0;
	case DNPU_REG_RING_BASE_LO:
		d->ring_base = (d->ring_base & ~0xffffffffull) | val;
		return 0;
	case DNPU_REG_RING_BASE_HI:
		d->ring_base = (d->ring_base & 0xffffffffull) |
			       (uint64_t)val << 32;
		return 0;
	case DNPU_REG_DOORBELL: d->dma_pending++; return 0;
	default: return -1;
	}
}

static bool standin_irq_line(void *dev)
{
	const struct standin *d = dev;

	return (d->irq_status & d->irq_mask) != 0;
}

static bool standin_run(void *dev, uint64_t budget)
{
	struct standin *d = dev;
	uint8_t buf[STANDIN_DMA_BYTES];
	unsigned int i;

	if (budget == 0)
		budget = 1;
	for (; d->dma_pending && budget; d->dma_pending--, budget--) {
		if (d->bus.read(d->bus.ctx, d->ring_base, buf, sizeof(buf))) {
			d->fault_cause = DNPU_FAULT_BUS_ERROR;
			d->irq_status |= DNPU_IRQ_JOB_FAULT;
			continue;
		}
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)~buf[i];
		if (d->bus.write(d->bus.ctx, d->ring_base + sizeof(buf), buf,
				 sizeof(buf))) {
			d->fault_cause = DNPU_FAULT_BUS_ERROR;
			d->irq_status |= DNPU_IRQ_JOB_FAULT;
			continue;
		}
		d->fault_cause = DNPU_FAULT_NONE;
		d->irq_status |= DNPU_IRQ_JOB_DONE;
	}
	return d->dma_pending != 0;
}

const struct cosim_device_ops cosim_device_standin = {
	.name = "standin",
	.summary = "transport test device: ID, SCRATCH, IRQ, one DMA (tests only)",
	.create = standin_create,
	.destroy = standin_destroy,
	.mmio_read = standin_read,
	.mmio_write = standin_write,
	.irq_line = standin_irq_line,
	.run = standin_run,
};
