/* Machine timer interrupt through qemu virt's CLINT (the testbench has the
 * same registers): mip.MTIP follows mtime >= mtimecmp; nothing is taken
 * while mstatus.MIE or mie.MTIE is clear; WFI returns with an interrupt
 * pending even with MIE clear; setting MIE takes it before the next
 * instruction (mepc = that instruction, mcause = 0x80000007, MPIE = 1,
 * MIE = 0 in the handler, restored by MRET); vectored mtvec jumps to
 * base + 4 * 7. The handler disarms the timer. */
#include "test_macros.h"
#define MTIMECMP 0x02004000

	.macro timer_fire	/* mtimecmp = 0: pending at once */
	li a0, MTIMECMP
	li a1, -1
	sw a1, 4(a0)
	sw zero, 0(a0)
	sw zero, 4(a0)
	.endm

TEST_BEGIN
	la a0, irq_handler
	csrw mtvec, a0
	csrw mie, zero
	csrci mstatus, 8
	/* disarmed: MTIP clear */
	li a0, MTIMECMP
	li a1, -1
	sw a1, 4(a0)
	sw a1, 0(a0)
	csrr a2, mip; andi a2, a2, 0x80; SIG(a2)
	timer_fire
	csrr a2, mip; andi a2, a2, 0x80; SIG(a2)
	/* MIE set but MTIE clear: nothing taken */
	csrsi mstatus, 8
	nop
	csrci mstatus, 8
	SIGI(0x11)
	/* MTIE set, MIE clear: WFI returns, nothing taken */
	li a0, 0x80
	csrs mie, a0
	wfi
	SIGI(0x22)
	/* MIE set: taken right after the csrs */
	li s1, 0
	la s2, 1f
	csrsi mstatus, 8
1:	addi s1, s1, 1
	SIG(s1)			/* handler ran before the addi: 1 */
	csrr a2, mstatus; andi a2, a2, 0x88; SIG(a2)	/* MIE back on */
	csrci mstatus, 8
	/* vectored mode */
	la a0, vec_table
	ori a0, a0, 1
	csrw mtvec, a0
	timer_fire
	csrsi mstatus, 8
	nop
	csrci mstatus, 8
	SIG(s3)			/* marker written by the vector entry */
	ecall			/* synchronous traps use the base */
	SIG(s3)
	la a0, trap_handler
	csrw mtvec, a0
	csrw mie, zero
TEST_END

	.section .text
	.balign 4
irq_handler:
	csrr t5, mcause; SIG(t5)
	csrr t5, mepc; sub t5, t5, s2; SIG(t5)	/* 0: the interrupted instruction */
	csrr t5, mstatus; andi t5, t5, 0x88; SIG(t5)
	li t5, MTIMECMP
	li s4, -1
	sw s4, 0(t5)
	sw s4, 4(t5)
	csrr t5, mip; andi t5, t5, 0x80; SIG(t5)
	mret

	.balign 256
vec_table:
	j vec_sync		/* 0: exceptions */
	.rept 6
	j vec_bad
	.endr
	j vec_timer		/* 7 */
	.rept 24
	j vec_bad
	.endr
vec_sync:
	li s3, 0x5c
	csrr t5, mepc
	addi t5, t5, 4
	csrw mepc, t5
	mret
vec_timer:
	li s3, 0x77
	csrr t5, mcause; SIG(t5)
	li t5, MTIMECMP
	li s4, -1
	sw s4, 0(t5)
	sw s4, 4(t5)
	mret
vec_bad:
	li s3, 0xbad
	mret
