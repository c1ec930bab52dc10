/* SPDX-License-Identifier: MIT */
/*
 * C functional model: configuration, host bus, region table, command fetch,
 * DMA (LOAD/STORE), dependency tokens, the run loop and the cycle model.
 * Compute commands live in cmodel_compute.c.
 */
#ifndef DNPU_CMODEL_FREESTANDING
#include <stdlib.h>
#endif
#include <string.h>

#include "cmodel_internal.h"

void dnpu_cmodel_config_default(struct dnpu_cmodel_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->rows = DNPU_DEFAULT_ROWS;
	cfg->cols = DNPU_DEFAULT_COLS;
	cfg->nmc_lanes = DNPU_DEFAULT_NMC_LANES;
	cfg->spad_bytes[DNPU_SPAD_IN] = DNPU_DEFAULT_SPAD_IN;
	cfg->spad_bytes[DNPU_SPAD_WGT] = DNPU_DEFAULT_SPAD_WGT;
	cfg->spad_bytes[DNPU_SPAD_ACC] = DNPU_DEFAULT_SPAD_ACC;
	cfg->spad_bytes[DNPU_SPAD_OUT] = DNPU_DEFAULT_SPAD_OUT;
	cfg->spad_bytes[DNPU_SPAD_PARAM] = DNPU_DEFAULT_SPAD_PARAM;
	/* the RTL device's DRAM model (sim/rtl/dnpu_rtl.cpp) */
	cfg->dram_latency = 100;
	cfg->dram_bytes_per_cycle = 8;
	cfg->watchdog_cycles = 0;
	cfg->features = DNPU_FEAT_DMA_ONCHIP;
}

void dnpu_cmodel_config_small(struct dnpu_cmodel_config *cfg)
{
	dnpu_cmodel_config_default(cfg);
	cfg->rows = DNPU_SMALL_ROWS;
	cfg->cols = DNPU_SMALL_COLS;
	cfg->nmc_lanes = DNPU_SMALL_NMC_LANES;
	cfg->spad_bytes[DNPU_SPAD_IN] = DNPU_SMALL_SPAD_IN;
	cfg->spad_bytes[DNPU_SPAD_WGT] = DNPU_SMALL_SPAD_WGT;
	cfg->spad_bytes[DNPU_SPAD_ACC] = DNPU_SMALL_SPAD_ACC;
	cfg->spad_bytes[DNPU_SPAD_OUT] = DNPU_SMALL_SPAD_OUT;
	cfg->spad_bytes[DNPU_SPAD_PARAM] = DNPU_SMALL_SPAD_PARAM;
}

static bool config_ok(const struct dnpu_cmodel_config *cfg)
{
	if (!cfg || cfg->rows == 0 || cfg->rows > 255 || cfg->cols == 0 ||
	    cfg->cols > 255 || cfg->nmc_lanes == 0 || cfg->nmc_lanes > 255)
		return false;
	for (unsigned i = 0; i < DNPU_SPAD_COUNT; i++)
		if (cfg->spad_bytes[i] == 0)
			return false;
	return cfg->spad_bytes[DNPU_SPAD_ACC] % 4 == 0;
}

#ifndef DNPU_CMODEL_FREESTANDING
struct dnpu_cmodel *dnpu_cmodel_create(const struct dnpu_cmodel_config *cfg)
{
	if (!config_ok(cfg))
		return NULL;

	struct dnpu_cmodel *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->cfg = *cfg;
	m->watchdog = cfg->watchdog_cycles;
	for (unsigned i = 0; i < DNPU_SPAD_COUNT; i++) {
		m->spad[i] = calloc(1, cfg->spad_bytes[i]);
		if (!m->spad[i])
			goto fail;
	}
	m->acc_tmp = calloc(65536, sizeof(uint32_t));
	if (!m->acc_tmp)
		goto fail;
	return m;
fail:
	dnpu_cmodel_destroy(m);
	return NULL;
}

void dnpu_cmodel_destroy(struct dnpu_cmodel *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < DNPU_SPAD_COUNT; i++)
		free(m->spad[i]);
	free(m->acc_tmp);
	free(m);
}
#endif

/*
 * Caller-provided memory: the model, its CONV row accumulators (one per
 * ACC word: a CONV's N never exceeds that, conv_check() ensures it; none
 * when the MAC array computes CONV) and the scratchpads, each 8 B aligned.
 */
#ifdef DNPU_CMODEL_MAC_ARRAY
#define ACC_TMP_ENTRIES(cfg)	0u
#else
#define ACC_TMP_ENTRIES(cfg)	((cfg)->spad_bytes[DNPU_SPAD_ACC] / 4u)
#endif

static uint64_t align8(uint64_t n)
{
	return (n + 7u) & ~(uint64_t)7u;
}

size_t dnpu_cmodel_mem_size(const struct dnpu_cmodel_config *cfg)
{
	uint64_t n;

	if (!config_ok(cfg))
		return 0;
	n = align8(sizeof(struct dnpu_cmodel)) +
	    align8((uint64_t)ACC_TMP_ENTRIES(cfg) * sizeof(uint32_t));
	for (unsigned i = 0; i < DNPU_SPAD_COUNT; i++)
		n += align8(cfg->spad_bytes[i]);
	return (size_t)n == n ? (size_t)n : 0;
}

