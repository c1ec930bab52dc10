/* SPDX-License-Identifier: MIT */
/*
 * dnpu device model: the host register block (uapi/dnpu_hw.h) plus the
 * firmware's job-ring behaviour written in C, around the C functional model.
 * Lets the co-simulation daemon and libaccel's sim backend drive a fast
 * device through the exact ring protocol:
 *   host writes a dnpu_job_desc at ring index tail % size, bumps RING_TAIL,
 *   writes DOORBELL; dnpu_cdev_run() then consumes jobs in order, writes
 *   each dnpu_job_completion, RING_HEAD, DONE_SEQNO (and FAULT_* on a fault)
 *   and raises DNPU_IRQ_JOB_DONE or DNPU_IRQ_JOB_FAULT.
 * docs/CMODEL.md lists the firmware decisions made here.
 */
#ifndef DNPU_CDEV_H
#define DNPU_CDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "dnpu_cmodel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Watchdog when a descriptor says timeout_kcycles = 0, and the clamp
 * for larger ones (as firmware/fw.h) */
#define DNPU_CDEV_DEFAULT_TIMEOUT_KCYCLES	100000u
#define DNPU_CDEV_MAX_TIMEOUT_KCYCLES		1000000u
/* DNPU_REG_FW_VERSION of the emulated firmware (release 0xc0de) */
#define DNPU_CDEV_FW_VERSION	DNPU_FW_VERSION(DNPU_FW_ABI_VERSION, 0xc0deu)

struct dnpu_cdev;

/*
 * @cfg NULL = default 16x16 configuration. DMA goes through @rd/@wr (see
 * dnpu_cmodel.h); they must stay valid for the device's lifetime.
 */
struct dnpu_cdev *dnpu_cdev_create(const struct dnpu_cmodel_config *cfg,
				   dnpu_host_read_fn rd, dnpu_host_write_fn wr,
				   void *ctx);
void dnpu_cdev_destroy(struct dnpu_cdev *d);

/* 32-bit register access, @offset 4 B aligned. -1 = not decoded. */
int dnpu_cdev_mmio_read(struct dnpu_cdev *d, uint32_t offset, uint32_t *value);
int dnpu_cdev_mmio_write(struct dnpu_cdev *d, uint32_t offset, uint32_t value);

/* Interrupt line: IRQ_STATUS & IRQ_MASK != 0. */
bool dnpu_cdev_irq_line(const struct dnpu_cdev *d);

/*
 * Let the firmware work: boot if released, then run up to @max_jobs queued
 * jobs to completion. Returns true while more work is pending.
 */
bool dnpu_cdev_run(struct dnpu_cdev *d, uint64_t max_jobs);

/* The wrapped functional model (scratchpads, config). */
struct dnpu_cmodel *dnpu_cdev_model(struct dnpu_cdev *d);

/* Counters of the last job (valid after it completed). */
const struct dnpu_cmodel_result *dnpu_cdev_last_result(const struct dnpu_cdev *d);

#ifdef __cplusplus
}
#endif

#endif /* DNPU_CDEV_H */
