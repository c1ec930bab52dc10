// SPDX-License-Identifier: MIT
/*
 * The firmware-sequenced device's engine block (rtl/dnpu_softeng.v) on
 * libdnpu_rtl_soft.so (dnpu_top SOFT_SEQ=1): the test firmware
 * (softeng_fw.c) runs a command table of mailbox copies at every
 * alignment (including across a 4 GiB boundary of a 64-bit address),
 * bad lengths and bus errors, MAC array sums and register semantics; this
 * host side checks host memory against a model of the same commands, and
 * the host-visible CAPS / FEATURES / scratchpad sizes.
 *   softeng_test <softeng_fw.bin>
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnpu_hw.h"
#include "dnpu_rtl.h"
#include "softeng_test.h"

/* host memory: 128 KiB whose middle is the 8 GiB boundary */
#define MEM_BASE 0x1ffff0000ull
#define MEM_SIZE 0x20000u
#define TAB_OFF 0x100u		/* command table */
#define NCMD_MAX 256u
#define SRC_OFF 0x4000u		/* copy sources: SRC_OFF .. +0x4000 */
#define DST_OFF 0x9000u		/* copy / result destinations */
#define UNMAPPED 0x40000000ull

static uint8_t mem[MEM_SIZE], model[MEM_SIZE];
static int fails;

static int mem_rd(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr < MEM_BASE || addr + len > MEM_BASE + MEM_SIZE)
		return -1;
	memcpy(buf, mem + (addr - MEM_BASE), len);
	return 0;
}

static int mem_wr(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	(void)ctx;
	if (addr < MEM_BASE || addr + len > MEM_BASE + MEM_SIZE)
		return -1;
	memcpy(mem + (addr - MEM_BASE), buf, len);
	return 0;
}

