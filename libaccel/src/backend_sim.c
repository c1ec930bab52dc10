/* SPDX-License-Identifier: MIT */
/*
 * The "sim" backend: ops compiled to dnpu command streams (compiler/) and
 * executed by the simulated device. Each op is one job whose regions are
 * the command stream, the op's constants and its tensors, mapped in place
 * (zero copy) at synthetic bus addresses. Jobs go through the device's job
 * ring exactly as the kernel driver submits them: boot handshake, region
 * table and descriptor in driver-owned memory, tail + doorbell, completion
 * record and DONE_SEQNO.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "compiler/compile.h"
#include "devjob.h"
#include "dnpu_cmodel.h"
#include "simdev.h"
#include "ops/ops_internal.h"

#define SIM_RING_ENTRIES	16u
/* Bus map: window i at (i + 1) << 36; window 0 is the driver's memory. */
#define BUS_WINDOW_SHIFT	36
#define SYS_WINDOW		0
#define JOB_WINDOW(r)		(1 + (r))
#define N_WINDOWS		(1 + DNPU_MAX_REGIONS)

/* Memory the "driver" owns: ring, one region table, one completion. */
struct sim_sysmem {
	struct dnpu_job_desc ring[SIM_RING_ENTRIES];
	struct dnpu_region regions[DNPU_MAX_REGIONS];
	struct dnpu_job_completion done;
};

struct sim_dev {
	struct simdev *dev;
	struct dnpu_caps caps;
	uint32_t max_regions;		/* per job (DNPU_CAPS_MAX_REGIONS) */
	bool segments;			/* plan multi-op jobs (docs/COMPILER.md) */
	struct sim_sysmem *sys;
	uint32_t tail, seqno;
	struct {
		uint8_t *ptr;
		uint64_t size;
	} win[N_WINDOWS];
};

#define SIM_OP_MAGIC		0x44504f53u /* tags our per-op state */

struct sim_op {
	uint32_t magic;
	struct dnpu_program prog;
	/* conv + the residual add after it in one job (when possible) */
	struct dnpu_program fused;
	const struct accel_op *fused_add;
	bool done_by_producer;	/* add: the conv before already computed it */
	bool ran_fused;		/* last run used the fused program / was fused */
	struct dnpu_job_completion last;
	uint64_t perf[DNPU_PERF_COUNT];	/* perf counter deltas of the last run */
	/*
	 * The segment starting at this op (planned at its first run; ops
	 * fall back to one job each when seg.n_units == 0), the ops it
	 * computes after this one, and whether this op ran inside another
	 * op's segment job.
	 */
	bool seg_planned;
	struct dnpu_segment seg;
	struct seg_member {
		const struct accel_op *op;
		bool fused;	/* a conv with its add, or that add */
	} *seg_ops;
	int seg_n_ops;
	bool seg_fused;		/* this op's own unit has its add fused */
	bool done_in_segment;
};

static uint64_t bus_addr(unsigned window, uint64_t off)
{
	return ((uint64_t)(window + 1) << BUS_WINDOW_SHIFT) + off;
}

static uint8_t *bus_ptr(struct sim_dev *d, uint64_t addr, uint64_t len)
{
	uint64_t w = (addr >> BUS_WINDOW_SHIFT) - 1;
	uint64_t off = addr & ((1ull << BUS_WINDOW_SHIFT) - 1);

	if (w >= N_WINDOWS || !d->win[w].ptr || off > d->win[w].size ||
	    len > d->win[w].size - off)
		return NULL;
	return d->win[w].ptr + off;
}

static int bus_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct sim_dev *d = ctx;
	uint64_t w = (addr >> BUS_WINDOW_SHIFT) - 1;
	uint64_t off = addr & ((1ull << BUS_WINDOW_SHIFT) - 1);
	uint8_t *p = bus_ptr(ctx, addr, len);

	if (p) {
		memcpy(buf, p, len);
		return 0;
	}
	/*
	 * The bus reads whole 16-byte beats; memory behind a buffer's last
	 * partial beat exists on real hardware (pages), so read it as zeros.
	 */
	if (w >= N_WINDOWS || !d->win[w].ptr || off >= d->win[w].size ||
	    off + len > ((d->win[w].size + 15) & ~15ull))
		return -1;
	memset(buf, 0, len);
	memcpy(buf, d->win[w].ptr + off, d->win[w].size - off);
	return 0;
}

