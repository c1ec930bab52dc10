/* SPDX-License-Identifier: MIT */
/*
 * The whole dnpu device in Verilator (rtl/dnpu_top.v: RV32 control core
 * running the firmware + tensor engine) behind a plain C API, with a DRAM
 * timing model between the engine's bus master and host memory.
 *
 * Built as libdnpu_rtl.so; libaccel's sim backend loads it with dlopen()
 * (DNPU_SIM_DEVICE=rtl) so libaccel itself stays plain C. Single-threaded
 * Verilator, -O3. Not thread-safe; one instance per simulated device.
 */
#ifndef DNPU_RTL_H
#define DNPU_RTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DNPU_RTL_API_VERSION	1

/* Host memory: @len bytes at bus address @addr; non-zero = bus error. */
typedef int (*dnpu_rtl_read_fn)(void *ctx, uint64_t addr, void *buf,
				size_t len);
typedef int (*dnpu_rtl_write_fn)(void *ctx, uint64_t addr, const void *buf,
				 size_t len);

struct dnpu_rtl_config {
	/*
	 * DRAM model, defaults resembling an LPDDR4 AIoT board at a 500 MHz
	 * device clock: 100 cycles to the first beat, 8 bytes per cycle
	 * (4 GB/s). 0 = default.
	 */
	uint32_t dram_latency;
	uint32_t dram_bytes_per_cycle;
	const char *trace_path;		/* FST waveform, or NULL */
};

struct dnpu_rtl_counters {
	uint64_t cycles;		/* device clock cycles since create */
	uint64_t dram_rd_bytes, dram_wr_bytes;
	uint64_t dram_busy_cycles;	/* cycles the bus had a transaction */
};

struct dnpu_rtl;

struct dnpu_rtl *dnpu_rtl_create(const struct dnpu_rtl_config *cfg,
				 dnpu_rtl_read_fn rd, dnpu_rtl_write_fn wr,
				 void *ctx);
void dnpu_rtl_destroy(struct dnpu_rtl *d);

/* 32-bit register access (uapi/dnpu_hw.h offsets); -1 if the device hung. */
int dnpu_rtl_mmio_read(struct dnpu_rtl *d, uint32_t offset, uint32_t *value);
int dnpu_rtl_mmio_write(struct dnpu_rtl *d, uint32_t offset, uint32_t value);

/* The interrupt line (IRQ_STATUS & IRQ_MASK != 0). */
bool dnpu_rtl_irq(const struct dnpu_rtl *d);

/*
 * Clock the device until the interrupt line is high or @max_cycles passed.
 * Returns the cycles run. Cycles in which only free-running counters
 * change (core in WFI, everything else waiting for DRAM) are skipped
 * exactly rather than clocked; DNPU_RTL_IDLE_SKIP=0 clocks every one.
 */
uint64_t dnpu_rtl_run(struct dnpu_rtl *d, uint64_t max_cycles);

void dnpu_rtl_get_counters(const struct dnpu_rtl *d, struct dnpu_rtl_counters *c);

/* DNPU_RTL_API_VERSION of the loaded library. */
int dnpu_rtl_api_version(void);

#ifdef __cplusplus
}
#endif

#endif /* DNPU_RTL_H */
