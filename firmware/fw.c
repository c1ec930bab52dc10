// SPDX-License-Identifier: MIT
/*
 * dnpu firmware core: the job ring protocol of uapi/dnpu_hw.h.
 *
 * Per job: read the descriptor (mailbox), validate it, read and validate the
 * region table, load it into the engine, start the engine, wait for done /
 * fault / watchdog, write the completion record, then publish in this order
 * FAULT_* (on a fault), RING_HEAD, DONE_SEQNO, IRQ_RAISE, so a driver that
 * sees the interrupt or the fence also sees the record and the free slot.
 *
 * Every value read from host memory or host registers is untrusted: the
 * firmware must report bad input and keep running.
 */
#include <stddef.h>
#include <string.h>

#include "fw.h"
#include "hal.h"

#define ENG_IRQS (DNPU_CORE_IRQ_DOORBELL | DNPU_CORE_IRQ_ENG_DONE | \
		  DNPU_CORE_IRQ_ENG_FAULT)
#define REGION_FLAGS_KNOWN (DNPU_REGION_VALID | DNPU_REGION_READ | \
			    DNPU_REGION_WRITE | DNPU_REGION_PAGED)

_Static_assert(sizeof(struct dnpu_job_desc) == 64, "descriptor is 64 B");
_Static_assert(sizeof(struct dnpu_job_completion) == 64, "completion is 64 B");
_Static_assert(sizeof(struct dnpu_region) == 32, "region is 32 B");

struct job_result {
	uint32_t status;	/* DNPU_JOB_OK or DNPU_FAULT_* */
	uint32_t region, offset, cmd;
	uint64_t cycles, macs, rd_bytes, wr_bytes;
};

static void set_state(struct fw *fw, uint32_t state, uint32_t set, uint32_t clear)
{
	fw->status = (fw->status & ~(0xffu << 8) & ~clear) | set | (state << 8);
	hal_reg_write(DNPU_REG_STATUS, fw->status);
}

static uint64_t perf_read(uint32_t n)
{
	uint32_t lo = hal_eng_read(DNPU_ENG_PERF_LO(n));	/* latches HI */
	uint32_t hi = hal_eng_read(DNPU_ENG_PERF_HI(n));

	return ((uint64_t)hi << 32) | lo;
}

static void tick(struct fw *fw, uint64_t now)
{
	if (fw->hung || now < fw->next_heartbeat)
		return;
	fw->heartbeat++;
	hal_reg_write(DNPU_REG_HEARTBEAT, fw->heartbeat);
	fw->next_heartbeat = now + FW_HEARTBEAT_CYCLES;
}

/* The firmware state fw_keepalive() ticks (set by fw_boot). */
static struct fw *keepalive_fw;

void fw_keepalive(void)
{
	if (keepalive_fw)
		tick(keepalive_fw, hal_time());
}

/* Consume (clear) injection bits; the block clears only the bits written. */
static uint32_t take_inject(uint32_t bits)
{
	uint32_t v = hal_reg_read(DNPU_REG_DEBUG_INJECT) & bits;

	if (v)
		hal_reg_write(DNPU_REG_DEBUG_INJECT, v);
	return v;
}

/* Invalidate engine regions [from, to): without VALID an entry is unusable. */
static void clear_engine_regions(uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to; i++) {
		hal_eng_write(DNPU_ENG_REGION_ADDR_LO(i), 0);
		hal_eng_write(DNPU_ENG_REGION_ADDR_HI(i), 0);
		hal_eng_write(DNPU_ENG_REGION_SIZE(i), 0);
		hal_eng_write(DNPU_ENG_REGION_FLAGS(i), 0);
	}
}