static int bus_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct sim_dev *d = ctx;
	uint64_t w = (addr >> BUS_WINDOW_SHIFT) - 1;
	uint64_t off = addr & ((1ull << BUS_WINDOW_SHIFT) - 1);
	uint8_t *p = bus_ptr(ctx, addr, len);

	if (p) {
		memcpy(p, buf, len);
		return 0;
	}
	/*
	 * Likewise a write into a buffer's last partial beat: the mailbox of a
	 * soft-sequenced device writes whole words (a read-modify-write for
	 * the bytes it changes); what lands behind the buffer is dropped.
	 */
	if (w >= N_WINDOWS || !d->win[w].ptr || off >= d->win[w].size ||
	    off + len > ((d->win[w].size + 15) & ~15ull))
		return -1;
	memcpy(d->win[w].ptr + off, buf, d->win[w].size - off);
	return 0;
}

static uint32_t reg_read(struct sim_dev *d, uint32_t off)
{
	return simdev_read(d->dev, off);
}

static void reg_write(struct sim_dev *d, uint32_t off, uint32_t v)
{
	simdev_write(d->dev, off, v);
}

/* The device's 64-bit perf counters (LO read latches HI). */
static void perf_read(struct sim_dev *d, uint64_t v[DNPU_PERF_COUNT])
{
	for (uint32_t n = 0; n < DNPU_PERF_COUNT; n++) {
		uint64_t lo = reg_read(d, DNPU_REG_PERF_LO(n));

		v[n] = lo | (uint64_t)reg_read(d, DNPU_REG_PERF_HI(n)) << 32;
	}
}

static int sim_probe(char *why, size_t len)
{
	(void)why;
	(void)len;
	return 0;	/* the device model is always built in */
}

/* Read what the compiler needs from the device's registers. */
static int read_caps(struct sim_dev *d, char *err, size_t len)
{
	uint32_t caps = reg_read(d, DNPU_REG_CAPS);

	if (reg_read(d, DNPU_REG_ID) != DNPU_ID_MAGIC) {
		snprintf(err, len, "simulated device does not identify as dnpu");
		return -1;
	}
	memset(&d->caps, 0, sizeof(d->caps));
	d->caps.rows = DNPU_CAPS_ARRAY_ROWS(caps);
	d->caps.cols = DNPU_CAPS_ARRAY_COLS(caps);
	d->caps.lanes = DNPU_CAPS_NMC_LANES(caps);
	d->caps.features = reg_read(d, DNPU_REG_FEATURES);
	d->caps.spad[DNPU_SPAD_IN] = reg_read(d, DNPU_REG_SPAD_IN_BYTES);
	d->caps.spad[DNPU_SPAD_WGT] = reg_read(d, DNPU_REG_SPAD_WGT_BYTES);
	d->caps.spad[DNPU_SPAD_ACC] = reg_read(d, DNPU_REG_SPAD_ACC_BYTES);
	d->caps.spad[DNPU_SPAD_OUT] = reg_read(d, DNPU_REG_SPAD_OUT_BYTES);
	d->caps.spad[DNPU_SPAD_PARAM] = reg_read(d, DNPU_REG_SPAD_PARAM_BYTES);
	/* measurement-only lowerings (bench/): docs/COMPILER.md */
	const char *low = getenv("ACCEL_SIM_LOWERING");
	if (low && strstr(low, "nmc-on-array"))
		d->caps.lowering |= DNPU_LOWER_NMC_ON_ARRAY;
	if (low && strstr(low, "no-fused-add"))
		d->caps.lowering |= DNPU_LOWER_NO_FUSED_ADD;
	/* per-op measurements run op by op; so does "no-segments" */
	d->segments = (d->caps.features & DNPU_FEAT_DMA_ONCHIP) &&
		      !d->caps.lowering && !(low && strstr(low, "no-segments"));
	d->max_regions = DNPU_CAPS_MAX_REGIONS(caps);
	if (!d->caps.rows || !d->caps.cols) {
		snprintf(err, len, "simulated device reports an empty array");
		return -1;
	}
	return 0;
}

