// SPDX-License-Identifier: MIT
/*
 * Soft sequencer (see soft_seq.h, docs/SOFTSEQ.md). fw.c drives this exactly
 * as it drives the hardware engine: it loads regions and CMD_*, writes
 * START and waits for DONE / FAULT. Here START runs the whole job at once
 * with dnpu_cmodel_run(), so results and faults are the C model's, and
 * sets the sticky status and the ENG_DONE / ENG_FAULT pending bits that
 * hal_wait_event() then reports.
 */
#include <stdbool.h>
#include <string.h>

#include "cmodel_internal.h"
#include "dnpu_cmodel.h"
#include "fw.h"
#include "hal.h"
#include "soft_seq.h"

#define SOFT_IRQS	(DNPU_CORE_IRQ_ENG_DONE | DNPU_CORE_IRQ_ENG_FAULT)
/* registers below this are emulated; the region table ends here */
#define SHADOW_END	(DNPU_ENG_REGION_BASE + 16u * DNPU_MAX_REGIONS)
#define MBOX_MAX	64u

static struct {
	struct dnpu_cmodel *m;
	uint32_t reg[SHADOW_END / 4];	/* CTRL .. region table */
	uint32_t pending;		/* ENG_DONE / ENG_FAULT */
	uint64_t perf[DNPU_PERF_COUNT];
	uint32_t perf_hi;		/* latched by a PERF_LO read */
	struct dnpu_cmodel_result res;
} ss;

/* ------------------------------------------------------------------ */
/* Host memory through the mailbox: 4..64 B, a multiple of 4, any address */
/* ------------------------------------------------------------------ */

/*
 * A 4 B window holding [addr, addr + len) for len < 4: from addr unless that
 * crosses into the next 4 KiB page, so it never touches a page the access
 * itself does not (bus errors are per page).
 */
static uint64_t short_window(uint64_t addr, size_t len)
{
	return (addr & (DNPU_PAGE_SIZE - 1)) + 4 <= DNPU_PAGE_SIZE ? addr
								: addr + len - 4;
}

static int host_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	uint32_t w[MBOX_MAX / 4];
	uint8_t *b = buf;

	(void)ctx;
	/* a job runs inside one START: keep the heartbeat going meanwhile */
	fw_keepalive();
	if (len < 4) {
		uint64_t a = short_window(addr, len);

		if (hal_mbox_read(a, w, 4))
			return -1;
		memcpy(b, (uint8_t *)w + (addr - a), len);
		return 0;
	}
	while (len) {
		/* a ragged tail re-reads the last 4 B window of the range */
		size_t n = len >= MBOX_MAX ? MBOX_MAX : len & ~(size_t)3;
		size_t back = n ? 0 : 4 - len;

		if (!n)
			n = 4;
		if (hal_mbox_read(addr - back, w, (uint32_t)n))
			return -1;
		memcpy(b, (uint8_t *)w + back, n - back);
		b += n - back;
		addr += n - back;
		len -= n - back;
	}
	return 0;
}

