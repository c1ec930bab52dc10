/* SPDX-License-Identifier: MIT */
/*
 * Test helpers for the C model: a flat host memory with a few regions and
 * command builders. Used by every test in tests/cmodel/.
 */
#ifndef CM_TEST_H
#define CM_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dnpu_cmodel.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ENV_BASE	0x80000000ull
#define ENV_MEM		(1u << 20)
/* default regions: 0 = commands (R), 1 = data A (RW), 2 = data B (RW) */
#define ENV_CMD_OFF	0x00000u
#define ENV_CMD_SIZE	0x10000u
#define ENV_A_OFF	0x10000u
#define ENV_A_SIZE	0x40000u
#define ENV_B_OFF	0x50000u
#define ENV_B_SIZE	0x40000u
#define ENV_MAX_CMDS	(ENV_CMD_SIZE / DNPU_CMD_BYTES)

struct env {
	struct dnpu_cmodel *m;
	uint8_t *mem;			/* mem_size bytes at ENV_BASE */
	size_t mem_size;
	struct dnpu_region reg[DNPU_MAX_REGIONS];
	uint32_t nreg;
	uint32_t (*cmd)[DNPU_CMD_WORDS];
	uint32_t ncmd, max_cmds;
};

/* small = 4x4 configuration, else the default 16x16 one */
struct env *env_new(int small);
/* same with larger memory: region sizes for commands, A and B */
struct env *env_new_sized(int small, uint32_t cmd_bytes, uint32_t a_bytes,
			  uint32_t b_bytes);
void env_free(struct env *e);
/* bytes of host memory at region @r offset @off (CONTIG regions only) */
uint8_t *env_at(struct env *e, unsigned r, uint32_t off);
/* append a command; returns its index */
uint32_t env_emit(struct env *e, const uint32_t *w);
/* write the commands into region 0, load regions, run, return status */
uint32_t env_run(struct env *e, struct dnpu_cmodel_result *res);
uint8_t *env_spad(struct env *e, unsigned sp);

/* command builders (fill all 16 words) */
void cmd_dma(uint32_t *w, uint32_t op, uint32_t dep, uint32_t region,
	     uint32_t spad, int padv, uint32_t offset, uint32_t spad_addr,
	     uint32_t len0, uint32_t count1, uint32_t src_stride1,
	     uint32_t dst_stride1, uint32_t count2, uint32_t src_stride2,
	     uint32_t dst_stride2, uint32_t pad0, uint32_t pad1);
/* plain 1-D copy */
void cmd_load1(uint32_t *w, uint32_t dep, uint32_t region, uint32_t spad,
	       uint32_t offset, uint32_t spad_addr, uint32_t len);
void cmd_store1(uint32_t *w, uint32_t dep, uint32_t region, uint32_t spad,
		uint32_t offset, uint32_t spad_addr, uint32_t len);
void cmd_simple(uint32_t *w, uint32_t op, uint32_t dep);

#ifdef __cplusplus
}
#endif

#endif /* CM_TEST_H */
