// SPDX-License-Identifier: MIT
/* --device cmodel: the C functional model with the firmware's ring
 * behaviour in C (sim/cmodel/dnpu_cdev.h). */
#include <stdio.h>
#include <string.h>

#include "devices.h"
#include "dnpu_cdev.h"

static void *cmodel_create(const struct cosim_bus *bus,
			   const char *const *opts, char *err, size_t errlen)
{
	struct dnpu_cmodel_config cfg;
	struct dnpu_cdev *d;

	dnpu_cmodel_config_default(&cfg);
	for (; opts && *opts; opts++) {
		if (strcmp(*opts, "config=default") == 0) {
			dnpu_cmodel_config_default(&cfg);
		} else if (strcmp(*opts, "config=small") == 0) {
			dnpu_cmodel_config_small(&cfg);
		} else {
			snprintf(err, errlen,
				 "cmodel: unknown option '%s' (config=default|small)",
				 *opts);
			return NULL;
		}
	}
	d = dnpu_cdev_create(&cfg, bus->read, bus->write, bus->ctx);
	if (!d)
		snprintf(err, errlen, "cmodel: cannot create the device");
	return d;
}

static void cmodel_destroy(void *dev)
{
	dnpu_cdev_destroy(dev);
}

static int cmodel_mmio_read(void *dev, uint32_t offset, uint32_t *value)
{
	return dnpu_cdev_mmio_read(dev, offset, value);
}

static int cmodel_mmio_write(void *dev, uint32_t offset, uint32_t value)
{
	return dnpu_cdev_mmio_write(dev, offset, value);
}

static bool cmodel_irq_line(void *dev)
{
	return dnpu_cdev_irq_line(dev);
}

static bool cmodel_run(void *dev, uint64_t budget)
{
	/* One job per slice keeps the mailbox responsive between jobs. */
	return dnpu_cdev_run(dev, budget ? budget : 1);
}

const struct cosim_device_ops cosim_device_cmodel = {
	.name = "cmodel",
	.summary = "C functional model + firmware ring behaviour (fast)",
	.create = cmodel_create,
	.destroy = cmodel_destroy,
	.mmio_read = cmodel_mmio_read,
	.mmio_write = cmodel_mmio_write,
	.irq_line = cmodel_irq_line,
	.run = cmodel_run,
};
