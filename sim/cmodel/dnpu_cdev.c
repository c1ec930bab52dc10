/* SPDX-License-Identifier: MIT */
/*
 * Device wrapper: host register block + the firmware's job-ring protocol in
 * C around the functional model. Jobs run atomically inside
 * dnpu_cdev_run(); register reads between runs see a consistent state.
 */
#include <stdlib.h>
#include <string.h>

#include "dnpu_cdev.h"

#define FW_WINDOW_BYTES (DNPU_CORE_DMEM_BASE + DNPU_CORE_DMEM_SIZE)
/*
 * Cycles the RV32 firmware spends inside its measurement of a job (perf
 * counter reads, START, polling the engine, acknowledging it), measured on
 * the RTL device (docs/CMODEL.md, "Cycle model").
 */
#define FW_JOB_CYCLES 850u

struct dnpu_cdev {
	struct dnpu_cmodel *m;
	struct dnpu_cmodel_result last;

	/* host register block */
	uint32_t control, status, fw_version, heartbeat;
	uint32_t irq_status, irq_mask;
	uint64_t ring_base;
	uint32_t ring_size, ring_head, ring_tail;
	uint32_t done_seqno, fault_seqno, fault_cause, fault_region;
	uint32_t fault_offset, fault_cmd, fw_error, scratch, inject;
	uint32_t fw_addr;
	uint64_t perf[DNPU_PERF_COUNT];
	uint32_t perf_hi_latch;
	uint8_t *fw_window;		/* IMEM..DMEM image written by the host */

	/* emulated firmware */
	bool booted, hung, crashed;
	uint32_t head, last_seqno, ring_error;
};

static void cdev_reset(struct dnpu_cdev *d)
{
	struct dnpu_cmodel *m = d->m;
	uint8_t *fw_window = d->fw_window;

	dnpu_cmodel_reset(m);
	memset(d, 0, sizeof(*d));	/* memories (fw_window) are kept */
	d->m = m;
	d->fw_window = fw_window;
}

struct dnpu_cdev *dnpu_cdev_create(const struct dnpu_cmodel_config *cfg,
				   dnpu_host_read_fn rd, dnpu_host_write_fn wr,
				   void *ctx)
{
	struct dnpu_cmodel_config def;
	if (!cfg) {
		dnpu_cmodel_config_default(&def);
		cfg = &def;
	}
	struct dnpu_cdev *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->m = dnpu_cmodel_create(cfg);
	d->fw_window = calloc(1, FW_WINDOW_BYTES);
	if (!d->m || !d->fw_window) {
		dnpu_cdev_destroy(d);
		return NULL;
	}
	cdev_reset(d);
	dnpu_cmodel_set_host(d->m, rd, wr, ctx);
	return d;
}

void dnpu_cdev_destroy(struct dnpu_cdev *d)
{
	if (!d)
		return;
	dnpu_cmodel_destroy(d->m);
	free(d->fw_window);
	free(d);
}

struct dnpu_cmodel *dnpu_cdev_model(struct dnpu_cdev *d)
{
	return d->m;
}

const struct dnpu_cmodel_result *dnpu_cdev_last_result(const struct dnpu_cdev *d)
{
	return &d->last;
}

bool dnpu_cdev_irq_line(const struct dnpu_cdev *d)
{
	return (d->irq_status & d->irq_mask) != 0;
}

static bool core_running(const struct dnpu_cdev *d)
{
	return (d->control & DNPU_CONTROL_CORE_RUN) &&
	       !(d->control & DNPU_CONTROL_CORE_HALT);
}

static bool fw_alive(const struct dnpu_cdev *d)
{
	return core_running(d) && d->booted && !d->hung && !d->crashed;
}

static uint32_t status_reg(const struct dnpu_cdev *d)
{
	uint32_t s = d->status;
	if (d->control & DNPU_CONTROL_CORE_HALT)
		s |= DNPU_STATUS_CORE_HALTED;
	return s;
}

/* the firmware's STATUS update: state, bits to set, bits to clear */
static void set_state(struct dnpu_cdev *d, uint32_t state, uint32_t set,
		      uint32_t clear)
{
	d->status = (d->status & ~(0xffu << 8) & ~clear) | set | (state << 8);
}

/* consume injection bits the host set */
static uint32_t take_inject(struct dnpu_cdev *d, uint32_t bits)
{
	uint32_t v = d->inject & bits;
	d->inject &= ~v;
	return v;
}

