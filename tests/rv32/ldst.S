/* Loads and stores of every width at every naturally aligned offset:
 * sign and zero extension, byte lanes of partial stores, store-to-load
 * round trips, negative offsets. */
#include "test_macros.h"
TEST_BEGIN
	la s1, buf
	/* loads of a known pattern */
	lw a0, 0(s1); SIG(a0)
	lw a0, 4(s1); SIG(a0)
	lb a0, 0(s1); SIG(a0)
	lb a0, 1(s1); SIG(a0)
	lb a0, 2(s1); SIG(a0)
	lb a0, 3(s1); SIG(a0)
	lbu a0, 0(s1); SIG(a0)
	lbu a0, 1(s1); SIG(a0)
	lbu a0, 2(s1); SIG(a0)
	lbu a0, 3(s1); SIG(a0)
	lh a0, 0(s1); SIG(a0)
	lh a0, 2(s1); SIG(a0)
	lh a0, 4(s1); SIG(a0)
	lh a0, 6(s1); SIG(a0)
	lhu a0, 0(s1); SIG(a0)
	lhu a0, 2(s1); SIG(a0)
	lhu a0, 6(s1); SIG(a0)
	addi s2, s1, 8
	lw a0, -8(s2); SIG(a0)
	lb a0, -1(s2); SIG(a0)
	/* byte stores into each lane */
	la s1, wbuf
	li a0, -1; sw a0, 0(s1)
	li a1, 0x11; sb a1, 0(s1); lw a2, 0(s1); SIG(a2)
	li a1, 0x122; sb a1, 1(s1); lw a2, 0(s1); SIG(a2)
	li a1, 0x33; sb a1, 2(s1); lw a2, 0(s1); SIG(a2)
	li a1, 0x80; sb a1, 3(s1); lw a2, 0(s1); SIG(a2)
	lb a2, 3(s1); SIG(a2)
	/* halfword stores */
	sw x0, 4(s1)
	li a1, 0x12348765; sh a1, 4(s1); lw a2, 4(s1); SIG(a2)
	li a1, 0xabcdfedc; sh a1, 6(s1); lw a2, 4(s1); SIG(a2)
	lh a2, 6(s1); SIG(a2)
	lhu a2, 4(s1); SIG(a2)
	/* word store round trip, negative offset */
	addi s2, s1, 16
	li a1, 0xcafef00d; sw a1, -8(s2); lw a2, 8(s1); SIG(a2)
	/* load into rs1 itself */
	la a0, buf; lw a0, 0(a0); SIG(a0)
	/* store x0 */
	sw x0, 8(s1); lw a2, 8(s1); SIG(a2)
	/* a loop filling and summing memory */
	li a0, 0; li a1, 16
1:	slli a2, a0, 2; add a2, a2, s1; sw a0, 12(a2)
	addi a0, a0, 1; blt a0, a1, 1b
	li a0, 0; li a3, 0
2:	slli a2, a0, 2; add a2, a2, s1; lw a4, 12(a2); add a3, a3, a4
	addi a0, a0, 1; blt a0, a1, 2b
	SIG(a3)
TEST_END
	.section .data
	.balign 4
buf:	.word 0x8182f3f4, 0x7f00ff80
wbuf:	.fill 32, 4, 0
