// SPDX-License-Identifier: MIT
/*
 * Test firmware for the firmware-sequenced device's engine block
 * (rtl/dnpu_softeng.v), run by tests/fpga/softeng_test.c on
 * libdnpu_rtl_soft.so. It executes a command table the host leaves in host
 * memory at RING_BASE_HI:LO (32-byte entries, read through the mailbox)
 * and writes one result word per command to the table's result area
 * (RESULT_OFF + 4 i); then HEARTBEAT = DONE_MAGIC | count.
 */
#include <stdint.h>

#include "dnpu_hw.h"
#include "softeng_test.h"

#define HOST(o) (*(volatile uint32_t *)(DNPU_CORE_HOSTREG_BASE + (o)))
#define ENG(o) (*(volatile uint32_t *)(DNPU_CORE_ENG_BASE + (o)))

int main(void);

__attribute__((naked, section(".text.start"))) void _start(void)
{
	__asm__ volatile("la sp, __stack_top\n"
			 "call main\n"
			 "1: j 1b\n");
}

/* start a transfer, wait for it; returns MBOX_STATUS */
static uint32_t mbox(uint64_t addr, uint32_t ctrl)
{
	uint32_t st;

	ENG(DNPU_ENG_MBOX_ADDR_LO) = (uint32_t)addr;
	ENG(DNPU_ENG_MBOX_ADDR_HI) = (uint32_t)(addr >> 32);
	ENG(DNPU_ENG_MBOX_CTRL) = ctrl;
	do
		st = ENG(DNPU_ENG_MBOX_STATUS);
	while (st & DNPU_MBOX_STATUS_BUSY);
	return st;
}

static uint32_t rd(uint64_t addr, uint32_t *w, uint32_t len)
{
	uint32_t st = mbox(addr, DNPU_MBOX_LEN(len));

	for (uint32_t i = 0; i < len / 4; i++)
		w[i] = ENG(DNPU_ENG_MBOX_DATA(i));
	return st;
}

static uint32_t wr(uint64_t addr, const uint32_t *w, uint32_t len)
{
	for (uint32_t i = 0; i < len / 4; i++)
		ENG(DNPU_ENG_MBOX_DATA(i)) = w[i];
	return mbox(addr, DNPU_MBOX_LEN(len) | DNPU_MBOX_WRITE);
}

static uint64_t a64(uint32_t lo, uint32_t hi)
{
	return (uint64_t)hi << 32 | lo;
}

int main(void)
{
	uint64_t tab = a64(HOST(DNPU_REG_RING_BASE_LO), HOST(DNPU_REG_RING_BASE_HI));
	uint32_t n;

	for (n = 0;; n++) {
		uint32_t c[8], buf[16], res = 0;

		if (rd(tab + 32u * n, c, 32) != 0) {
			res = BAD_TABLE;
		} else if (c[0] == OP_END) {
			break;
		} else if (c[0] == OP_COPY) {
			/* a -> b, c[5] bytes; result: the two MBOX_STATUS */
			res = rd(a64(c[1], c[2]), buf, c[5]);
			res |= wr(a64(c[3], c[4]), buf, c[5]) << 8;
		} else if (c[0] == OP_MAC) {
			/* c[5] STEP words at a, ACC(0..3) -> b */
			ENG(DNPU_ENG_MAC_CTRL) = DNPU_MAC_CTRL_CLEAR;
			for (uint32_t i = 0; i < c[5]; i += 16) {
				uint32_t k = c[5] - i < 16 ? c[5] - i : 16;

				res |= rd(a64(c[1], c[2]) + 4 * i, buf, 4 * k);
				for (uint32_t j = 0; j < k; j++)
					ENG(DNPU_ENG_MAC_STEP) = buf[j];
			}
			for (uint32_t j = 0; j < 4; j++)
				buf[j] = ENG(DNPU_ENG_MAC_ACC(j));
			res |= wr(a64(c[3], c[4]), buf, 16) << 8;
		} else if (c[0] == OP_CTRL) {
			/* a raw MBOX_CTRL write (bad lengths); result: STATUS */
			res = mbox(a64(c[1], c[2]), c[5]);
		} else if (c[0] == OP_REGS) {
			/* register semantics -> b: 8 words */
			buf[0] = ENG(DNPU_ENG_IRQ_PENDING);
			ENG(DNPU_ENG_IRQ_PENDING) = DNPU_CORE_IRQ_DOORBELL;
			buf[1] = ENG(DNPU_ENG_IRQ_PENDING);
			ENG(DNPU_ENG_IRQ_ENABLE) = 0xf;
			buf[2] = ENG(DNPU_ENG_IRQ_ENABLE);
			ENG(DNPU_ENG_IRQ_ENABLE) = 0;
			ENG(DNPU_ENG_REGION_ADDR_LO(0)) = 0x1234;
			buf[3] = ENG(DNPU_ENG_REGION_ADDR_LO(0));
			ENG(DNPU_ENG_CMD_COUNT) = 7;
			buf[4] = ENG(DNPU_ENG_CMD_COUNT) | ENG(DNPU_ENG_STATUS) |
				 ENG(DNPU_ENG_MAC_STEP) | ENG(DNPU_ENG_MAC_CTRL);
			ENG(DNPU_ENG_MBOX_ADDR_LO) = 0x89abcdefu;
			ENG(DNPU_ENG_MBOX_ADDR_HI) = 0x01234567u;
			buf[5] = ENG(DNPU_ENG_MBOX_ADDR_LO);
			buf[6] = ENG(DNPU_ENG_MBOX_ADDR_HI);
			/* MBOX_DATA is read/write while idle, byte strobes too */
			ENG(DNPU_ENG_MBOX_DATA(15)) = 0x11223344u;
			*(volatile uint8_t *)(DNPU_CORE_ENG_BASE + DNPU_ENG_MBOX_DATA(15) + 2) = 0xee;
			buf[7] = ENG(DNPU_ENG_MBOX_DATA(15));
			res = wr(a64(c[3], c[4]), buf, 32);
		} else {
			res = BAD_TABLE;
		}
		uint32_t r[1] = {res};
		wr(tab + RESULT_OFF + 4u * n, r, 4);
	}
	HOST(DNPU_REG_HEARTBEAT) = DONE_MAGIC | n;
	for (;;)
		;
}