int dnpu_cdev_mmio_read(struct dnpu_cdev *d, uint32_t off, uint32_t *v)
{
	const struct dnpu_cmodel_config *c = dnpu_cmodel_config(d->m);

	if (off % 4 || off >= DNPU_MMIO_SIZE)
		return -1;
	if (off >= DNPU_REG_PERF_BASE &&
	    off < DNPU_REG_PERF_LO(DNPU_PERF_COUNT)) {
		uint32_t n = (off - DNPU_REG_PERF_BASE) / 8;
		if (off == DNPU_REG_PERF_LO(n)) {
			d->perf_hi_latch = (uint32_t)(d->perf[n] >> 32);
			*v = (uint32_t)d->perf[n];
		} else {
			*v = d->perf_hi_latch;
		}
		return 0;
	}
	switch (off) {
	case DNPU_REG_ID: *v = DNPU_ID_MAGIC; break;
	case DNPU_REG_VERSION:
		*v = DNPU_HW_VERSION_MAJOR << 16 | DNPU_HW_VERSION_MINOR;
		break;
	case DNPU_REG_CAPS:
		*v = DNPU_CAPS(c->rows, c->cols, c->nmc_lanes, DNPU_MAX_REGIONS);
		break;
	case DNPU_REG_FEATURES:
		*v = DNPU_FEAT_NMC_ADD | DNPU_FEAT_NMC_POOL | DNPU_FEAT_NMC_MEAN |
		     DNPU_FEAT_NMC_DWCONV | DNPU_FEAT_PPU_FUSE_ADD |
		     DNPU_FEAT_PAGED_REGIONS |
		     (c->features & DNPU_FEAT_DMA_ONCHIP);
		break;
	case DNPU_REG_SPAD_IN_BYTES: *v = c->spad_bytes[DNPU_SPAD_IN]; break;
	case DNPU_REG_SPAD_WGT_BYTES: *v = c->spad_bytes[DNPU_SPAD_WGT]; break;
	case DNPU_REG_SPAD_ACC_BYTES: *v = c->spad_bytes[DNPU_SPAD_ACC]; break;
	case DNPU_REG_SPAD_OUT_BYTES: *v = c->spad_bytes[DNPU_SPAD_OUT]; break;
	case DNPU_REG_SPAD_PARAM_BYTES: *v = c->spad_bytes[DNPU_SPAD_PARAM]; break;
	case DNPU_REG_DMA_INFO:
		*v = DNPU_DMA_BUS_BYTES | DNPU_DMA_MAX_BURST << 8;
		break;
	case DNPU_REG_CONTROL: *v = d->control; break;
	case DNPU_REG_STATUS: *v = status_reg(d); break;
	case DNPU_REG_FW_VERSION: *v = d->fw_version; break;
	case DNPU_REG_HEARTBEAT:
		/* the firmware ticks it while alive; here every look counts */
		if (fw_alive(d))
			d->heartbeat++;
		*v = d->heartbeat;
		break;
	case DNPU_REG_DOORBELL: *v = 0; break;
	case DNPU_REG_IRQ_STATUS: *v = d->irq_status; break;
	case DNPU_REG_IRQ_MASK: *v = d->irq_mask; break;
	case DNPU_REG_IRQ_RAISE: *v = 0; break;
	case DNPU_REG_RING_BASE_LO: *v = (uint32_t)d->ring_base; break;
	case DNPU_REG_RING_BASE_HI: *v = (uint32_t)(d->ring_base >> 32); break;
	case DNPU_REG_RING_SIZE: *v = d->ring_size; break;
	case DNPU_REG_RING_HEAD: *v = d->ring_head; break;
	case DNPU_REG_RING_TAIL: *v = d->ring_tail; break;
	case DNPU_REG_DONE_SEQNO: *v = d->done_seqno; break;
	case DNPU_REG_FAULT_SEQNO: *v = d->fault_seqno; break;
	case DNPU_REG_FAULT_CAUSE: *v = d->fault_cause; break;
	case DNPU_REG_FAULT_REGION: *v = d->fault_region; break;
	case DNPU_REG_FAULT_OFFSET: *v = d->fault_offset; break;
	case DNPU_REG_FAULT_CMD: *v = d->fault_cmd; break;
	case DNPU_REG_FW_ERROR: *v = d->fw_error; break;
	case DNPU_REG_DEBUG_INJECT: *v = d->inject; break;
	case DNPU_REG_FW_ADDR: *v = d->fw_addr; break;
	case DNPU_REG_FW_DATA:
		if (d->fw_addr <= FW_WINDOW_BYTES - 4)
			memcpy(v, d->fw_window + d->fw_addr, 4);
		else
			*v = 0;
		d->fw_addr += 4;
		break;
	case DNPU_REG_CORE_PC: *v = 0; break;
	case DNPU_REG_SCRATCH: *v = d->scratch; break;
	default:
		return -1;
	}
	return 0;
}