/* Boot handshake and ring setup, as the kernel driver does it. */
static int boot(struct sim_dev *d, char *err, size_t len)
{
	uint64_t ring = bus_addr(SYS_WINDOW, offsetof(struct sim_sysmem, ring));

	reg_write(d, DNPU_REG_CONTROL, DNPU_CONTROL_RESET);
	if (simdev_load_firmware(d->dev, err, len))
		return -1;
	reg_write(d, DNPU_REG_RING_BASE_LO, (uint32_t)ring);
	reg_write(d, DNPU_REG_RING_BASE_HI, (uint32_t)(ring >> 32));
	reg_write(d, DNPU_REG_RING_SIZE, SIM_RING_ENTRIES);
	reg_write(d, DNPU_REG_IRQ_MASK, DNPU_IRQ_ALL);
	reg_write(d, DNPU_REG_CONTROL, DNPU_CONTROL_CORE_RUN);
	simdev_wait_irq(d->dev);
	if (!(reg_read(d, DNPU_REG_STATUS) & DNPU_STATUS_FW_READY)) {
		snprintf(err, len, "simulated %s device: firmware did not boot (error %u)",
			 simdev_name(d->dev), reg_read(d, DNPU_REG_FW_ERROR));
		return -1;
	}
	reg_write(d, DNPU_REG_IRQ_STATUS, DNPU_IRQ_FW_READY);
	return 0;
}

static int sim_open(void **priv, char *err, size_t len)
{
	struct sim_dev *d = calloc(1, sizeof(*d));

	if (!d)
		goto nomem;
	d->sys = aligned_alloc(64, sizeof(*d->sys));
	if (!d->sys)
		goto nomem;
	memset(d->sys, 0, sizeof(*d->sys));
	d->win[SYS_WINDOW].ptr = (uint8_t *)d->sys;
	d->win[SYS_WINDOW].size = sizeof(*d->sys);
	d->dev = simdev_create(bus_read, bus_write, d, err, len);
	if (!d->dev)
		goto fail;
	if (read_caps(d, err, len) || boot(d, err, len))
		goto fail;
	*priv = d;
	return 0;
nomem:
	snprintf(err, len, "out of memory");
fail:
	if (d) {
		if (d->dev)
			simdev_destroy(d->dev);
		free(d->sys);
		free(d);
	}
	return -1;
}

static void sim_close(void *priv)
{
	struct sim_dev *d = priv;

	if (!d)
		return;
	simdev_destroy(d->dev);
	free(d->sys);
	free(d);
}

static int64_t sim_op_cost(void *priv, const struct accel_model *m,
			   const struct accel_op *op, char *why, size_t len)
{
	struct sim_dev *d = priv;
	struct dnpu_program p;

	if (dnpu_compile_op(&d->caps, m, op, &p, why, len))
		return -1;
	int64_t ns = devjob_cost_ns(&d->caps, &p);
	dnpu_program_free(&p);
	/* free when the conv before it takes it into its epilogue */
	if (op->opcode == ACCEL_OP_ADD && devjob_add_fuses_into_prev(&d->caps, m, op))
		return 0;
	return ns;
}

static int sim_prepare(void *priv, struct accel_model *m, struct accel_op *op,
		       char *err, size_t len)
{
	struct sim_dev *d = priv;
	struct sim_op *so = calloc(1, sizeof(*so));
	const struct accel_op *add;
	char why[128];

	if (!so) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	if (dnpu_compile_op(&d->caps, m, op, &so->prog, err, len)) {
		free(so);
		return -1;
	}
	add = devjob_fusable_add(m, op);
	if (add && dnpu_compile_conv_add(&d->caps, m, op, add, &so->fused,
					 why, sizeof(why)) == 0)
		so->fused_add = add;
	so->magic = SIM_OP_MAGIC;
	op->user_data = so;
	return 0;
}

