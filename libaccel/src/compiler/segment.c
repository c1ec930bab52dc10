/* SPDX-License-Identifier: MIT */
/*
 * Segments: several device ops in one job, the activations between them
 * kept on chip (docs/COMPILER.md, "Segments").
 *
 * Every unit is lowered exactly as for its own job, only with less of the
 * IN scratchpad: the top of IN holds the resident activations live during
 * that unit. The unit's DMA commands on its activation regions then either
 * move to the segment's tensor regions or, for a resident activation,
 * become on-chip transfers (DNPU_DMA_F_ONCHIP) at the activation's address:
 * the producer's STOREs write it there, the consumer's LOADs read it back
 * with the padding they insert anyway. No lowering needs to know.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"

/* Resident activation: produced by unit first, last read by unit last. */
struct resident {
	int tensor;
	int first, last;
	uint32_t off, size;	/* from the top of IN */
};

static int fail(char *why, size_t len, const char *msg)
{
	snprintf(why, len, "%s", msg);
	return -1;
}

static int unit_of(const struct dnpu_seg_unit *u, int n,
		   const struct accel_op *op)
{
	for (int i = 0; i < n; i++)
		if (u[i].op == op || u[i].add == op)
			return i;
	return -1;
}

/*
 * The last unit reading tensor @t produced by unit @p, or -1 when it must
 * reach memory: a graph output, a variable, or read by an op outside the
 * units (a later segment, the CPU, an alias view).
 */
static int last_reader(const struct accel_model *m,
		       const struct dnpu_seg_unit *u, int n, int t, int p)
{
	int last = -1;

	if (t < 0 || t >= m->n_tensors || m->tensors[t].is_variable ||
	    m->tensors[t].is_const)
		return -1;
	for (int i = 0; i < m->n_outputs; i++)
		if (m->outputs[i] == t)
			return -1;
	for (int i = 0; i < m->n_ops; i++) {
		const struct accel_op *op = &m->ops[i];

		if (op->removed)
			continue;
		for (int k = 0; k < op->n_inputs; k++) {
			if (op->inputs[k] != t)
				continue;
			int r = unit_of(u, n, op);
			if (r <= p)
				return -1;
			if (r > last)
				last = r;
		}
	}
	return last;
}

static bool live_together(const struct resident *a, int first, int last)
{
	return a->first <= last && first <= a->last;
}

/*
 * Lowest (@up) or highest free offset of @size bytes for a tensor live
 * over units [first, last], below @cap; UINT32_MAX if there is none.
 */
static uint32_t fit(const struct resident *res, int nres, int first, int last,
		    uint32_t size, uint32_t cap, bool up)
{
	uint32_t off = up ? 0 : cap - size;
	bool moved = true;

	while (moved) {
		moved = false;
		for (int i = 0; i < nres; i++) {
			const struct resident *r = &res[i];

			if (!live_together(r, first, last) ||
			    off >= r->off + r->size || r->off >= off + size)
				continue;
			if (up) {
				off = r->off + r->size;
			} else {
				if (r->off < size)
					return UINT32_MAX;
				off = r->off - size;
			}
			moved = true;
		}
		if ((uint64_t)off + size > cap)
			return UINT32_MAX;
	}
	return off;
}

/*
 * Place the activations of units [0, n) that can stay on chip in at most
 * @cap bytes. A chain ping-pongs: each output goes to the end of the area
 * away from its resident input, so a large output still fits next to it.
 * Returns how many were placed.
 */
static int place_residents(const struct accel_model *m,
			   const struct dnpu_seg_unit *u, int n, uint32_t cap,
			   struct resident *res)
{
	int nres = 0;

	for (int p = 0; p < n; p++) {
		int t = u[p].tensor[DNPU_RGN_OUT];
		int last = last_reader(m, u, n, t, p);

		if (last < 0 || m->tensors[t].bytes > cap)
			continue;
		uint32_t size = ((uint32_t)m->tensors[t].bytes + 15u) & ~15u;
		const struct resident *in = NULL;

		for (int i = 0; i < nres; i++)
			if (res[i].tensor == u[p].tensor[DNPU_RGN_IN0])
				in = &res[i];
		bool up = !in || in->off + in->size / 2 >= cap / 2;
		uint32_t off = fit(res, nres, p, last, size, cap, up);

		if (off == UINT32_MAX)
			off = fit(res, nres, p, last, size, cap, !up);
		if (off == UINT32_MAX)
			continue;
		res[nres++] = (struct resident){ t, p, last, off, size };
	}
	return nres;
}

static const struct resident *resident_of(const struct resident *res, int nres,
					  int t)
{
	for (int i = 0; i < nres; i++)
		if (res[i].tensor == t)
			return &res[i];
	return NULL;
}