struct dnpu_cmodel *dnpu_cmodel_create_in(const struct dnpu_cmodel_config *cfg,
					  void *mem, size_t bytes)
{
	size_t need = dnpu_cmodel_mem_size(cfg);
	uint8_t *p = mem;
	struct dnpu_cmodel *m;

	if (!need || !mem || bytes < need || (uintptr_t)mem % 8)
		return NULL;
	memset(mem, 0, need);
	m = mem;
	p += align8(sizeof(*m));
	m->cfg = *cfg;
	m->watchdog = cfg->watchdog_cycles;
	m->acc_tmp = ACC_TMP_ENTRIES(cfg) ? (uint32_t *)(void *)p : NULL;
	p += align8((uint64_t)ACC_TMP_ENTRIES(cfg) * sizeof(uint32_t));
	for (unsigned i = 0; i < DNPU_SPAD_COUNT; i++) {
		m->spad[i] = p;
		p += align8(cfg->spad_bytes[i]);
	}
	return m;
}

const struct dnpu_cmodel_config *dnpu_cmodel_config(const struct dnpu_cmodel *m)
{
	return &m->cfg;
}

void dnpu_cmodel_reset(struct dnpu_cmodel *m)
{
	for (unsigned i = 0; i < DNPU_SPAD_COUNT; i++)
		memset(m->spad[i], 0, m->cfg.spad_bytes[i]);
	memset(m->reg, 0, sizeof(m->reg));
	m->nreg = 0;
	m->inject_pending = false;
}

uint8_t *dnpu_cmodel_spad(struct dnpu_cmodel *m, unsigned spad, uint32_t *bytes)
{
	if (spad >= DNPU_SPAD_COUNT)
		return NULL;
	if (bytes)
		*bytes = m->cfg.spad_bytes[spad];
	return m->spad[spad];
}

void dnpu_cmodel_set_watchdog(struct dnpu_cmodel *m, uint64_t cycles)
{
	m->watchdog = cycles;
}

void dnpu_cmodel_inject_dma_fault(struct dnpu_cmodel *m)
{
	m->inject_pending = true;
}

const char *dnpu_fault_name(uint32_t cause)
{
	static const char *const names[] = {
		"NONE", "REGION_INVALID", "OUT_OF_BOUNDS", "PERMISSION",
		"PAGE_ALIGN", "ILLEGAL_CMD", "SPAD_RANGE", "TOKEN", "TIMEOUT",
		"BAD_DESC", "INJECTED", "BUS_ERROR",
	};
	return cause < sizeof(names) / sizeof(names[0]) ? names[cause] : "?";
}

/* ------------------------------------------------------------------ */
/* Host bus                                                            */
/* ------------------------------------------------------------------ */

static int flat_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct dnpu_cmodel *m = ctx;
	if (addr < m->flat_base || addr - m->flat_base > m->flat_size ||
	    len > m->flat_size - (addr - m->flat_base))
		return -1;
	memcpy(buf, m->flat_mem + (addr - m->flat_base), len);
	return 0;
}

static int flat_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct dnpu_cmodel *m = ctx;
	if (addr < m->flat_base || addr - m->flat_base > m->flat_size ||
	    len > m->flat_size - (addr - m->flat_base))
		return -1;
	memcpy(m->flat_mem + (addr - m->flat_base), buf, len);
	return 0;
}

void dnpu_cmodel_set_host(struct dnpu_cmodel *m, dnpu_host_read_fn rd,
			  dnpu_host_write_fn wr, void *ctx)
{
	m->rd = rd;
	m->wr = wr;
	m->host_ctx = ctx;
}

void dnpu_cmodel_set_host_flat(struct dnpu_cmodel *m, uint64_t base,
			       void *mem, size_t size)
{
	m->flat_base = base;
	m->flat_mem = mem;
	m->flat_size = size;
	dnpu_cmodel_set_host(m, flat_read, flat_write, m);
}

int dnpu_cmodel_host_read(struct dnpu_cmodel *m, uint64_t addr, void *buf,
			  size_t len)
{
	if (!m->rd)
		return -1;
	return m->rd(m->host_ctx, addr, buf, len);
}

int dnpu_cmodel_host_write(struct dnpu_cmodel *m, uint64_t addr,
			   const void *buf, size_t len)
{
	if (!m->wr)
		return -1;
	return m->wr(m->host_ctx, addr, buf, len);
}

/* ------------------------------------------------------------------ */
/* Faults                                                              */
/* ------------------------------------------------------------------ */

uint32_t cm_fault(struct dnpu_cmodel *m, uint32_t cause, uint32_t region,
		  uint64_t offset)
{
	m->res->status = cause;
	m->res->fault_region = region;
	m->res->fault_offset = offset > UINT32_MAX ? UINT32_MAX : (uint32_t)offset;
	return cause;
}

uint32_t cm_illegal(struct dnpu_cmodel *m)
{
	return cm_fault(m, DNPU_FAULT_ILLEGAL_CMD, m->cmd_region,
			m->cur_cmd_offset);
}

uint32_t cm_spad_need(struct dnpu_cmodel *m, unsigned sp, uint64_t end)
{
	if (end > m->cfg.spad_bytes[sp])
		return cm_fault(m, DNPU_FAULT_SPAD_RANGE, sp, end - 1);
	return DNPU_FAULT_NONE;
}

/* ------------------------------------------------------------------ */
/* Regions                                                             */
/* ------------------------------------------------------------------ */

