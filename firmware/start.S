/* SPDX-License-Identifier: MIT */
/* Reset entry and trap vector of the dnpu firmware. */
	.section .text.start
	.globl _start
_start:
	csrw mstatus, zero
	csrw mie, zero
	la t0, trap_vector
	csrw mtvec, t0
	la sp, __stack_top
	/* .data is loaded into IMEM after the code; copy it to DMEM */
	la a0, __data_start
	la a1, __data_end
	la a2, __data_load
1:	bgeu a0, a1, 2f
	lw t0, 0(a2)
	sw t0, 0(a0)
	addi a0, a0, 4
	addi a2, a2, 4
	j 1b
2:	la a0, __bss_start
	la a1, __bss_end
3:	bgeu a0, a1, 4f
	sw zero, 0(a0)
	addi a0, a0, 4
	j 3b
4:	call main
5:	j 5b

	/* every trap is fatal: report it with a fresh stack */
	.balign 4
trap_vector:
	la sp, __stack_top
	csrr a0, mcause
	csrr a1, mepc
	csrr a2, mtval
	call fw_trap
6:	j 6b