void fw_boot(struct fw *fw)
{
	memset(fw, 0, sizeof(*fw));
	keepalive_fw = fw;
	set_state(fw, DNPU_FW_STATE_BOOTING, 0, ~0u);
	hal_reg_write(DNPU_REG_FW_VERSION, DNPU_FW_VERSION_VALUE);
	hal_reg_write(DNPU_REG_FW_ERROR, DNPU_FW_ERR_NONE);

	/* A restart resumes where the registers say the last one stopped. */
	fw->head = hal_reg_read(DNPU_REG_RING_HEAD);
	fw->last_seqno = hal_reg_read(DNPU_REG_DONE_SEQNO);
	fw->heartbeat = hal_reg_read(DNPU_REG_HEARTBEAT);

	hal_eng_write(DNPU_ENG_CLOCK_GATE, 0);
	hal_eng_write(DNPU_ENG_CTRL, DNPU_ENG_CTRL_ABORT);
	hal_eng_write(DNPU_ENG_IRQ_ENABLE, ENG_IRQS);
	hal_eng_write(DNPU_ENG_IRQ_PENDING, ~0u);
	hal_eng_write(DNPU_ENG_REGION_COUNT, 0);
	clear_engine_regions(0, DNPU_MAX_REGIONS);
	fw->regions_loaded = 0;
	hal_eng_write(DNPU_ENG_CLOCK_GATE, 1);

	fw->next_heartbeat = hal_time();
	tick(fw, fw->next_heartbeat);
	set_state(fw, DNPU_FW_STATE_IDLE, DNPU_STATUS_FW_READY, 0);
	hal_reg_write(DNPU_REG_IRQ_RAISE, DNPU_IRQ_FW_READY);
}

uint64_t fw_next_wakeup(const struct fw *fw)
{
	return fw->next_heartbeat;
}

void fw_report_trap(uint32_t mcause, uint32_t mepc, uint32_t mtval)
{
	(void)mcause;
	(void)mepc;
	(void)mtval;
	fw_report_error(DNPU_FW_ERR_TRAP);
}

void fw_report_error(uint32_t err)
{
	/* state first: a driver that sees FW_ERROR also sees the state */
	hal_reg_write(DNPU_REG_STATUS,
		      (hal_reg_read(DNPU_REG_STATUS) & ~(0xffu << 8) &
		       ~(DNPU_STATUS_FW_READY | DNPU_STATUS_BUSY)) |
		      (DNPU_FW_STATE_ERROR << 8));
	hal_reg_write(DNPU_REG_FW_ERROR, err);
	hal_reg_write(DNPU_REG_IRQ_RAISE, DNPU_IRQ_FW_ERROR);
}

static void report_ring_error(struct fw *fw, uint32_t err)
{
	if (fw->ring_error == err)
		return;
	fw->ring_error = err;
	set_state(fw, err == DNPU_FW_ERR_NONE ? DNPU_FW_STATE_IDLE : DNPU_FW_STATE_ERROR,
		  0, 0);
	hal_reg_write(DNPU_REG_FW_ERROR, err);
	if (err != DNPU_FW_ERR_NONE)
		hal_reg_write(DNPU_REG_IRQ_RAISE, DNPU_IRQ_FW_ERROR);
}

/* The seqno after last: +1, skipping 0 on wrap; 0 = none yet. */
static uint32_t next_seqno(uint32_t last)
{
	return last + 1 ? last + 1 : 1;
}

/* A job is ours if its seqno follows the last one (any after a reset). */
static bool seqno_ok(const struct fw *fw, uint32_t seqno)
{
	return seqno != 0 && (fw->last_seqno == 0 || seqno == next_seqno(fw->last_seqno));
}

/* Validate what can be checked without the region table. */
static bool desc_ok(const struct fw *fw, const struct dnpu_job_desc *d)
{
	if (!seqno_ok(fw, d->seqno))
		return false;
	if (d->flags & ~DNPU_JOB_F_PERF)
		return false;
	if (d->region_count < 1 || d->region_count > DNPU_MAX_REGIONS)
		return false;
	if (d->cmd_region >= d->region_count)
		return false;
	if (d->cmd_offset % DNPU_CMD_BYTES || d->cmd_count == 0)
		return false;
	if (d->region_table == 0 || d->region_table % 8)
		return false;
	if (d->completion == 0 || d->completion % 8)
		return false;
	for (size_t i = 0; i < sizeof(d->reserved) / sizeof(d->reserved[0]); i++)
		if (d->reserved[i])
			return false;
	return true;
}

