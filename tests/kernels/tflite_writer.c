/* SPDX-License-Identifier: MIT */
/*
 * TFLite flatbuffer writer. Flatbuffers are built back to front: children
 * first, every offset is "position from the end of the buffer", so a
 * reference from a later (lower-address) object to an earlier one is
 * always a positive forward offset.
 */
#include "tflite_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXT 64
#define MAXOPS 16
#define MAXF 12

struct wtensor {
	int type, rank, buffer, qn, qaxis;
	int32_t dims[8];
	float qs[1024];
	int64_t qz[1024];
	bool var;
};

struct wop {
	int code_idx, n_in, n_out, opt_type, n_fields;
	int in[16], out[4];
	struct tflw_field f[MAXF];
	int32_t vecs[MAXF][8];
};

struct tflw {
	int nt, nops, nbuf, ncodes;
	struct wtensor t[MAXT];
	struct wop ops[MAXOPS];
	const void *bufdata[MAXT + 1];
	size_t buflen[MAXT + 1];
	int codes[MAXOPS], versions[MAXOPS];
	int n_in, n_out, in[8], out[8];
};

/* ---- byte builder ---- */

struct fbb {
	uint8_t *buf;
	size_t cap, len;        /* data occupies buf[cap-len, cap) */
	int oom;
};

static void fb_reserve(struct fbb *b, size_t n)
{
	if (b->len + n <= b->cap)
		return;
	size_t nc = b->cap ? b->cap : 1024;
	while (nc < b->len + n)
		nc *= 2;
	uint8_t *nb = malloc(nc);
	if (!nb) {
		b->oom = 1;
		return;
	}
	if (b->len)
		memcpy(nb + nc - b->len, b->buf + b->cap - b->len, b->len);
	free(b->buf);
	b->buf = nb;
	b->cap = nc;
}

static void fb_prepend(struct fbb *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	fb_reserve(b, n);
	if (b->oom)
		return;
	b->len += n;
	if (n == 0)
		return;
	if (p)
		memcpy(b->buf + b->cap - b->len, p, n);
	else
		memset(b->buf + b->cap - b->len, 0, n);
}

/* Pad so that after prepending @extra bytes, len is a multiple of @al. */
static void fb_align(struct fbb *b, size_t al, size_t extra)
{
	size_t pad = (al - ((b->len + extra) % al)) % al;
	fb_prepend(b, NULL, pad);
}

static void fb_u32(struct fbb *b, uint32_t v) { fb_prepend(b, &v, 4); }

static uint32_t fb_vec(struct fbb *b, const void *el, size_t n, size_t es,
		       size_t al)
{
	if (al < 4)
		al = 4;
	if (al < es)
		al = es;
	fb_align(b, al, n * es);
	fb_prepend(b, el, n * es);
	fb_u32(b, (uint32_t)n);
	return (uint32_t)b->len;
}

static uint32_t fb_string(struct fbb *b, const char *s)
{
	size_t n = strlen(s);
	fb_align(b, 4, n + 1);
	fb_prepend(b, NULL, 1);
	fb_prepend(b, s, n);
	fb_u32(b, (uint32_t)n);
	return (uint32_t)b->len;
}

static uint32_t fb_vec_off(struct fbb *b, const uint32_t *targets, size_t n)
{
	fb_align(b, 4, n * 4);
	for (size_t i = n; i-- > 0;)
		fb_u32(b, (uint32_t)(b->len + 4 - targets[i]));
	fb_u32(b, (uint32_t)n);
	return (uint32_t)b->len;
}

/* Table fields: scalars (size 1/2/4) or offsets (is_off). */
struct tfield {
	int id, size, is_off;
	uint32_t v;
};

static uint32_t fb_table(struct fbb *b, struct tfield *f, int n)
{
	/* largest fields first keeps every field naturally aligned */
	int order[32], no = 0, maxid = -1;
	for (int sz = 4; sz >= 1; sz /= 2)
		for (int i = 0; i < n; i++)
			if (f[i].size == sz)
				order[no++] = i;
	uint16_t off[32] = { 0 };
	size_t t = 4;
	for (int k = 0; k < no; k++) {
		off[order[k]] = (uint16_t)t;
		t += (size_t)f[order[k]].size;
		if (f[order[k]].id > maxid)
			maxid = f[order[k]].id;
	}
	t = (t + 3) & ~(size_t)3;
	fb_align(b, 4, t);
	size_t table_pos = b->len + t;
	uint8_t tb[160];
	memset(tb, 0, sizeof(tb));
	uint16_t vt_size = (uint16_t)(4 + 2 * (maxid + 1));
	int32_t soff = vt_size; /* vtable sits right before the table */
	memcpy(tb, &soff, 4);
	for (int i = 0; i < n; i++) {
		uint32_t v = f[i].v;
		if (f[i].is_off)
			v = (uint32_t)(table_pos - off[i] - f[i].v);
		memcpy(tb + off[i], &v, (size_t)f[i].size); /* little endian */
	}
	fb_prepend(b, tb, t);
	uint16_t vt[40] = { 0 };
	vt[0] = vt_size;
	vt[1] = (uint16_t)t;
	for (int i = 0; i < n; i++)
		vt[2 + f[i].id] = off[i];
	fb_prepend(b, vt, vt_size);
	return (uint32_t)table_pos;
}

