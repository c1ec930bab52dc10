/* SPDX-License-Identifier: MIT */
/*
 * dnpu-cosim core: owns the ivshmem server, guest RAM and one device, and
 * turns mailbox requests from the guest driver into device register
 * accesses (struct dnpu_cosim_mbox, uapi/dnpu_hw.h). Single-threaded.
 */
#ifndef DNPU_COSIM_H
#define DNPU_COSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "guest_mem.h"
#include "ivshmem_server.h"

struct cosim_options {
	const char *socket_path;
	const char *guest_ram;		/* NULL: no guest RAM, DMA refused */
	uint64_t lowmem;		/* 0 = q35 rule, see guest_mem.h */
	unsigned int vectors;		/* must match QEMU's vectors= */
	const struct cosim_device_ops *device;
	const char *const *device_opts;	/* NULL-terminated, may be NULL */
	uint64_t run_budget;		/* per device run() call, 0 = device default */
	int verbose;			/* 0 quiet, 1 events, 2 registers, 3 DMA */
};

struct cosim_stats {
	uint64_t requests;		/* mailbox requests answered */
	uint64_t bad_requests;		/* answered with a non-OK status */
	uint64_t doorbells;		/* guest doorbell rings */
	uint64_t irqs;			/* interrupts raised towards the guest */
	uint64_t dma_errors;		/* refused device accesses */
};

struct cosim {
	struct ivshmem_server srv;
	struct guest_mem mem;
	struct cosim_bus bus;
	const struct cosim_device_ops *ops;
	void *dev;
	bool dev_busy;			/* last run() said there is work */
	bool irq_line;			/* last sampled interrupt line */
	bool guest_seen;		/* a guest connected at some point */
	uint64_t run_budget;
	int verbose;
	struct cosim_stats stats;
};

enum cosim_state {
	COSIM_RUNNING = 0,
	COSIM_GUEST_GONE = 1,		/* the guest disconnected: stop */
};

/* 0 or -1 with a message in @err. On failure nothing is left open. */
int cosim_init(struct cosim *c, const struct cosim_options *o, char *err,
	       size_t errlen);
/*
 * Wait up to @timeout_ms (-1: forever, unless the device has work) for an
 * event, then accept a guest, take doorbells, answer the mailbox, run the
 * device and forward its interrupt. Returns enum cosim_state or -errno.
 */
int cosim_step(struct cosim *c, int timeout_ms);
/* Answer every pending mailbox request; returns how many were handled. */
unsigned int cosim_service_mailbox(struct cosim *c);
/* Sample the device's interrupt line and signal the guest on a rising
 * edge (or, after @rearm, whenever the line is still high). */
void cosim_update_irq(struct cosim *c, bool rearm);
void cosim_fini(struct cosim *c);

/*
 * The dnpu-cosim command line. @devices: NULL-terminated list of the
 * backends this binary offers (the first is the default). Returns the
 * process exit status.
 */
int cosim_main(int argc, char **argv,
	       const struct cosim_device_ops *const *devices);

#endif /* DNPU_COSIM_H */
