// SPDX-License-Identifier: MIT
/*
 * --device rtl: the whole device in Verilator (sim/rtl, libdnpu_rtl.so:
 * RV32 control core running the firmware the driver uploads + tensor
 * engine + DRAM timing model). Loaded with dlopen() so the daemon builds
 * and runs its other backends without Verilator.
 *
 * Options: lib=PATH (default: $DNPU_RTL_LIB, then ../rtl/libdnpu_rtl.so
 * next to this executable, then the loader's search path), latency=CYCLES,
 * bytes_per_cycle=N (DRAM model), trace=FILE.fst (waveform; large).
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices.h"
#include "dnpu_hw.h"
#include "dnpu_rtl.h"

/*
 * Device clock cycles per slice between mailbox checks: the 16x16 model
 * runs ~150k cycles/s on a loaded 2-core machine, so ~15 ms per slice.
 */
#define RTL_SLICE_CYCLES	2000u

struct rtl_api {
	struct dnpu_rtl *(*create)(const struct dnpu_rtl_config *,
				   dnpu_rtl_read_fn, dnpu_rtl_write_fn, void *);
	void (*destroy)(struct dnpu_rtl *);
	int (*mmio_read)(struct dnpu_rtl *, uint32_t, uint32_t *);
	int (*mmio_write)(struct dnpu_rtl *, uint32_t, uint32_t);
	bool (*irq)(const struct dnpu_rtl *);
	uint64_t (*run)(struct dnpu_rtl *, uint64_t);
	int (*api_version)(void);
};

struct rtl_dev {
	void *so;
	struct rtl_api api;
	struct dnpu_rtl *d;
	char *trace;
};

static void *open_lib(const char *explicit_path, char *err, size_t errlen)
{
	char exe[PATH_MAX], path[PATH_MAX + 32], *slash;
	const char *env = getenv("DNPU_RTL_LIB");
	ssize_t n;
	void *so;

	if (explicit_path || env) {
		so = dlopen(explicit_path ? explicit_path : env, RTLD_NOW | RTLD_LOCAL);
		if (!so)
			snprintf(err, errlen, "rtl: %s", dlerror());
		return so;
	}
	/* the build tree: build/sim/cosim/dnpu-cosim, build/sim/rtl/libdnpu_rtl.so */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/../rtl/libdnpu_rtl.so", exe);
			so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
			if (so)
				return so;
		}
	}
	so = dlopen("libdnpu_rtl.so", RTLD_NOW | RTLD_LOCAL);
	if (!so)
		snprintf(err, errlen,
			 "rtl: cannot load libdnpu_rtl.so (build target dnpu_rtl, or pass -o lib=PATH / DNPU_RTL_LIB): %s",
			 dlerror());
	return so;
}

static int parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(s, &end, 0);
	if (errno || end == s || *end || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

#define LOOKUP(field, sym)						\
	do {								\
		*(void **)&r->api.field = dlsym(r->so, sym);		\
		if (!r->api.field) {					\
			snprintf(err, errlen, "rtl: %s missing", sym);	\
			goto fail;					\
		}							\
	} while (0)

static void *rtl_create(const struct cosim_bus *bus, const char *const *opts,
			char *err, size_t errlen)
{
	struct dnpu_rtl_config cfg = { 0 };
	const char *lib = NULL;
	struct rtl_dev *r;

	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "rtl: out of memory");
		return NULL;
	}
	for (; opts && *opts; opts++) {
		const char *o = *opts;

		if (strncmp(o, "lib=", 4) == 0) {
			lib = o + 4;
		} else if (strncmp(o, "trace=", 6) == 0) {
			free(r->trace);
			r->trace = strdup(o + 6);
			cfg.trace_path = r->trace;
		} else if ((strncmp(o, "latency=", 8) == 0 &&
			    parse_u32(o + 8, &cfg.dram_latency) == 0) ||
			   (strncmp(o, "bytes_per_cycle=", 16) == 0 &&
			    parse_u32(o + 16, &cfg.dram_bytes_per_cycle) == 0)) {
			continue;
		} else {
			snprintf(err, errlen,
				 "rtl: bad option '%s' (lib=, latency=, bytes_per_cycle=, trace=)",
				 o);
			goto fail;
		}
	}
	r->so = open_lib(lib, err, errlen);
	if (!r->so)
		goto fail;
	LOOKUP(create, "dnpu_rtl_create");
	LOOKUP(destroy, "dnpu_rtl_destroy");
	LOOKUP(mmio_read, "dnpu_rtl_mmio_read");
	LOOKUP(mmio_write, "dnpu_rtl_mmio_write");
	LOOKUP(irq, "dnpu_rtl_irq");
	LOOKUP(run, "dnpu_rtl_run");
	LOOKUP(api_version, "dnpu_rtl_api_version");
	if (r->api.api_version() != DNPU_RTL_API_VERSION) {
		snprintf(err, errlen, "rtl: library API %d, daemon built for %d",
			 r->api.api_version(), DNPU_RTL_API_VERSION);
		goto fail;
	}
	r->d = r->api.create(&cfg, bus->read, bus->write, bus->ctx);
	if (!r->d) {
		snprintf(err, errlen, "rtl: cannot create the device");
		goto fail;
	}
	return r;
