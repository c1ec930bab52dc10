/* SPDX-License-Identifier: MIT */
/*
 * The "sim" backend: ops compiled to dnpu command streams (compiler/) and
 * executed by the simulated device. Each op is one job whose regions are
 * the command stream, the op's constants and its tensors, mapped in place
 * (zero copy) at synthetic bus addresses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "compiler/compile.h"
#include "dnpu_cmodel.h"
#include "ops/ops_internal.h"

/* Clock assumed when turning simulated cycles into time for placement. */
#define SIM_CLOCK_HZ		500000000ull
/* Fixed cost of a job (ring, doorbell, interrupt) in ns. */
#define SIM_JOB_OVERHEAD_NS	5000
#define BUS_REGION_SHIFT	36

struct sim_dev {
	struct dnpu_cmodel *cm;
	struct dnpu_caps caps;
	/* host memory of the running job, one window per region */
	struct {
		uint8_t *ptr;
		uint64_t size;
	} win[DNPU_RGN_MAX];
};

struct sim_op {
	struct dnpu_program prog;
	struct dnpu_cmodel_stats last;
};

static struct sim_dev *bus_dev(void *ctx, uint64_t addr, uint64_t len,
			       uint8_t **p)
{
	struct sim_dev *d = ctx;
	uint64_t idx = (addr >> BUS_REGION_SHIFT) - 1;
	uint64_t off = addr & ((1ull << BUS_REGION_SHIFT) - 1);

	if (idx >= DNPU_RGN_MAX || !d->win[idx].ptr || off > d->win[idx].size ||
	    len > d->win[idx].size - off)
		return NULL;
	*p = d->win[idx].ptr + off;
	return d;
}

static int bus_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	uint8_t *p;

	if (!bus_dev(ctx, addr, len, &p))
		return -1;
	memcpy(buf, p, len);
	return 0;
}

static int bus_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	uint8_t *p;

	if (!bus_dev(ctx, addr, len, &p))
		return -1;
	memcpy(p, buf, len);
	return 0;
}

static int sim_probe(char *why, size_t len)
{
	(void)why;
	(void)len;
	return 0;	/* the functional model is always built in */
}

static int sim_open(void **priv, char *err, size_t len)
{
	struct sim_dev *d = calloc(1, sizeof(*d));
	struct dnpu_cmodel_config cfg;

	if (!d) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	dnpu_cmodel_config_default(&cfg);
	d->cm = dnpu_cmodel_create(&cfg);
	if (!d->cm) {
		free(d);
		snprintf(err, len, "cannot create the device model");
		return -1;
	}
	dnpu_caps_default(&d->caps);
	d->caps.rows = cfg.rows;
	d->caps.cols = cfg.cols;
	d->caps.lanes = cfg.nmc_lanes;
	memcpy(d->caps.spad, cfg.spad_bytes, sizeof(d->caps.spad));
	dnpu_cmodel_set_host(d->cm, bus_read, bus_write, d);
	*priv = d;
	return 0;
}

static void sim_close(void *priv)
{
	struct sim_dev *d = priv;

	if (!d)
		return;
	dnpu_cmodel_destroy(d->cm);
	free(d);
}

/* Device time: the array or the DMA, whichever bounds the job. */
static int64_t program_cost_ns(const struct sim_dev *d,
			       const struct dnpu_program *p)
{
	uint64_t pe = (uint64_t)d->caps.rows * d->caps.cols;
	uint64_t lanes = d->caps.lanes ? d->caps.lanes : 1;
	uint64_t compute = strcmp(p->unit, "array") ? p->macs / lanes
						    : p->macs / pe;
	uint64_t dma = p->dram_bytes / DNPU_DMA_BUS_BYTES;
	uint64_t cycles = compute > dma ? compute : dma;

	return (int64_t)(cycles * 1000000000ull / SIM_CLOCK_HZ) +
	       SIM_JOB_OVERHEAD_NS;
}

static int64_t sim_op_cost(void *priv, const struct accel_model *m,
			   const struct accel_op *op, char *why, size_t len)
{
	struct sim_dev *d = priv;
	struct dnpu_program p;

	if (dnpu_compile_op(&d->caps, m, op, &p, why, len))
		return -1;
	int64_t ns = program_cost_ns(d, &p);
	dnpu_program_free(&p);
	return ns;
}

