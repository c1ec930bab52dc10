/* SPDX-License-Identifier: MIT */
/*
 * Soft sequencer of a DNPU_FEAT_SOFT_SEQ device (docs/SOFTSEQ.md): the
 * engine-control HAL (hal_eng_read/hal_eng_write: regions, CMD_*, START,
 * STATUS, FAULT_*, IRQ_PENDING, WATCHDOG, PERF) in software, running each
 * job synchronously on START with the C model's code (sim/cmodel) against
 * host memory through the mailbox and with CONV on the hardware MAC array.
 * Everything else of the engine block goes to the hardware through
 * hal_hw_eng_read/hal_hw_eng_write.
 */
#ifndef DNPU_FW_SOFT_SEQ_H
#define DNPU_FW_SOFT_SEQ_H

#include <stddef.h>
#include <stdint.h>

struct dnpu_cmodel;

/* The soft device's own engine registers (mailbox, MAC array, IRQ_*). */
uint32_t hal_hw_eng_read(uint32_t off);
void hal_hw_eng_write(uint32_t off, uint32_t val);

/* Stack the firmware keeps below the model's memory, at least. */
#define SOFT_SEQ_STACK_BYTES	4096u

/*
 * Build the model from the device configuration in the host register block
 * (CAPS, FEATURES, SPAD_*_BYTES) in @arena (@bytes, 8 B aligned). Returns
 * DNPU_FW_ERR_NONE, or DNPU_FW_ERR_CONFIG when it does not fit.
 */
uint32_t soft_seq_boot(void *arena, size_t bytes);

/* The model (tests compare its scratchpads); NULL before a good boot. */
struct dnpu_cmodel *soft_seq_model(void);

#endif
