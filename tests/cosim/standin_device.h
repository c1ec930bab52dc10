/* SPDX-License-Identifier: MIT */
/*
 * A stand-in dnpu device for testing the co-simulation transport only (it
 * is not a model of the hardware). It decodes ID, VERSION, SCRATCH,
 * IRQ_STATUS (W1C), IRQ_MASK, IRQ_RAISE (writable here so a test can
 * trigger an interrupt), FAULT_CAUSE, RING_BASE_LO/HI and DOORBELL, and
 * refuses every other offset. A DOORBELL write queues one DMA transfer that
 * run() performs: read STANDIN_DMA_BYTES at RING_BASE, write their bitwise
 * complement right after them, then raise IRQ JOB_DONE (or JOB_FAULT with
 * FAULT_CAUSE = BUS_ERROR when the bus refused the access).
 */
#ifndef DNPU_TEST_STANDIN_DEVICE_H
#define DNPU_TEST_STANDIN_DEVICE_H

#include "device.h"

#define STANDIN_DMA_BYTES	16u

extern const struct cosim_device_ops cosim_device_standin;

#endif /* DNPU_TEST_STANDIN_DEVICE_H */