static bool region_ok(const struct dnpu_region *r)
{
	if (r->reserved[0] || r->reserved[1])
		return false;
	if (r->flags & ~REGION_FLAGS_KNOWN)
		return false;
	if ((r->flags & DNPU_REGION_PAGED) && r->addr % 8)
		return false;
	return true;
}

/*
 * Read, check and load the region table; entries a previous job left beyond
 * this one's count are cleared. Returns a DNPU_FAULT_* cause.
 */
static uint32_t load_regions(struct fw *fw, const struct dnpu_job_desc *d)
{
	struct dnpu_region tab[2];	/* one 64 B mailbox transfer */

	for (uint32_t i = 0; i < d->region_count; i += 2) {
		uint32_t n = d->region_count - i < 2 ? d->region_count - i : 2;

		if (i + n > fw->regions_loaded)
			fw->regions_loaded = i + n;
		if (hal_mbox_read(d->region_table + i * sizeof(tab[0]), tab,
				  n * sizeof(tab[0])))
			return DNPU_FAULT_BUS_ERROR;
		for (uint32_t k = 0; k < n; k++) {
			if (!region_ok(&tab[k]))
				return DNPU_FAULT_BAD_DESC;
			hal_eng_write(DNPU_ENG_REGION_ADDR_LO(i + k), (uint32_t)tab[k].addr);
			hal_eng_write(DNPU_ENG_REGION_ADDR_HI(i + k),
				      (uint32_t)(tab[k].addr >> 32));
			hal_eng_write(DNPU_ENG_REGION_SIZE(i + k), tab[k].size);
			hal_eng_write(DNPU_ENG_REGION_FLAGS(i + k), tab[k].flags);
		}
	}
	clear_engine_regions(d->region_count, fw->regions_loaded);
	fw->regions_loaded = d->region_count;
	hal_eng_write(DNPU_ENG_REGION_COUNT, d->region_count);
	return DNPU_FAULT_NONE;
}

static void run_engine(struct fw *fw, const struct dnpu_job_desc *d,
		       struct job_result *res)
{
	uint32_t wd = d->timeout_kcycles ? d->timeout_kcycles : FW_DEFAULT_TIMEOUT_KCYCLES;
	uint64_t c0, m0, r0, w0, deadline;
	uint32_t st;

	if (wd > FW_MAX_TIMEOUT_KCYCLES)
		wd = FW_MAX_TIMEOUT_KCYCLES;

	hal_eng_write(DNPU_ENG_CMD_REGION, d->cmd_region);
	hal_eng_write(DNPU_ENG_CMD_OFFSET, d->cmd_offset);
	hal_eng_write(DNPU_ENG_CMD_COUNT, d->cmd_count);
	hal_eng_write(DNPU_ENG_WATCHDOG, wd);
	hal_eng_write(DNPU_ENG_IRQ_PENDING, DNPU_CORE_IRQ_ENG_DONE | DNPU_CORE_IRQ_ENG_FAULT);
	c0 = perf_read(DNPU_PERF_CYCLES);
	m0 = perf_read(DNPU_PERF_MACS);
	r0 = perf_read(DNPU_PERF_DRAM_RD_BYTES);
	w0 = perf_read(DNPU_PERF_DRAM_WR_BYTES);

