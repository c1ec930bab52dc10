/* SPDX-License-Identifier: MIT */
/*
 * dnpu C functional model: executes a command stream (uapi/dnpu_hw.h ISA)
 * bit-exactly against host memory reached through callbacks, with the
 * region table, scratchpads, dependency tokens, faults, event counters and a
 * simple deterministic cycle estimate. docs/CMODEL.md describes the model.
 *
 * Not thread-safe; one instance per simulated device.
 */
#ifndef DNPU_CMODEL_H
#define DNPU_CMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnpu_hw.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dnpu_cmodel_config {
	uint32_t rows;			/* systolic array rows (reduction) */
	uint32_t cols;			/* systolic array columns (outputs) */
	uint32_t nmc_lanes;		/* NMC / PPU element lanes */
	uint32_t spad_bytes[DNPU_SPAD_COUNT];
	uint32_t dram_latency;		/* cycles to a burst's first beat / write response */
	uint32_t dram_bytes_per_cycle;	/* DRAM data rate (cycle model); 0 = 16 */
	/*
	 * Measurement only (not a device): DRAM and bus cost no cycles, a
	 * transfer only its beats through the DMA's scratchpad side, so the
	 * compute side's cycles show without the DRAM bound.
	 */
	uint32_t dram_free;
	uint64_t watchdog_cycles;	/* per-run limit, 0 = none */
	/*
	 * Optional features the model implements (DNPU_FEAT_DMA_ONCHIP, which
	 * the presets and the RTL have); without one, a command using it
	 * faults DNPU_FAULT_ILLEGAL_CMD as on a device that lacks it.
	 */
	uint32_t features;
};

/* Presets from the DNPU_DEFAULT_* and DNPU_SMALL_* macros. */
void dnpu_cmodel_config_default(struct dnpu_cmodel_config *cfg);
void dnpu_cmodel_config_small(struct dnpu_cmodel_config *cfg);

/*
 * The cycle model's DMA transfer (docs/CMODEL.md): @len bytes at bus
 * address @addr (the offset in the page list when @paged), a read from or
 * (@write) a write to DRAM, on a device with @cfg's DMA width and DRAM
 * model. Returns its cycles and adds to *bus the cycles it occupies the
 * DRAM's data path. Other cost models (libaccel's compiler and placement)
 * use it so that all follow the same DRAM timing.
 */
uint64_t dnpu_cmodel_xfer_cycles(const struct dnpu_cmodel_config *cfg,
				 uint64_t addr, uint64_t len, bool write,
				 bool paged, uint64_t *bus);

/*
 * Host bus: read/write @len bytes at bus address @addr. Return 0, or
 * non-zero for a bus error (the job then faults DNPU_FAULT_BUS_ERROR).
 */
typedef int (*dnpu_host_read_fn)(void *ctx, uint64_t addr, void *buf,
				 size_t len);
typedef int (*dnpu_host_write_fn)(void *ctx, uint64_t addr, const void *buf,
				  size_t len);

struct dnpu_cmodel;

/* NULL on a bad config (zero sizes, > 255 rows/cols/lanes) or no memory. */
struct dnpu_cmodel *dnpu_cmodel_create(const struct dnpu_cmodel_config *cfg);
void dnpu_cmodel_destroy(struct dnpu_cmodel *m);
/*
 * Without an allocator (the freestanding build, DNPU_CMODEL_FREESTANDING,
 * has only these): the model in @bytes of caller memory at @mem (8 B
 * aligned, zeroed here, never freed). dnpu_cmodel_mem_size() is what @cfg
 * needs, 0 for a bad config; create_in returns NULL on a bad config or too
 * little memory.
 */
size_t dnpu_cmodel_mem_size(const struct dnpu_cmodel_config *cfg);
struct dnpu_cmodel *dnpu_cmodel_create_in(const struct dnpu_cmodel_config *cfg,
					  void *mem, size_t bytes);
const struct dnpu_cmodel_config *dnpu_cmodel_config(const struct dnpu_cmodel *m);

