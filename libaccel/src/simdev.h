/* SPDX-License-Identifier: MIT */
/*
 * The simulated device behind the sim backend: its register block, its
 * interrupt line and time. Two models answer to the same interface:
 *   cmodel - the C functional model with the firmware's ring logic in C
 *            (sim/cmodel/dnpu_cdev.h), built in, fast;
 *   rtl    - the Verilator model of the whole device, the RV32 core running
 *            the real firmware (libdnpu_rtl.so, loaded with dlopen).
 * DNPU_SIM_DEVICE=cmodel|rtl chooses; DNPU_RTL_LIB and DNPU_FIRMWARE
 * override where the RTL library and the firmware image are found.
 */
#ifndef ACCEL_SIMDEV_H
#define ACCEL_SIMDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int (*simdev_read_fn)(void *ctx, uint64_t addr, void *buf, size_t len);
typedef int (*simdev_write_fn)(void *ctx, uint64_t addr, const void *buf,
			       size_t len);

struct simdev;

/* Create the model DNPU_SIM_DEVICE names (default cmodel). */
struct simdev *simdev_create(simdev_read_fn rd, simdev_write_fn wr, void *ctx,
			     char *err, size_t len);
void simdev_destroy(struct simdev *d);

const char *simdev_name(const struct simdev *d);	/* "cmodel", "rtl" */

uint32_t simdev_read(struct simdev *d, uint32_t off);
void simdev_write(struct simdev *d, uint32_t off, uint32_t v);

/*
 * Load the firmware through the FW window if this model runs real
 * firmware (no-op for cmodel). Returns 0 or -1 with @err set.
 */
int simdev_load_firmware(struct simdev *d, char *err, size_t len);

/*
 * Let the device work until it raises its interrupt (the models stop there
 * on their own). Returns 0, or -1 if it did not within its time limit.
 */
int simdev_wait_irq(struct simdev *d);

/* Wall-clock independent device time: cycles simulated so far. */
uint64_t simdev_cycles(const struct simdev *d);

#endif /* ACCEL_SIMDEV_H */