/* Regions the units need: commands, constants, every DRAM tensor once. */
static uint32_t count_regions(const struct dnpu_seg_unit *u, int n,
			      const struct resident *res, int nres,
			      int tensor[DNPU_MAX_REGIONS], int written[DNPU_MAX_REGIONS])
{
	uint32_t nr = 2;

	for (int i = 0; i < n; i++)
		for (int r = DNPU_RGN_IN0; r < DNPU_RGN_MAX; r++) {
			int t = u[i].tensor[r];
			uint32_t k;

			if (t < 0 || resident_of(res, nres, t))
				continue;
			for (k = 2; k < nr && k < DNPU_MAX_REGIONS; k++)
				if (tensor[k] == t)
					break;
			if (k == nr) {
				if (nr == DNPU_MAX_REGIONS)
					return nr + 1;
				tensor[nr] = t;
				written[nr] = 0;
				nr++;
			}
			if (r == DNPU_RGN_OUT)
				written[k] = 1;
		}
	return nr;
}

/*
 * The token FIFO a dependency bit of a command pushes into (the order of
 * dnpu_program.tokens: load->compute, compute->load, compute->store,
 * store->compute), or -1.
 */
static int push_fifo(uint32_t op, uint32_t bit)
{
	bool load = op == DNPU_OP_LOAD, store = op == DNPU_OP_STORE;

	if (bit == DNPU_CMD_PUSH_NEXT)
		return load ? 0 : store ? -1 : 2;
	if (bit == DNPU_CMD_PUSH_PREV)
		return load ? -1 : store ? 3 : 1;
	return -1;
}

/*
 * A lowering may leave tokens nobody pops (the last tiles free buffers no
 * later load waits for). Within one job they would be popped by the next
 * unit's commands too early, so the last @left[f] pushes into each FIFO f
 * of the unit's @n commands at @w are dropped: nothing in the unit waits
 * for them, and every unit starts with empty FIFOs after its BARRIER.
 */
static void drop_unpopped(uint32_t *w, uint32_t n, const int left[4])
{
	int drop[4] = { left[0], left[1], left[2], left[3] };

	for (uint32_t i = n; i-- > 0;) {
		uint32_t *c = w + (size_t)i * DNPU_CMD_WORDS;
		uint32_t op = DNPU_CMD_OPCODE(c[0]);

		for (uint32_t bit = DNPU_CMD_PUSH_PREV; bit <= DNPU_CMD_PUSH_NEXT;
		     bit <<= 1) {
			int f = push_fifo(op, bit);

			if ((c[0] & bit) && f >= 0 && drop[f] > 0) {
				c[0] &= ~bit;
				drop[f]--;
			}
		}
	}
}

/* Append @p's commands retargeted for unit @u of the segment. */
static int link_unit(struct dnpu_segment *seg, const struct dnpu_program *p,
		     const struct dnpu_seg_unit *u, uint32_t in_bytes,
		     const struct resident *res, int nres, size_t const_base,
		     bool last)
{
	struct dnpu_program *s = &seg->prog;

	if (s->n_cmds + p->n_cmds > s->cap_cmds) {
		uint32_t cap = s->n_cmds + p->n_cmds;
		uint32_t *c = realloc(s->cmds, (size_t)cap * DNPU_CMD_BYTES);

		if (!c)
			return -1;
		s->cmds = c;
		s->cap_cmds = cap;
	}
	for (uint32_t i = 0; i < p->n_cmds; i++) {
		uint32_t *w = s->cmds + (size_t)s->n_cmds * DNPU_CMD_WORDS;
		uint32_t op;

		memcpy(w, p->cmds + (size_t)i * DNPU_CMD_WORDS, DNPU_CMD_BYTES);
		op = DNPU_CMD_OPCODE(w[0]);
		if (op == DNPU_OP_END && !last)
			w[0] = DNPU_CMD_W0(DNPU_OP_BARRIER, 0, 0);
		if (op == DNPU_OP_LOAD || op == DNPU_OP_STORE) {
			struct dnpu_cmd_dma *c = (struct dnpu_cmd_dma *)w;
			uint32_t ri = DNPU_DMA_REGION_IDX(c->region), to;
			uint64_t off = c->offset;
			uint64_t rows = (uint64_t)c->count1 * c->count2;

			if (ri == DNPU_RGN_CONST) {
				to = 1;
				off += const_base;
			} else if (ri >= DNPU_RGN_IN0 && ri < DNPU_RGN_MAX &&
				   u->tensor[ri] >= 0) {
				const struct resident *r =
					resident_of(res, nres, u->tensor[ri]);

				if (r) {
					c->w0 |= DNPU_DMA_F_ONCHIP << 16;
					to = DNPU_SPAD_IN;
					off += in_bytes - r->off - r->size;
					rows = 0;
				} else {
					for (to = 2; to < seg->n_regions; to++)
						if (seg->tensor[to] == u->tensor[ri])
							break;
					if (to == seg->n_regions)
						return -1;
				}
			} else {
				return -1;
			}
			if (off > UINT32_MAX)
				return -1;
			c->region = (c->region & ~0xfu) | to;
			c->offset = (uint32_t)off;
			s->dram_bytes += rows * c->len0;
		}
		s->n_cmds++;
	}
	drop_unpopped(s->cmds + (size_t)(s->n_cmds - p->n_cmds) * DNPU_CMD_WORDS,
		      p->n_cmds, p->tokens);
	return 0;
}