/* The sim state of @op if this backend prepared it, else NULL. */
static struct sim_op *sim_state(const struct accel_op *op)
{
	struct sim_op *so = op->user_data;

	return so && so->magic == SIM_OP_MAGIC ? so : NULL;
}

/* One region of a job: host memory and its DNPU_REGION_* access. */
struct job_region {
	uint8_t *ptr;
	uint64_t size;
	uint32_t flags;
};

/*
 * One job through the ring: region table and descriptor in driver memory,
 * tail + doorbell, let the device work, check the completion record.
 * Region 0 is the command stream, region 1 the constants.
 */
static int submit_job(struct sim_dev *d, const struct dnpu_program *p,
		      const struct job_region *rg, uint32_t n_regions,
		      struct dnpu_job_completion *result,
		      uint64_t perf[DNPU_PERF_COUNT], char *err, size_t len)
{
	uint64_t before[DNPU_PERF_COUNT];

	struct dnpu_job_desc *desc;
	struct dnpu_job_completion *done = &d->sys->done;

	for (unsigned r = 0; r < DNPU_MAX_REGIONS; r++)
		d->win[JOB_WINDOW(r)].ptr = NULL;
	memset(d->sys->regions, 0, sizeof(d->sys->regions));
	for (uint32_t r = 0; r < n_regions; r++) {
		d->win[JOB_WINDOW(r)].ptr = rg[r].ptr;
		d->win[JOB_WINDOW(r)].size = rg[r].size;
		d->sys->regions[r].addr = bus_addr(JOB_WINDOW(r), 0);
		d->sys->regions[r].size = (uint32_t)rg[r].size;
		d->sys->regions[r].flags = DNPU_REGION_VALID | rg[r].flags;
	}
	memset(done, 0, sizeof(*done));
	if (++d->seqno == 0)
		d->seqno = 1;
	desc = &d->sys->ring[d->tail % SIM_RING_ENTRIES];
	memset(desc, 0, sizeof(*desc));
	desc->seqno = d->seqno;
	desc->flags = DNPU_JOB_F_PERF;
	desc->region_table = bus_addr(SYS_WINDOW, offsetof(struct sim_sysmem, regions));
	desc->region_count = n_regions;
	desc->cmd_region = DNPU_RGN_CMD;
	desc->cmd_offset = 0;
	desc->cmd_count = p->n_cmds;
	desc->completion = bus_addr(SYS_WINDOW, offsetof(struct sim_sysmem, done));
	perf_read(d, before);
	reg_write(d, DNPU_REG_RING_TAIL, ++d->tail);
	reg_write(d, DNPU_REG_DOORBELL, 1);
	if (simdev_wait_irq(d->dev)) {
		snprintf(err, len, "simulated %s device: job %u never completed",
			 simdev_name(d->dev), d->seqno);
		return -1;
	}

	uint32_t irq = reg_read(d, DNPU_REG_IRQ_STATUS);
	reg_write(d, DNPU_REG_IRQ_STATUS, irq);
	if (reg_read(d, DNPU_REG_DONE_SEQNO) != d->seqno || done->seqno != d->seqno) {
		snprintf(err, len, "simulated device did not complete job %u", d->seqno);
		return -1;
	}
	if (done->status != DNPU_JOB_OK) {
		devjob_fault_str(done, err, len);
		return -1;
	}
	*result = *done;
	perf_read(d, perf);
	for (uint32_t n = 0; n < DNPU_PERF_COUNT; n++)
		perf[n] -= before[n];
	return 0;
}

