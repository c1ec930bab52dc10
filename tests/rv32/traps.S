/* Synchronous traps: ECALL, EBREAK, illegal encodings (reserved opcode
 * fields, 16-bit encodings without C, all zeros / all ones, RV64-only
 * loads and shifts), misaligned branch/JAL/JALR targets (cause 0, mtval =
 * target, no link write), MRET restoring MIE from MPIE, trap with rd
 * untouched. The handler records mcause/mepc/mtval and skips the trapping
 * instruction. mtval of misaligned branch/JAL targets is checked by the
 * RTL-only misalign test (qemu 7.2 reports a stale value). */
#include "test_macros.h"
TEST_BEGIN
	ecall
	ebreak
	.word 0x00000000	/* all zeros */
	.word 0xffffffff	/* all ones */
	.word 0x00000013 & ~3	/* low bits != 11: 16-bit encoding */
	.word 0x0000b503	/* ld (f3=011) */
	.word 0x0000e503	/* lwu (f3=110) */
	.word 0x0000b023	/* sd */
	.word 0x02051513	/* slli with shamt[5] set */
	.word 0x02055513	/* srli with shamt[5] set */
	.word 0x80b50533	/* OP with funct7 = 0x40 */
	.word 0x00002063 | (1 << 12)	/* branch f3=011 */
	.word 0x00001067	/* jalr f3=001 */
	.word 0x00200073	/* uret: not present */
	/* rd of a trapping instruction is unchanged */
	li a0, 0x77
	.word 0x0000b503	/* ld a0 */
	SIG(a0)
	/* misaligned targets: no trap for a taken branch to a 4 B target,
	 * trap for a 2 B one; link register not written on the trap */
	li ra, 0x99
	la a0, 1f
	addi a0, a0, 2
	jalr ra, 0(a0)
	SIG(ra)
	nop
1:	nop
	li a1, 1
	li s10, 1
	beq a1, a1, .+6
	bne a1, a1, .+6		/* not taken: no trap */
	li ra, 0x98
	jal ra, .+10
	SIG(ra)
	li s10, 0
	/* MRET: MPIE -> MIE, MPIE <- 1. MPP = M (qemu has U-mode and would
	 * otherwise return to it) */
	li a0, 0x1800
	csrs mstatus, a0
	li a0, 0x80
	csrs mstatus, a0
	csrci mstatus, 8
	la a0, 2f
	csrw mepc, a0
	mret
	li a1, 0xbad; SIG(a1)
2:	csrr a1, mstatus; andi a1, a1, 0x88; SIG(a1)
	csrci mstatus, 8
	/* trap entry: MIE -> MPIE, MIE <- 0 (mie = 0 so nothing fires) */
	csrw mie, x0
	csrsi mstatus, 8
	ecall
	csrr a1, mstatus; andi a1, a1, 0x88; SIG(a1)
	/* FENCE and FENCE.I are no-ops */
	fence
	fence.i
	SIGI(0x600d)
TEST_END