/* ---- model description ---- */

struct tflw *tflw_new(void)
{
	struct tflw *w = calloc(1, sizeof(*w));
	if (w)
		w->nbuf = 1; /* buffer 0 is the empty sentinel */
	return w;
}

void tflw_free(struct tflw *w) { free(w); }

int tflw_tensor(struct tflw *w, enum tflw_type type, int rank,
		const int32_t *dims, const void *data, size_t bytes,
		const struct tflw_quant *q, bool is_variable)
{
	if (w->nt >= MAXT || rank > 8)
		return -1;
	struct wtensor *t = &w->t[w->nt];
	t->type = type;
	t->rank = rank;
	memcpy(t->dims, dims, sizeof(int32_t) * (size_t)rank);
	t->buffer = 0;
	if (data) {
		t->buffer = w->nbuf;
		w->bufdata[w->nbuf] = data;
		w->buflen[w->nbuf] = bytes;
		w->nbuf++;
	}
	t->qn = q ? q->n : 0;
	if (t->qn > 1024)
		return -1;
	for (int i = 0; i < t->qn; i++) {
		t->qs[i] = q->scale[i];
		t->qz[i] = q->zero_point[i];
	}
	t->qaxis = q ? q->axis : 0;
	t->var = is_variable;
	return w->nt++;
}

int tflw_op(struct tflw *w, int builtin, int version, int n_in,
	    const int *in, int n_out, const int *out, enum tflw_opt opt_type,
	    const struct tflw_field *fields, int n_fields)
{
	if (w->nops >= MAXOPS || n_in > 16 || n_out > 4 || n_fields > MAXF)
		return -1;
	struct wop *o = &w->ops[w->nops];
	int ci = -1;
	for (int i = 0; i < w->ncodes; i++)
		if (w->codes[i] == builtin && w->versions[i] == version)
			ci = i;
	if (ci < 0) {
		ci = w->ncodes++;
		w->codes[ci] = builtin;
		w->versions[ci] = version;
	}
	o->code_idx = ci;
	o->n_in = n_in;
	o->n_out = n_out;
	memcpy(o->in, in, sizeof(int) * (size_t)n_in);
	memcpy(o->out, out, sizeof(int) * (size_t)n_out);
	o->opt_type = opt_type;
	o->n_fields = n_fields;
	for (int i = 0; i < n_fields; i++) {
		o->f[i] = fields[i];
		if (fields[i].size == 0) {
			int vn = fields[i].vec_n > 8 ? 8 : fields[i].vec_n;
			memcpy(o->vecs[i], fields[i].vec, sizeof(int32_t) * (size_t)vn);
			o->f[i].vec_n = vn;
			o->f[i].vec = NULL;
		}
	}
	return w->nops++;
}

void tflw_io(struct tflw *w, int n_in, const int *in, int n_out,
	     const int *out)
{
	w->n_in = n_in;
	w->n_out = n_out;
	memcpy(w->in, in, sizeof(int) * (size_t)n_in);
	memcpy(w->out, out, sizeof(int) * (size_t)n_out);
}