static int host_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	uint32_t w[MBOX_MAX / 4];
	const uint8_t *b = buf;

	(void)ctx;
	fw_keepalive();
	if (len < 4) {
		/* read-modify-write: the host does not touch a running job's memory */
		uint64_t a = short_window(addr, len);

		if (hal_mbox_read(a, w, 4))
			return -1;
		memcpy((uint8_t *)w + (addr - a), b, len);
		return hal_mbox_write(a, w, 4);
	}
	while (len) {
		/* a ragged tail rewrites the last 4 B of the range from buf */
		size_t n = len >= MBOX_MAX ? MBOX_MAX : len & ~(size_t)3;
		size_t back = n ? 0 : 4 - len;

		if (!n)
			n = 4;
		memcpy(w, b - back, n);
		if (hal_mbox_write(addr - back, w, (uint32_t)n))
			return -1;
		b += n - back;
		addr += n - back;
		len -= n - back;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The MAC array hook of the C model (cmodel_internal.h)               */
/* ------------------------------------------------------------------ */

void cm_mac_clear(void)
{
	/* a check reads the timer; a tile has K steps of ~15 instructions */
	fw_keepalive();
	hal_hw_eng_write(DNPU_ENG_MAC_CTRL, DNPU_MAC_CTRL_CLEAR);
}

void cm_mac_step(uint32_t w1w0a1a0)
{
	hal_hw_eng_write(DNPU_ENG_MAC_STEP, w1w0a1a0);
}

uint32_t cm_mac_acc(unsigned i)
{
	return hal_hw_eng_read(DNPU_ENG_MAC_ACC(i));
}

/* ------------------------------------------------------------------ */
/* Boot                                                                */
/* ------------------------------------------------------------------ */

uint32_t soft_seq_boot(void *arena, size_t bytes)
{
	struct dnpu_cmodel_config cfg;
	uint32_t caps = hal_reg_read(DNPU_REG_CAPS);

	memset(&ss, 0, sizeof(ss));
	/* the cycle model's DRAM as the presets (it only times the watchdog) */
	dnpu_cmodel_config_default(&cfg);
	cfg.rows = DNPU_CAPS_ARRAY_ROWS(caps);
	cfg.cols = DNPU_CAPS_ARRAY_COLS(caps);
	cfg.nmc_lanes = DNPU_CAPS_NMC_LANES(caps);
	cfg.features = hal_reg_read(DNPU_REG_FEATURES) & DNPU_FEAT_DMA_ONCHIP;
	for (unsigned i = 0; i < DNPU_SPAD_COUNT; i++)
		cfg.spad_bytes[i] = hal_reg_read(DNPU_REG_SPAD_IN_BYTES + 4u * i);
	if (DNPU_CAPS_MAX_REGIONS(caps) != DNPU_MAX_REGIONS)
		return DNPU_FW_ERR_CONFIG;
	ss.m = dnpu_cmodel_create_in(&cfg, arena, bytes);
	if (!ss.m)
		return DNPU_FW_ERR_CONFIG;
	dnpu_cmodel_set_host(ss.m, host_read, host_write, NULL);
	return DNPU_FW_ERR_NONE;
}

struct dnpu_cmodel *soft_seq_model(void)
{
	return ss.m;
}

/* ------------------------------------------------------------------ */
/* The engine-control HAL                                              */
/* ------------------------------------------------------------------ */

static uint32_t *shadow(uint32_t off)
{
	return &ss.reg[off / 4];
}

static void run_job(void)
{
	struct dnpu_region tab[DNPU_MAX_REGIONS];
	struct dnpu_cmodel_result *res = &ss.res;
	uint32_t n = *shadow(DNPU_ENG_REGION_COUNT);
	uint64_t t0 = hal_time(), dt;
	uint32_t f = DNPU_FAULT_BAD_DESC;

	memset(res, 0, sizeof(*res));
	if (n > DNPU_MAX_REGIONS)
		n = 0;	/* load_regions: BAD_DESC */
	memset(tab, 0, sizeof(tab));
	for (uint32_t i = 0; i < n; i++) {
		tab[i].addr = *shadow(DNPU_ENG_REGION_ADDR_LO(i)) |
			      (uint64_t)*shadow(DNPU_ENG_REGION_ADDR_HI(i)) << 32;
		tab[i].size = *shadow(DNPU_ENG_REGION_SIZE(i));
		tab[i].flags = *shadow(DNPU_ENG_REGION_FLAGS(i));
	}
	if (ss.m)
		f = dnpu_cmodel_load_regions(ss.m, tab, n);
	if (f == DNPU_FAULT_NONE) {
		/* WATCHDOG (kcycles) bounds the job's modelled cycles */
		dnpu_cmodel_set_watchdog(ss.m, (uint64_t)*shadow(DNPU_ENG_WATCHDOG) * 1000u);
		f = dnpu_cmodel_run(ss.m, *shadow(DNPU_ENG_CMD_REGION),
				    *shadow(DNPU_ENG_CMD_OFFSET),
				    *shadow(DNPU_ENG_CMD_COUNT), res);
	} else {
		res->status = f;	/* fw.c checked the table: not seen */
	}
	dt = hal_time() - t0;

	ss.perf[DNPU_PERF_BUSY_CYCLES] += dt;
	ss.perf[DNPU_PERF_MACS] += res->stats.macs;
	ss.perf[DNPU_PERF_NMC_OPS] += res->stats.nmc_ops;
	ss.perf[DNPU_PERF_DRAM_RD_BYTES] += res->stats.dram_rd_bytes;
	ss.perf[DNPU_PERF_DRAM_WR_BYTES] += res->stats.dram_wr_bytes;
	for (unsigned i = 0; i < DNPU_SPAD_COUNT; i++) {
		ss.perf[DNPU_PERF_SPAD_RD_BYTES] += res->stats.spad_rd_bytes[i];
		ss.perf[DNPU_PERF_SPAD_WR_BYTES] += res->stats.spad_wr_bytes[i];
	}
	ss.perf[DNPU_PERF_ARRAY_CYCLES] += res->stats.array_cycles;
	ss.perf[DNPU_PERF_JOBS]++;

	*shadow(DNPU_ENG_FAULT_CAUSE) = f;
	*shadow(DNPU_ENG_FAULT_REGION) = f ? res->fault_region : 0;
	*shadow(DNPU_ENG_FAULT_OFFSET) = f ? res->fault_offset : 0;
	*shadow(DNPU_ENG_FAULT_CMD) = f ? res->fault_cmd : 0;
	*shadow(DNPU_ENG_STATUS) = f ? DNPU_ENG_STATUS_FAULT : DNPU_ENG_STATUS_DONE;
	ss.pending |= f ? DNPU_CORE_IRQ_ENG_FAULT : DNPU_CORE_IRQ_ENG_DONE;
}

static bool hw_reg(uint32_t off)
{
	return off >= DNPU_ENG_MBOX_ADDR_LO && off < DNPU_ENG_PERF_BASE;
}

static bool perf_reg(uint32_t off)
{
	return off >= DNPU_ENG_PERF_LO(0) && off < DNPU_ENG_PERF_LO(DNPU_PERF_COUNT);
}

uint32_t hal_eng_read(uint32_t off)
{
	if (hw_reg(off) || off >= DNPU_ENG_MAC_CTRL || off == DNPU_ENG_IRQ_ENABLE)
		return hal_hw_eng_read(off);
	if (off == DNPU_ENG_IRQ_PENDING)
		return hal_hw_eng_read(off) | ss.pending;
	if (perf_reg(off)) {
		uint32_t n = (off - DNPU_ENG_PERF_LO(0)) / 8;
		/* CYCLES: the clock the core and the engine share */
		uint64_t v = n == DNPU_PERF_CYCLES ? hal_time() : ss.perf[n];

		if (off % 8)
			return ss.perf_hi;
		ss.perf_hi = (uint32_t)(v >> 32);
		return (uint32_t)v;
	}
	return off < SHADOW_END && off % 4 == 0 ? *shadow(off) : 0;
}

void hal_eng_write(uint32_t off, uint32_t val)
{
	if (hw_reg(off) || off >= DNPU_ENG_MAC_CTRL || off == DNPU_ENG_IRQ_ENABLE) {
		hal_hw_eng_write(off, val);
		return;
	}
	if (off >= SHADOW_END || off % 4)
		return;
	switch (off) {
	case DNPU_ENG_CTRL:
		if (val & DNPU_ENG_CTRL_ABORT)	/* nothing runs between calls */
			*shadow(DNPU_ENG_STATUS) = 0;
		if (val & DNPU_ENG_CTRL_START)
			run_job();
		break;
	case DNPU_ENG_IRQ_PENDING:
		ss.pending &= ~val;
		hal_hw_eng_write(off, val);
		break;
	case DNPU_ENG_STATUS:		/* read-only */
	case DNPU_ENG_FAULT_CAUSE:
	case DNPU_ENG_FAULT_REGION:
	case DNPU_ENG_FAULT_OFFSET:
	case DNPU_ENG_FAULT_CMD:
		break;
	default:
		*shadow(off) = val;
	}
}