static void check(int ok, const char *what, unsigned i, uint32_t got, uint32_t want)
{
	if (!ok) {
		if (fails < 20)
			printf("FAIL %s [%u]: got 0x%08x want 0x%08x\n", what, i, got, want);
		fails++;
	}
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

struct cmd {
	uint32_t op, len;
	uint64_t a, b;
	uint32_t want;		/* expected result word */
};
static struct cmd cmds[NCMD_MAX];
static unsigned ncmd;

static void add(uint32_t op, uint64_t a, uint64_t b, uint32_t len, uint32_t want)
{
	cmds[ncmd++] = (struct cmd){op, len, a, b, want};
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: softeng_test <softeng_fw.bin>\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	static uint8_t fw[DNPU_CORE_SOFT_MEM_SIZE];
	size_t fw_len = f ? fread(fw, 1, sizeof(fw), f) : 0;

	if (f)
		fclose(f);
	if (!fw_len) {
		fprintf(stderr, "FAIL: cannot read %s\n", argv[1]);
		return 1;
	}

	/* fixed pseudo-random bytes (xorshift32), the same every run */
	uint32_t x = 12;

	for (unsigned i = 0; i < MEM_SIZE; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		mem[i] = (uint8_t)(x >> 24);
	}

	/* copies: every source and destination byte alignment, 4..64 B */
	for (unsigned i = 0; i < 48; i++) {
		uint32_t len = 4 * (1 + (i * 5 + 3) % 16);
		uint64_t src = MEM_BASE + SRC_OFF + 0x100 * (i % 32) + (i % 16);
		uint64_t dst = MEM_BASE + DST_OFF + 0x80 * i + (i * 7) % 16;

		if (i % 8 == 5)		/* across a 256 B block */
			src += 0xf0 - (i % 16);
		add(OP_COPY, src, dst, len, 0);
	}
	/* across 0x2_0000_0000 (the carry into the upper 32 address bits) */
	add(OP_COPY, MEM_BASE + 0xfff3, MEM_BASE + DST_OFF + 0x1800, 64, 0);
	add(OP_COPY, MEM_BASE + SRC_OFF, MEM_BASE + 0xffe4, 64, 0);
	add(OP_COPY, MEM_BASE + 0xfffc, MEM_BASE + 0xfffa - 0x40, 8, 0);
	/* bad lengths, bus errors; the next transfer works again */
	add(OP_CTRL, MEM_BASE, 0, DNPU_MBOX_LEN(0), DNPU_MBOX_STATUS_ERROR);
	add(OP_CTRL, MEM_BASE, 0, DNPU_MBOX_LEN(6), DNPU_MBOX_STATUS_ERROR);
	add(OP_CTRL, MEM_BASE, 0, DNPU_MBOX_LEN(68), DNPU_MBOX_STATUS_ERROR);
	add(OP_CTRL, MEM_BASE, 0, DNPU_MBOX_LEN(4), 0);
	add(OP_CTRL, UNMAPPED, 0, DNPU_MBOX_LEN(16), DNPU_MBOX_STATUS_ERROR);
	add(OP_COPY, MEM_BASE + SRC_OFF + 0x123, MEM_BASE + DST_OFF + 0x1900, 20, 0);
	add(OP_CTRL, UNMAPPED + 3, 0, DNPU_MBOX_LEN(64) | DNPU_MBOX_WRITE,
	    DNPU_MBOX_STATUS_ERROR);
	add(OP_CTRL, MEM_BASE + SRC_OFF - 8, 0, DNPU_MBOX_LEN(64), 0);
	/* MAC array: operands from the source area, ACCs to the destination */
	add(OP_MAC, MEM_BASE + SRC_OFF, MEM_BASE + DST_OFF + 0x1a00, 1, 0);
	add(OP_MAC, MEM_BASE + SRC_OFF + 0x400, MEM_BASE + DST_OFF + 0x1a10, 17, 0);
	add(OP_MAC, MEM_BASE + SRC_OFF + 0x800, MEM_BASE + DST_OFF + 0x1a20, 200, 0);
	add(OP_MAC, MEM_BASE + SRC_OFF + 0x1000, MEM_BASE + DST_OFF + 0x1a30, 64, 0);
	add(OP_REGS, 0, MEM_BASE + DST_OFF + 0x1b00, 0, 0);

	/* saturating products in the last MAC case: -128 * -128 and 127 * -128 */
	for (unsigned j = 0; j < 64; j++)
		put32(mem + SRC_OFF + 0x1000 + 4 * j, j & 1 ? 0x80808080u : 0x807f8080u);

	/* the table, then the model of what the commands do */
	for (unsigned i = 0; i <= ncmd; i++) {
		uint8_t *e = mem + TAB_OFF + 32 * i;
		const struct cmd *c = &cmds[i];

		memset(e, 0, 32);
		if (i == ncmd)
			break;	/* OP_END */
		put32(e, c->op);
		put32(e + 4, (uint32_t)c->a);
		put32(e + 8, (uint32_t)(c->a >> 32));
		put32(e + 12, (uint32_t)c->b);
		put32(e + 16, (uint32_t)(c->b >> 32));
		put32(e + 20, c->len);
	}
	memcpy(model, mem, MEM_SIZE);
	for (unsigned i = 0; i < ncmd; i++) {
		const struct cmd *c = &cmds[i];

		if (c->op == OP_COPY) {
			memmove(model + (c->b - MEM_BASE), model + (c->a - MEM_BASE), c->len);
		} else if (c->op == OP_MAC) {
			uint32_t acc[4] = {0, 0, 0, 0};

			for (unsigned j = 0; j < c->len; j++) {
				uint32_t s = get32(model + (c->a - MEM_BASE) + 4 * j);

				for (unsigned p = 0; p < 2; p++)
					for (unsigned n = 0; n < 2; n++)
						acc[2 * p + n] += (uint32_t)((int32_t)(int8_t)(s >> (8 * p)) *
									     (int8_t)(s >> (16 + 8 * n)));
			}
			for (unsigned j = 0; j < 4; j++)
				put32(model + (c->b - MEM_BASE) + 4 * j, acc[j]);
		} else if (c->op == OP_REGS) {
			static const uint32_t want[8] = {
				DNPU_CORE_IRQ_DOORBELL, 0, 0xf, 0, 0,
				0x89abcdefu, 0x01234567u, 0x11ee3344u,
			};
			for (unsigned j = 0; j < 8; j++)
				put32(model + (c->b - MEM_BASE) + 4 * j, want[j]);
		}
	}

	struct dnpu_rtl_config cfg = {0};
	struct dnpu_rtl *d = dnpu_rtl_create(&cfg, mem_rd, mem_wr, NULL);
	uint32_t v;

	if (!d) {
		printf("FAIL: dnpu_rtl_create\n");
		return 1;
	}
	/* what the host sees of the soft device */
	dnpu_rtl_mmio_read(d, DNPU_REG_CAPS, &v);
	check(v == (2u | 2u << 8 | 2u << 16 | 16u << 24), "CAPS", 0, v, 0x10020202u);
	dnpu_rtl_mmio_read(d, DNPU_REG_FEATURES, &v);
	check((v & DNPU_FEAT_SOFT_SEQ) && !(v & DNPU_FEAT_CLOCK_GATING), "FEATURES", 0, v,
	      DNPU_FEAT_SOFT_SEQ);
	static const uint32_t spad[5] = {16384, 16384, 12288, 8192, 4096};
	for (unsigned i = 0; i < 5; i++) {
		dnpu_rtl_mmio_read(d, DNPU_REG_SPAD_IN_BYTES + 4 * i, &v);
		check(v == spad[i], "SPAD size", i, v, spad[i]);
	}

	/* firmware through the FW window, 64 KiB IMEM */
	dnpu_rtl_mmio_write(d, DNPU_REG_FW_ADDR, DNPU_CORE_IMEM_BASE);
	for (size_t i = 0; i < fw_len; i += 4)
		dnpu_rtl_mmio_write(d, DNPU_REG_FW_DATA, get32(fw + i));
	/* the last IMEM word and the first DMEM word through the window */
	dnpu_rtl_mmio_write(d, DNPU_REG_FW_ADDR, DNPU_CORE_SOFT_MEM_SIZE - 4);
	dnpu_rtl_mmio_write(d, DNPU_REG_FW_DATA, 0x5eedf00du);
	dnpu_rtl_mmio_read(d, DNPU_REG_FW_ADDR, &v);
	check(v == DNPU_CORE_DMEM_BASE, "FW_ADDR after IMEM's end", 0, v, DNPU_CORE_DMEM_BASE);
	dnpu_rtl_mmio_write(d, DNPU_REG_FW_ADDR, DNPU_CORE_SOFT_MEM_SIZE - 4);
	dnpu_rtl_mmio_read(d, DNPU_REG_FW_DATA, &v);
	check(v == 0x5eedf00du, "IMEM last word", 0, v, 0x5eedf00du);
	dnpu_rtl_mmio_write(d, DNPU_REG_FW_ADDR, DNPU_CORE_DMEM_BASE + DNPU_CORE_SOFT_MEM_SIZE - 4);
	dnpu_rtl_mmio_write(d, DNPU_REG_FW_DATA, 0xd00dfeedu);
	dnpu_rtl_mmio_write(d, DNPU_REG_FW_ADDR, DNPU_CORE_DMEM_BASE + DNPU_CORE_SOFT_MEM_SIZE - 4);
	dnpu_rtl_mmio_read(d, DNPU_REG_FW_DATA, &v);
	check(v == 0xd00dfeedu, "DMEM last word", 0, v, 0xd00dfeedu);

	uint64_t tab = MEM_BASE + TAB_OFF;
	dnpu_rtl_mmio_write(d, DNPU_REG_RING_BASE_LO, (uint32_t)tab);
	dnpu_rtl_mmio_write(d, DNPU_REG_RING_BASE_HI, (uint32_t)(tab >> 32));
	dnpu_rtl_mmio_write(d, DNPU_REG_DOORBELL, 1);
	dnpu_rtl_mmio_write(d, DNPU_REG_CONTROL, DNPU_CONTROL_CORE_RUN);
	uint64_t cycles = 0;
	v = 0;
	while (cycles < 20000000u && (v & 0xffff0000u) != DONE_MAGIC) {
		cycles += dnpu_rtl_run(d, 20000);
		if (dnpu_rtl_mmio_read(d, DNPU_REG_HEARTBEAT, &v))
			break;
	}
	check(v == (DONE_MAGIC | ncmd), "firmware done", 0, v, DONE_MAGIC | ncmd);
	dnpu_rtl_destroy(d);

	for (unsigned i = 0; i < ncmd; i++) {
		uint32_t got = get32(mem + TAB_OFF + RESULT_OFF + 4 * i);

		check(got == cmds[i].want, "command result", i, got, cmds[i].want);
	}
	/* everything but the table's result words as the model says */
	for (unsigned i = 0; i < MEM_SIZE; i++) {
		if (i >= TAB_OFF + RESULT_OFF && i < TAB_OFF + RESULT_OFF + 4 * ncmd)
			continue;
		check(mem[i] == model[i], "host memory byte", i, mem[i], model[i]);
	}
	if (fails) {
		printf("FAIL softeng_test: %d mismatches (%u commands, %llu cycles)\n", fails, ncmd,
		       (unsigned long long)cycles);
		return 1;
	}
	printf("PASS softeng_test: %u commands, %llu cycles\n", ncmd, (unsigned long long)cycles);
	return 0;
}
