/* SPDX-License-Identifier: MIT */
#include "simdev.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnpu_cdev.h"
#include "dnpu_hw.h"

#ifndef DNPU_RTL_LIB_DEFAULT
#define DNPU_RTL_LIB_DEFAULT "libdnpu_rtl.so"
#endif
#define DNPU_FIRMWARE_INSTALLED "/lib/firmware/dnpu/dnpu-fw.bin"
#ifndef DNPU_FIRMWARE_BUILD
#define DNPU_FIRMWARE_BUILD DNPU_FIRMWARE_INSTALLED
#endif
/* a DNPU_FEAT_SOFT_SEQ device runs the soft sequencer's image */
#define DNPU_FIRMWARE_SOFT_INSTALLED "/lib/firmware/dnpu/dnpu-fw-soft.bin"
#ifndef DNPU_FIRMWARE_SOFT_BUILD
#define DNPU_FIRMWARE_SOFT_BUILD DNPU_FIRMWARE_SOFT_INSTALLED
#endif

/* A job or boot that takes longer than this many cycles means a hang. */
#define RTL_MAX_WAIT_CYCLES	(1ull << 32)

/* The C API of libdnpu_rtl.so (sim/rtl/dnpu_rtl.h), resolved at run time. */
struct rtl_api {
	void *lib;
	int (*api_version)(void);
	void *(*create)(const void *cfg, simdev_read_fn, simdev_write_fn, void *);
	void (*destroy)(void *);
	int (*mmio_read)(void *, uint32_t, uint32_t *);
	int (*mmio_write)(void *, uint32_t, uint32_t);
	bool (*irq)(const void *);
	uint64_t (*run)(void *, uint64_t);
	void (*counters)(const void *, uint64_t *);
};

struct simdev {
	bool rtl;
	struct dnpu_cdev *cdev;
	struct rtl_api api;
	void *rtl_dev;
	uint64_t cdev_cycles;
};

static int load_rtl(struct rtl_api *a, char *err, size_t len)
{
	const char *path = getenv("DNPU_RTL_LIB");

	if (!path || !*path)
		path = DNPU_RTL_LIB_DEFAULT;
	a->lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!a->lib) {
		snprintf(err, len, "cannot load the RTL device %s: %s", path, dlerror());
		return -1;
	}
#define SYM(field, name) \
	(*(void **)(&a->field) = dlsym(a->lib, name))
	if (!SYM(api_version, "dnpu_rtl_api_version") ||
	    !SYM(create, "dnpu_rtl_create") || !SYM(destroy, "dnpu_rtl_destroy") ||
	    !SYM(mmio_read, "dnpu_rtl_mmio_read") ||
	    !SYM(mmio_write, "dnpu_rtl_mmio_write") || !SYM(irq, "dnpu_rtl_irq") ||
	    !SYM(run, "dnpu_rtl_run") || !SYM(counters, "dnpu_rtl_get_counters") ||
	    a->api_version() != 1) {
		snprintf(err, len, "%s is not a compatible dnpu RTL device", path);
		dlclose(a->lib);
		return -1;
	}
#undef SYM
	return 0;
}

struct simdev *simdev_create(simdev_read_fn rd, simdev_write_fn wr, void *ctx,
			     char *err, size_t len)
{
	const char *which = getenv("DNPU_SIM_DEVICE");
	struct simdev *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	if (!which || !*which || !strcmp(which, "cmodel")) {
		/* DNPU_SIM_DRAM=free: C model without the DRAM bound (measurement) */
		const char *dram = getenv("DNPU_SIM_DRAM");
		struct dnpu_cmodel_config cfg;

		dnpu_cmodel_config_default(&cfg);
		cfg.dram_free = dram && !strcmp(dram, "free");
		d->cdev = dnpu_cdev_create(&cfg, rd, wr, ctx);
		if (d->cdev)
			return d;
		snprintf(err, len, "cannot create the C model device");
	} else if (!strcmp(which, "rtl")) {
		d->rtl = true;
		if (load_rtl(&d->api, err, len) == 0) {
			d->rtl_dev = d->api.create(NULL, rd, wr, ctx);
			if (d->rtl_dev)
				return d;
			snprintf(err, len, "cannot create the RTL device");
			dlclose(d->api.lib);
		}
	} else {
		snprintf(err, len, "DNPU_SIM_DEVICE=%s: expected cmodel or rtl", which);
	}
	free(d);
	return NULL;
}

void simdev_destroy(struct simdev *d)
{
	if (!d)
		return;
	if (d->rtl) {
		if (getenv("DNPU_SIM_VERBOSE"))
			fprintf(stderr, "simdev: rtl device ran %llu cycles\n",
				(unsigned long long)simdev_cycles(d));
		d->api.destroy(d->rtl_dev);
		dlclose(d->api.lib);
	} else {
		dnpu_cdev_destroy(d->cdev);
	}
	free(d);
}

const char *simdev_name(const struct simdev *d)
{
	return d->rtl ? "rtl" : "cmodel";
}

uint32_t simdev_read(struct simdev *d, uint32_t off)
{
	uint32_t v = 0;

	if (d->rtl)
		d->api.mmio_read(d->rtl_dev, off, &v);
	else
		dnpu_cdev_mmio_read(d->cdev, off, &v);
	return v;
}

void simdev_write(struct simdev *d, uint32_t off, uint32_t v)
{
	if (d->rtl)
		d->api.mmio_write(d->rtl_dev, off, v);
	else
		dnpu_cdev_mmio_write(d->cdev, off, v);
}

int simdev_load_firmware(struct simdev *d, char *err, size_t len)
{
	const char *path = getenv("DNPU_FIRMWARE");
	uint8_t word[4];
	FILE *f;
	size_t n;

	if (!d->rtl)
		return 0;	/* the C model's firmware logic is built in */
	if (path && *path) {
		f = fopen(path, "rb");
	} else {	/* this build's firmware, else the installed one */
		bool soft = simdev_read(d, DNPU_REG_FEATURES) & DNPU_FEAT_SOFT_SEQ;

		path = soft ? DNPU_FIRMWARE_SOFT_BUILD : DNPU_FIRMWARE_BUILD;
		f = fopen(path, "rb");
		if (!f) {
			path = soft ? DNPU_FIRMWARE_SOFT_INSTALLED :
				      DNPU_FIRMWARE_INSTALLED;
			f = fopen(path, "rb");
		}
	}
	if (!f) {
		snprintf(err, len, "cannot open the firmware %s (set DNPU_FIRMWARE)", path);
		return -1;
	}
	simdev_write(d, DNPU_REG_FW_ADDR, DNPU_CORE_IMEM_BASE);
	while ((n = fread(word, 1, sizeof(word), f)) > 0) {
		memset(word + n, 0, sizeof(word) - n);
		simdev_write(d, DNPU_REG_FW_DATA, (uint32_t)word[0] |
			     (uint32_t)word[1] << 8 | (uint32_t)word[2] << 16 |
			     (uint32_t)word[3] << 24);
	}
	fclose(f);
	return 0;
}

int simdev_wait_irq(struct simdev *d)
{
	if (d->rtl) {
		d->api.run(d->rtl_dev, RTL_MAX_WAIT_CYCLES);
		return d->api.irq(d->rtl_dev) ? 0 : -1;
	}
	dnpu_cdev_run(d->cdev, UINT64_MAX);
	return dnpu_cdev_irq_line(d->cdev) ? 0 : -1;
}

uint64_t simdev_cycles(const struct simdev *d)
{
	uint64_t c[4];

	if (!d->rtl)
		return 0;
	d->api.counters(d->rtl_dev, c);
	return c[0];
}
