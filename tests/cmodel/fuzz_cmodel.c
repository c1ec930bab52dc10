/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the input bytes are a command stream (and a few control
 * bytes) run on the C model against fixed regions. The bus callbacks abort
 * on any access outside the mapped windows, so the fuzzer finds escapes as
 * well as crashes and hangs (the watchdog bounds every run).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnpu_cmodel.h"

#define BASE	0x10000000ull
#define MEM	(256u * 1024u)
#define CMDS	0x00000u	/* region 0: commands, 16 KiB, R */
#define A	0x10000u	/* region 1: 64 KiB, RW */
#define B	0x20000u	/* region 2: 16 KiB, R */
#define LIST	0x30000u	/* region 3: PAGED, 2 pages */
#define PG0	0x32000u
#define PG1	0x34000u

static uint8_t mem[MEM];

static int inside(uint64_t a, size_t len, int write)
{
	static const struct { uint32_t off, len; int wr; } win[] = {
		{ CMDS, 0x4000, 0 }, { A, 0x10000, 1 }, { B, 0x4000, 0 },
		{ LIST, 16, 0 }, { PG0, 4096, 1 }, { PG1, 4096, 1 },
	};
	if (a < BASE || a - BASE > MEM)
		return 0;
	for (size_t i = 0; i < sizeof(win) / sizeof(win[0]); i++)
		if (a - BASE >= win[i].off &&
		    a - BASE + len <= (uint64_t)win[i].off + win[i].len &&
		    (!write || win[i].wr))
			return 1;
	return 0;
}

static int rd(void *ctx, uint64_t a, void *buf, size_t len)
{
	(void)ctx;
	if (!inside(a, len, 0))
		abort();
	memcpy(buf, mem + (a - BASE), len);
	return 0;
}

static int wr(void *ctx, uint64_t a, const void *buf, size_t len)
{
	(void)ctx;
	if (!inside(a, len, 1))
		abort();
	memcpy(mem + (a - BASE), buf, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dnpu_cmodel *m[2];
	struct dnpu_cmodel_result res;

	if (!m[0]) {
		struct dnpu_cmodel_config c;
		dnpu_cmodel_config_small(&c);
		m[0] = dnpu_cmodel_create(&c);
		dnpu_cmodel_config_default(&c);
		m[1] = dnpu_cmodel_create(&c);
	}
	if (size < 1)
		return 0;
	struct dnpu_cmodel *dev = m[data[0] & 1];
	data++;
	size--;
	size_t n = size / 64;
	if (n == 0 || n > 0x4000 / 64)
		return 0;

	memset(mem, 0, MEM);
	memcpy(mem + CMDS, data, n * 64);
	for (uint32_t i = 0; i < 0x10000; i++)
		mem[A + i] = (uint8_t)(i * 13);
	uint64_t pages[2] = { BASE + PG0, BASE + PG1 };
	memcpy(mem + LIST, pages, sizeof(pages));
	struct dnpu_region reg[4] = {
		{ BASE + CMDS, 0x4000, DNPU_REGION_VALID | DNPU_REGION_READ, { 0, 0 } },
		{ BASE + A, 0x10000, DNPU_REGION_VALID | DNPU_REGION_READ |
		  DNPU_REGION_WRITE, { 0, 0 } },
		{ BASE + B, 0x4000, DNPU_REGION_VALID | DNPU_REGION_READ, { 0, 0 } },
		{ BASE + LIST, 8192, DNPU_REGION_VALID | DNPU_REGION_READ |
		  DNPU_REGION_WRITE | DNPU_REGION_PAGED, { 0, 0 } },
	};
	dnpu_cmodel_set_host(dev, rd, wr, NULL);
	dnpu_cmodel_set_watchdog(dev, 200000);
	if (dnpu_cmodel_load_regions(dev, reg, 4))
		abort();
	dnpu_cmodel_run(dev, 0, 0, (uint32_t)n, &res);
	if (res.stats.cycles > 200000)
		abort();
	return 0;
}