/* One op's job: its fixed regions (enum dnpu_job_region). */
static int submit(struct sim_dev *d, const struct dnpu_program *p,
		  struct accel_tensor *const t[DNPU_RGN_MAX],
		  struct dnpu_job_completion *result,
		  uint64_t perf[DNPU_PERF_COUNT], char *err, size_t len)
{
	struct job_region rg[DNPU_RGN_MAX];

	if (devjob_check_regions(p, t, err, len))
		return -1;
	rg[DNPU_RGN_CMD] = (struct job_region){ (uint8_t *)p->cmds,
		(uint64_t)p->n_cmds * DNPU_CMD_BYTES, DNPU_REGION_READ };
	rg[DNPU_RGN_CONST] = (struct job_region){ p->consts, p->const_bytes,
		DNPU_REGION_READ };
	for (uint32_t r = DNPU_RGN_IN0; r < p->n_regions; r++)
		rg[r] = (struct job_region){ t[r]->data, t[r]->bytes,
			devjob_region_writable(r) ? DNPU_REGION_WRITE :
						    DNPU_REGION_READ };
	return submit_job(d, p, rg, p->n_regions, result, perf, err, len);
}

/* A segment's job: commands, constants, then its DRAM tensors. */
static int submit_segment(struct sim_dev *d, struct accel_model *m,
			  const struct dnpu_segment *seg,
			  struct dnpu_job_completion *result,
			  uint64_t perf[DNPU_PERF_COUNT], char *err, size_t len)
{
	const struct dnpu_program *p = &seg->prog;
	struct job_region rg[DNPU_MAX_REGIONS];

	rg[0] = (struct job_region){ (uint8_t *)p->cmds,
		(uint64_t)p->n_cmds * DNPU_CMD_BYTES, DNPU_REGION_READ };
	rg[1] = (struct job_region){ p->consts, p->const_bytes,
		DNPU_REGION_READ };
	for (uint32_t r = 2; r < seg->n_regions; r++) {
		struct accel_tensor *x = &m->tensors[seg->tensor[r]];

		if (!x->data) {
			snprintf(err, len, "segment tensor %d has no memory",
				 seg->tensor[r]);
			return -1;
		}
		rg[r] = (struct job_region){ x->data, x->bytes,
			DNPU_REGION_READ |
			(seg->written[r] ? DNPU_REGION_WRITE : 0) };
	}
	return submit_job(d, p, rg, seg->n_regions, result, perf, err, len);
}

/*
 * Plan the segment starting at @op: the device ops that run right after
 * it on this backend, each with its residual add when that fuses, linked
 * into one job (compiler/segment.c). Leaves seg.n_units 0 when there is
 * none; then every op runs as its own job.
 */
static void plan_segment(struct sim_dev *d, struct accel_model *m,
			 struct accel_op *op, struct sim_op *so)
{
	struct dnpu_seg_unit *units;
	struct seg_member *ops;
	int n = 0, n_ops = 0;
	char why[128];

	so->seg_planned = true;
	if (!d->segments)
		return;
	units = calloc((size_t)m->n_ops, sizeof(*units));
	ops = calloc((size_t)m->n_ops, sizeof(*ops));
	if (!units || !ops)
		goto out;
	for (struct accel_op *o = op; o < m->ops + m->n_ops; o++) {
		struct sim_op *s = sim_state(o);
		struct accel_tensor *t[DNPU_RGN_MAX];
		struct dnpu_seg_unit *u = &units[n];

		if (o->removed)
			continue;
		if (!s || s->done_in_segment)
			break;
		if (n > 0 && units[n - 1].add == o)
			continue;	/* fused into the conv before */
		devjob_op_regions(m, o, &s->prog, t);
		u->op = o;
		if (s->fused_add && sim_state(s->fused_add) &&
		    devjob_fused_regions(m, s->fused_add, t))
			u->add = s->fused_add;
		for (int r = 0; r < DNPU_RGN_MAX; r++)
			u->tensor[r] = r >= DNPU_RGN_IN0 && t[r] ?
				       (int)(t[r] - m->tensors) : -1;
		n++;
	}
	if (dnpu_plan_segment(&d->caps, d->max_regions, m, units, n,
			      &so->seg, why, sizeof(why)))
		goto out;
	for (int i = 0; i < so->seg.n_units; i++) {
		if (i > 0)
			ops[n_ops++] = (struct seg_member){ units[i].op,
							    units[i].add != NULL };
		if (units[i].add)
			ops[n_ops++] = (struct seg_member){ units[i].add, true };
	}
	so->seg_fused = units[0].add != NULL;
	so->seg_ops = ops;
	so->seg_n_ops = n_ops;
	ops = NULL;
out:
	free(units);
	free(ops);
}

