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

struct dnpu_cdev {
	struct dnpu_cmodel *m;
	struct dnpu_cmodel_result last;

	uint32_t control, fw_state, heartbeat;
	bool faulted, hung, drop_irq, inject_dma;
	uint32_t irq_status, irq_mask;
	uint64_t ring_base;
	uint32_t ring_size, ring_head, ring_tail;
	uint32_t done_seqno, fault_seqno, fault_cause, fault_region;
	uint32_t fault_offset, fault_cmd, fw_error, scratch;
	uint32_t fw_addr;
	uint64_t perf[DNPU_PERF_COUNT];
	uint32_t perf_hi_latch[DNPU_PERF_COUNT];
	uint8_t *fw_window;		/* IMEM..DMEM image written by the host */
};

static void cdev_reset(struct dnpu_cdev *d)
{
	dnpu_cmodel_reset(d->m);
	d->control = 0;
	d->fw_state = DNPU_FW_STATE_OFF;
	d->heartbeat = 0;
	d->faulted = d->hung = d->drop_irq = d->inject_dma = false;
	d->irq_status = d->irq_mask = 0;
	d->ring_base = 0;
	d->ring_size = d->ring_head = d->ring_tail = 0;
	d->done_seqno = d->fault_seqno = d->fault_cause = 0;
	d->fault_region = d->fault_offset = d->fault_cmd = d->fw_error = 0;
	d->scratch = d->fw_addr = 0;
	memset(d->perf, 0, sizeof(d->perf));
	memset(d->perf_hi_latch, 0, sizeof(d->perf_hi_latch));
	memset(&d->last, 0, sizeof(d->last));
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
	dnpu_cmodel_set_host(d->m, rd, wr, ctx);
	cdev_reset(d);
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

static bool fw_alive(const struct dnpu_cdev *d)
{
	return (d->control & DNPU_CONTROL_CORE_RUN) && !d->hung &&
	       !(d->control & DNPU_CONTROL_CORE_HALT) &&
	       d->fw_state != DNPU_FW_STATE_OFF &&
	       d->fw_state != DNPU_FW_STATE_ERROR;
}

static uint32_t status_reg(const struct dnpu_cdev *d)
{
	uint32_t s = (d->fw_state & 0xffu) << 8;
	if (d->fw_state == DNPU_FW_STATE_IDLE ||
	    d->fw_state == DNPU_FW_STATE_RUNNING)
		s |= DNPU_STATUS_FW_READY;
	if (fw_alive(d) && d->ring_head != d->ring_tail)
		s |= DNPU_STATUS_BUSY;
	if (d->faulted)
		s |= DNPU_STATUS_FAULTED;
	if (d->control & DNPU_CONTROL_CORE_HALT)
		s |= DNPU_STATUS_CORE_HALTED;
	return s;
}

static void fw_error(struct dnpu_cdev *d, uint32_t code)
{
	d->fw_error = code;
	d->fw_state = DNPU_FW_STATE_ERROR;
	d->irq_status |= DNPU_IRQ_FW_ERROR;
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
			d->perf_hi_latch[n] = (uint32_t)(d->perf[n] >> 32);
			*v = (uint32_t)d->perf[n];
		} else {
			*v = d->perf_hi_latch[n];
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
		     DNPU_FEAT_PAGED_REGIONS;
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
	case DNPU_REG_FW_VERSION:
		*v = d->fw_state == DNPU_FW_STATE_OFF ? 0 : DNPU_CDEV_FW_VERSION;
		break;
	case DNPU_REG_HEARTBEAT:
		/* the firmware's idle loop ticks it; here every look counts */
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
	case DNPU_REG_DEBUG_INJECT:
		*v = (d->hung ? DNPU_INJECT_HANG : 0) |
		     (d->inject_dma ? DNPU_INJECT_DMA_FAULT : 0) |
		     (d->drop_irq ? DNPU_INJECT_DROP_IRQ : 0);
		break;
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
		if (v & DNPU_CONTROL_RESET) {
			cdev_reset(d);
			v &= ~DNPU_CONTROL_RESET;
		}
		if ((v & DNPU_CONTROL_CORE_RUN) &&
		    !(d->control & DNPU_CONTROL_CORE_RUN))
			d->fw_state = DNPU_FW_STATE_BOOTING;
		if (!(v & DNPU_CONTROL_CORE_RUN))
			d->fw_state = DNPU_FW_STATE_OFF;
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
		if (v & DNPU_INJECT_HANG)
			d->hung = true;
		if (v & DNPU_INJECT_DMA_FAULT)
			d->inject_dma = true;
		if (v & DNPU_INJECT_DROP_IRQ)
			d->drop_irq = true;
		if ((v & DNPU_INJECT_FW_CRASH) && fw_alive(d))
			fw_error(d, DNPU_FW_ERR_TRAP);
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

static bool ring_valid(const struct dnpu_cdev *d)
{
	return d->ring_size != 0 && d->ring_size <= DNPU_RING_MAX_ENTRIES &&
	       (d->ring_size & (d->ring_size - 1)) == 0 &&
	       (d->ring_base & 63) == 0;
}

static bool desc_valid(const struct dnpu_job_desc *j)
{
	for (unsigned i = 0; i < 5; i++)
		if (j->reserved[i])
			return false;
	return j->seqno != 0 && !(j->flags & ~DNPU_JOB_F_PERF) &&
	       j->region_count >= 1 && j->region_count <= DNPU_MAX_REGIONS &&
	       j->cmd_region < j->region_count &&
	       j->cmd_offset % DNPU_CMD_BYTES == 0 && j->cmd_count >= 1;
}

/* One job: descriptor -> region table -> run -> completion -> IRQ. */
static void run_job(struct dnpu_cdev *d)
{
	struct dnpu_job_desc j;
	struct dnpu_job_completion c;
	struct dnpu_cmodel_result *r = &d->last;
	uint64_t at = d->ring_base +
		      (uint64_t)(d->ring_head & (d->ring_size - 1)) * sizeof(j);
	bool have_completion = false;

	memset(r, 0, sizeof(*r));
	memset(&c, 0, sizeof(c));
	if (dnpu_cmodel_host_read(d->m, at, &j, sizeof(j))) {
		memset(&j, 0, sizeof(j));
		r->status = DNPU_FAULT_BUS_ERROR;
	} else {
		have_completion = true;
		if (!desc_valid(&j)) {
			r->status = DNPU_FAULT_BAD_DESC;
		} else {
			struct dnpu_region tab[DNPU_MAX_REGIONS];
			size_t len = j.region_count * sizeof(tab[0]);
			if (dnpu_cmodel_host_read(d->m, j.region_table, tab, len))
				r->status = DNPU_FAULT_BUS_ERROR;
			else
				r->status = dnpu_cmodel_load_regions(d->m, tab,
							j.region_count);
		}
		if (r->status == DNPU_JOB_OK) {
			uint64_t kc = j.timeout_kcycles ? j.timeout_kcycles
				      : DNPU_CDEV_DEFAULT_TIMEOUT_KCYCLES;
			dnpu_cmodel_set_watchdog(d->m, kc * 1000u);
			if (d->inject_dma)
				dnpu_cmodel_inject_dma_fault(d->m);
			d->inject_dma = false;
			dnpu_cmodel_run(d->m, j.cmd_region, j.cmd_offset,
					j.cmd_count, r);
		}
	}

	const struct dnpu_cmodel_stats *s = &r->stats;
	uint64_t spad_rd = 0, spad_wr = 0;
	for (unsigned i = 0; i < DNPU_SPAD_COUNT; i++) {
		spad_rd += s->spad_rd_bytes[i];
		spad_wr += s->spad_wr_bytes[i];
	}
	d->perf[DNPU_PERF_CYCLES] += s->cycles;
	d->perf[DNPU_PERF_BUSY_CYCLES] += s->cycles;
	d->perf[DNPU_PERF_MACS] += s->macs;
	d->perf[DNPU_PERF_NMC_OPS] += s->nmc_ops;
	d->perf[DNPU_PERF_DRAM_RD_BYTES] += s->dram_rd_bytes;
	d->perf[DNPU_PERF_DRAM_WR_BYTES] += s->dram_wr_bytes;
	d->perf[DNPU_PERF_SPAD_RD_BYTES] += spad_rd;
	d->perf[DNPU_PERF_SPAD_WR_BYTES] += spad_wr;
	d->perf[DNPU_PERF_ARRAY_CYCLES] += s->array_cycles;
	d->perf[DNPU_PERF_JOBS]++;

	c.seqno = j.seqno;
	c.status = r->status;
	if (r->status != DNPU_JOB_OK) {
		c.fault_region = r->fault_region;
		c.fault_offset = r->fault_offset;
		c.fault_cmd = r->fault_cmd;
	}
	if (j.flags & DNPU_JOB_F_PERF) {
		c.cycles = s->cycles;
		c.macs = s->macs;
		c.dram_rd_bytes = s->dram_rd_bytes;
		c.dram_wr_bytes = s->dram_wr_bytes;
	}
	/* a completion that cannot be written still ends the job */
	if (have_completion)
		(void)dnpu_cmodel_host_write(d->m, j.completion, &c, sizeof(c));

	d->ring_head++;
	d->done_seqno = j.seqno;
	d->faulted = r->status != DNPU_JOB_OK;
	if (d->faulted) {
		d->fault_seqno = j.seqno;
		d->fault_cause = r->status;
		d->fault_region = c.fault_region;
		d->fault_offset = c.fault_offset;
		d->fault_cmd = c.fault_cmd;
	}
	if (d->drop_irq)
		d->drop_irq = false;
	else
		d->irq_status |= d->faulted ? DNPU_IRQ_JOB_FAULT
					    : DNPU_IRQ_JOB_DONE;
}

bool dnpu_cdev_run(struct dnpu_cdev *d, uint64_t max_jobs)
{
	if (d->fw_state == DNPU_FW_STATE_BOOTING &&
	    !(d->control & DNPU_CONTROL_CORE_HALT) && !d->hung) {
		d->fw_state = DNPU_FW_STATE_IDLE;
		d->irq_status |= DNPU_IRQ_FW_READY;
	}
	if (!fw_alive(d))
		return false;
	while (d->ring_head != d->ring_tail && max_jobs > 0) {
		if (!ring_valid(d)) {
			fw_error(d, DNPU_FW_ERR_BAD_RING);
			return false;
		}
		d->fw_state = DNPU_FW_STATE_RUNNING;
		run_job(d);
		d->fw_state = DNPU_FW_STATE_IDLE;
		max_jobs--;
	}
	return d->ring_head != d->ring_tail;
}
