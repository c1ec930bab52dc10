/* RTL-only, self-checking (qemu virt has no equivalent of the testbench's
 * interrupt register at 0x10000100): the machine external interrupt
 * (irq_external -> mip.MEIP) wakes WFI with mstatus.MIE clear, is taken
 * with mcause 0x8000000b and mepc = the next instruction, goes to
 * base + 44 in vectored mode, and wins over a pending timer interrupt. */
#include "test_macros.h"
#define EXTIRQ		0x10000100
#define MTIMECMP	0x02004000

TEST_BEGIN
	li s5, EXTIRQ
	la a0, ext_handler
	csrw mtvec, a0
	li a0, 0x800
	csrw mie, a0
	csrci mstatus, 8
	/* MEIP follows the line */
	csrr a1, mip; li t0, 0x800; and a1, a1, t0; bnez a1, fail
	li a0, 1; sw a0, 0(s5)
	lw a0, 0(s5)		/* the write has landed */
	csrr a1, mip; li t0, 0x800; and a1, a1, t0; beqz a1, fail
	/* WFI returns although MIE is clear; nothing taken */
	li s1, 0
	wfi
	bnez s1, fail
	/* taken when MIE is set, before the next instruction */
	la s2, 1f
	csrsi mstatus, 8
1:	nop
	li t0, 1; bne s1, t0, fail
	csrr a1, mcause; li t0, 0x8000000b; bne a1, t0, fail
	csrr a1, mepc; bne a1, s2, fail
	/* both pending: external first, then timer */
	csrci mstatus, 8
	li a0, 0x880; csrw mie, a0
	li a0, MTIMECMP; li a1, -1; sw a1, 4(a0); sw zero, 0(a0); sw zero, 4(a0)
	li a0, 1; sw a0, 0(s5); lw a0, 0(s5)
	li s1, 0
	li s6, 0		/* order record: ext = 1, timer = 2, shifted in */
	csrsi mstatus, 8
	nop
	nop
	csrci mstatus, 8
	li t0, 0x12; bne s6, t0, fail
	/* vectored: cause 11 at base + 44 */
	la a0, vec_table; ori a0, a0, 1; csrw mtvec, a0
	li a0, 0x800; csrw mie, a0
	li s3, 0
	li a0, 1; sw a0, 0(s5); lw a0, 0(s5)
	csrsi mstatus, 8
	nop
	csrci mstatus, 8
	li t0, 0xe1; bne s3, t0, fail
	la a0, trap_handler; csrw mtvec, a0
	csrw mie, zero
	SIGI(0x600d)
TEST_END

	.section .text
fail:
	li a0, FINISHER
	li a1, 0x3333
	sw a1, 0(a0)
	j .

	.balign 4
ext_handler:
	csrr t5, mcause
	bltz t5, 2f
	j fail			/* no exceptions expected */
2:	slli t5, t5, 1
	srli t5, t5, 1
	li t4, 11
	bne t5, t4, 3f
	sw zero, 0(s5)		/* external: drop the line */
	lw t4, 0(s5)
	addi s1, s1, 1
	slli s6, s6, 4
	ori s6, s6, 1
	mret
3:	li t4, 7
	bne t5, t4, fail
	li t5, MTIMECMP		/* timer: disarm */
	li t4, -1
	sw t4, 0(t5)
	sw t4, 4(t5)
	slli s6, s6, 4
	ori s6, s6, 2
	mret

	.balign 256
vec_table:
	.rept 11
	j fail
	.endr
	j vec_ext		/* 11 */
vec_ext:
	sw zero, 0(s5)
	lw t4, 0(s5)
	li s3, 0xe1
	mret