int dnpu_cdev_mmio_write(struct dnpu_cdev *d, uint32_t off, uint32_t v)
{
	if (off % 4 || off >= DNPU_MMIO_SIZE)
		return -1;
	if (off >= DNPU_REG_PERF_BASE &&
	    off < DNPU_REG_PERF_LO(DNPU_PERF_COUNT))
		return 0; /* read-only */
	switch (off) {
	case DNPU_REG_CONTROL:
		if (v & DNPU_CONTROL_RESET)
			cdev_reset(d);
		if (!(v & DNPU_CONTROL_CORE_RUN))
			d->booted = false;	/* core stopped: boots again */
		d->control = v & (DNPU_CONTROL_CORE_RUN | DNPU_CONTROL_CORE_HALT);
		break;
	case DNPU_REG_DOORBELL:
		break; /* dnpu_cdev_run() looks at RING_TAIL */
	case DNPU_REG_IRQ_STATUS: d->irq_status &= ~v; break;
	case DNPU_REG_IRQ_MASK: d->irq_mask = v & DNPU_IRQ_ALL; break;
	case DNPU_REG_RING_BASE_LO:
		d->ring_base = (d->ring_base & ~0xffffffffull) | v;
		break;
	case DNPU_REG_RING_BASE_HI:
		d->ring_base = (d->ring_base & 0xffffffffull) | (uint64_t)v << 32;
		break;
	case DNPU_REG_RING_SIZE: d->ring_size = v; break;
	case DNPU_REG_RING_TAIL: d->ring_tail = v; break;
	case DNPU_REG_DEBUG_INJECT:
		d->inject |= v & (DNPU_INJECT_HANG | DNPU_INJECT_DMA_FAULT |
				  DNPU_INJECT_FW_CRASH | DNPU_INJECT_DROP_IRQ);
		break;
	case DNPU_REG_FW_ADDR: d->fw_addr = v; break;
	case DNPU_REG_FW_DATA:
		if (d->fw_addr <= FW_WINDOW_BYTES - 4)
			memcpy(d->fw_window + d->fw_addr, &v, 4);
		d->fw_addr += 4;
		break;
	case DNPU_REG_SCRATCH: d->scratch = v; break;
	case DNPU_REG_ID: case DNPU_REG_VERSION: case DNPU_REG_CAPS:
	case DNPU_REG_FEATURES: case DNPU_REG_SPAD_IN_BYTES:
	case DNPU_REG_SPAD_WGT_BYTES: case DNPU_REG_SPAD_ACC_BYTES:
	case DNPU_REG_SPAD_OUT_BYTES: case DNPU_REG_SPAD_PARAM_BYTES:
	case DNPU_REG_DMA_INFO: case DNPU_REG_STATUS: case DNPU_REG_FW_VERSION:
	case DNPU_REG_HEARTBEAT: case DNPU_REG_IRQ_RAISE: case DNPU_REG_RING_HEAD:
	case DNPU_REG_DONE_SEQNO: case DNPU_REG_FAULT_SEQNO:
	case DNPU_REG_FAULT_CAUSE: case DNPU_REG_FAULT_REGION:
	case DNPU_REG_FAULT_OFFSET: case DNPU_REG_FAULT_CMD:
	case DNPU_REG_FW_ERROR: case DNPU_REG_CORE_PC:
		break; /* read-only for the host: writes are ignored */
	default:
		return -1;
	}
	return 0;
}

/*
 * From here on: the firmware's job-ring behaviour (firmware/fw.c) in C.
 * Publish order per job: completion record, FAULT_* (on a fault),
 * RING_HEAD, DONE_SEQNO, IRQ.
 */
static void fw_boot(struct dnpu_cdev *d)
{
	d->booted = true;
	d->hung = d->crashed = false;
	d->ring_error = DNPU_FW_ERR_NONE;
	set_state(d, DNPU_FW_STATE_BOOTING, 0, ~0u);
	d->fw_version = DNPU_CDEV_FW_VERSION;
	d->fw_error = DNPU_FW_ERR_NONE;
	/* a restart resumes where the registers say the last one stopped */
	d->head = d->ring_head;
	d->last_seqno = d->done_seqno;
	d->heartbeat++;
	set_state(d, DNPU_FW_STATE_IDLE, DNPU_STATUS_FW_READY, 0);
	d->irq_status |= DNPU_IRQ_FW_READY;
}

