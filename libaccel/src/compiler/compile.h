/* SPDX-License-Identifier: MIT */
/*
 * Compiler from libaccel ops to dnpu command streams (docs/ISA.md).
 *
 * One op becomes one job: its command stream, a block of constants laid out
 * once at model load (weights in the array's [KH][KW][C][N] order, per-channel
 * requant records, ADD parameters), and a fixed region assignment that the
 * backend fills with the op's tensors. Tiling follows the scratchpad sizes
 * the device reports; every scratchpad is split in two halves so the load
 * queue fills one while the array works on the other.
 */
#ifndef ACCEL_COMPILE_H
#define ACCEL_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "../model.h"
#include "dnpu_hw.h"

/* What the compiler needs to know about the device. */
struct dnpu_caps {
	uint32_t rows, cols, lanes;
	uint32_t features;			/* DNPU_FEAT_* */
	uint32_t spad[DNPU_SPAD_COUNT];		/* bytes */
	uint32_t lowering;			/* DNPU_LOWER_*, normally 0 */
};

/*
 * Alternative lowerings for measurements (bench/, "NMC pays off"): never
 * chosen by placement, set only through ACCEL_SIM_LOWERING (backend_sim.c).
 * NMC_ON_ARRAY: depthwise as block-diagonal convs on the array, MEAN and
 * AVERAGE_POOL as convs with constant weights. NO_FUSED_ADD: residual adds
 * run as their own NMC job instead of in the conv's epilogue.
 */
#define DNPU_LOWER_NMC_ON_ARRAY		(1u << 0)
#define DNPU_LOWER_NO_FUSED_ADD		(1u << 1)

/* Capabilities of the default 16x16 configuration. */
void dnpu_caps_default(struct dnpu_caps *caps);

/* Regions of a compiled job; region i of the job is entry i here. */
enum dnpu_job_region {
	DNPU_RGN_CMD = 0,	/* the command stream (read) */
	DNPU_RGN_CONST,		/* weights and parameters (read) */
	DNPU_RGN_IN0,		/* first input tensor (read) */
	DNPU_RGN_OUT,		/* output tensor (write) */
	DNPU_RGN_IN1,		/* second input tensor (read), ADD only */
	DNPU_RGN_MAX
};

struct dnpu_program {
	uint32_t *cmds;		/* n_cmds * DNPU_CMD_WORDS words */
	uint32_t n_cmds, cap_cmds;
	uint8_t *consts;
	size_t const_bytes, const_cap;
	uint32_t n_regions;	/* DNPU_RGN_OUT + 1, or DNPU_RGN_MAX */
	const char *unit;	/* "array" or "nmc" */
	uint64_t macs;		/* useful multiply-accumulates */
	uint64_t ppu_elems;	/* elements the PPU requantizes */
	uint64_t compulsory_bytes; /* weights + inputs + outputs once */
	uint64_t weight_bytes;	/* the constants part of it (weights, bias) */
	uint64_t out_bytes;	/* the output part of it */
	uint32_t gemm_k, gemm_n; /* array convs: KH*KW*C and N */
	uint64_t dram_bytes;	/* what the stream moves */
	/* tokens in flight, for the emitter's program-order check */
	int tokens[4];
	int error;
};

/*
 * Compile @op of @m for a device with @caps. Returns 0, or -1 when the
 * device cannot run it (the reason, for the placement report, in @why).
 * Constant tensors must be readable; activation tensors need only shapes.
 */
int dnpu_compile_op(const struct dnpu_caps *caps, const struct accel_model *m,
		    const struct accel_op *op, struct dnpu_program *prog,
		    char *why, size_t len);

/*
 * Compile @conv with the residual @add that consumes its output fused into
 * the PPU epilogue: one job reads the add's other input (region IN1) and
 * writes the add's output (region OUT); the conv's own output tensor is
 * never written. Returns 0, or -1 with the reason in @why.
 */
int dnpu_compile_conv_add(const struct dnpu_caps *caps,
			  const struct accel_model *m,
			  const struct accel_op *conv, const struct accel_op *add,
			  struct dnpu_program *prog, char *why, size_t len);

void dnpu_program_free(struct dnpu_program *prog);

/*
 * Segments (compiler/segment.c): consecutive device ops in one job, with
 * the activations between them kept in a resident area at the top of the
 * IN scratchpad (DNPU_DMA_F_ONCHIP) instead of going through DRAM.
 *
 * A unit is what one job per op would run: an op, or a conv with the
 * residual add fused into it. tensor[] gives the model tensor behind each
 * of its regions (DNPU_RGN_IN0, _OUT, _IN1; -1 when absent); ops[] are the
 * model ops it computes (the conv and its add), so that a tensor whose
 * readers are all later units of the segment can stay on chip.
 */
struct dnpu_seg_unit {
	const struct accel_op *op;	/* the op, or the conv of conv + add */
	const struct accel_op *add;	/* fused residual add, or NULL */
	int tensor[DNPU_RGN_MAX];
};

struct dnpu_segment {
	struct dnpu_program prog;	/* the job: commands, all constants */
	int n_units;			/* the first n_units units it runs */
	/* regions 0 and 1 are commands and constants; region r >= 2 is tensor */
	uint32_t n_regions;
	int tensor[DNPU_MAX_REGIONS];
	int written[DNPU_MAX_REGIONS];	/* the job writes region r */
	uint32_t n_onchip;		/* activations kept on chip */
	uint64_t onchip_bytes;		/* their bytes (each way) */
};

/*
 * Plan and link a segment of @n units (in execution order) for a device
 * with @caps (DNPU_FEAT_DMA_ONCHIP) and @max_regions regions per job: every
 * unit is compiled again with the IN scratchpad below the resident
 * activations live during it, its DMA commands are retargeted (constants
 * into one region, activations on chip or to the job's tensor regions),
 * and the END of every unit but the last becomes a BARRIER. The segment
 * may cover only a prefix of the units (seg->n_units, when the rest would
 * need more regions). Returns 0, or -1 with the reason in @why (the caller
 * then runs the units one by one).
 */
int dnpu_plan_segment(const struct dnpu_caps *caps, uint32_t max_regions,
		      const struct accel_model *m,
		      const struct dnpu_seg_unit *units, int n,
		      struct dnpu_segment *seg, char *why, size_t len);

void dnpu_segment_free(struct dnpu_segment *seg);

#endif /* ACCEL_COMPILE_H */
