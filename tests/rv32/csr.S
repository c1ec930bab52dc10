/* CSR instructions (RW/RS/RC and immediate forms, rd = x0, rs1 = x0 / zimm =
 * 0 do not write) on mscratch, mtvec, mepc (low bits), mstatus and mie
 * (bits every implementation here has), mhartid, misa MXL/I/M, and illegal
 * accesses: unknown CSR, write to a read-only CSR. */
#include "test_macros.h"
TEST_BEGIN
	li a0, 0x12345678
	csrrw a1, mscratch, a0
	csrr a1, mscratch; SIG(a1)
	li a0, 0x0000ff00
	csrrs a1, mscratch, a0; SIG(a1)
	csrr a1, mscratch; SIG(a1)
	li a0, 0x12000078
	csrrc a1, mscratch, a0; SIG(a1)
	csrr a1, mscratch; SIG(a1)
	csrrwi a1, mscratch, 0x15; SIG(a1)
	csrrsi a1, mscratch, 0x0a; SIG(a1)
	csrrci a1, mscratch, 0x01; SIG(a1)
	csrr a1, mscratch; SIG(a1)
	csrrs a1, mscratch, x0; SIG(a1)
	csrrci a1, mscratch, 0; SIG(a1)
	csrr a1, mscratch; SIG(a1)
	csrw mscratch, x0
	csrr a1, mscratch; SIG(a1)
	/* mepc (its low bits: misalign.S; qemu 7.2 does not clear them) */
	li a0, 0x80001234
	csrw mepc, a0
	csrr a1, mepc; SIG(a1)
	/* mtvec direct mode, aligned base */
	csrr s1, mtvec
	la a0, trap_handler
	addi a0, a0, 0x40
	csrw mtvec, a0
	csrr a1, mtvec; sub a1, a1, s1; SIG(a1)
	csrw mtvec, s1
	/* mstatus.MIE / MPIE */
	csrwi mstatus, 0
	csrr a1, mstatus; andi a1, a1, 0x88; SIG(a1)
	csrsi mstatus, 8
	csrr a1, mstatus; andi a1, a1, 0x88; SIG(a1)
	li a0, 0x80; csrs mstatus, a0
	csrr a1, mstatus; andi a1, a1, 0x88; SIG(a1)
	csrci mstatus, 8
	csrr a1, mstatus; andi a1, a1, 0x88; SIG(a1)
	li a0, 0x80; csrc mstatus, a0
	/* mie: MEIE, MTIE, MSIE */
	li a0, 0x888; csrw mie, a0
	csrr a1, mie; and a1, a1, a0; SIG(a1)
	li a2, 0x80; csrc mie, a2
	csrr a1, mie; and a1, a1, a0; SIG(a1)
	csrw mie, x0
	csrr a1, mie; SIG(a1)
	/* read-only identification */
	csrr a1, mhartid; SIG(a1)
	csrr a1, misa; srli a2, a1, 30; SIG(a2)
	li a0, 0x1100; and a1, a1, a0; SIG(a1)
	/* mcause / mtval are writable */
	li a0, 0x8000000b; csrw mcause, a0; csrr a1, mcause; SIG(a1)
	li a0, 0x55aa55aa; csrw mtval, a0; csrr a1, mtval; SIG(a1)
	/* counters count up */
	csrr a0, mcycle; nop; nop; csrr a1, mcycle; sltu a2, a0, a1; SIG(a2)
	csrr a0, minstret; nop; nop; csrr a1, minstret; sub a2, a1, a0; sltiu a2, a2, 3; xori a2, a2, 1; SIG(a2)
	/* illegal: unknown CSR (custom 0x7c0), write to mhartid, csrrs with
	 * non-zero rs1 to mvendorid; csrr of mhartid is legal */
	csrr a1, 0x7c0
	csrw mhartid, a0
	csrrs a1, mvendorid, a0
	csrrs a1, mhartid, x0; SIG(a1)
TEST_END