int tflw_finish(struct tflw *w, uint8_t **out, size_t *size)
{
	struct fbb b = { 0 };
	uint32_t offs[MAXT + 1];
	struct tfield f[12];

	/* buffers */
	for (int i = 0; i < w->nbuf; i++) {
		int nf = 0;
		if (i > 0) {
			uint32_t d = fb_vec(&b, w->bufdata[i], w->buflen[i], 1, 16);
			f[nf++] = (struct tfield){ 0, 4, 1, d };
		}
		offs[i] = fb_table(&b, f, nf);
	}
	uint32_t buffers = fb_vec_off(&b, offs, (size_t)w->nbuf);

	/* tensors */
	for (int i = 0; i < w->nt; i++) {
		struct wtensor *t = &w->t[i];
		int nf = 0;
		uint32_t shape = fb_vec(&b, t->dims, (size_t)t->rank, 4, 4);
		uint32_t name;
		char nm[16];
		snprintf(nm, sizeof(nm), "t%d", i);
		name = fb_string(&b, nm);
		uint32_t quant = 0;
		if (t->qn > 0) {
			uint32_t sc = fb_vec(&b, t->qs, (size_t)t->qn, 4, 4);
			uint32_t zp = fb_vec(&b, t->qz, (size_t)t->qn, 8, 8);
			struct tfield qf[3] = {
				{ 2, 4, 1, sc }, { 3, 4, 1, zp },
				{ 6, 4, 0, (uint32_t)t->qaxis },
			};
			quant = fb_table(&b, qf, 3);
		}
		f[nf++] = (struct tfield){ 0, 4, 1, shape };
		f[nf++] = (struct tfield){ 1, 1, 0, (uint32_t)t->type };
		f[nf++] = (struct tfield){ 2, 4, 0, (uint32_t)t->buffer };
		f[nf++] = (struct tfield){ 3, 4, 1, name };
		if (quant)
			f[nf++] = (struct tfield){ 4, 4, 1, quant };
		if (t->var)
			f[nf++] = (struct tfield){ 5, 1, 0, 1 };
		offs[i] = fb_table(&b, f, nf);
	}
	uint32_t tensors = fb_vec_off(&b, offs, (size_t)w->nt);

	/* operators */
	for (int i = 0; i < w->nops; i++) {
		struct wop *o = &w->ops[i];
		uint32_t ins = fb_vec(&b, o->in, (size_t)o->n_in, 4, 4);
		uint32_t outs = fb_vec(&b, o->out, (size_t)o->n_out, 4, 4);
		uint32_t opts = 0;
		if (o->opt_type) {
			struct tfield of[MAXF];
			for (int k = 0; k < o->n_fields; k++) {
				const struct tflw_field *x = &o->f[k];
				if (x->size == 0) {
					uint32_t v = fb_vec(&b, o->vecs[k],
							    (size_t)x->vec_n, 4, 4);
					of[k] = (struct tfield){ x->id, 4, 1, v };
				} else {
					uint32_t v = (uint32_t)x->i;
					if (x->is_float)
						memcpy(&v, &x->f, 4);
					of[k] = (struct tfield){ x->id, x->size, 0, v };
				}
			}
			opts = fb_table(&b, of, o->n_fields);
		}
		int nf = 0;
		f[nf++] = (struct tfield){ 0, 4, 0, (uint32_t)o->code_idx };
		f[nf++] = (struct tfield){ 1, 4, 1, ins };
		f[nf++] = (struct tfield){ 2, 4, 1, outs };
		if (o->opt_type) {
			f[nf++] = (struct tfield){ 3, 1, 0, (uint32_t)o->opt_type };
			f[nf++] = (struct tfield){ 4, 4, 1, opts };
		}
		offs[i] = fb_table(&b, f, nf);
	}
	uint32_t operators = fb_vec_off(&b, offs, (size_t)w->nops);
	uint32_t gin = fb_vec(&b, w->in, (size_t)w->n_in, 4, 4);
	uint32_t gout = fb_vec(&b, w->out, (size_t)w->n_out, 4, 4);
	uint32_t sgname = fb_string(&b, "main");
	struct tfield sf[5] = {
		{ 0, 4, 1, tensors }, { 1, 4, 1, gin }, { 2, 4, 1, gout },
		{ 3, 4, 1, operators }, { 4, 4, 1, sgname },
	};
	uint32_t sg = fb_table(&b, sf, 5);
	uint32_t subgraphs = fb_vec_off(&b, &sg, 1);

	for (int i = 0; i < w->ncodes; i++) {
		int c = w->codes[i];
		struct tfield cf[3] = {
			{ 0, 1, 0, (uint32_t)(c < 127 ? c : 127) },
			{ 2, 4, 0, (uint32_t)w->versions[i] },
			{ 3, 4, 0, (uint32_t)c },
		};
		offs[i] = fb_table(&b, cf, 3);
	}
	uint32_t codes = fb_vec_off(&b, offs, (size_t)w->ncodes);
	uint32_t desc = fb_string(&b, "dnpu test model");
	struct tfield mf[5] = {
		{ 0, 4, 0, 3 }, { 1, 4, 1, codes }, { 2, 4, 1, subgraphs },
		{ 3, 4, 1, desc }, { 4, 4, 1, buffers },
	};
	uint32_t root = fb_table(&b, mf, 5);
	fb_align(&b, 16, 8);
	fb_prepend(&b, "TFL3", 4);
	fb_u32(&b, (uint32_t)(b.len + 4 - root));
	if (b.oom) {
		free(b.buf);
		return -1;
	}
	*out = malloc(b.len);
	if (!*out) {
		free(b.buf);
		return -1;
	}
	memcpy(*out, b.buf + b.cap - b.len, b.len);
	*size = b.len;
	free(b.buf);
	return 0;
}