static int append_consts(struct dnpu_program *s, const struct dnpu_program *p,
			 size_t *base)
{
	size_t off = (s->const_bytes + 63u) & ~(size_t)63u;

	if (off + p->const_bytes > s->const_cap) {
		size_t cap = s->const_cap ? s->const_cap : 4096;

		while (cap < off + p->const_bytes)
			cap *= 2;
		uint8_t *c = realloc(s->consts, cap);
		if (!c)
			return -1;
		memset(c + s->const_cap, 0, cap - s->const_cap);
		s->consts = c;
		s->const_cap = cap;
	}
	if (p->const_bytes)
		memcpy(s->consts + off, p->consts, p->const_bytes);
	s->const_bytes = off + p->const_bytes;
	*base = off;
	return 0;
}

static int compile_unit(const struct dnpu_caps *caps,
			const struct accel_model *m,
			const struct dnpu_seg_unit *u, struct dnpu_program *p,
			char *why, size_t len)
{
	if (u->add)
		return dnpu_compile_conv_add(caps, m, u->op, u->add, p, why, len);
	return dnpu_compile_op(caps, m, u->op, p, why, len);
}

int dnpu_plan_segment(const struct dnpu_caps *caps, uint32_t max_regions,
		      const struct accel_model *m,
		      const struct dnpu_seg_unit *units, int n,
		      struct dnpu_segment *seg, char *why, size_t len)
{
	uint32_t in_bytes = caps->spad[DNPU_SPAD_IN];
	struct resident *res;
	int nres = 0, rc = -1;

	memset(seg, 0, sizeof(*seg));
	if (!(caps->features & DNPU_FEAT_DMA_ONCHIP))
		return fail(why, len, "device has no on-chip DMA");
	if (max_regions > DNPU_MAX_REGIONS)
		max_regions = DNPU_MAX_REGIONS;
	if (n < 2)
		return fail(why, len, "a single unit");
	res = calloc((size_t)n, sizeof(*res));
	if (!res)
		return fail(why, len, "out of memory");
	/* the longest prefix whose DRAM tensors fit the region table */
	for (; n >= 2; n--) {
		nres = place_residents(m, units, n, in_bytes / 2, res);
		seg->n_regions = count_regions(units, n, res, nres, seg->tensor,
					       seg->written);
		if (seg->n_regions <= max_regions)
			break;
	}
	if (n < 2 || nres == 0) {
		fail(why, len, "no activation can stay on chip");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		struct dnpu_caps cu = *caps;
		struct dnpu_program p;
		uint32_t top = 0;
		size_t base;

		for (int k = 0; k < nres; k++)
			if (res[k].first <= i && i <= res[k].last &&
			    res[k].off + res[k].size > top)
				top = res[k].off + res[k].size;
		cu.spad[DNPU_SPAD_IN] = (in_bytes - top) & ~63u;
		if (compile_unit(&cu, m, &units[i], &p, why, len))
			goto out;
		if (p.error || append_consts(&seg->prog, &p, &base) ||
		    link_unit(seg, &p, &units[i], in_bytes, res, nres, base,
			      i == n - 1)) {
			dnpu_program_free(&p);
			fail(why, len, "cannot link a unit into the segment");
			goto out;
		}
		seg->prog.macs += p.macs;
		seg->prog.ppu_elems += p.ppu_elems;
		dnpu_program_free(&p);
	}
	seg->prog.n_regions = seg->n_regions;
	seg->prog.unit = "segment";
	seg->n_units = n;
	seg->n_onchip = (uint32_t)nres;
	for (int k = 0; k < nres; k++)
		seg->onchip_bytes += m->tensors[res[k].tensor].bytes;
	rc = 0;
out:
	free(res);
	if (rc)
		dnpu_segment_free(seg);
	return rc;
}

void dnpu_segment_free(struct dnpu_segment *seg)
{
	dnpu_program_free(&seg->prog);
	memset(seg, 0, sizeof(*seg));
}
