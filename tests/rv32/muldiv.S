/* M extension: MUL/MULH/MULHSU/MULHU with every sign combination and
 * extremes; DIV/DIVU/REM/REMU incl. division by zero, INT_MIN / -1 overflow,
 * and remainder sign following the dividend. */
#include "test_macros.h"
#define ALL_MUL(a, b) TEST_RR(mul, a, b); TEST_RR(mulh, a, b); \
	TEST_RR(mulhsu, a, b); TEST_RR(mulhu, a, b)
#define ALL_DIV(a, b) TEST_RR(div, a, b); TEST_RR(divu, a, b); \
	TEST_RR(rem, a, b); TEST_RR(remu, a, b)
TEST_BEGIN
	ALL_MUL(0, 0)
	ALL_MUL(1, 1)
	ALL_MUL(7, 0xfffffffd)
	ALL_MUL(0xfffffffd, 7)
	ALL_MUL(0xffffffff, 0xffffffff)
	ALL_MUL(0x80000000, 0x80000000)
	ALL_MUL(0x80000000, 0xffffffff)
	ALL_MUL(0x7fffffff, 0x7fffffff)
	ALL_MUL(0x7fffffff, 0x80000000)
	ALL_MUL(0x12345678, 0x9abcdef0)
	ALL_MUL(0xdeadbeef, 0x00010000)
	ALL_DIV(20, 6)
	ALL_DIV(-20, 6)
	ALL_DIV(20, -6)
	ALL_DIV(-20, -6)
	ALL_DIV(0, 5)
	ALL_DIV(5, 0)
	ALL_DIV(-5, 0)
	ALL_DIV(0, 0)
	ALL_DIV(0x80000000, 0xffffffff)
	ALL_DIV(0x80000000, 1)
	ALL_DIV(0x80000000, 0x80000000)
	ALL_DIV(0xffffffff, 0x80000000)
	ALL_DIV(0x7fffffff, 0xffffffff)
	ALL_DIV(0xffffffff, 0xffffffff)
	ALL_DIV(0x12345678, 0x0000abcd)
	ALL_DIV(0xfedcba98, 0x00000003)
	ALL_DIV(3, 0xfedcba98)
	/* destination equals a source */
	li a0, 6; li a1, 7; mul a0, a0, a1; SIG(a0)
	li a0, 100; li a1, 7; rem a1, a0, a1; SIG(a1)
	/* result to x0 is dropped */
	li a0, 3; li a1, 5; mul x0, a0, a1; div x0, a0, a1; SIG(x0)
TEST_END