#define REGION_FLAGS_KNOWN (DNPU_REGION_VALID | DNPU_REGION_READ | \
			    DNPU_REGION_WRITE | DNPU_REGION_PAGED)

uint32_t dnpu_cmodel_load_regions(struct dnpu_cmodel *m,
				  const struct dnpu_region *tab,
				  uint32_t count)
{
	memset(m->reg, 0, sizeof(m->reg));
	m->nreg = 0;
	if (!tab || count == 0 || count > DNPU_MAX_REGIONS)
		return DNPU_FAULT_BAD_DESC;
	for (uint32_t i = 0; i < count; i++) {
		const struct dnpu_region *r = &tab[i];
		if (r->reserved[0] || r->reserved[1] ||
		    (r->flags & ~REGION_FLAGS_KNOWN) ||
		    ((r->flags & DNPU_REGION_PAGED) && (r->addr & 7)))
			return DNPU_FAULT_BAD_DESC;
	}
	for (uint32_t i = 0; i < count; i++) {
		m->reg[i].addr = tab[i].addr;
		m->reg[i].size = tab[i].size;
		m->reg[i].flags = tab[i].flags;
	}
	m->nreg = count;
	return DNPU_FAULT_NONE;
}

/* Region exists, is valid and grants @perm (checked once per command). */
static uint32_t region_usable(struct dnpu_cmodel *m, uint32_t ri,
			      uint32_t perm, uint64_t offset)
{
	if (ri >= m->nreg || !(m->reg[ri].flags & DNPU_REGION_VALID))
		return cm_fault(m, DNPU_FAULT_REGION_INVALID, ri, offset);
	if (!(m->reg[ri].flags & perm))
		return cm_fault(m, DNPU_FAULT_PERMISSION, ri, offset);
	return DNPU_FAULT_NONE;
}

static uint32_t region_bounds(struct dnpu_cmodel *m, uint32_t ri,
			      uint64_t offset, uint64_t len)
{
	if (offset > m->reg[ri].size || len > m->reg[ri].size - offset)
		return cm_fault(m, DNPU_FAULT_OUT_OF_BOUNDS, ri, offset);
	return DNPU_FAULT_NONE;
}

/*
 * Move @len bytes between @buf and region @ri at @offset (already bounds
 * checked). PAGED regions are walked page by page; each page's list entry
 * is read from host memory right before that page's chunk moves.
 */
static uint32_t region_xfer(struct dnpu_cmodel *m, uint32_t ri,
			    uint64_t offset, uint8_t *buf, uint64_t len,
			    bool write)
{
	const struct cm_region *r = &m->reg[ri];
	struct dnpu_cmodel_stats *st = &m->res->stats;

	while (len > 0) {
		uint64_t addr, chunk;
		if (r->flags & DNPU_REGION_PAGED) {
			uint64_t entry;
			uint64_t in_page = offset & (DNPU_PAGE_SIZE - 1);
			uint64_t ea = r->addr + (offset >> DNPU_PAGE_SHIFT) * 8u;
			if (dnpu_cmodel_host_read(m, ea, &entry, 8))
				return cm_fault(m, DNPU_FAULT_BUS_ERROR, ri,
						offset);
			st->dram_rd_bytes += 8;
			st->page_walk_bytes += 8;
			if (entry & (DNPU_PAGE_SIZE - 1))
				return cm_fault(m, DNPU_FAULT_PAGE_ALIGN, ri,
						offset);
			addr = entry + in_page;
			chunk = DNPU_PAGE_SIZE - in_page;
			if (chunk > len)
				chunk = len;
		} else {
			addr = r->addr + offset;
			chunk = len;
		}
		int err = write ? dnpu_cmodel_host_write(m, addr, buf, chunk)
				: dnpu_cmodel_host_read(m, addr, buf, chunk);
		if (err)
			return cm_fault(m, DNPU_FAULT_BUS_ERROR, ri, offset);
		if (write)
			st->dram_wr_bytes += chunk;
		else
			st->dram_rd_bytes += chunk;
		buf += chunk;
		offset += chunk;
		len -= chunk;
	}
	return DNPU_FAULT_NONE;
}

/* ------------------------------------------------------------------ */
/* DMA: LOAD and STORE                                                 */
/* ------------------------------------------------------------------ */

struct dma {
	uint32_t ri, sp, padv;
	uint64_t offset, spad_addr, len0, count1, count2;
	uint64_t src_stride1, dst_stride1, src_stride2, dst_stride2;
	uint64_t pad0b, pad0a, pad1b, pad1a;
};

static void dma_decode(const uint32_t *w, struct dma *d)
{
	d->ri = DNPU_DMA_REGION_IDX(w[1]);
	d->sp = DNPU_DMA_SPAD(w[1]);
	d->padv = DNPU_DMA_PAD_VALUE(w[1]);
	d->offset = w[2];
	d->spad_addr = w[3];
	d->len0 = w[4];
	d->count1 = w[5];
	d->src_stride1 = w[6];
	d->dst_stride1 = w[7];
	d->count2 = w[8];
	d->src_stride2 = w[9];
	d->dst_stride2 = w[10];
	d->pad0b = DNPU_PAIR_LO(w[11]);
	d->pad0a = DNPU_PAIR_HI(w[11]);
	d->pad1b = DNPU_PAIR_LO(w[12]);
	d->pad1a = DNPU_PAIR_HI(w[12]);
}