/* Run the segment planned at @op: one job, then its ops are done. */
static int run_segment(struct sim_dev *d, struct accel_model *m,
		       struct sim_op *so, char *err, size_t len)
{
	if (submit_segment(d, m, &so->seg, &so->last, so->perf, err, len))
		return -1;
	/* the job's counters are reported on its first op */
	so->ran_fused = so->seg_fused;
	for (int i = 0; i < so->seg_n_ops; i++) {
		struct sim_op *s = sim_state(so->seg_ops[i].op);

		s->done_in_segment = true;
		s->ran_fused = so->seg_ops[i].fused;
	}
	return 0;
}

static int sim_run(void *priv, struct accel_model *m, struct accel_op *op,
		   char *err, size_t len)
{
	struct sim_dev *d = priv;
	struct sim_op *so = op->user_data, *add_so = NULL;
	const struct dnpu_program *p = &so->prog;
	struct accel_tensor *t[DNPU_RGN_MAX];

	if (so->done_in_segment) {	/* computed by an earlier op's job */
		so->done_in_segment = false;
		memset(&so->last, 0, sizeof(so->last));
		memset(so->perf, 0, sizeof(so->perf));
		return 0;
	}
	if (!so->seg_planned)
		plan_segment(d, m, op, so);
	if (so->seg.n_units)
		return run_segment(d, m, so, err, len);
	devjob_op_regions(m, op, p, t);
	if (so->done_by_producer) {	/* computed in the conv's epilogue */
		so->done_by_producer = false;
		memset(&so->last, 0, sizeof(so->last));
		memset(so->perf, 0, sizeof(so->perf));
		so->ran_fused = true;
		return 0;
	}
	so->ran_fused = false;
	/* fuse only when the add also runs here and its output is free */
	if (so->fused_add)
		add_so = sim_state(so->fused_add);
	if (add_so && devjob_fused_regions(m, so->fused_add, t)) {
		p = &so->fused;
		add_so->done_by_producer = true;
		so->ran_fused = true;
	}
	if (submit(d, p, t, &so->last, so->perf, err, len)) {
		if (add_so)
			add_so->done_by_producer = false;
		return -1;
	}
	return 0;
}

static void sim_release(void *priv, struct accel_op *op)
{
	struct sim_op *so = sim_state(op);

	(void)priv;
	if (!so)
		return;
	dnpu_program_free(&so->prog);
	dnpu_program_free(&so->fused);
	dnpu_segment_free(&so->seg);
	free(so->seg_ops);
	so->magic = 0;
	free(so);
	op->user_data = NULL;
}

static size_t sim_scratch_bytes(void *priv, const struct accel_model *m,
				const struct accel_op *op)
{
	const struct sim_op *so = op->user_data;

	(void)priv;
	(void)m;
	return so ? so->prog.const_bytes + so->fused.const_bytes +
		    so->seg.prog.const_bytes +
		    (size_t)(so->prog.n_cmds + so->fused.n_cmds +
			     so->seg.prog.n_cmds) * DNPU_CMD_BYTES : 0;
}

static void sim_op_stats(void *priv, const struct accel_op *op,
			 struct accel_device_stats *st)
{
	const struct sim_dev *d = priv;
	const struct sim_op *so = op->user_data;
	const struct dnpu_program *p = !so->ran_fused ? &so->prog :
				       so->fused.cmds ? &so->fused : NULL;

	devjob_op_stats(&d->caps, p, &so->last, st);
	if (!p)
		return;
	st->array_macs = so->perf[DNPU_PERF_MACS];
	st->nmc_ops = so->perf[DNPU_PERF_NMC_OPS];
	st->spad_read_bytes = so->perf[DNPU_PERF_SPAD_RD_BYTES];
	st->spad_write_bytes = so->perf[DNPU_PERF_SPAD_WR_BYTES];
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
	.op_stats = sim_op_stats,
};
