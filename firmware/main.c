// SPDX-License-Identifier: MIT
/* Entry of the dnpu firmware on the control core. */
#include <stdint.h>

#include "fw.h"
#include "hal.h"
#ifdef DNPU_FW_SOFT
#include "soft_seq.h"

/* DMEM left between .bss and the stack (link_soft.ld) */
extern uint8_t __arena_start[], __arena_end[];
#endif

/*
 * Trap record at the start of DMEM: the host can read it through the
 * firmware window (FW_ADDR = DNPU_CORE_DMEM_BASE) after DNPU_FW_ERR_TRAP.
 */
#define FW_TRAP_MAGIC	0x50415254u	/* "TRAP" */
struct fw_trap_record {
	uint32_t magic, mcause, mepc, mtval;
};
__attribute__((section(".trap_record")))
volatile struct fw_trap_record fw_trap_record;

static struct fw fw;

void fw_trap(uint32_t mcause, uint32_t mepc, uint32_t mtval);

/* Called from the trap vector on any trap; never returns. */
void fw_trap(uint32_t mcause, uint32_t mepc, uint32_t mtval)
{
	fw_trap_record.mcause = mcause;
	fw_trap_record.mepc = mepc;
	fw_trap_record.mtval = mtval;
	fw_trap_record.magic = FW_TRAP_MAGIC;
	fw_report_trap(mcause, mepc, mtval);
	for (;;)
		__asm__ volatile("wfi");
}

int main(void)
{
	/* WFI wakes on these; mstatus.MIE stays clear, so no interrupt traps */
	__asm__ volatile("csrw mie, %0" :: "r"((1u << 11) | (1u << 7)));
#ifdef DNPU_FW_SOFT
	uint32_t err = soft_seq_boot(__arena_start,
				     (size_t)(__arena_end - __arena_start));

	if (err) {
		fw_report_error(err);
		for (;;)
			__asm__ volatile("wfi");
	}
#endif
	fw_boot(&fw);
	for (;;) {
		fw_step(&fw);
		hal_wait_event(fw_next_wakeup(&fw));
	}
}
