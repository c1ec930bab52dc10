/* SPDX-License-Identifier: MIT */
/*
 * dnpu firmware core: boot handshake, job ring processing, fault reporting,
 * heartbeat, debug injection. Hardware-independent (see hal.h).
 */
#ifndef DNPU_FW_H
#define DNPU_FW_H

#include <stdbool.h>
#include <stdint.h>

#include "dnpu_hw.h"

#define DNPU_FW_REVISION	1u
#define DNPU_FW_VERSION_VALUE	DNPU_FW_VERSION(DNPU_FW_ABI_VERSION, DNPU_FW_REVISION)

/* cycles between heartbeat increments (docs/ARCHITECTURE.md: <= 2^16) */
#define FW_HEARTBEAT_CYCLES	(1u << 16)
/* engine watchdog when the descriptor asks for the default, in kcycles */
#define FW_DEFAULT_TIMEOUT_KCYCLES	100000u
/* longer descriptor timeouts are clamped to this (10 s at 100 MHz) */
#define FW_MAX_TIMEOUT_KCYCLES	1000000u
/* the firmware gives up on an engine that does not even report its own
 * watchdog after twice the watchdog time plus this */
#define FW_ENGINE_GRACE_CYCLES	100000u

struct fw {
	uint32_t head;		/* jobs consumed, mirrors RING_HEAD */
	uint32_t last_seqno;	/* seqno of the last finished job, 0 = none */
	uint32_t ring_error;	/* DNPU_FW_ERR_* reported for the ring */
	uint32_t status;	/* last value written to STATUS */
	uint32_t regions_loaded;	/* engine entries that may be non-zero */
	uint32_t heartbeat;
	uint64_t next_heartbeat;
	bool hung;		/* DNPU_INJECT_HANG: do nothing any more */
	uint32_t jobs_ok;
	uint32_t jobs_faulted;
};

/* Take over after reset: state from the registers, engine idle, READY. */
void fw_boot(struct fw *fw);
/* Handle injections, heartbeat and every job the ring holds. */
void fw_step(struct fw *fw);
/*
 * Heartbeat from inside a long call that does not return to fw_step (the
 * soft sequencer's synchronous job), so the driver sees the firmware alive.
 */
void fw_keepalive(void);
/* When fw_step next has timed work (the heartbeat). */
uint64_t fw_next_wakeup(const struct fw *fw);
/* Report an unexpected trap (DNPU_FW_ERR_TRAP); the caller then stops. */
void fw_report_trap(uint32_t mcause, uint32_t mepc, uint32_t mtval);
/* Report a fatal DNPU_FW_ERR_* (state ERROR, FW_ERROR, IRQ); the caller stops. */
void fw_report_error(uint32_t err);

#endif