static int sim_prepare(void *priv, struct accel_model *m, struct accel_op *op,
		       char *err, size_t len)
{
	struct sim_dev *d = priv;
	struct sim_op *so = calloc(1, sizeof(*so));

	if (!so) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	if (dnpu_compile_op(&d->caps, m, op, &so->prog, err, len)) {
		free(so);
		return -1;
	}
	op->user_data = so;
	return 0;
}

static int sim_run(void *priv, struct accel_model *m, struct accel_op *op,
		   char *err, size_t len)
{
	struct sim_dev *d = priv;
	struct sim_op *so = op->user_data;
	struct dnpu_program *p = &so->prog;
	struct accel_tensor *t[DNPU_RGN_MAX] = {
		[DNPU_RGN_IN0] = op_in(m, op, 0),
		[DNPU_RGN_OUT] = op_out(m, op, 0),
		[DNPU_RGN_IN1] = p->n_regions > DNPU_RGN_IN1 ? op_in(m, op, 1) : NULL,
	};
	struct dnpu_region rt[DNPU_RGN_MAX];
	struct dnpu_cmodel_result res;

	memset(rt, 0, sizeof(rt));
	memset(d->win, 0, sizeof(d->win));
	d->win[DNPU_RGN_CMD].ptr = (uint8_t *)p->cmds;
	d->win[DNPU_RGN_CMD].size = (uint64_t)p->n_cmds * DNPU_CMD_BYTES;
	d->win[DNPU_RGN_CONST].ptr = p->consts;
	d->win[DNPU_RGN_CONST].size = p->const_bytes;
	for (uint32_t r = DNPU_RGN_IN0; r < p->n_regions; r++) {
		if (!t[r] || !t[r]->data) {
			snprintf(err, len, "tensor of region %u has no storage", r);
			return -1;
		}
		d->win[r].ptr = t[r]->data;
		d->win[r].size = t[r]->bytes;
	}
	for (uint32_t r = 0; r < p->n_regions; r++) {
		rt[r].addr = (uint64_t)(r + 1) << BUS_REGION_SHIFT;
		rt[r].size = (uint32_t)d->win[r].size;
		rt[r].flags = DNPU_REGION_VALID |
			      (r == DNPU_RGN_OUT ? DNPU_REGION_WRITE : DNPU_REGION_READ);
	}
	if (dnpu_cmodel_load_regions(d->cm, rt, p->n_regions) != DNPU_FAULT_NONE) {
		snprintf(err, len, "device rejected the region table");
		return -1;
	}
	if (dnpu_cmodel_run(d->cm, DNPU_RGN_CMD, 0, p->n_cmds, &res) != DNPU_JOB_OK) {
		snprintf(err, len,
			 "device fault %s at command %u (region %u offset %u)",
			 dnpu_fault_name(res.status), res.fault_cmd,
			 res.fault_region, res.fault_offset);
		return -1;
	}
	so->last = res.stats;
	return 0;
}

static void sim_release(void *priv, struct accel_op *op)
{
	struct sim_op *so = op->user_data;

	(void)priv;
	if (!so)
		return;
	dnpu_program_free(&so->prog);
	free(so);
	op->user_data = NULL;
}

static size_t sim_scratch_bytes(void *priv, const struct accel_model *m,
				const struct accel_op *op)
{
	const struct sim_op *so = op->user_data;

	(void)priv;
	(void)m;
	return so ? so->prog.const_bytes +
		    (size_t)so->prog.n_cmds * DNPU_CMD_BYTES : 0;
}

const struct accel_backend_ops accel_backend_sim = {
	.name = "sim",
	.kind = ACCEL_BACKEND_SIM,
	.probe = sim_probe,
	.open = sim_open,
	.close = sim_close,
	.op_cost = sim_op_cost,
	.prepare = sim_prepare,
	.run = sim_run,
	.release = sim_release,
	.scratch_bytes = sim_scratch_bytes,
};
