/* SPDX-License-Identifier: MIT */
/* Command table shared by softeng_fw.c (device) and softeng_test.c (host). */
#ifndef SOFTENG_TEST_H
#define SOFTENG_TEST_H

/* entry: {op, a_lo, a_hi, b_lo, b_hi, len/count/ctrl, 0, 0} */
#define OP_END		0u
#define OP_COPY		1u	/* mailbox read a, write b, len bytes */
#define OP_MAC		2u	/* CLEAR, count STEP words from a, ACC(0..3) -> b */
#define OP_CTRL		3u	/* MBOX_ADDR = a, MBOX_CTRL = ctrl; result STATUS */
#define OP_REGS		4u	/* register semantics, 8 words -> b */
#define RESULT_OFF	0x2000u	/* result word i at table + RESULT_OFF + 4 i */
#define BAD_TABLE	0xbad00000u
#define DONE_MAGIC	0xd0e50000u

#endif