static void fw_trap(struct dnpu_cdev *d)
{
	d->crashed = true;
	set_state(d, DNPU_FW_STATE_ERROR, 0,
		  DNPU_STATUS_FW_READY | DNPU_STATUS_BUSY);
	d->fw_error = DNPU_FW_ERR_TRAP;
	d->irq_status |= DNPU_IRQ_FW_ERROR;
}

static void report_ring_error(struct dnpu_cdev *d, uint32_t err)
{
	if (d->ring_error == err)
		return;
	d->ring_error = err;
	set_state(d, err == DNPU_FW_ERR_NONE ? DNPU_FW_STATE_IDLE
					     : DNPU_FW_STATE_ERROR, 0, 0);
	d->fw_error = err;
	if (err != DNPU_FW_ERR_NONE)
		d->irq_status |= DNPU_IRQ_FW_ERROR;
}

static bool desc_ok(const struct dnpu_cdev *d, const struct dnpu_job_desc *j)
{
	for (unsigned i = 0; i < 5; i++)
		if (j->reserved[i])
			return false;
	return j->seqno != 0 &&
	       (d->last_seqno == 0 || j->seqno == d->last_seqno + 1) &&
	       !(j->flags & ~DNPU_JOB_F_PERF) &&
	       j->region_count >= 1 && j->region_count <= DNPU_MAX_REGIONS &&
	       j->cmd_region < j->region_count &&
	       j->cmd_offset % DNPU_CMD_BYTES == 0 && j->cmd_count >= 1 &&
	       j->region_table != 0 && j->region_table % 8 == 0 &&
	       j->completion != 0 && j->completion % 8 == 0;
}

static void finish_job(struct dnpu_cdev *d, uint32_t seqno, uint64_t completion,
		       bool perf)
{
	const struct dnpu_cmodel_result *r = &d->last;
	struct dnpu_job_completion c;
	uint32_t status = r->status;

	if (completion) {
		memset(&c, 0, sizeof(c));
		c.seqno = seqno;
		c.status = status;
		if (status != DNPU_JOB_OK) {
			c.fault_region = r->fault_region;
			c.fault_offset = r->fault_offset;
			c.fault_cmd = r->fault_cmd;
		}
		if (perf) {
			c.cycles = r->stats.cycles + FW_JOB_CYCLES;
			c.macs = r->stats.macs;
			c.dram_rd_bytes = r->stats.dram_rd_bytes;
			c.dram_wr_bytes = r->stats.dram_wr_bytes;
		}
		/* a lost record of a good job turns into a bus error */
		if (dnpu_cmodel_host_write(d->m, completion, &c, sizeof(c)) &&
		    status == DNPU_JOB_OK) {
			d->last.status = DNPU_FAULT_BUS_ERROR;
			finish_job(d, seqno, 0, perf);
			return;
		}
	}
	if (status != DNPU_JOB_OK) {
		d->fault_cause = status;
		d->fault_region = r->fault_region;
		d->fault_offset = r->fault_offset;
		d->fault_cmd = r->fault_cmd;
		d->fault_seqno = seqno;
	}
	d->head++;
	d->ring_head = d->head;
	d->last_seqno = seqno;
	d->done_seqno = seqno;
	set_state(d, DNPU_FW_STATE_RUNNING,
		  status != DNPU_JOB_OK ? DNPU_STATUS_FAULTED : 0,
		  DNPU_STATUS_BUSY |
		  (status == DNPU_JOB_OK ? DNPU_STATUS_FAULTED : 0));
	if (!take_inject(d, DNPU_INJECT_DROP_IRQ))
		d->irq_status |= status == DNPU_JOB_OK ? DNPU_IRQ_JOB_DONE
						       : DNPU_IRQ_JOB_FAULT;
}

static void account(struct dnpu_cdev *d)
{
	const struct dnpu_cmodel_stats *s = &d->last.stats;
	uint64_t spad_rd = 0, spad_wr = 0;
	for (unsigned i = 0; i < DNPU_SPAD_COUNT; i++) {
		spad_rd += s->spad_rd_bytes[i];
		spad_wr += s->spad_wr_bytes[i];
	}
	d->perf[DNPU_PERF_CYCLES] += s->cycles + FW_JOB_CYCLES;
	d->perf[DNPU_PERF_BUSY_CYCLES] += s->cycles;
	d->perf[DNPU_PERF_MACS] += s->macs;
	d->perf[DNPU_PERF_NMC_OPS] += s->nmc_ops;
	d->perf[DNPU_PERF_DRAM_RD_BYTES] += s->dram_rd_bytes;
	d->perf[DNPU_PERF_DRAM_WR_BYTES] += s->dram_wr_bytes;
	d->perf[DNPU_PERF_SPAD_RD_BYTES] += spad_rd;
	d->perf[DNPU_PERF_SPAD_WR_BYTES] += spad_wr;
	d->perf[DNPU_PERF_ARRAY_CYCLES] += s->array_cycles;
	d->perf[DNPU_PERF_JOBS]++;
}