/*
 * Cycle model of the DMA (dnpu_cmodel_xfer_cycles), after rtl/dnpu_xfer.v
 * and dnpu_dma.v: a transfer
 * is cut into bursts that never cross 256 B (nor, PAGED, a page; each page
 * piece first reads its list entry, with nothing else in flight); up to
 * DNPU_DMA_MAX_INFLIGHT bursts are on the bus before the oldest is
 * answered. A read burst's data comes the DRAM latency after its request,
 * then a beat period per beat, in order; a write burst's beats go out one
 * burst after the other and each is answered the latency after its last
 * beat. The scratchpad side moves cm_dma_width() bytes per cycle.
 */
static uint64_t dma_width(const struct dnpu_cmodel_config *cfg)
{
	return cfg->cols >= DNPU_DMA_BUS_BYTES ? DNPU_DMA_BUS_BYTES : cfg->cols;
}

uint64_t cm_dma_width(const struct dnpu_cmodel *m)
{
	return dma_width(&m->cfg);
}

/* cycles a 16-byte beat occupies the DRAM's data path */
static uint64_t bus_beat(const struct dnpu_cmodel_config *cfg)
{
	uint64_t bpc = cfg->dram_bytes_per_cycle ? cfg->dram_bytes_per_cycle
						 : DNPU_DMA_BUS_BYTES;
	return cm_ceil_div(DNPU_DMA_BUS_BYTES, bpc);
}

static uint64_t beat_period(const struct dnpu_cmodel_config *cfg)
{
	uint64_t bus = bus_beat(cfg);
	uint64_t spad = 1 + cm_ceil_div(DNPU_DMA_BUS_BYTES, dma_width(cfg));
	return bus > spad ? bus : spad;
}

/* RTL constants of a burst besides the latency and the beats */
#define XF_ISSUE	3u	/* cycles between two requests of a transfer */
#define XF_RD_FIX	6u	/* read: request, first beat, last chunk */
#define XF_WR_FIX	4u	/* write: request, response */

uint64_t dnpu_cmodel_xfer_cycles(const struct dnpu_cmodel_config *cfg,
				 uint64_t addr, uint64_t len, bool write,
				 bool paged, uint64_t *bus)
{
	uint64_t burst = (uint64_t)DNPU_DMA_BUS_BYTES * DNPU_DMA_MAX_BURST;
	uint64_t lat = cfg->dram_latency, per = beat_period(cfg);
	/* completion of the last DNPU_DMA_MAX_INFLIGHT bursts, a ring */
	uint64_t fin[DNPU_DMA_MAX_INFLIGHT] = { 0 };
	uint64_t issue = 0, data = 0, end = 0, beats_all = 0, entries = 0;
	uint64_t a = addr, left = len, j = 0;
	/*
	 * Long transfers: once whole periods of full bursts (a page, PAGED)
	 * repeat with every time shifted by the same amount, the rest of
	 * them is that shift times their number (the recurrence only adds
	 * constants and takes maxima), so the loop stays short for any
	 * length (rows can be 4 GiB).
	 */
	uint64_t unit = paged ? DNPU_PAGE_SIZE : burst;
	uint64_t period = paged ? DNPU_PAGE_SIZE / burst : DNPU_DMA_MAX_INFLIGHT;
	uint64_t snap[DNPU_DMA_MAX_INFLIGHT + 3] = { 0 }, snap_j = 0;
	bool have_snap = false;
	/*
	 * Periods count from the first unit boundary: a PAGED row that
	 * starts inside a page reaches it after any number of bursts.
	 */
	uint64_t j_unit = UINT64_MAX;

	if (period % DNPU_DMA_MAX_INFLIGHT)
		period *= DNPU_DMA_MAX_INFLIGHT;
	if (cfg->dram_free)	/* measurement only: the DMA datapath alone */
		return cm_sadd(cm_ceil_div(len, dma_width(cfg)), 3);
	while (left) {
		if (j && a % unit == 0 && j_unit == UINT64_MAX)
			j_unit = j;
		if (j && a % unit == 0 && (j - j_unit) % period == 0 &&
		    left >= 2 * period * burst) {
			uint64_t now[DNPU_DMA_MAX_INFLIGHT + 3] = { issue, data, end };
			bool same = have_snap && j == snap_j + period;
			uint64_t d = now[2] - snap[2];

			memcpy(now + 3, fin, sizeof(fin));
			for (unsigned k = 0; same && k < DNPU_DMA_MAX_INFLIGHT + 3; k++)
				same = now[k] >= snap[k] && now[k] - snap[k] == d;
			if (same) {
				uint64_t reps = left / (period * burst) - 1;
				uint64_t dt = cm_smul(reps, d);

				issue = cm_sadd(issue, dt);
				data = cm_sadd(data, dt);
				end = cm_sadd(end, dt);
				for (unsigned k = 0; k < DNPU_DMA_MAX_INFLIGHT; k++)
					fin[k] = cm_sadd(fin[k], dt);
				beats_all = cm_sadd(beats_all,
					cm_smul(reps, period * DNPU_DMA_MAX_BURST));
				if (paged)
					entries += reps * (period * burst /
							   DNPU_PAGE_SIZE);
				a += reps * period * burst;
				left -= reps * period * burst;
				j += reps * period;
				have_snap = false;
				continue;
			}
			memcpy(snap, now, sizeof(snap));
			snap_j = j;
			have_snap = true;
		}
		if (paged && (j == 0 || a % DNPU_PAGE_SIZE == 0)) {
			/* list entry: alone on the bus */
			uint64_t t = cm_sadd(end > issue ? end : issue, lat + 4);
			issue = data = end = t;
			entries++;
		}
		uint64_t n = burst - a % burst;
		if (paged && DNPU_PAGE_SIZE - a % DNPU_PAGE_SIZE < n)
			n = DNPU_PAGE_SIZE - a % DNPU_PAGE_SIZE;
		if (n > left)
			n = left;
		uint64_t beats = cm_ceil_div(a % DNPU_DMA_BUS_BYTES + n,
					     DNPU_DMA_BUS_BYTES);
		uint64_t *slot = &fin[j % DNPU_DMA_MAX_INFLIGHT];
		/* a request goes out once the burst MAX_INFLIGHT back is done */
		if (j)
			issue = issue + XF_ISSUE > *slot ? issue + XF_ISSUE : *slot;
		uint64_t f;
		if (write) {
			/* beats follow the request, one burst after the other */
			uint64_t s = issue > data ? issue : data;
			data = cm_sadd(s, 1 + cm_smul(beats, per));
			issue = data;
			f = cm_sadd(data, lat + XF_WR_FIX - 1);
		} else {
			uint64_t first = cm_sadd(issue, lat + XF_RD_FIX - per);
			uint64_t s = first > data ? first : data;
			data = cm_sadd(s, cm_smul(beats, per));
			f = data;
		}
		*slot = f;
		end = f > end ? f : end;
		beats_all = cm_sadd(beats_all, beats);
		a += n;
		left -= n;
		j++;
	}
	*bus = cm_sadd(*bus, cm_smul(cm_sadd(beats_all, entries), bus_beat(cfg)));
	return cm_sadd(end, 3);
}

