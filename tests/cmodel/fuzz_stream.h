/* SPDX-License-Identifier: MIT */
/*
 * The job of the libFuzzer command-stream target (fuzz_cmodel): how an input
 * becomes host memory, a region table and a command count. Shared with the
 * RTL batch replay (tests/rtl/tb_replay.cpp), which runs the same inputs on
 * the RTL engine and the C model.
 *
 * Input: byte 0 bit 0 selects the default (1) or small (0) configuration,
 * then whole 64-byte commands (at most FZ_CMDS_SIZE bytes of them).
 */
#ifndef FUZZ_STREAM_H
#define FUZZ_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "dnpu_hw.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FZ_MEM		(256u * 1024u)	/* host memory image */
#define FZ_CMDS		0x00000u	/* region 0: commands, 16 KiB, R */
#define FZ_CMDS_SIZE	0x4000u
#define FZ_A		0x10000u	/* region 1: 64 KiB, RW */
#define FZ_B		0x20000u	/* region 2: 16 KiB, R */
#define FZ_LIST		0x30000u	/* region 3: PAGED, 2 pages, RW */
#define FZ_PG0		0x32000u
#define FZ_PG1		0x34000u
#define FZ_NREG		4u

/* Host memory the job may touch: offset, length, writable. */
struct fz_window {
	uint32_t off, len;
	int writable;
};
#define FZ_NWINDOWS	6u
extern const struct fz_window fz_windows[FZ_NWINDOWS];

/*
 * Build the job of input @data/@size with memory at bus address @base:
 * fills @mem (FZ_MEM bytes) and @reg[FZ_NREG]. Returns the command count,
 * 0 if the input is not a job (too short or too long); *@default_cfg gets
 * byte 0's configuration choice.
 */
uint32_t fz_stream_job(const uint8_t *data, size_t size, uint64_t base,
		       uint8_t *mem, struct dnpu_region *reg, int *default_cfg);

#ifdef __cplusplus
}
#endif

#endif /* FUZZ_STREAM_H */
