/*
 * Shared frame of the RV32 ISA tests. A test records values with SIG(reg)
 * into the signature area (pointer in t6, reserved); traps are recorded by
 * the handler (mcause, mepc, mtval) which then skips the trapping
 * instruction. At the end the signature is printed as hex words on the
 * 16550 UART at 0x10000000 and the test finisher at 0x00100000 stops the
 * machine, the same on qemu virt and on the testbench. Registers are
 * uninitialised at reset on both, so tests set every register they read.
 * t5 is clobbered by the trap handler. While s10 is non-zero the handler
 * does not record mtval of instruction-address-misaligned traps: qemu 7.2
 * reports a stale mtval for branches and JAL (it is right for JALR).
 */
#define UART_THR	0x10000000
#define FINISHER	0x00100000
#define FINISH_PASS	0x5555

#define SIG(r)		sw r, 0(t6); addi t6, t6, 4
#define SIGI(v)		li t5, v; SIG(t5)

/* rd = op(a, b) recorded; a, b as immediates */
#define TEST_RR(op, a, b) li a0, a; li a1, b; op a2, a0, a1; SIG(a2)
#define TEST_RI(op, a, imm) li a0, a; op a2, a0, imm; SIG(a2)

#define TEST_BEGIN				\
	.section .text.init;			\
	.globl _start;				\
_start:						\
	la t5, trap_handler;			\
	csrw mtvec, t5;				\
	la t6, signature;			\
	li s10, 0;				\
	j test_body;				\
	.balign 4;				\
trap_handler:					\
	csrr t5, mcause; SIG(t5);		\
	csrr t5, mepc; SIG(t5);			\
	csrr t5, mcause;			\
	bnez t5, 8f;				\
	bnez s10, 9f;				\
8:	csrr t5, mtval; SIG(t5);		\
9:	csrr t5, mepc;				\
	addi t5, t5, 4;				\
	csrw mepc, t5;				\
	mret;					\
test_body:

#define TEST_END				\
	la a0, signature;			\
	li s0, UART_THR;			\
1:	bgeu a0, t6, 4f;			\
	lw a1, 0(a0);				\
	li a2, 8;				\
2:	srli a3, a1, 28;			\
	addi a3, a3, '0';			\
	li a4, '9' + 1;				\
	bltu a3, a4, 3f;			\
	addi a3, a3, 'a' - '9' - 1;		\
3:	sb a3, 0(s0);				\
	slli a1, a1, 4;				\
	addi a2, a2, -1;			\
	bnez a2, 2b;				\
	li a3, '\n';				\
	sb a3, 0(s0);				\
	addi a0, a0, 4;				\
	j 1b;					\
4:	li a0, FINISHER;			\
	li a1, FINISH_PASS;			\
	sw a1, 0(a0);				\
5:	j 5b;					\
	.section .data;				\
	.balign 16;				\
signature:					\
	.fill 1024, 4, 0xdeadbeef