static void process_job(struct dnpu_cdev *d, uint64_t desc_addr)
{
	struct dnpu_job_desc j;
	struct dnpu_cmodel_result *r = &d->last;

	memset(r, 0, sizeof(*r));
	set_state(d, DNPU_FW_STATE_RUNNING, DNPU_STATUS_BUSY, 0);
	if (dnpu_cmodel_host_read(d->m, desc_addr, &j, sizeof(j))) {
		r->status = DNPU_FAULT_BUS_ERROR;
		finish_job(d, d->last_seqno + 1, 0, false);
		return;
	}
	if (!desc_ok(d, &j)) {
		/* report the seqno the driver expects; write a record only to
		 * a plausible address of a descriptor that is ours */
		bool ours = j.seqno != 0 && (d->last_seqno == 0 ||
					     j.seqno == d->last_seqno + 1);
		r->status = DNPU_FAULT_BAD_DESC;
		finish_job(d, ours ? j.seqno : d->last_seqno + 1,
			   ours && j.completion && j.completion % 8 == 0 ?
			   j.completion : 0, false);
		return;
	}
	if (take_inject(d, DNPU_INJECT_DMA_FAULT)) {
		r->status = DNPU_FAULT_INJECTED;
		finish_job(d, j.seqno, j.completion, j.flags & DNPU_JOB_F_PERF);
		return;
	}

	struct dnpu_region tab[DNPU_MAX_REGIONS];
	if (dnpu_cmodel_host_read(d->m, j.region_table, tab,
				  j.region_count * sizeof(tab[0]))) {
		r->status = DNPU_FAULT_BUS_ERROR;
	} else {
		r->status = dnpu_cmodel_load_regions(d->m, tab, j.region_count);
	}
	if (r->status == DNPU_JOB_OK) {
		uint64_t kc = j.timeout_kcycles ? j.timeout_kcycles
			      : DNPU_CDEV_DEFAULT_TIMEOUT_KCYCLES;
		if (kc > DNPU_CDEV_MAX_TIMEOUT_KCYCLES)
			kc = DNPU_CDEV_MAX_TIMEOUT_KCYCLES;
		dnpu_cmodel_set_watchdog(d->m, kc * 1000u);
		dnpu_cmodel_run(d->m, j.cmd_region, j.cmd_offset, j.cmd_count, r);
		account(d);
	}
	finish_job(d, j.seqno, j.completion, j.flags & DNPU_JOB_F_PERF);
}

/* ring base/size usable? (reports a bad ring once) */
static bool ring_config(struct dnpu_cdev *d)
{
	if (d->ring_size == 0)		/* not configured yet */
		return false;
	if (d->ring_size > DNPU_RING_MAX_ENTRIES ||
	    (d->ring_size & (d->ring_size - 1)) || d->ring_base == 0 ||
	    d->ring_base % 64) {
		report_ring_error(d, DNPU_FW_ERR_BAD_RING);
		return false;
	}
	return true;
}

bool dnpu_cdev_run(struct dnpu_cdev *d, uint64_t max_jobs)
{
	if (!core_running(d))
		return false;
	if (!d->booted)
		fw_boot(d);
	if (d->hung || d->crashed)
		return false;
	if (take_inject(d, DNPU_INJECT_HANG)) {
		d->hung = true;
		return false;
	}
	if (take_inject(d, DNPU_INJECT_FW_CRASH)) {
		fw_trap(d);
		return false;
	}
	bool more = false;
	while (ring_config(d)) {
		if (d->ring_tail - d->head > d->ring_size) {
			/* more work than slots: the producer is confused */
			report_ring_error(d, DNPU_FW_ERR_BAD_RING);
			break;
		}
		report_ring_error(d, DNPU_FW_ERR_NONE);
		if (d->ring_tail == d->head)
			break;
		if (max_jobs == 0) {
			more = true;
			break;
		}
		process_job(d, d->ring_base +
			       (uint64_t)(d->head & (d->ring_size - 1)) *
			       sizeof(struct dnpu_job_desc));
		max_jobs--;
		if (take_inject(d, DNPU_INJECT_HANG)) {
			d->hung = true;
			return false;
		}
	}
	if (d->ring_error == DNPU_FW_ERR_NONE)
		set_state(d, DNPU_FW_STATE_IDLE, 0, DNPU_STATUS_BUSY);
	return more;
}