fail:
	if (r->so)
		dlclose(r->so);
	free(r->trace);
	free(r);
	return NULL;
}

static void rtl_destroy(void *dev)
{
	struct rtl_dev *r = dev;

	r->api.destroy(r->d);	/* flushes a waveform */
	dlclose(r->so);
	free(r->trace);
	free(r);
}

static int rtl_mmio_read(void *dev, uint32_t off, uint32_t *val)
{
	struct rtl_dev *r = dev;

	return r->api.mmio_read(r->d, off, val);
}

static int rtl_mmio_write(void *dev, uint32_t off, uint32_t val)
{
	struct rtl_dev *r = dev;

	return r->api.mmio_write(r->d, off, val);
}

static bool rtl_irq_line(void *dev)
{
	struct rtl_dev *r = dev;

	return r->api.irq(r->d);
}

/*
 * Keep clocking while the firmware has something to do: booting, a job
 * running or queued. An idle device is not clocked (simulated time stands
 * still, which the firmware cannot tell) so an idle guest costs no host
 * CPU; the next register write from the guest resumes it.
 */
static bool rtl_run(void *dev, uint64_t budget)
{
	struct rtl_dev *r = dev;
	uint32_t status = 0, ctrl = 0, head = 0, tail = 0, state;

	/* Without the control core nothing in the device moves on its own. */
	if (r->api.mmio_read(r->d, DNPU_REG_CONTROL, &ctrl))
		return false;	/* hung: nothing the daemon can do */
	if (!(ctrl & DNPU_CONTROL_CORE_RUN) || (ctrl & DNPU_CONTROL_CORE_HALT))
		return false;
	if (r->api.run(r->d, budget ? budget : RTL_SLICE_CYCLES) == 0 &&
	    r->api.irq(r->d))
		return false;	/* stopped on a pending interrupt: wait for the ack */
	if (r->api.mmio_read(r->d, DNPU_REG_STATUS, &status))
		return false;
	state = DNPU_STATUS_FW_STATE(status);
	if (state == DNPU_FW_STATE_BOOTING || state == DNPU_FW_STATE_RUNNING ||
	    (status & DNPU_STATUS_BUSY))
		return true;
	if (state == DNPU_FW_STATE_OFF && !(status & DNPU_STATUS_FW_READY))
		return true;	/* released but not yet started */
	if (r->api.mmio_read(r->d, DNPU_REG_RING_HEAD, &head) ||
	    r->api.mmio_read(r->d, DNPU_REG_RING_TAIL, &tail))
		return false;
	return head != tail;
}

const struct cosim_device_ops cosim_device_rtl = {
	.name = "rtl",
	.summary = "Verilator RTL: RV32 core running the firmware + engine (slow)",
	.create = rtl_create,
	.destroy = rtl_destroy,
	.mmio_read = rtl_mmio_read,
	.mmio_write = rtl_mmio_write,
	.irq_line = rtl_irq_line,
	.run = rtl_run,
};
