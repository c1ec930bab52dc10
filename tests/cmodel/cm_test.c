/* SPDX-License-Identifier: MIT */
#include "cm_test.h"

#include <stdlib.h>

struct env *env_new_sized(int small, uint32_t cmd_bytes, uint32_t a_bytes,
			  uint32_t b_bytes)
{
	struct dnpu_cmodel_config cfg;
	struct env *e = calloc(1, sizeof(*e));
	if (!e)
		abort();
	if (small)
		dnpu_cmodel_config_small(&cfg);
	else
		dnpu_cmodel_config_default(&cfg);
	/* layout: commands, A, B, then 0x40000 spare bytes for tests */
	uint64_t a_off = cmd_bytes, b_off = a_off + a_bytes;
	e->mem_size = (size_t)b_off + b_bytes + 0x40000 + 0x10000;
	e->m = dnpu_cmodel_create(&cfg);
	e->mem = calloc(1, e->mem_size);
	e->max_cmds = cmd_bytes / DNPU_CMD_BYTES;
	e->cmd = calloc(e->max_cmds, DNPU_CMD_BYTES);
	if (!e->m || !e->mem || !e->cmd)
		abort();
	dnpu_cmodel_set_host_flat(e->m, ENV_BASE, e->mem, e->mem_size);
	e->reg[0] = (struct dnpu_region){ ENV_BASE, cmd_bytes,
		DNPU_REGION_VALID | DNPU_REGION_READ, { 0, 0 } };
	e->reg[1] = (struct dnpu_region){ ENV_BASE + a_off, a_bytes,
		DNPU_REGION_VALID | DNPU_REGION_READ | DNPU_REGION_WRITE, { 0, 0 } };
	e->reg[2] = (struct dnpu_region){ ENV_BASE + b_off, b_bytes,
		DNPU_REGION_VALID | DNPU_REGION_READ | DNPU_REGION_WRITE, { 0, 0 } };
	e->nreg = 3;
	return e;
}

struct env *env_new(int small)
{
	struct env *e = env_new_sized(small, ENV_CMD_SIZE, ENV_A_SIZE, ENV_B_SIZE);
	if (e->mem_size < ENV_MEM) {
		/* the fixed tests use offsets up to ENV_MEM */
		uint8_t *m = realloc(e->mem, ENV_MEM);
		if (!m)
			abort();
		memset(m + e->mem_size, 0, ENV_MEM - e->mem_size);
		e->mem = m;
		e->mem_size = ENV_MEM;
		dnpu_cmodel_set_host_flat(e->m, ENV_BASE, e->mem, e->mem_size);
	}
	return e;
}

void env_free(struct env *e)
{
	dnpu_cmodel_destroy(e->m);
	free(e->mem);
	free(e->cmd);
	free(e);
}

uint8_t *env_at(struct env *e, unsigned r, uint32_t off)
{
	return e->mem + (e->reg[r].addr - ENV_BASE) + off;
}

uint8_t *env_spad(struct env *e, unsigned sp)
{
	return dnpu_cmodel_spad(e->m, sp, NULL);
}

uint32_t env_emit(struct env *e, const uint32_t *w)
{
	if (e->ncmd >= e->max_cmds)
		abort();
	memcpy(e->cmd[e->ncmd], w, DNPU_CMD_BYTES);
	return e->ncmd++;
}

uint32_t env_run(struct env *e, struct dnpu_cmodel_result *res)
{
	memcpy(e->mem + (e->reg[0].addr - ENV_BASE), e->cmd,
	       (size_t)e->ncmd * DNPU_CMD_BYTES);
	uint32_t f = dnpu_cmodel_load_regions(e->m, e->reg, e->nreg);
	if (f) {
		memset(res, 0, sizeof(*res));
		res->status = f;
		return f;
	}
	return dnpu_cmodel_run(e->m, 0, 0, e->ncmd, res);
}

void cmd_dma(uint32_t *w, uint32_t op, uint32_t dep, uint32_t region,
	     uint32_t spad, int padv, uint32_t offset, uint32_t spad_addr,
	     uint32_t len0, uint32_t count1, uint32_t src_stride1,
	     uint32_t dst_stride1, uint32_t count2, uint32_t src_stride2,
	     uint32_t dst_stride2, uint32_t pad0, uint32_t pad1)
{
	memset(w, 0, DNPU_CMD_BYTES);
	w[0] = DNPU_CMD_W0(op, dep, 0);
	w[1] = DNPU_DMA_REGION(region, spad, padv);
	w[2] = offset;
	w[3] = spad_addr;
	w[4] = len0;
	w[5] = count1;
	w[6] = src_stride1;
	w[7] = dst_stride1;
	w[8] = count2;
	w[9] = src_stride2;
	w[10] = dst_stride2;
	w[11] = pad0;
	w[12] = pad1;
}

void cmd_load1(uint32_t *w, uint32_t dep, uint32_t region, uint32_t spad,
	       uint32_t offset, uint32_t spad_addr, uint32_t len)
{
	cmd_dma(w, DNPU_OP_LOAD, dep, region, spad, 0, offset, spad_addr, len,
		1, 0, 0, 1, 0, 0, 0, 0);
}

void cmd_store1(uint32_t *w, uint32_t dep, uint32_t region, uint32_t spad,
		uint32_t offset, uint32_t spad_addr, uint32_t len)
{
	cmd_dma(w, DNPU_OP_STORE, dep, region, spad, 0, offset, spad_addr, len,
		1, 0, 0, 1, 0, 0, 0, 0);
}

void cmd_simple(uint32_t *w, uint32_t op, uint32_t dep)
{
	memset(w, 0, DNPU_CMD_BYTES);
	w[0] = DNPU_CMD_W0(op, dep, 0);
}
