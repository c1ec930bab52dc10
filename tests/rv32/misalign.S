/* RTL-only, self-checking: misaligned loads and stores of every width and
 * offset trap with cause 4/6, mepc = the access, mtval = the address, rd and
 * memory unchanged; aligned ones do not trap; misaligned branch/JAL/JALR
 * targets trap with mtval = target, not-taken branches to them do not.
 * (qemu 7.2 performs misaligned accesses without trapping, so it cannot be
 * the reference here.) A failed check stops the machine with a failure
 * code. */
#include "test_macros.h"
/* run insn at label 7; expect a trap with cause / tval (register) */
#define EXPECT_TRAP(cause, tval, ...)		\
	mv s6, t6; mv s3, tval; li s2, cause;	\
	la s4, 7f;				\
7:	__VA_ARGS__;					\
	addi s6, s6, 12; bne s6, t6, fail;	\
	lw t0, -12(t6); bne t0, s2, fail;	\
	lw t0, -8(t6); bne t0, s4, fail;	\
	lw t0, -4(t6); bne t0, s3, fail;	\
	addi s7, s7, 1

#define EXPECT_NO_TRAP(...)			\
	mv s6, t6; __VA_ARGS__; bne s6, t6, fail;	\
	addi s8, s8, 1

TEST_BEGIN
	li s7, 0		/* traps checked */
	li s8, 0		/* non-trapping accesses checked */
	la s1, buf
	li a0, 0x5a5a5a5a
	/* halfword at odd offsets */
	addi a1, s1, 1; EXPECT_TRAP(4, a1, lh a0, 0(a1)); li t0, 0x5a5a5a5a; bne a0, t0, fail
	addi a1, s1, 3; EXPECT_TRAP(4, a1, lhu a0, 0(a1))
	addi a1, s1, 1; EXPECT_TRAP(6, a1, sh a0, 0(a1))
	addi a1, s1, 3; EXPECT_TRAP(6, a1, sh a0, 0(a1))
	/* word at offsets 1, 2, 3 (also via the immediate) */
	addi a1, s1, 1; EXPECT_TRAP(4, a1, lw a0, 0(a1))
	addi a1, s1, 2; EXPECT_TRAP(4, a1, lw a0, 0(a1))
	addi a1, s1, 3; EXPECT_TRAP(4, a1, lw a0, 0(a1))
	addi a1, s1, 6; addi a2, s1, 5; EXPECT_TRAP(4, a2, lw a0, -1(a1))
	addi a1, s1, 1; EXPECT_TRAP(6, a1, sw a0, 0(a1))
	addi a1, s1, 2; EXPECT_TRAP(6, a1, sw a0, 0(a1))
	addi a1, s1, 3; EXPECT_TRAP(6, a1, sw a0, 0(a1))
	addi a1, s1, 6; addi a2, s1, 7; EXPECT_TRAP(6, a2, sw a0, 1(a1))
	/* memory untouched by the trapped stores */
	lw t0, 0(s1); li t1, 0x11223344; bne t0, t1, fail
	lw t0, 4(s1); li t1, 0x55667788; bne t0, t1, fail
	/* aligned accesses of every width / offset do not trap */
	EXPECT_NO_TRAP(lb a0, 1(s1))
	EXPECT_NO_TRAP(lb a0, 3(s1))
	EXPECT_NO_TRAP(lbu a0, 2(s1))
	EXPECT_NO_TRAP(lh a0, 2(s1))
	EXPECT_NO_TRAP(lhu a0, 0(s1))
	EXPECT_NO_TRAP(lw a0, 4(s1))
	EXPECT_NO_TRAP(sb a0, 9(s1))
	EXPECT_NO_TRAP(sh a0, 10(s1))
	EXPECT_NO_TRAP(sw a0, 12(s1))
	/* misaligned control transfer targets */
	la a1, 2f; addi a1, a1, 2
	li s10, 0
	EXPECT_TRAP(0, a1, beq x0, x0, 2f + 2)
	/* not taken: no trap (the core resolves it a cycle later) */
	EXPECT_NO_TRAP(bne x0, x0, 2f + 2)
	la a1, 3f; addi a1, a1, 2
	EXPECT_TRAP(0, a1, jal ra, 3f + 2)
	la a1, 2f; addi a1, a1, 2
	la a2, 2f; addi a2, a2, 3	/* bit 0 is cleared first */
	EXPECT_TRAP(0, a1, jalr ra, 0(a2))
	j 4f
2:	nop
3:	nop
4:	/* mepc bits 1:0 read as zero (IALIGN = 32) */
	li a0, 0x80001237; csrw mepc, a0; csrr a1, mepc
	li t0, 0x80001234; bne a1, t0, fail
	li t0, 15; bne s7, t0, fail
	li t0, 10; bne s8, t0, fail
	SIG(s7)
	SIG(s8)
TEST_END
	.section .text
fail:
	li a0, FINISHER
	li a1, 0x3333
	sw a1, 0(a0)
	j .
	.section .data
	.balign 4
buf:	.word 0x11223344, 0x55667788, 0, 0