/*
 * One dnpu_xfer of @len bytes at region offset @off: its cycles, and in
 * *bus the cycles it occupies the DRAM's data path.
 */
static uint64_t xfer_cycles(const struct dnpu_cmodel *m, uint32_t ri,
			    uint64_t off, uint64_t len, bool write, uint64_t *bus)
{
	const struct cm_region *r = &m->reg[ri < DNPU_MAX_REGIONS ? ri : 0];
	bool paged = r->flags & DNPU_REGION_PAGED;

	return dnpu_cmodel_xfer_cycles(&m->cfg, paged ? off : r->addr + off,
				       len, write, paged, bus);
}

/*
 * An on-chip row (DNPU_DMA_F_ONCHIP) moves like the RTL's: beats of
 * cm_dma_width() bytes in ascending order, each read before it is written
 * (so even an overlapping row, undefined in the ISA, matches the RTL).
 */
static void onchip_row(const struct dnpu_cmodel *m, uint8_t *dst,
		       const uint8_t *src, uint64_t len)
{
	uint8_t beat[DNPU_DMA_BUS_BYTES];
	uint64_t dw = cm_dma_width(m);

	for (uint64_t i = 0; i < len; i += dw) {
		uint64_t n = len - i < dw ? len - i : dw;

		memcpy(beat, src + i, n);
		memcpy(dst + i, beat, n);
	}
}

/*
 * Its cost on top of the row walk: two cycles per beat (read, then write)
 * and one to end the row; no bus.
 */
static uint64_t onchip_cycles(const struct dnpu_cmodel *m, uint64_t len)
{
	return cm_sadd(cm_smul(2, cm_ceil_div(len, cm_dma_width(m))), 1);
}

/* Rows beyond this are costed like the average of the first ones. */
#define DMA_COST_ROWS 4096u

static uint32_t dma_check(struct dnpu_cmodel *m, const uint32_t *w,
			  bool load, uint64_t *cost)
{
	struct dma d;
	dma_decode(w, &d);
	bool onchip = DNPU_CMD_FLAGS(w[0]) & DNPU_DMA_F_ONCHIP;

	if ((DNPU_CMD_FLAGS(w[0]) & ~DNPU_DMA_F_ONCHIP) ||
	    (onchip && !(m->cfg.features & DNPU_FEAT_DMA_ONCHIP)) ||
	    (onchip && d.ri != DNPU_SPAD_IN && d.ri != DNPU_SPAD_OUT) ||
	    (w[1] & DNPU_DMA_REGION_RSVD) ||
	    w[13] || w[14] || w[15] || d.len0 == 0 || d.count1 == 0 ||
	    d.count2 == 0)
		return cm_illegal(m);
	if (load) {
		if (d.sp != DNPU_SPAD_IN && d.sp != DNPU_SPAD_WGT &&
		    d.sp != DNPU_SPAD_OUT && d.sp != DNPU_SPAD_PARAM)
			return cm_illegal(m);
	} else {
		if ((d.sp != DNPU_SPAD_IN && d.sp != DNPU_SPAD_OUT) ||
		    d.padv || w[11] || w[12])
			return cm_illegal(m);
	}
	/*
	 * The RTL's row walk: per data row 4 steps, the padding at the DMA
	 * width, the transfer; per pad row 3 steps + its bytes; 4 per command
	 * plus the queue hand-over.
	 */
	uint64_t dw = cm_dma_width(m), bus = 0, c = 0, n = 0;
	uint64_t pad_row = 3 + cm_ceil_div(d.pad0b + d.len0 + d.pad0a, dw);
	uint64_t data_fix = load ? 4 + cm_ceil_div(d.pad0b, dw) +
			    cm_ceil_div(d.pad0a, dw) : 2;
	for (uint64_t z = 0; z < d.count2 && n < DMA_COST_ROWS; z++)
		for (uint64_t r = 0; r < d.count1 && n < DMA_COST_ROWS; r++, n++) {
			uint64_t off = cm_sadd(d.offset,
				cm_sadd(cm_smul(z, load ? d.src_stride2 : d.dst_stride2),
					cm_smul(r, load ? d.src_stride1 : d.dst_stride1)));
			c = cm_sadd(c, data_fix + (onchip ?
				onchip_cycles(m, d.len0) :
				xfer_cycles(m, d.ri, off, d.len0, !load, &bus)));
		}
	uint64_t rows = cm_smul(d.count1, d.count2);
	if (n < rows) {
		/* same average for the rest */
		c = cm_smul(cm_ceil_div(c, n), rows);
		bus = cm_smul(cm_ceil_div(bus, n), rows);
	}
	c = cm_sadd(c, cm_smul(cm_smul(d.pad1b + d.pad1a, d.count2), pad_row));
	*cost = cm_sadd(c, 6);
	m->cost_bus = bus;
	return DNPU_FAULT_NONE;
}

