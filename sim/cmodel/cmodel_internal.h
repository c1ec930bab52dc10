/* SPDX-License-Identifier: MIT */
/* Internals shared by the C model's sources. */
#ifndef DNPU_CMODEL_INTERNAL_H
#define DNPU_CMODEL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "dnpu_cmodel.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the C model assumes a little-endian host"
#endif

/* Token FIFOs between the three queues (load -> compute -> store). */
enum { TQ_L2C, TQ_C2L, TQ_C2S, TQ_S2C, TQ_COUNT };
enum { Q_LOAD, Q_COMPUTE, Q_STORE, Q_COUNT };

struct cm_region {
	uint64_t addr;
	uint32_t size;
	uint32_t flags;
};

struct cm_tokq {
	uint32_t n, head;
	uint64_t t[DNPU_TOKEN_DEPTH];	/* cycle each token became visible */
};

struct dnpu_cmodel {
	struct dnpu_cmodel_config cfg;
	uint8_t *spad[DNPU_SPAD_COUNT];
	uint32_t *acc_tmp;		/* CONV row accumulators (>= CONV's N) */

	dnpu_host_read_fn rd;
	dnpu_host_write_fn wr;
	void *host_ctx;
	uint64_t flat_base;
	uint8_t *flat_mem;
	size_t flat_size;

	struct cm_region reg[DNPU_MAX_REGIONS];
	uint32_t nreg;
	uint64_t watchdog;
	bool inject_pending;

	/* state of the current run */
	struct dnpu_cmodel_result *res;
	uint32_t cmd_region;		/* for fault reports */
	uint32_t cur_cmd_offset;
	bool inject_armed;
	uint64_t cost_bus;		/* bus cycles of the last dma_check */
};

uint64_t cm_dma_width(const struct dnpu_cmodel *m);

static inline uint64_t cm_sadd(uint64_t a, uint64_t b)
{
	uint64_t r = a + b;
	return r < a ? UINT64_MAX : r;
}

static inline uint64_t cm_smul(uint64_t a, uint64_t b)
{
	if (a != 0 && b > UINT64_MAX / a)
		return UINT64_MAX;
	return a * b;
}

static inline uint64_t cm_ceil_div(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

/* Record a fault in the current result; returns @cause. */
uint32_t cm_fault(struct dnpu_cmodel *m, uint32_t cause, uint32_t region,
		  uint64_t offset);
/* ILLEGAL_CMD at the current command. */
uint32_t cm_illegal(struct dnpu_cmodel *m);
/* SPAD_RANGE unless bytes [0, end) fit in scratchpad @sp. */
uint32_t cm_spad_need(struct dnpu_cmodel *m, unsigned sp, uint64_t end);

/*
 * Compute-queue commands (cmodel_compute.c): validate, cost, execute.
 * cm_compute_check() with @cost NULL does only the decode-time checks
 * (opcode fields, reserved bits, zero counts); with @cost it also checks
 * operand ranges and parameter records, which happens after the command's
 * tokens were counted (docs/CMODEL.md, checking order).
 */
uint32_t cm_compute_check(struct dnpu_cmodel *m, const uint32_t *w,
			  uint64_t *cost);
uint32_t cm_compute_exec(struct dnpu_cmodel *m, const uint32_t *w);

#ifdef DNPU_CMODEL_MAC_ARRAY
/*
 * Compile-time hook of the soft-sequenced device (docs/SOFTSEQ.md): CONV's
 * multiply-accumulates go to a 2x2 MAC array outside the model (the
 * firmware points these at DNPU_ENG_MAC_*). A step {w1, w0, a1, a0} (int8,
 * a0 in bits 7:0) adds a_p * w_n to accumulator 2 * p + n, modulo 2^32.
 */
void cm_mac_clear(void);
void cm_mac_step(uint32_t w1w0a1a0);
uint32_t cm_mac_acc(unsigned i);
#endif

#endif /* DNPU_CMODEL_INTERNAL_H */
