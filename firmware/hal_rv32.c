// SPDX-License-Identifier: MIT
/* HAL of the RV32 control core: MMIO through the core's address map. */
#include <stdint.h>

#include "dnpu_hw.h"
#include "hal.h"

#ifdef DNPU_FW_SOFT
/* the engine-control HAL is soft_seq.c's; these reach the hardware block */
#include "soft_seq.h"
#define eng_read_fn	hal_hw_eng_read
#define eng_write_fn	hal_hw_eng_write
#else
#define eng_read_fn	hal_eng_read
#define eng_write_fn	hal_eng_write
#endif

#define HOSTREG(off)	((volatile uint32_t *)(DNPU_CORE_HOSTREG_BASE + (off)))
#define ENGREG(off)	((volatile uint32_t *)(DNPU_CORE_ENG_BASE + (off)))
#define TIMER(off)	((volatile uint32_t *)(DNPU_CORE_TIMER_BASE + (off)))

uint32_t hal_reg_read(uint32_t off)
{
	return *HOSTREG(off);
}

void hal_reg_write(uint32_t off, uint32_t val)
{
	*HOSTREG(off) = val;
}

uint32_t eng_read_fn(uint32_t off)
{
	return *ENGREG(off);
}

void eng_write_fn(uint32_t off, uint32_t val)
{
	*ENGREG(off) = val;
}

static int mbox_xfer(uint64_t addr, uint32_t len, uint32_t dir)
{
	uint32_t st;

	*ENGREG(DNPU_ENG_MBOX_ADDR_LO) = (uint32_t)addr;
	*ENGREG(DNPU_ENG_MBOX_ADDR_HI) = (uint32_t)(addr >> 32);
	*ENGREG(DNPU_ENG_MBOX_CTRL) = DNPU_MBOX_LEN(len) | dir;
	/* a 64 B bus transfer: short enough to poll */
	do
		st = *ENGREG(DNPU_ENG_MBOX_STATUS);
	while (st & DNPU_MBOX_STATUS_BUSY);
	return (st & DNPU_MBOX_STATUS_ERROR) ? -1 : 0;
}

int hal_mbox_read(uint64_t addr, void *buf, uint32_t len)
{
	uint32_t *w = buf;

	if (mbox_xfer(addr, len, 0))
		return -1;
	for (uint32_t i = 0; i < len / 4; i++)
		w[i] = *ENGREG(DNPU_ENG_MBOX_DATA(i));
	return 0;
}

int hal_mbox_write(uint64_t addr, const void *buf, uint32_t len)
{
	const uint32_t *w = buf;

	for (uint32_t i = 0; i < len / 4; i++)
		*ENGREG(DNPU_ENG_MBOX_DATA(i)) = w[i];
	return mbox_xfer(addr, len, DNPU_MBOX_WRITE);
}

uint64_t hal_time(void)
{
	uint32_t hi, lo;

	do {
		hi = *TIMER(DNPU_TIMER_MTIME_HI);
		lo = *TIMER(DNPU_TIMER_MTIME_LO);
	} while (hi != *TIMER(DNPU_TIMER_MTIME_HI));
	return ((uint64_t)hi << 32) | lo;
}

uint32_t hal_wait_event(uint64_t wake_at)
{
	uint32_t pend, en;

	/* mstatus.MIE stays 0: WFI wakes on mip & mie without a trap */
	*TIMER(DNPU_TIMER_MTIMECMP_HI) = 0xffffffffu;
	*TIMER(DNPU_TIMER_MTIMECMP_LO) = (uint32_t)wake_at;
	*TIMER(DNPU_TIMER_MTIMECMP_HI) = (uint32_t)(wake_at >> 32);
	/*
	 * only enabled sources count: the engine also latches TIMER. Through
	 * the HAL: the soft sequencer adds its ENG_DONE / ENG_FAULT.
	 */
	en = hal_eng_read(DNPU_ENG_IRQ_ENABLE);
	pend = hal_eng_read(DNPU_ENG_IRQ_PENDING);
	if (!(pend & en) && hal_time() < wake_at)
		__asm__ volatile("wfi");
	pend = hal_eng_read(DNPU_ENG_IRQ_PENDING);
	hal_eng_write(DNPU_ENG_IRQ_PENDING, pend);
	return pend & en;
}

void hal_crash(void)
{
	__asm__ volatile("unimp");
	for (;;)
		;
}