static uint32_t dma_exec(struct dnpu_cmodel *m, const uint32_t *w, bool load)
{
	struct dma d;
	struct dnpu_cmodel_stats *st = &m->res->stats;
	uint32_t f;

	bool onchip = DNPU_CMD_FLAGS(w[0]) & DNPU_DMA_F_ONCHIP;

	dma_decode(w, &d);
	if (!onchip) {
		f = region_usable(m, d.ri,
				  load ? DNPU_REGION_READ : DNPU_REGION_WRITE,
				  d.offset);
		if (f)
			return f;
	}

	uint8_t *sp = m->spad[d.sp];
	uint64_t row_bytes = d.pad0b + d.len0 + d.pad0a;
	uint64_t rows = d.pad1b + d.count1 + d.pad1a;
	for (uint64_t z = 0; z < d.count2; z++) {
		for (uint64_t r = 0; r < rows; r++) {
			bool data = r >= d.pad1b && r < d.pad1b + d.count1;
			uint64_t dr = r - d.pad1b;
			if (load) {
				uint64_t dst = cm_sadd(d.spad_addr,
					cm_sadd(cm_smul(z, d.dst_stride2),
						cm_smul(r, d.dst_stride1)));
				uint64_t src = 0;
				if (data) {
					src = cm_sadd(d.offset,
						cm_sadd(cm_smul(z, d.src_stride2),
							cm_smul(dr, d.src_stride1)));
					f = onchip ? cm_spad_need(m, d.ri,
							cm_sadd(src, d.len0)) :
						region_bounds(m, d.ri, src, d.len0);
					if (f)
						return f;
				}
				f = cm_spad_need(m, d.sp, cm_sadd(dst, row_bytes));
				if (f)
					return f;
				if (!data) {
					memset(sp + dst, (int)d.padv, row_bytes);
				} else {
					memset(sp + dst, (int)d.padv, d.pad0b);
					if (onchip) {
						onchip_row(m, sp + dst + d.pad0b,
							   m->spad[d.ri] + src,
							   d.len0);
						st->spad_rd_bytes[d.ri] += d.len0;
					} else {
						f = region_xfer(m, d.ri, src,
								sp + dst + d.pad0b,
								d.len0, false);
					}
					if (f)
						return f;
					memset(sp + dst + d.pad0b + d.len0,
					       (int)d.padv, d.pad0a);
				}
				st->spad_wr_bytes[d.sp] += row_bytes;
			} else {
				uint64_t src = cm_sadd(d.spad_addr,
					cm_sadd(cm_smul(z, d.src_stride2),
						cm_smul(r, d.src_stride1)));
				uint64_t dst = cm_sadd(d.offset,
					cm_sadd(cm_smul(z, d.dst_stride2),
						cm_smul(r, d.dst_stride1)));
				f = cm_spad_need(m, d.sp, cm_sadd(src, d.len0));
				if (f)
					return f;
				if (onchip) {
					f = cm_spad_need(m, d.ri,
							 cm_sadd(dst, d.len0));
					if (f)
						return f;
					onchip_row(m, m->spad[d.ri] + dst,
						   sp + src, d.len0);
					st->spad_wr_bytes[d.ri] += d.len0;
				} else {
					f = region_bounds(m, d.ri, dst, d.len0);
					if (!f)
						f = region_xfer(m, d.ri, dst,
								sp + src,
								d.len0, true);
					if (f)
						return f;
				}
				st->spad_rd_bytes[d.sp] += d.len0;
			}
		}
	}
	return DNPU_FAULT_NONE;
}

/* ------------------------------------------------------------------ */
/* Tokens                                                              */
/* ------------------------------------------------------------------ */

