/* Integer register-register / register-immediate arithmetic, logic,
 * compares, shifts (every shift amount class), LUI/AUIPC, x0 as target. */
#include "test_macros.h"
TEST_BEGIN
	TEST_RR(add, 0, 0)
	TEST_RR(add, 0x7fffffff, 1)
	TEST_RR(add, 0xffffffff, 1)
	TEST_RR(add, 0x80000000, 0x80000000)
	TEST_RR(sub, 0, 1)
	TEST_RR(sub, 0x80000000, 1)
	TEST_RR(sub, 0x12345678, 0x87654321)
	TEST_RR(and, 0xff00ff00, 0x0ff00ff0)
	TEST_RR(or,  0xff00ff00, 0x0ff00ff0)
	TEST_RR(xor, 0xff00ff00, 0x0ff00ff0)
	TEST_RR(slt, 0x80000000, 0x7fffffff)
	TEST_RR(slt, 0x7fffffff, 0x80000000)
	TEST_RR(slt, 0xffffffff, 0)
	TEST_RR(slt, 5, 5)
	TEST_RR(sltu, 0x80000000, 0x7fffffff)
	TEST_RR(sltu, 0, 0xffffffff)
	TEST_RR(sltu, 5, 5)
	TEST_RR(sll, 0x80000001, 0)
	TEST_RR(sll, 0x80000001, 1)
	TEST_RR(sll, 0x80000001, 31)
	TEST_RR(sll, 0x80000001, 32)   /* only low 5 bits count */
	TEST_RR(sll, 0x12345678, 0xffffffe4)
	TEST_RR(srl, 0x80000001, 1)
	TEST_RR(srl, 0x80000001, 31)
	TEST_RR(srl, 0x80000001, 33)
	TEST_RR(sra, 0x80000001, 1)
	TEST_RR(sra, 0x80000001, 31)
	TEST_RR(sra, 0x7fffffff, 30)
	TEST_RR(sra, 0x80000000, 0xffffffe0)
	TEST_RI(addi, 0, -1)
	TEST_RI(addi, 0x7fffffff, 1)
	TEST_RI(addi, 5, -2048)
	TEST_RI(addi, 5, 2047)
	TEST_RI(andi, 0xffffffff, -2048)
	TEST_RI(ori, 0x00000001, 0x7f0)
	TEST_RI(xori, 0x0f0f0f0f, -1)
	TEST_RI(slti, 0xffffffff, 0)
	TEST_RI(slti, 0, -1)
	TEST_RI(sltiu, 0, -1)     /* imm sign-extends then compares unsigned */
	TEST_RI(sltiu, 0xfffffffe, -1)
	TEST_RI(sltiu, 1, 1)
	TEST_RI(slli, 0xffffffff, 0)
	TEST_RI(slli, 0x00000003, 31)
	TEST_RI(srli, 0xf0000000, 4)
	TEST_RI(srli, 0xf0000000, 31)
	TEST_RI(srai, 0xf0000000, 4)
	TEST_RI(srai, 0x80000000, 31)
	TEST_RI(srai, 0x40000000, 0)
	lui a2, 0xfffff; SIG(a2)
	lui a2, 0x00001; SIG(a2)
	lui a2, 0x80000; addi a2, a2, -1; SIG(a2)
1:	auipc a2, 0x12345; la a3, 1b; sub a2, a2, a3; SIG(a2)
	/* x0 stays zero whatever is written to it */
	li a0, 123
	addi x0, a0, 1
	add x0, a0, a0
	lui x0, 0x12345
	SIG(x0)
	add a2, x0, a0; SIG(a2)
	/* source equals destination */
	li a0, 7; add a0, a0, a0; SIG(a0)
	li a0, 7; sub a0, a0, a0; SIG(a0)
TEST_END
