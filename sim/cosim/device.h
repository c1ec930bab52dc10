/* SPDX-License-Identifier: MIT */
/*
 * The simulated device as dnpu-cosim sees it: a 4 KiB host register block
 * (uapi/dnpu_hw.h), a bus-master DMA port into host memory and one
 * level-triggered interrupt line (IRQ_STATUS & IRQ_MASK != 0).
 *
 * Every backend (C functional model, Verilator RTL, the stand-in used by
 * tests) fills a struct cosim_device_ops. The daemon is single-threaded: it
 * calls the ops from one thread only, and the device calls the bus back from
 * inside mmio_write() or run() only.
 */
#ifndef DNPU_COSIM_DEVICE_H
#define DNPU_COSIM_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Host memory as the device's bus: bus address == guest physical address.
 * Both return 0, or -1 when any byte of [addr, addr + len) is not guest
 * RAM (the device then reports a bus error; nothing is touched).
 */
struct cosim_bus {
	void *ctx;
	int (*read)(void *ctx, uint64_t addr, void *dst, size_t len);
	int (*write)(void *ctx, uint64_t addr, const void *src, size_t len);
};

struct cosim_device_ops {
	const char *name;	/* --device NAME */
	const char *summary;	/* one line for --help */

	/*
	 * Create an instance that does DMA through @bus (valid for the
	 * device's lifetime). @opts: NULL-terminated "key=value" strings from
	 * --device-opt, the backend rejects unknown keys. Returns NULL and
	 * writes a reason into @err on failure.
	 */
	void *(*create)(const struct cosim_bus *bus, const char *const *opts,
			char *err, size_t errlen);
	void (*destroy)(void *dev);

	/* 32-bit register access, @offset 4-byte aligned, < DNPU_MMIO_SIZE.
	 * Return 0, or -1 for an offset the device does not decode. */
	int (*mmio_read)(void *dev, uint32_t offset, uint32_t *value);
	int (*mmio_write)(void *dev, uint32_t offset, uint32_t value);

	/* Interrupt line: true while IRQ_STATUS & IRQ_MASK != 0. */
	bool (*irq_line)(void *dev);

	/*
	 * Advance the device by at most @budget units of work (cycles for the
	 * RTL, jobs for the C model; 0 = the backend's default slice, short
	 * enough to keep register accesses responsive). Returns true while it
	 * still has work
	 * (a job running, firmware booting), false once idle. The daemon keeps
	 * calling it between mailbox requests while it returns true.
	 */
	bool (*run)(void *dev, uint64_t budget);
};

#ifdef __cplusplus
}
#endif

#endif /* DNPU_COSIM_DEVICE_H */
