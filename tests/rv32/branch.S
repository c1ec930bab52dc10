/* Conditional branches (taken / not taken, signed and unsigned corners,
 * forward and backward), JAL/JALR link values and targets, JALR with
 * rd == rs1 and odd offsets (bit 0 is cleared). */
#include "test_macros.h"
#define TEST_BR(op, a, b)		\
	li a0, a; li a1, b; li a2, 0;	\
	op a0, a1, 9f;			\
	li a2, 1;			\
9:	SIG(a2)

TEST_BEGIN
	TEST_BR(beq, 5, 5)
	TEST_BR(beq, 5, 6)
	TEST_BR(bne, 5, 5)
	TEST_BR(bne, 0x80000000, 0)
	TEST_BR(blt, 0xffffffff, 0)
	TEST_BR(blt, 0, 0xffffffff)
	TEST_BR(blt, 0x80000000, 0x7fffffff)
	TEST_BR(blt, 3, 3)
	TEST_BR(bge, 3, 3)
	TEST_BR(bge, 0xffffffff, 0)
	TEST_BR(bge, 0x7fffffff, 0x80000000)
	TEST_BR(bltu, 0xffffffff, 0)
	TEST_BR(bltu, 0, 0xffffffff)
	TEST_BR(bltu, 7, 7)
	TEST_BR(bgeu, 7, 7)
	TEST_BR(bgeu, 0x80000000, 0x7fffffff)
	TEST_BR(bgeu, 0, 1)
	/* backward loop: sum 1..10 */
	li a0, 0; li a1, 10
1:	add a0, a0, a1
	addi a1, a1, -1
	bnez a1, 1b
	SIG(a0)
	/* jal link value and target */
	jal ra, 2f
3:	li a2, 0xbad
	SIG(a2)
2:	la a3, 3b; sub a3, ra, a3; SIG(a3)
	/* jalr with offset and bit 0 set in the sum */
	la a0, 4f
	addi a0, a0, -7
	jalr ra, 8(a0)		/* a0 + 8 = 4f + 1 -> 4f */
	li a2, 0xbad; SIG(a2)
4:	la a3, 4b; sub a3, ra, a3; SIG(a3)
	/* jalr rd == rs1 */
	la a0, 5f
	jalr a0, 0(a0)
	li a2, 0xbad; SIG(a2)
5:	la a3, 5b; sub a3, a0, a3; SIG(a3)
	/* jal x0 does not link */
	li ra, 0x1234
	j 6f
	li ra, 0; 
6:	SIG(ra)
	/* branch to self is not taken when false */
	li a0, 1
	beqz a0, .
	SIGI(0x600d)
TEST_END
