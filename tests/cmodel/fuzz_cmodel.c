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
#include "fuzz_stream.h"

#define BASE	0x10000000ull

static uint8_t mem[FZ_MEM];

static int inside(uint64_t a, size_t len, int write)
{
	if (a < BASE || a - BASE > FZ_MEM)
		return 0;
	for (size_t i = 0; i < FZ_NWINDOWS; i++)
		if (a - BASE >= fz_windows[i].off &&
		    a - BASE + len <= (uint64_t)fz_windows[i].off + fz_windows[i].len &&
		    (!write || fz_windows[i].writable))
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
	struct dnpu_region reg[FZ_NREG];
	int default_cfg;

	if (!m[0]) {
		struct dnpu_cmodel_config c;
		dnpu_cmodel_config_small(&c);
		m[0] = dnpu_cmodel_create(&c);
		dnpu_cmodel_config_default(&c);
		m[1] = dnpu_cmodel_create(&c);
	}
	uint32_t n = fz_stream_job(data, size, BASE, mem, reg, &default_cfg);
	if (n == 0)
		return 0;
	struct dnpu_cmodel *dev = m[default_cfg];
	dnpu_cmodel_set_host(dev, rd, wr, NULL);
	dnpu_cmodel_set_watchdog(dev, 200000);
	if (dnpu_cmodel_load_regions(dev, reg, FZ_NREG))
		abort();
	dnpu_cmodel_run(dev, 0, 0, n, &res);
	if (res.stats.cycles > 200000)
		abort();
	return 0;
}
