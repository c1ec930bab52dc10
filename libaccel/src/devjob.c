/* SPDX-License-Identifier: MIT */
/* Placement cost, residual-add fusion, job regions and statistics shared by
 * the sim and drm backends. */
#include <stdio.h>
#include <string.h>

#include "devjob.h"
#include "dnpu_cmodel.h"
#include "ops/ops_internal.h"

/* Clock assumed when turning device cycles into time for placement. */
#define DEVJOB_CLOCK_HZ		500000000ull

int64_t devjob_cost_ns(const struct dnpu_caps *caps,
		       const struct dnpu_program *p)
{
	uint64_t pe = (uint64_t)caps->rows * caps->cols;
	uint64_t lanes = caps->lanes ? caps->lanes : 1;
	uint64_t compute = strcmp(p->unit, "array") ? p->macs / lanes
						    : p->macs / pe;
	struct dnpu_cmodel_config cfg;
	uint64_t bus = 0;

	/*
	 * The job's DRAM traffic as one stream through the C model's DMA
	 * timing on the default DRAM model (latency, bytes per cycle, bursts
	 * in flight): the same source as the compiler's and the cycle
	 * model's costs, so placement follows the modelled device.
	 */
	dnpu_cmodel_config_default(&cfg);
	cfg.cols = caps->cols;
	uint64_t dma = dnpu_cmodel_xfer_cycles(&cfg, 0, p->dram_bytes, false,
					       false, &bus);
	uint64_t cycles = compute > dma ? compute : dma;

	return (int64_t)(cycles * 1000000000ull / DEVJOB_CLOCK_HZ) +
	       DEVJOB_OVERHEAD_NS;
}

/* Consumers of tensor @t among the ops, and whether it is a graph output. */
static int consumers(const struct accel_model *m, int t)
{
	int n = 0;

	for (int i = 0; i < m->n_outputs; i++)
		n += m->outputs[i] == t;
	for (int i = 0; i < m->n_ops; i++) {
		const struct accel_op *op = &m->ops[i];

		if (op->removed)
			continue;
		for (int k = 0; k < op->n_inputs; k++)
			n += op->inputs[k] == t;
	}
	return n;
}

/* The next op that will run after @op, or NULL. */
static const struct accel_op *next_op(const struct accel_model *m,
				      const struct accel_op *op)
{
	for (const struct accel_op *o = op + 1; o < m->ops + m->n_ops; o++)
		if (!o->removed)
			return o;
	return NULL;
}

static const struct accel_op *prev_op(const struct accel_model *m,
				      const struct accel_op *op)
{
	for (const struct accel_op *o = op - 1; o >= m->ops; o--)
		if (!o->removed)
			return o;
	return NULL;
}

const struct accel_op *devjob_fusable_add(const struct accel_model *m,
					  const struct accel_op *conv)
{
	const struct accel_op *add = next_op(m, conv);

	if (conv->opcode != ACCEL_OP_CONV_2D || !add ||
	    add->opcode != ACCEL_OP_ADD || add->n_inputs != 2 ||
	    conv->n_outputs != 1)
		return NULL;
	int t = conv->outputs[0];
	if ((add->inputs[0] != t && add->inputs[1] != t) || consumers(m, t) != 1)
		return NULL;
	return add;
}

bool devjob_add_fuses_into_prev(const struct dnpu_caps *caps,
				const struct accel_model *m,
				const struct accel_op *add)
{
	const struct accel_op *conv = prev_op(m, add);
	struct dnpu_program p;
	char why[64];

	if (!conv || devjob_fusable_add(m, conv) != add ||
	    dnpu_compile_conv_add(caps, m, conv, add, &p, why, sizeof(why)))
		return false;
	dnpu_program_free(&p);
	return true;
}

static bool overlaps(const struct accel_tensor *a, const struct accel_tensor *b)
{
	const uint8_t *pa = a->data, *pb = b->data;

	return pa < pb + b->bytes && pb < pa + a->bytes;
}

bool devjob_fused_regions(struct accel_model *m, const struct accel_op *add,
			  struct accel_tensor *t[DNPU_RGN_MAX])
{
	struct accel_tensor *a = op_in(m, add, 0);
	struct accel_tensor *out = op_out(m, add, 0);
	struct accel_tensor *res = a == t[DNPU_RGN_OUT] ? op_in(m, add, 1) : a;

	if (!out || !res || !out->data || !t[DNPU_RGN_IN0] ||
	    overlaps(out, t[DNPU_RGN_IN0]) || overlaps(out, res))
		return false;
	t[DNPU_RGN_OUT] = out;
	t[DNPU_RGN_IN1] = res;
	return true;
}

void devjob_fault_str(const struct dnpu_job_completion *c, char *buf,
		      size_t len)
{
	snprintf(buf, len, "device fault %s at command %u (region %u offset %u)",
		 dnpu_fault_name(c->status), c->fault_cmd, c->fault_region,
		 c->fault_offset);
}

void devjob_op_regions(struct accel_model *m, const struct accel_op *op,
		       const struct dnpu_program *p,
		       struct accel_tensor *t[DNPU_RGN_MAX])
{
	for (unsigned r = 0; r < DNPU_RGN_MAX; r++)
		t[r] = NULL;
	t[DNPU_RGN_IN0] = op_in(m, op, 0);
	t[DNPU_RGN_OUT] = op_out(m, op, 0);
	if (p->n_regions > DNPU_RGN_IN1)
		t[DNPU_RGN_IN1] = op_in(m, op, 1);
}

void devjob_op_stats(const struct dnpu_caps *caps,
		     const struct dnpu_program *p,
		     const struct dnpu_job_completion *last,
		     struct accel_device_stats *st)
{
	st->array_rows = caps->rows;
	st->array_cols = caps->cols;
	if (!p) {
		st->unit = "fused";	/* an add done by the conv before it */
		return;
	}
	st->cycles = last->cycles;
	st->macs = p->macs;
	st->dram_read_bytes = last->dram_rd_bytes;
	st->dram_write_bytes = last->dram_wr_bytes;
	st->compulsory_bytes = p->compulsory_bytes;
	st->unit = p->unit;
	st->ppu_elems = p->ppu_elems;
	st->weight_bytes = p->weight_bytes;
	st->output_bytes = p->out_bytes;
	st->gemm_k = p->gemm_k;
	st->gemm_n = p->gemm_n;
	st->spad_in_bytes = caps->spad[DNPU_SPAD_IN];
}