	deadline = hal_time() + 2ull * wd * 1000u + FW_ENGINE_GRACE_CYCLES;
	hal_eng_write(DNPU_ENG_CTRL, DNPU_ENG_CTRL_START);
	for (;;) {
		uint64_t now, wake;

		st = hal_eng_read(DNPU_ENG_STATUS);
		if (st & (DNPU_ENG_STATUS_DONE | DNPU_ENG_STATUS_FAULT))
			break;
		now = hal_time();
		tick(fw, now);
		if (now >= deadline) {
			hal_eng_write(DNPU_ENG_CTRL, DNPU_ENG_CTRL_ABORT);
			res->status = DNPU_FAULT_TIMEOUT;
			break;
		}
		wake = fw->next_heartbeat < deadline ? fw->next_heartbeat : deadline;
		hal_wait_event(wake);
	}
	if (st & DNPU_ENG_STATUS_FAULT) {
		res->status = hal_eng_read(DNPU_ENG_FAULT_CAUSE);
		/* a fault without a cause is still a fault */
		if (res->status == DNPU_JOB_OK)
			res->status = DNPU_FAULT_BUS_ERROR;
		res->region = hal_eng_read(DNPU_ENG_FAULT_REGION);
		res->offset = hal_eng_read(DNPU_ENG_FAULT_OFFSET);
		res->cmd = hal_eng_read(DNPU_ENG_FAULT_CMD);
	}
	hal_eng_write(DNPU_ENG_IRQ_PENDING, DNPU_CORE_IRQ_ENG_DONE | DNPU_CORE_IRQ_ENG_FAULT);
	if (d->flags & DNPU_JOB_F_PERF) {
		res->cycles = perf_read(DNPU_PERF_CYCLES) - c0;
		res->macs = perf_read(DNPU_PERF_MACS) - m0;
		res->rd_bytes = perf_read(DNPU_PERF_DRAM_RD_BYTES) - r0;
		res->wr_bytes = perf_read(DNPU_PERF_DRAM_WR_BYTES) - w0;
	}
}

static void finish_job(struct fw *fw, uint32_t seqno, uint64_t completion,
		       const struct job_result *res)
{
	struct dnpu_job_completion c;
	uint32_t irq;

	if (completion) {
		memset(&c, 0, sizeof(c));
		c.seqno = seqno;
		c.status = res->status;
		c.fault_region = res->region;
		c.fault_offset = res->offset;
		c.fault_cmd = res->cmd;
		c.cycles = res->cycles;
		c.macs = res->macs;
		c.dram_rd_bytes = res->rd_bytes;
		c.dram_wr_bytes = res->wr_bytes;
		if (hal_mbox_write(completion, &c, sizeof(c))) {
			/* the record is lost; the fault registers still tell */
			if (res->status == DNPU_JOB_OK) {
				struct job_result r = *res;

				r.status = DNPU_FAULT_BUS_ERROR;
				finish_job(fw, seqno, 0, &r);
				return;
			}
		}
	}
	if (res->status != DNPU_JOB_OK) {
		hal_reg_write(DNPU_REG_FAULT_CAUSE, res->status);
		hal_reg_write(DNPU_REG_FAULT_REGION, res->region);
		hal_reg_write(DNPU_REG_FAULT_OFFSET, res->offset);
		hal_reg_write(DNPU_REG_FAULT_CMD, res->cmd);
		hal_reg_write(DNPU_REG_FAULT_SEQNO, seqno);
		fw->jobs_faulted++;
	} else {
		fw->jobs_ok++;
	}
	fw->head++;
	hal_reg_write(DNPU_REG_RING_HEAD, fw->head);
	fw->last_seqno = seqno;
	hal_reg_write(DNPU_REG_DONE_SEQNO, seqno);
	set_state(fw, DNPU_FW_STATE_RUNNING,
		  res->status != DNPU_JOB_OK ? DNPU_STATUS_FAULTED : 0,
		  DNPU_STATUS_BUSY | (res->status == DNPU_JOB_OK ? DNPU_STATUS_FAULTED : 0));
	irq = res->status == DNPU_JOB_OK ? DNPU_IRQ_JOB_DONE : DNPU_IRQ_JOB_FAULT;
	if (!take_inject(DNPU_INJECT_DROP_IRQ))
		hal_reg_write(DNPU_REG_IRQ_RAISE, irq);
}

