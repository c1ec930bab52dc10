/* SPDX-License-Identifier: MIT */
/*
 * Hardware access layer of the dnpu firmware. The ring / descriptor / fault
 * logic (fw.c) talks to the device only through these calls, so it builds
 * both for the RV32 control core (hal_rv32.c) and natively against a mock
 * (tests/firmware/mock_hal.c).
 */
#ifndef DNPU_FW_HAL_H
#define DNPU_FW_HAL_H

#include <stdint.h>

/* Host register block (DNPU_REG_* offsets). */
uint32_t hal_reg_read(uint32_t off);
void hal_reg_write(uint32_t off, uint32_t val);

/* Engine control block (DNPU_ENG_* offsets). */
uint32_t hal_eng_read(uint32_t off);
void hal_eng_write(uint32_t off, uint32_t val);

/*
 * Copy len bytes (4..64, multiple of 4) between host memory at bus address
 * addr and buf through the engine mailbox. Return 0, or -1 when the bus
 * reported an error.
 */
int hal_mbox_read(uint64_t addr, void *buf, uint32_t len);
int hal_mbox_write(uint64_t addr, const void *buf, uint32_t len);

/* Control-core cycle counter (the timer block's mtime). */
uint64_t hal_time(void);

/*
 * Sleep until an engine/doorbell interrupt is pending or the time reaches
 * wake_at; acknowledge and return the pending DNPU_CORE_IRQ_* bits.
 */
uint32_t hal_wait_event(uint64_t wake_at);

/* Execute an invalid instruction (DNPU_INJECT_FW_CRASH); never returns. */
void hal_crash(void);

#endif
