/* SPDX-License-Identifier: MIT */
#include "fuzz_stream.h"

#include <string.h>

const struct fz_window fz_windows[FZ_NWINDOWS] = {
	{ FZ_CMDS, FZ_CMDS_SIZE, 0 }, { FZ_A, 0x10000, 1 }, { FZ_B, 0x4000, 0 },
	{ FZ_LIST, 16, 0 }, { FZ_PG0, DNPU_PAGE_SIZE, 1 },
	{ FZ_PG1, DNPU_PAGE_SIZE, 1 },
};

uint32_t fz_stream_job(const uint8_t *data, size_t size, uint64_t base,
		       uint8_t *mem, struct dnpu_region *reg, int *default_cfg)
{
	if (size < 1)
		return 0;
	*default_cfg = data[0] & 1;
	data++;
	size--;
	size_t n = size / DNPU_CMD_BYTES;
	if (n == 0 || n > FZ_CMDS_SIZE / DNPU_CMD_BYTES)
		return 0;

	memset(mem, 0, FZ_MEM);
	memcpy(mem + FZ_CMDS, data, n * DNPU_CMD_BYTES);
	for (uint32_t i = 0; i < 0x10000; i++)
		mem[FZ_A + i] = (uint8_t)(i * 13);
	uint64_t pages[2] = { base + FZ_PG0, base + FZ_PG1 };
	memcpy(mem + FZ_LIST, pages, sizeof(pages));
	const struct dnpu_region r[FZ_NREG] = {
		{ base + FZ_CMDS, FZ_CMDS_SIZE,
		  DNPU_REGION_VALID | DNPU_REGION_READ, { 0, 0 } },
		{ base + FZ_A, 0x10000, DNPU_REGION_VALID | DNPU_REGION_READ |
		  DNPU_REGION_WRITE, { 0, 0 } },
		{ base + FZ_B, 0x4000, DNPU_REGION_VALID | DNPU_REGION_READ,
		  { 0, 0 } },
		{ base + FZ_LIST, 2 * DNPU_PAGE_SIZE, DNPU_REGION_VALID |
		  DNPU_REGION_READ | DNPU_REGION_WRITE | DNPU_REGION_PAGED,
		  { 0, 0 } },
	};
	memcpy(reg, r, sizeof(r));
	return (uint32_t)n;
}