static void process_job(struct fw *fw, uint64_t desc_addr)
{
	struct dnpu_job_desc d;
	struct job_result res;
	uint32_t seqno;

	memset(&res, 0, sizeof(res));
	set_state(fw, DNPU_FW_STATE_RUNNING, DNPU_STATUS_BUSY, 0);
	if (hal_mbox_read(desc_addr, &d, sizeof(d))) {
		res.status = DNPU_FAULT_BUS_ERROR;
		finish_job(fw, next_seqno(fw->last_seqno), 0, &res);
		return;
	}
	if (!desc_ok(fw, &d)) {
		/*
		 * Report the seqno the driver expects so its fence moves on. A
		 * completion is written only for a descriptor that is ours (its
		 * seqno matches) and whose completion address is plausible, so
		 * garbage never makes the firmware write to a garbage address.
		 */
		bool ours = seqno_ok(fw, d.seqno);

		seqno = ours ? d.seqno : next_seqno(fw->last_seqno);
		res.status = DNPU_FAULT_BAD_DESC;
		finish_job(fw, seqno, ours && d.completion && d.completion % 8 == 0 ?
			   d.completion : 0, &res);
		return;
	}
	seqno = d.seqno;
	if (take_inject(DNPU_INJECT_DMA_FAULT)) {
		res.status = DNPU_FAULT_INJECTED;
		finish_job(fw, seqno, d.completion, &res);
		return;
	}
	res.status = load_regions(fw, &d);
	if (res.status == DNPU_FAULT_NONE)
		run_engine(fw, &d, &res);
	finish_job(fw, seqno, d.completion, &res);
}

static bool ring_config(struct fw *fw, uint64_t *base, uint32_t *size)
{
	uint32_t lo = hal_reg_read(DNPU_REG_RING_BASE_LO);
	uint32_t hi = hal_reg_read(DNPU_REG_RING_BASE_HI);

	*size = hal_reg_read(DNPU_REG_RING_SIZE);
	*base = ((uint64_t)hi << 32) | lo;
	if (*size == 0)		/* not configured yet */
		return false;
	if (*size > DNPU_RING_MAX_ENTRIES || (*size & (*size - 1)) ||
	    *base == 0 || *base % 64) {
		report_ring_error(fw, DNPU_FW_ERR_BAD_RING);
		return false;
	}
	return true;
}

void fw_step(struct fw *fw)
{
	uint64_t base;
	uint32_t size, tail;

	if (fw->hung)
		return;
	if (take_inject(DNPU_INJECT_HANG)) {
		fw->hung = true;
		return;
	}
	if (take_inject(DNPU_INJECT_FW_CRASH))
		hal_crash();
	tick(fw, hal_time());

	while (ring_config(fw, &base, &size)) {
		tail = hal_reg_read(DNPU_REG_RING_TAIL);
		if (tail - fw->head > size) {
			/* more work than slots: the producer is confused */
			report_ring_error(fw, DNPU_FW_ERR_BAD_RING);
			break;
		}
		report_ring_error(fw, DNPU_FW_ERR_NONE);
		if (tail == fw->head)
			break;
		hal_eng_write(DNPU_ENG_CLOCK_GATE, 0);
		process_job(fw, base + (uint64_t)(fw->head & (size - 1)) * 64u);
		tick(fw, hal_time());
		if (take_inject(DNPU_INJECT_HANG)) {
			fw->hung = true;
			return;
		}
	}
	/* idle: gate the engine clock until the next job */
	if (fw->ring_error == DNPU_FW_ERR_NONE)
		set_state(fw, DNPU_FW_STATE_IDLE, 0, DNPU_STATUS_BUSY);
	hal_eng_write(DNPU_ENG_CLOCK_GATE, 1);
}