void dnpu_cmodel_set_host(struct dnpu_cmodel *m, dnpu_host_read_fn rd,
			  dnpu_host_write_fn wr, void *ctx);
/*
 * Convenience: host memory is the flat buffer @mem of @size bytes at bus
 * address @base (not copied, must outlive its use); any access outside it
 * is a bus error.
 */
void dnpu_cmodel_set_host_flat(struct dnpu_cmodel *m, uint64_t base,
			       void *mem, size_t size);

/* Host accesses through the installed bus (used by the device wrapper). */
int dnpu_cmodel_host_read(struct dnpu_cmodel *m, uint64_t addr, void *buf,
			  size_t len);
int dnpu_cmodel_host_write(struct dnpu_cmodel *m, uint64_t addr,
			   const void *buf, size_t len);

/*
 * Load the region table as the firmware does. Returns DNPU_FAULT_NONE, or
 * DNPU_FAULT_BAD_DESC (count not 1..DNPU_MAX_REGIONS, non-zero reserved
 * words or unknown flag bits, PAGED list address not 8 B aligned); the
 * table is then empty and every access faults REGION_INVALID.
 */
uint32_t dnpu_cmodel_load_regions(struct dnpu_cmodel *m,
				  const struct dnpu_region *tab,
				  uint32_t count);

/* Per-run event counters. */
struct dnpu_cmodel_stats {
	uint64_t cycles;		/* estimated job cycles (cycle model) */
	uint64_t array_cycles;		/* cycles the array was busy */
	uint64_t load_busy, compute_busy, store_busy; /* queue busy cycles */
	uint64_t macs;			/* int8 MACs of CONV */
	uint64_t nmc_ops;		/* NMC element operations */
	uint64_t ppu_ops;		/* PPU output elements */
	uint64_t dram_rd_bytes;		/* all host reads (data+cmd+page list) */
	uint64_t dram_wr_bytes;
	uint64_t cmd_fetch_bytes;	/* part of dram_rd_bytes */
	uint64_t page_walk_bytes;	/* part of dram_rd_bytes */
	uint64_t spad_rd_bytes[DNPU_SPAD_COUNT];
	uint64_t spad_wr_bytes[DNPU_SPAD_COUNT];
	uint64_t cmds[256];		/* executed commands per opcode */
};

struct dnpu_cmodel_result {
	uint32_t status;		/* DNPU_JOB_OK or DNPU_FAULT_* */
	uint32_t fault_region;		/* see docs/CMODEL.md "Faults" */
	uint32_t fault_offset;
	uint32_t fault_cmd;
	uint32_t cmds_done;		/* commands completed before END/fault */
	struct dnpu_cmodel_stats stats;
};

/*
 * Execute @cmd_count commands at (@cmd_region, @cmd_offset) with the loaded
 * region table. Always terminates (watchdog aside, every command's work is
 * bounded by its fields). Returns res->status.
 */
uint32_t dnpu_cmodel_run(struct dnpu_cmodel *m, uint32_t cmd_region,
			 uint32_t cmd_offset, uint32_t cmd_count,
			 struct dnpu_cmodel_result *res);

/* Per-run watchdog in cycles of the cycle model (0 = none). */
void dnpu_cmodel_set_watchdog(struct dnpu_cmodel *m, uint64_t cycles);

/* Make the next run fault DNPU_FAULT_INJECTED at its first DMA command. */
void dnpu_cmodel_inject_dma_fault(struct dnpu_cmodel *m);

/*
 * Direct scratchpad access for tests and co-simulation checks. Contents
 * persist across runs (as on the device) until dnpu_cmodel_reset().
 */
uint8_t *dnpu_cmodel_spad(struct dnpu_cmodel *m, unsigned spad, uint32_t *bytes);

/* Zero scratchpads, clear the region table and pending injections. */
void dnpu_cmodel_reset(struct dnpu_cmodel *m);

const char *dnpu_fault_name(uint32_t cause);

#ifdef __cplusplus
}
#endif

#endif /* DNPU_CMODEL_H */