/* FIFO popped / pushed by each dependency bit of a queue, -1 = illegal. */
static int token_fifo(int q, uint32_t bit)
{
	switch (q) {
	case Q_LOAD:
		return bit == DNPU_CMD_POP_NEXT ? TQ_C2L :
		       bit == DNPU_CMD_PUSH_NEXT ? TQ_L2C : -1;
	case Q_COMPUTE:
		return bit == DNPU_CMD_POP_PREV ? TQ_L2C :
		       bit == DNPU_CMD_POP_NEXT ? TQ_S2C :
		       bit == DNPU_CMD_PUSH_PREV ? TQ_C2L : TQ_C2S;
	case Q_STORE:
		return bit == DNPU_CMD_POP_PREV ? TQ_C2S :
		       bit == DNPU_CMD_PUSH_PREV ? TQ_S2C : -1;
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Run loop                                                            */
/* ------------------------------------------------------------------ */

static int queue_of(uint32_t op)
{
	switch (op) {
	case DNPU_OP_LOAD:
		return Q_LOAD;
	case DNPU_OP_STORE:
		return Q_STORE;
	case DNPU_OP_CONV:
	case DNPU_OP_PPU:
	case DNPU_OP_NMC_ADD:
	case DNPU_OP_NMC_POOL:
	case DNPU_OP_NMC_MEAN:
	case DNPU_OP_NMC_DWCONV:
	case DNPU_OP_SYNC:
		return Q_COMPUTE;
	default:
		return -1; /* BARRIER, END: dispatcher-level */
	}
}

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}


uint32_t dnpu_cmodel_run(struct dnpu_cmodel *m, uint32_t cmd_region,
			 uint32_t cmd_offset, uint32_t cmd_count,
			 struct dnpu_cmodel_result *res)
{
	struct cm_tokq tq[TQ_COUNT];
	uint64_t qfree[Q_COUNT] = { 0, 0, 0 };
	/* when each queue's one-command slot is free again */
	uint64_t qslot[Q_COUNT] = { 0, 0, 0 };
	uint64_t dispatch_t = 0, fetch_t = 0, now = 0, bus_total = 0;
	uint32_t fetched = 0;	/* commands [0, fetched) are in the fetch buffer */
	struct dnpu_cmodel_stats *st = &res->stats;
	uint32_t f = DNPU_FAULT_NONE;
	uint32_t i;

	memset(res, 0, sizeof(*res));
	memset(tq, 0, sizeof(tq));
	m->res = res;
	m->cmd_region = cmd_region;
	m->inject_armed = m->inject_pending;
	m->inject_pending = false;

	if (cmd_count == 0 || cmd_offset % DNPU_CMD_BYTES != 0) {
		res->fault_cmd = 0;
		return cm_fault(m, DNPU_FAULT_BAD_DESC, cmd_region, cmd_offset);
	}

	for (i = 0;; i++) {
		uint64_t off = (uint64_t)cmd_offset + (uint64_t)i * DNPU_CMD_BYTES;
		uint32_t w[DNPU_CMD_WORDS];

		res->fault_cmd = i;
		m->cur_cmd_offset = off > UINT32_MAX ? UINT32_MAX : (uint32_t)off;
		if (i == cmd_count) {
			/* ran off the stream without END */
			f = cm_illegal(m);
			break;
		}

		/* fetch */
		f = region_usable(m, cmd_region, DNPU_REGION_READ, off);
		if (!f)
			f = region_bounds(m, cmd_region, off, DNPU_CMD_BYTES);
		if (!f)
			f = region_xfer(m, cmd_region, off, (uint8_t *)w,
					DNPU_CMD_BYTES, false);
		if (f)
			break;
		st->cmd_fetch_bytes += DNPU_CMD_BYTES;
		/*
		 * After the previous command was handed to its queue, the RTL
		 * takes the next from its fetch buffer, or reads a block of
		 * up to DNPU_CMD_PREFETCH commands (to the next 256 B of the
		 * stream, within cmd_count and the region), then decodes it
		 * (2 cycles).
		 */
		fetch_t = dispatch_t + 2;
		if (i >= fetched) {
			uint64_t n = DNPU_CMD_PREFETCH -
				     (off / DNPU_CMD_BYTES) % DNPU_CMD_PREFETCH;
			uint64_t room = (m->reg[cmd_region].size - off) /
					DNPU_CMD_BYTES;

			if (n > cmd_count - i)
				n = cmd_count - i;
			if (n > room)
				n = room;
			fetch_t = cm_sadd(fetch_t,
					  xfer_cycles(m, cmd_region, off,
						      n * DNPU_CMD_BYTES, false,
						      &bus_total));
			fetched = i + (uint32_t)n;
		}
		dispatch_t = fetch_t;

		/* decode */
		uint32_t op = DNPU_CMD_OPCODE(w[0]);
		uint32_t dep = w[0] & DNPU_CMD_DEP_MASK;
		int q = queue_of(op);
		uint64_t cost = 1;
		m->cost_bus = 0;

		if (w[0] & 0xf000u) {
			f = cm_illegal(m);
			break;
		}
		switch (op) {
		case DNPU_OP_LOAD:
		case DNPU_OP_STORE:
			f = dma_check(m, w, op == DNPU_OP_LOAD, &cost);
			break;
		case DNPU_OP_CONV:
		case DNPU_OP_PPU:
		case DNPU_OP_NMC_ADD:
		case DNPU_OP_NMC_POOL:
		case DNPU_OP_NMC_MEAN:
		case DNPU_OP_NMC_DWCONV:
			f = cm_compute_check(m, w, NULL);
			break;
		case DNPU_OP_SYNC:
		case DNPU_OP_BARRIER:
		case DNPU_OP_END:
			for (unsigned k = 1; k < DNPU_CMD_WORDS; k++)
				if (w[k])
					f = cm_illegal(m);
			if (DNPU_CMD_FLAGS(w[0]) || (q < 0 && dep))
				f = cm_illegal(m);
			break;
		default:
			f = cm_illegal(m);
			break;
		}
		if (f)
			break;

		/* dependency bits legal for this queue? */
		for (uint32_t bit = DNPU_CMD_POP_PREV; bit <= DNPU_CMD_PUSH_NEXT;
		     bit <<= 1)
			if ((dep & bit) && token_fifo(q, bit) < 0)
				f = cm_illegal(m);
		if (f)
			break;

		/* BARRIER / END: wait for every queue to drain */
		if (q < 0) {
			uint64_t t = dispatch_t;
			for (int k = 0; k < Q_COUNT; k++)
				t = max64(t, qfree[k]);
			t += 2;
			if (m->watchdog && t > m->watchdog) {
				f = cm_fault(m, DNPU_FAULT_TIMEOUT, cmd_region,
					     off);
				break;
			}
			if (op == DNPU_OP_END && m->inject_armed) {
				f = cm_fault(m, DNPU_FAULT_INJECTED, cmd_region,
					     off);
				break;
			}
			for (int k = 0; k < Q_COUNT; k++)
				qfree[k] = t;
			dispatch_t = t;
			now = t;
			st->cmds[op]++;
			res->cmds_done++;
			if (op == DNPU_OP_END)
				break;
			continue;
		}

		/*
		 * The command waits in its queue's slot until the one before it
		 * finished, then pops its tokens and starts (queue hand-over 2).
		 */
		dispatch_t = max64(dispatch_t, qslot[q]);
		uint64_t leave = max64(dispatch_t, qfree[q]);
		uint64_t start = leave + 2;
		for (uint32_t bit = DNPU_CMD_POP_PREV; bit <= DNPU_CMD_POP_NEXT;
		     bit <<= 1) {
			if (!(dep & bit))
				continue;
			struct cm_tokq *t = &tq[token_fifo(q, bit)];
			if (t->n == 0)
				f = cm_fault(m, DNPU_FAULT_TOKEN, cmd_region, off);
			else
				start = max64(start, t->t[t->head] + 1);
		}
		for (uint32_t bit = DNPU_CMD_PUSH_PREV;
		     bit <= DNPU_CMD_PUSH_NEXT; bit <<= 1)
			if ((dep & bit) &&
			    tq[token_fifo(q, bit)].n == DNPU_TOKEN_DEPTH)
				f = cm_fault(m, DNPU_FAULT_TOKEN, cmd_region, off);
		if (f)
			break;
		/* operands and parameter records: when the command starts */
		if (q == Q_COMPUTE && op != DNPU_OP_SYNC) {
			f = cm_compute_check(m, w, &cost);
			if (f)
				break;
		}

		uint64_t end = cm_sadd(start, cost);
		if (m->watchdog && end > m->watchdog) {
			f = cm_fault(m, DNPU_FAULT_TIMEOUT, cmd_region, off);
			break;
		}
		if (m->inject_armed && q != Q_COMPUTE) {
			f = cm_fault(m, DNPU_FAULT_INJECTED,
				     DNPU_DMA_REGION_IDX(w[1]), w[2]);
			break;
		}

		/* execute */
		if (op == DNPU_OP_LOAD || op == DNPU_OP_STORE)
			f = dma_exec(m, w, op == DNPU_OP_LOAD);
		else if (op != DNPU_OP_SYNC)
			f = cm_compute_exec(m, w);
		if (f)
			break;

		for (uint32_t bit = DNPU_CMD_POP_PREV; bit <= DNPU_CMD_POP_NEXT;
		     bit <<= 1) {
			if (!(dep & bit))
				continue;
			struct cm_tokq *t = &tq[token_fifo(q, bit)];
			t->head = (t->head + 1) % DNPU_TOKEN_DEPTH;
			t->n--;
		}
		for (uint32_t bit = DNPU_CMD_PUSH_PREV;
		     bit <= DNPU_CMD_PUSH_NEXT; bit <<= 1) {
			if (!(dep & bit))
				continue;
			struct cm_tokq *t = &tq[token_fifo(q, bit)];
			t->t[(t->head + t->n) % DNPU_TOKEN_DEPTH] = end;
			t->n++;
		}
		qslot[q] = leave + 1;
		qfree[q] = end + 1;
		bus_total = cm_sadd(bus_total, m->cost_bus);
		now = max64(now, end + 1);
		if (q == Q_LOAD)
			st->load_busy += cost;
		else if (q == Q_STORE)
			st->store_busy += cost;
		else
			st->compute_busy += cost;
		if (op == DNPU_OP_CONV)
			st->array_cycles += cost;
		st->cmds[op]++;
		res->cmds_done++;
	}

	for (int k = 0; k < Q_COUNT; k++)
		now = max64(now, qfree[k]);
	/* the queues share the DRAM's data path: they cannot beat it */
	st->cycles = max64(max64(now, dispatch_t), bus_total);
	if (!f)
		res->status = DNPU_JOB_OK;
	m->inject_armed = false;
	return res->status;
}
