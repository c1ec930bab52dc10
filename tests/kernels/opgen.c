/* SPDX-License-Identifier: MIT */
#include "opgen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tflite_ref.h"
#include "tflite_writer.h"

/* Builtin operator codes. */
enum {
	B_ADD = 0, B_AVG = 1, B_CONCAT = 2, B_CONV = 3, B_DW = 4, B_DEQ = 6,
	B_FC = 9, B_LOGISTIC = 14, B_MAX = 17, B_MUL = 18, B_RELU = 19,
	B_RELU6 = 21, B_RESHAPE = 22, B_SOFTMAX = 25, B_PAD = 34,
	B_TRANSPOSE = 39, B_MEAN = 40, B_SUB = 41, B_QUANTIZE = 114,
};

struct gen {
	uint32_t s;
	struct tflw *w;
	void *owned[16];
	int n_owned;
};

static int rnd(struct gen *g, int lo, int hi) /* inclusive */
{
	return lo + (int)(kern_rand(&g->s) % (uint32_t)(hi - lo + 1));
}

static float rndf(struct gen *g, float lo, float hi)
{
	return lo + (hi - lo) * (float)(kern_rand(&g->s) & 0xFFFFFF) / 16777216.0f;
}

/* log-uniform scale */
static float rscale(struct gen *g, float lo, float hi)
{
	return expf(rndf(g, logf(lo), logf(hi)));
}

static void *own(struct gen *g, size_t n)
{
	void *p;

	/* a case owns a handful of buffers: running out is a generator bug,
	 * and so is continuing without memory */
	if (g->n_owned >= (int)(sizeof(g->owned) / sizeof(g->owned[0])))
		abort();
	p = calloc(1, n ? n : 1);
	if (!p)
		abort();
	g->owned[g->n_owned++] = p;
	return p;
}

static int8_t *rand_s8(struct gen *g, size_t n, int lo, int hi)
{
	int8_t *p = own(g, n);
	for (size_t i = 0; i < n; i++)
		p[i] = (int8_t)rnd(g, lo, hi);
	return p;
}

static int act_tensor(struct gen *g, int rank, const int32_t *dims, float s,
		      int zp)
{
	float sc[1] = { s };
	int64_t z[1] = { zp };
	struct tflw_quant q = { 1, sc, z, 0 };
	return tflw_tensor(g->w, TFLW_INT8, rank, dims, NULL, 0, &q, false);
}

static size_t elems(int rank, const int32_t *d)
{
	size_t n = 1;
	for (int i = 0; i < rank; i++)
		n *= (size_t)d[i];
	return n;
}

static int finish(struct gen *g, struct opgen_case *c, int n_in,
		  const int *in, int out, size_t out_bytes)
{
	tflw_io(g->w, n_in, in, 1, &out);
	c->out_bytes = out_bytes;
	int rc = tflw_finish(g->w, &c->model, &c->size);
	return rc;
}

static void set_input(struct opgen_case *c, int i, void *p, size_t n)
{
	c->in[i] = p;
	c->in_bytes[i] = n;
	c->n_in = i + 1 > c->n_in ? i + 1 : c->n_in;
}

static const char *act_name(int a)
{
	static const char *n[] = { "none", "relu", "relu_n1_1", "relu6" };
	return a >= 0 && a < 4 ? n[a] : "?";
}

static int rnd_act(struct gen *g)
{
	static const int acts[] = { 0, 0, 1, 3, 2 };
	return acts[rnd(g, 0, 4)];
}

/* Per-channel (or per-tensor) int8 filter + int32 bias. */
static int filter_tensors(struct gen *g, int rank, const int32_t *fd,
			  int nch, int axis, int per_channel, float in_s,
			  int *bias_t, float *mean_fs, int bias_optional)
{
	size_t n = elems(rank, fd);
	int8_t *w = rand_s8(g, n, -127, 127);
	int nq = per_channel ? nch : 1;
	float *sc = own(g, sizeof(float) * (size_t)nq);
	int64_t *zp = own(g, sizeof(int64_t) * (size_t)nq);
	float sum = 0;
	for (int i = 0; i < nq; i++) {
		sc[i] = rscale(g, 0.002f, 0.05f);
		sum += sc[i];
	}
	*mean_fs = sum / (float)nq;
	struct tflw_quant q = { nq, sc, zp, axis };
	int ft = tflw_tensor(g->w, TFLW_INT8, rank, fd, w, n, &q, false);
	*bias_t = -1;
	if (!bias_optional || rnd(g, 0, 4)) {
		int32_t *b = own(g, sizeof(int32_t) * (size_t)nch);
		for (int i = 0; i < nch; i++)
			b[i] = rnd(g, -30000, 30000);
		float *bs = own(g, sizeof(float) * (size_t)nq);
		int64_t *bz = own(g, sizeof(int64_t) * (size_t)nq);
		for (int i = 0; i < nq; i++)
			bs[i] = in_s * sc[i];
		struct tflw_quant bq = { nq, bs, bz, 0 };
		int32_t bd[1] = { nch };
		/* b is in g->owned (own()), freed with the case; the analyzer
		 * loses track of it across the later own() calls */
		/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		*bias_t = tflw_tensor(g->w, TFLW_INT32, 1, bd, b,
				      sizeof(int32_t) * (size_t)nch, &bq, false);
	}
	return ft;
}

static int gen_conv(struct gen *g, struct opgen_case *c, int big, int dw)
{
	int n = rnd(g, 1, 2), h = rnd(g, 1, big ? 24 : 12), wd = rnd(g, 1, big ? 24 : 12);
	int cin = rnd(g, 0, 3) ? rnd(g, 1, 24) : rnd(g, 1, big ? 256 : 64);
	int mult = dw ? (rnd(g, 0, 3) ? 1 : rnd(g, 2, 3)) : 1;
	if (dw && rnd(g, 0, 2) == 0)
		cin = 16 * rnd(g, 1, big ? 16 : 4); /* SIMD-friendly */
	if (dw && rnd(g, 0, 7) == 0) { /* 8 output channels: paired pixels */
		int one = rnd(g, 0, 1);
		cin = one ? 1 : 8;
		mult = one ? 8 : 1;
	}
	int cout = dw ? cin * mult :
		   (rnd(g, 0, 3) ? rnd(g, 1, 40) : rnd(g, 1, big ? 256 : 96));
	int kh = rnd(g, 1, 5), kw = rnd(g, 0, 2) ? kh : rnd(g, 1, 5);
	int sh = rnd(g, 1, 3), sw = rnd(g, 1, 3);
	int dh = rnd(g, 0, 3) ? 1 : 2, dwl = rnd(g, 0, 3) ? 1 : 2;
	int pad = rnd(g, 0, 1); /* 0 SAME, 1 VALID */
	int ekh = (kh - 1) * dh + 1, ekw = (kw - 1) * dwl + 1;
	if (pad == 1 && (ekh > h || ekw > wd))
		pad = 0;
	int oh = pad == 0 ? (h + sh - 1) / sh : (h - ekh + sh) / sh;
	int ow = pad == 0 ? (wd + sw - 1) / sw : (wd - ekw + sw) / sw;
	int act = rnd_act(g), pc = rnd(g, 0, 3) != 0;
	float in_s = rscale(g, 0.005f, 0.1f);
	int in_zp = rnd(g, -128, 127), out_zp = rnd(g, -100, 100);
	int32_t id[4] = { n, h, wd, cin }, od[4] = { n, oh, ow, cout };
	int32_t fd[4] = { cout, kh, kw, cin };
	if (dw) {
		fd[0] = 1;
		fd[3] = cout;
	}
	int it = act_tensor(g, 4, id, in_s, in_zp);
	int bt;
	float mfs;
	int ft = filter_tensors(g, 4, fd, cout, dw ? 3 : 0, pc, in_s, &bt, &mfs, 0);
	int taps = kh * kw * (dw ? 1 : cin);
	float out_s = in_s * mfs * 127.0f * sqrtf((float)taps) *
		      rndf(g, 0.3f, 1.5f) / 3.0f;
	int ot = act_tensor(g, 4, od, out_s, out_zp);
	int ins[3] = { it, ft, bt };
	struct tflw_field f[7];
	int nf = 0;
	f[nf++] = (struct tflw_field){ .id = 0, .size = 1, .i = pad };
	f[nf++] = (struct tflw_field){ .id = 1, .size = 4, .i = sw };
	f[nf++] = (struct tflw_field){ .id = 2, .size = 4, .i = sh };
	if (dw) {
		f[nf++] = (struct tflw_field){ .id = 3, .size = 4, .i = mult };
		f[nf++] = (struct tflw_field){ .id = 4, .size = 1, .i = act };
		f[nf++] = (struct tflw_field){ .id = 5, .size = 4, .i = dwl };
		f[nf++] = (struct tflw_field){ .id = 6, .size = 4, .i = dh };
	} else {
		f[nf++] = (struct tflw_field){ .id = 3, .size = 1, .i = act };
		f[nf++] = (struct tflw_field){ .id = 4, .size = 4, .i = dwl };
		f[nf++] = (struct tflw_field){ .id = 5, .size = 4, .i = dh };
	}
	tflw_op(g->w, dw ? B_DW : B_CONV, 3, 3, ins, 1, &ot,
		dw ? TFLW_OPT_DEPTHWISE : TFLW_OPT_CONV2D, f, nf);
	size_t nin = elems(4, id);
	set_input(c, 0, rand_s8(g, nin, -128, 127), nin);
	snprintf(c->desc, sizeof(c->desc),
		 "%s n%d %dx%dx%d -> %dx%dx%d k%dx%d s%d,%d d%d,%d %s %s %s mult%d bias%d",
		 dw ? "DW" : "CONV", n, h, wd, cin, oh, ow, cout, kh, kw, sh, sw,
		 dh, dwl, pad ? "VALID" : "SAME", act_name(act),
		 pc ? "per-ch" : "per-t", mult, bt >= 0);
	return finish(g, c, 1, &it, ot, elems(4, od));
}

static int gen_fc(struct gen *g, struct opgen_case *c, int big)
{
	int b = rnd(g, 1, 4), in = rnd(g, 0, 2) ? rnd(g, 1, 64) : rnd(g, 1, big ? 1300 : 300);
	int units = rnd(g, 0, 2) ? rnd(g, 1, 48) : rnd(g, 1, big ? 1000 : 300);
	int act = rnd_act(g);
	float in_s = rscale(g, 0.005f, 0.1f);
	int32_t id[2] = { b, in }, od[2] = { b, units }, fd[2] = { units, in };
	int it = act_tensor(g, 2, id, in_s, rnd(g, -128, 127));
	int bt;
	float mfs;
	int ft = filter_tensors(g, 2, fd, units, 0, 0, in_s, &bt, &mfs, 1);
	float out_s = in_s * mfs * 127.0f * sqrtf((float)in) * rndf(g, 0.3f, 1.5f) / 3.0f;
	int ot = act_tensor(g, 2, od, out_s, rnd(g, -100, 100));
	int ins[3] = { it, ft, bt };
	struct tflw_field f[2] = {
		{ .id = 0, .size = 1, .i = act }, { .id = 2, .size = 1, .i = 0 },
	};
	tflw_op(g->w, B_FC, 4, 3, ins, 1, &ot, TFLW_OPT_FC, f, 2);
	set_input(c, 0, rand_s8(g, (size_t)b * in, -128, 127), (size_t)b * in);
	snprintf(c->desc, sizeof(c->desc), "FC b%d in%d units%d %s bias%d", b,
		 in, units, act_name(act), bt >= 0);
	return finish(g, c, 1, &it, ot, (size_t)b * units);
}

static int gen_elementwise(struct gen *g, struct opgen_case *c, int code)
{
	int rank = rnd(g, 1, 4);
	int32_t od[4], ad[4], bd[4];
	for (int i = 0; i < rank; i++) {
		od[i] = rnd(g, 1, 6);
		ad[i] = od[i];
		bd[i] = od[i];
	}
	int bcast = rnd(g, 0, 2);
	if (bcast) /* broadcast some dims of one or both inputs */
		for (int i = 0; i < rank; i++) {
			if (rnd(g, 0, 2) == 0)
				ad[i] = 1;
			else if (rnd(g, 0, 2) == 0)
				bd[i] = 1;
		}
	for (int i = 0; i < rank; i++)
		od[i] = ad[i] > bd[i] ? ad[i] : bd[i];
	int act = rnd_act(g);
	float sa = rscale(g, 0.005f, 0.2f), sb = rscale(g, 0.005f, 0.2f);
	float so = code == B_MUL ? sa * sb * rscale(g, 20.0f, 200.0f) :
		   (sa > sb ? sa : sb) * rndf(g, 0.8f, 3.0f);
	int at = act_tensor(g, rank, ad, sa, rnd(g, -128, 127));
	int bt = act_tensor(g, rank, bd, sb, rnd(g, -128, 127));
	int ot = act_tensor(g, rank, od, so, rnd(g, -100, 100));
	int ins[2] = { at, bt };
	struct tflw_field f[1] = { { .id = 0, .size = 1, .i = act } };
	tflw_op(g->w, code, 2, 2, ins, 1, &ot,
		code == B_ADD ? TFLW_OPT_ADD : code == B_SUB ? TFLW_OPT_SUB : TFLW_OPT_MUL,
		f, 1);
	size_t na = elems(rank, ad), nb = elems(rank, bd);
	set_input(c, 0, rand_s8(g, na, -128, 127), na);
	set_input(c, 1, rand_s8(g, nb, -128, 127), nb);
	snprintf(c->desc, sizeof(c->desc), "%s rank%d a[%d,%d,%d,%d] b[%d,%d,%d,%d] %s",
		 code == B_ADD ? "ADD" : code == B_SUB ? "SUB" : "MUL", rank,
		 ad[0], rank > 1 ? ad[1] : 0, rank > 2 ? ad[2] : 0, rank > 3 ? ad[3] : 0,
		 bd[0], rank > 1 ? bd[1] : 0, rank > 2 ? bd[2] : 0, rank > 3 ? bd[3] : 0,
		 act_name(act));
	return finish(g, c, 2, ins, ot, elems(rank, od));
}

static int gen_pool(struct gen *g, struct opgen_case *c, int avg, int big)
{
	int n = rnd(g, 1, 2), h = rnd(g, 1, big ? 20 : 12), wd = rnd(g, 1, big ? 20 : 12);
	int ch = rnd(g, 1, 40);
	int fh = rnd(g, 1, 4), fw = rnd(g, 1, 4), sh = rnd(g, 1, 3), sw = rnd(g, 1, 3);
	int pad = rnd(g, 0, 1);
	if (pad == 1 && (fh > h || fw > wd))
		pad = 0;
	int oh = pad == 0 ? (h + sh - 1) / sh : (h - fh + sh) / sh;
	int ow = pad == 0 ? (wd + sw - 1) / sw : (wd - fw + sw) / sw;
	int act = rnd_act(g);
	float s = rscale(g, 0.005f, 0.1f);
	int zp = rnd(g, -128, 127);
	int32_t id[4] = { n, h, wd, ch }, od[4] = { n, oh, ow, ch };
	int it = act_tensor(g, 4, id, s, zp);
	int ot = act_tensor(g, 4, od, s, zp); /* TFLite requires equal quant */
	struct tflw_field f[6] = {
		{ .id = 0, .size = 1, .i = pad }, { .id = 1, .size = 4, .i = sw },
		{ .id = 2, .size = 4, .i = sh }, { .id = 3, .size = 4, .i = fw },
		{ .id = 4, .size = 4, .i = fh }, { .id = 5, .size = 1, .i = act },
	};
	tflw_op(g->w, avg ? B_AVG : B_MAX, 2, 1, &it, 1, &ot, TFLW_OPT_POOL2D, f, 6);
	size_t nin = elems(4, id);
	set_input(c, 0, rand_s8(g, nin, -128, 127), nin);
	snprintf(c->desc, sizeof(c->desc), "%s n%d %dx%dx%d f%dx%d s%d,%d %s %s",
		 avg ? "AVGPOOL" : "MAXPOOL", n, h, wd, ch, fh, fw, sh, sw,
		 pad ? "VALID" : "SAME", act_name(act));
	return finish(g, c, 1, &it, ot, elems(4, od));
}

static int gen_shape_op(struct gen *g, struct opgen_case *c, enum opgen_kind k)
{
	int rank = rnd(g, 1, 4);
	int32_t id[4], od[4];
	for (int i = 0; i < rank; i++)
		id[i] = rnd(g, 1, 7);
	float s = rscale(g, 0.005f, 0.1f);
	int zp = rnd(g, -128, 127);
	int it = act_tensor(g, rank, id, s, zp);
	size_t nin = elems(rank, id);
	set_input(c, 0, rand_s8(g, nin, -128, 127), nin);
	int ot;
	if (k == GEN_PAD) {
		int32_t *p = own(g, sizeof(int32_t) * 8);
		for (int i = 0; i < rank; i++) {
			p[2 * i] = rnd(g, 0, 3);
			p[2 * i + 1] = rnd(g, 0, 3);
			od[i] = id[i] + p[2 * i] + p[2 * i + 1];
		}
		int32_t pd[2] = { rank, 2 };
		int pt = tflw_tensor(g->w, TFLW_INT32, 2, pd, p, sizeof(int32_t) * 2 * (size_t)rank, NULL, false);
		ot = act_tensor(g, rank, od, s, zp);
		int ins[2] = { it, pt };
		tflw_op(g->w, B_PAD, 2, 2, ins, 1, &ot, TFLW_OPT_PAD, NULL, 0);
		snprintf(c->desc, sizeof(c->desc), "PAD rank%d", rank);
	} else if (k == GEN_TRANSPOSE) {
		int32_t *perm = own(g, sizeof(int32_t) * 4);
		for (int i = 0; i < rank; i++)
			perm[i] = i;
		for (int i = rank - 1; i > 0; i--) {
			int j = rnd(g, 0, i);
			int32_t t = perm[i];
			perm[i] = perm[j];
			perm[j] = t;
		}
		for (int i = 0; i < rank; i++)
			od[i] = id[perm[i]];
		int32_t pd[1] = { rank };
		int pt = tflw_tensor(g->w, TFLW_INT32, 1, pd, perm, sizeof(int32_t) * (size_t)rank, NULL, false);
		ot = act_tensor(g, rank, od, s, zp);
		int ins[2] = { it, pt };
		tflw_op(g->w, B_TRANSPOSE, 2, 2, ins, 1, &ot, TFLW_OPT_TRANSPOSE, NULL, 0);
		snprintf(c->desc, sizeof(c->desc), "TRANSPOSE rank%d", rank);
	} else if (k == GEN_CONCAT) {
		int axis = rnd(g, 0, rank - 1);
		int32_t bd[4];
		memcpy(bd, id, sizeof(bd));
		bd[axis] = rnd(g, 1, 5);
		memcpy(od, id, sizeof(od));
		od[axis] = id[axis] + bd[axis];
		int bt = act_tensor(g, rank, bd, s, zp);
		size_t nb = elems(rank, bd);
		set_input(c, 1, rand_s8(g, nb, -128, 127), nb);
		ot = act_tensor(g, rank, od, s, zp);
		int ins[2] = { it, bt };
		int neg = rnd(g, 0, 1);
		struct tflw_field f[2] = {
			{ .id = 0, .size = 4, .i = neg ? axis - rank : axis },
			{ .id = 1, .size = 1, .i = 0 },
		};
		tflw_op(g->w, B_CONCAT, 2, 2, ins, 1, &ot, TFLW_OPT_CONCAT, f, 2);
		snprintf(c->desc, sizeof(c->desc), "CONCAT rank%d axis%d", rank, axis);
		return finish(g, c, 2, ins, ot, elems(rank, od));
	} else { /* RESHAPE to a flattened 2-D shape */
		od[0] = id[0];
		od[1] = (int32_t)(nin / (size_t)id[0]);
		int32_t sd[1] = { 2 };
		int32_t *shape = own(g, 8);
		shape[0] = od[0];
		shape[1] = od[1];
		int st = tflw_tensor(g->w, TFLW_INT32, 1, sd, shape, 8, NULL, false);
		ot = act_tensor(g, 2, od, s, zp);
		int ins[2] = { it, st };
		struct tflw_field f[1] = { { .id = 0, .size = 0, .vec = shape, .vec_n = 2 } };
		tflw_op(g->w, B_RESHAPE, 1, 2, ins, 1, &ot, TFLW_OPT_RESHAPE, f, 1);
		snprintf(c->desc, sizeof(c->desc), "RESHAPE rank%d", rank);
		return finish(g, c, 1, &it, ot, nin);
	}
	return finish(g, c, 1, &it, ot, elems(rank, od));
}

static int gen_unary(struct gen *g, struct opgen_case *c, enum opgen_kind k)
{
	int rank = rnd(g, 1, 4);
	int32_t d[4];
	for (int i = 0; i < rank; i++)
		d[i] = rnd(g, 1, 9);
	size_t n = elems(rank, d);
	float s = rscale(g, 0.005f, 0.2f);
	int zp = rnd(g, -128, 127);
	int it, ot;
	if (k == GEN_QUANTIZE && rnd(g, 0, 1)) { /* float -> int8 */
		it = tflw_tensor(g->w, TFLW_FLOAT32, rank, d, NULL, 0, NULL, false);
		float *x = own(g, n * 4);
		for (size_t i = 0; i < n; i++)
			x[i] = rndf(g, -150.0f, 150.0f) * s;
		set_input(c, 0, x, n * 4);
		ot = act_tensor(g, rank, d, s, zp);
		tflw_op(g->w, B_QUANTIZE, 1, 1, &it, 1, &ot, TFLW_OPT_QUANTIZE, NULL, 0);
		snprintf(c->desc, sizeof(c->desc), "QUANTIZE f32->s8 n%zu", n);
		return finish(g, c, 1, &it, ot, n);
	}
	it = act_tensor(g, rank, d, s, zp);
	set_input(c, 0, rand_s8(g, n, -128, 127), n);
	switch (k) {
	case GEN_QUANTIZE:
		ot = act_tensor(g, rank, d, s * rndf(g, 0.3f, 3.0f), rnd(g, -128, 127));
		tflw_op(g->w, B_QUANTIZE, 2, 1, &it, 1, &ot, TFLW_OPT_QUANTIZE, NULL, 0);
		snprintf(c->desc, sizeof(c->desc), "QUANTIZE s8->s8 n%zu", n);
		break;
	case GEN_DEQUANTIZE:
		ot = tflw_tensor(g->w, TFLW_FLOAT32, rank, d, NULL, 0, NULL, false);
		tflw_op(g->w, B_DEQ, 2, 1, &it, 1, &ot, TFLW_OPT_DEQUANTIZE, NULL, 0);
		snprintf(c->desc, sizeof(c->desc), "DEQUANTIZE n%zu", n);
		c->out_is_float = 1;
		return finish(g, c, 1, &it, ot, n * 4);
	case GEN_RELU:
		ot = act_tensor(g, rank, d, s * rndf(g, 0.5f, 2.0f), rnd(g, -128, 0));
		tflw_op(g->w, B_RELU, 2, 1, &it, 1, &ot, TFLW_OPT_NONE, NULL, 0);
		snprintf(c->desc, sizeof(c->desc), "RELU n%zu", n);
		break;
	case GEN_RELU6:
		ot = act_tensor(g, rank, d, s, zp);
		tflw_op(g->w, B_RELU6, 2, 1, &it, 1, &ot, TFLW_OPT_NONE, NULL, 0);
		snprintf(c->desc, sizeof(c->desc), "RELU6 n%zu", n);
		break;
	case GEN_LOGISTIC:
		ot = act_tensor(g, rank, d, 1.0f / 256, -128);
		tflw_op(g->w, B_LOGISTIC, 2, 1, &it, 1, &ot, TFLW_OPT_NONE, NULL, 0);
		snprintf(c->desc, sizeof(c->desc), "LOGISTIC n%zu s%g", n, (double)s);
		break;
	case GEN_SOFTMAX: {
		ot = act_tensor(g, rank, d, 1.0f / 256, -128);
		struct tflw_field f[1] = { { .id = 0, .size = 4, .is_float = true, .f = 1.0f } };
		tflw_op(g->w, B_SOFTMAX, 2, 1, &it, 1, &ot, TFLW_OPT_SOFTMAX, f, 1);
		snprintf(c->desc, sizeof(c->desc), "SOFTMAX n%zu depth%d", n, d[rank - 1]);
		break;
	}
	case GEN_MEAN: {
		int32_t md[4] = { 1, rnd(g, 1, 9), rnd(g, 1, 9), rnd(g, 1, 40) };
		tflw_free(g->w);
		g->w = tflw_new();
		it = act_tensor(g, 4, md, s, zp);
		size_t mn = elems(4, md);
		set_input(c, 0, rand_s8(g, mn, -128, 127), mn);
		int32_t *ax = own(g, 8);
		ax[0] = 1;
		ax[1] = 2;
		int32_t axd[1] = { 2 };
		int at = tflw_tensor(g->w, TFLW_INT32, 1, axd, ax, 8, NULL, false);
		int32_t od[4] = { 1, 1, 1, md[3] };
		int same = rnd(g, 0, 1);
		ot = act_tensor(g, 4, od, same ? s : s * rndf(g, 0.3f, 2.0f),
				same ? zp : rnd(g, -128, 127));
		int ins[2] = { it, at };
		struct tflw_field f[1] = { { .id = 0, .size = 1, .i = 1 } };
		tflw_op(g->w, B_MEAN, 2, 2, ins, 1, &ot, TFLW_OPT_REDUCER, f, 1);
		snprintf(c->desc, sizeof(c->desc), "MEAN %dx%dx%d same_q%d",
			 md[1], md[2], md[3], same);
		return finish(g, c, 1, &it, ot, (size_t)md[3]);
	}
	default:
		return -1;
	}
	return finish(g, c, 1, &it, ot, n);
}

static float *rand_f_int(struct gen *g, size_t n, int lo, int hi)
{
	float *p = own(g, n * 4);
	for (size_t i = 0; i < n; i++)
		p[i] = (float)rnd(g, lo, hi);
	return p;
}

static int ftensor(struct gen *g, int rank, const int32_t *d, const void *data)
{
	return tflw_tensor(g->w, TFLW_FLOAT32, rank, d, data,
			   data ? elems(rank, d) * 4 : 0, NULL, false);
}

/* float32 ops; 4 reserved integer-valued so results are exact in float */
static int gen_float(struct gen *g, struct opgen_case *c, enum opgen_kind k)
{
	int act = rnd_act(g);
	c->out_is_float = 1;
	if (k == GEN_F_CONV || k == GEN_F_DEPTHWISE) {
		int dw = k == GEN_F_DEPTHWISE;
		int n = 1, h = rnd(g, 1, 10), wd = rnd(g, 1, 10), cin = rnd(g, 1, 20);
		int mult = dw ? rnd(g, 1, 2) : 1;
		int cout = dw ? cin * mult : rnd(g, 1, 24);
		int kh = rnd(g, 1, 3), kw = rnd(g, 1, 3), sh = rnd(g, 1, 2), sw = rnd(g, 1, 2);
		int pad = rnd(g, 0, 1);
		if (pad == 1 && (kh > h || kw > wd))
			pad = 0;
		int oh = pad == 0 ? (h + sh - 1) / sh : (h - kh + sh) / sh;
		int ow = pad == 0 ? (wd + sw - 1) / sw : (wd - kw + sw) / sw;
		int32_t id[4] = { n, h, wd, cin }, od[4] = { n, oh, ow, cout };
		int32_t fd[4] = { cout, kh, kw, cin }, bd[1] = { cout };
		if (dw) {
			fd[0] = 1;
			fd[3] = cout;
		}
		int it = ftensor(g, 4, id, NULL);
		int ft = ftensor(g, 4, fd, rand_f_int(g, elems(4, fd), -4, 4));
		int bt = ftensor(g, 1, bd, rand_f_int(g, (size_t)cout, -50, 50));
		int ot = ftensor(g, 4, od, NULL);
		int ins[3] = { it, ft, bt };
		struct tflw_field f[7];
		int nf = 0;
		f[nf++] = (struct tflw_field){ .id = 0, .size = 1, .i = pad };
		f[nf++] = (struct tflw_field){ .id = 1, .size = 4, .i = sw };
		f[nf++] = (struct tflw_field){ .id = 2, .size = 4, .i = sh };
		if (dw) {
			f[nf++] = (struct tflw_field){ .id = 3, .size = 4, .i = mult };
			f[nf++] = (struct tflw_field){ .id = 4, .size = 1, .i = act };
		} else {
			f[nf++] = (struct tflw_field){ .id = 3, .size = 1, .i = act };
		}
		tflw_op(g->w, dw ? B_DW : B_CONV, 1, 3, ins, 1, &ot,
			dw ? TFLW_OPT_DEPTHWISE : TFLW_OPT_CONV2D, f, nf);
		size_t nin = elems(4, id);
		set_input(c, 0, rand_f_int(g, nin, -8, 8), nin * 4);
		snprintf(c->desc, sizeof(c->desc), "F32 %s %dx%dx%d->%d k%dx%d s%d,%d %s %s",
			 dw ? "DW" : "CONV", h, wd, cin, cout, kh, kw, sh, sw,
			 pad ? "VALID" : "SAME", act_name(act));
		return finish(g, c, 1, &it, ot, elems(4, od) * 4);
	}
	if (k == GEN_F_FC) {
		int b = rnd(g, 1, 3), in = rnd(g, 1, 64), units = rnd(g, 1, 40);
		int32_t id[2] = { b, in }, od[2] = { b, units }, fd[2] = { units, in }, bd[1] = { units };
		int it = ftensor(g, 2, id, NULL);
		int ft = ftensor(g, 2, fd, rand_f_int(g, elems(2, fd), -4, 4));
		int bt = ftensor(g, 1, bd, rand_f_int(g, (size_t)units, -50, 50));
		int ot = ftensor(g, 2, od, NULL);
		int ins[3] = { it, ft, bt };
		struct tflw_field f[1] = { { .id = 0, .size = 1, .i = act } };
		tflw_op(g->w, B_FC, 1, 3, ins, 1, &ot, TFLW_OPT_FC, f, 1);
		set_input(c, 0, rand_f_int(g, (size_t)b * in, -8, 8), (size_t)b * in * 4);
		snprintf(c->desc, sizeof(c->desc), "F32 FC b%d in%d units%d %s", b, in, units, act_name(act));
		return finish(g, c, 1, &it, ot, (size_t)b * units * 4);
	}
	if (k == GEN_F_ADD || k == GEN_F_MUL) {
		int rank = rnd(g, 1, 4);
		int32_t ad[4], bd[4], od[4];
		for (int i = 0; i < rank; i++) {
			ad[i] = bd[i] = od[i] = rnd(g, 1, 6);
			if (rnd(g, 0, 3) == 0)
				bd[i] = 1;
		}
		int at = ftensor(g, rank, ad, NULL), bt = ftensor(g, rank, bd, NULL);
		int ot = ftensor(g, rank, od, NULL);
		int ins[2] = { at, bt };
		struct tflw_field f[1] = { { .id = 0, .size = 1, .i = act } };
		tflw_op(g->w, k == GEN_F_ADD ? B_ADD : B_MUL, 1, 2, ins, 1, &ot,
			k == GEN_F_ADD ? TFLW_OPT_ADD : TFLW_OPT_MUL, f, 1);
		size_t na = elems(rank, ad), nb = elems(rank, bd);
		set_input(c, 0, rand_f_int(g, na, -20, 20), na * 4);
		set_input(c, 1, rand_f_int(g, nb, -20, 20), nb * 4);
		snprintf(c->desc, sizeof(c->desc), "F32 %s rank%d %s",
			 k == GEN_F_ADD ? "ADD" : "MUL", rank, act_name(act));
		return finish(g, c, 2, ins, ot, elems(rank, od) * 4);
	}
	if (k == GEN_F_MAXPOOL) {
		int h = rnd(g, 1, 10), wd = rnd(g, 1, 10), ch = rnd(g, 1, 20);
		int fh = rnd(g, 1, 3), fw = rnd(g, 1, 3), sh = rnd(g, 1, 2), sw = rnd(g, 1, 2);
		int pad = rnd(g, 0, 1);
		if (pad == 1 && (fh > h || fw > wd))
			pad = 0;
		int oh = pad == 0 ? (h + sh - 1) / sh : (h - fh + sh) / sh;
		int ow = pad == 0 ? (wd + sw - 1) / sw : (wd - fw + sw) / sw;
		int32_t id[4] = { 1, h, wd, ch }, od[4] = { 1, oh, ow, ch };
		int it = ftensor(g, 4, id, NULL), ot = ftensor(g, 4, od, NULL);
		struct tflw_field f[6] = {
			{ .id = 0, .size = 1, .i = pad }, { .id = 1, .size = 4, .i = sw },
			{ .id = 2, .size = 4, .i = sh }, { .id = 3, .size = 4, .i = fw },
			{ .id = 4, .size = 4, .i = fh }, { .id = 5, .size = 1, .i = act },
		};
		tflw_op(g->w, B_MAX, 1, 1, &it, 1, &ot, TFLW_OPT_POOL2D, f, 6);
		size_t nin = elems(4, id);
		set_input(c, 0, rand_f_int(g, nin, -10, 10), nin * 4);
		snprintf(c->desc, sizeof(c->desc), "F32 MAXPOOL %dx%dx%d", h, wd, ch);
		return finish(g, c, 1, &it, ot, elems(4, od) * 4);
	}
	/* PAD / RESHAPE */
	int rank = rnd(g, 1, 4);
	int32_t id[4], od[4];
	for (int i = 0; i < rank; i++)
		id[i] = rnd(g, 1, 6);
	int it = ftensor(g, rank, id, NULL), ot;
	size_t nin = elems(rank, id);
	set_input(c, 0, rand_f_int(g, nin, -10, 10), nin * 4);
	if (k == GEN_F_PAD) {
		int32_t *p = own(g, 32);
		for (int i = 0; i < rank; i++) {
			p[2 * i] = rnd(g, 0, 2);
			p[2 * i + 1] = rnd(g, 0, 2);
			od[i] = id[i] + p[2 * i] + p[2 * i + 1];
		}
		int32_t pd[2] = { rank, 2 };
		int pt = tflw_tensor(g->w, TFLW_INT32, 2, pd, p, 8 * (size_t)rank, NULL, false);
		ot = ftensor(g, rank, od, NULL);
		int ins[2] = { it, pt };
		tflw_op(g->w, B_PAD, 1, 2, ins, 1, &ot, TFLW_OPT_PAD, NULL, 0);
		snprintf(c->desc, sizeof(c->desc), "F32 PAD rank%d", rank);
		return finish(g, c, 1, &it, ot, elems(rank, od) * 4);
	}
	od[0] = (int32_t)nin;
	int32_t *shape = own(g, 4);
	shape[0] = od[0];
	int32_t sd[1] = { 1 };
	int st = tflw_tensor(g->w, TFLW_INT32, 1, sd, shape, 4, NULL, false);
	ot = ftensor(g, 1, od, NULL);
	int ins[2] = { it, st };
	struct tflw_field f[1] = { { .id = 0, .size = 0, .vec = shape, .vec_n = 1 } };
	tflw_op(g->w, B_RESHAPE, 1, 2, ins, 1, &ot, TFLW_OPT_RESHAPE, f, 1);
	snprintf(c->desc, sizeof(c->desc), "F32 RESHAPE rank%d", rank);
	return finish(g, c, 1, &it, ot, nin * 4);
}

static const char *names[GEN_COUNT] = {
	"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "SUB", "MUL",
	"AVERAGE_POOL_2D", "MAX_POOL_2D", "PAD", "TRANSPOSE", "CONCATENATION",
	"RESHAPE", "QUANTIZE", "DEQUANTIZE", "RELU", "RELU6", "SOFTMAX",
	"LOGISTIC", "MEAN", "F32 CONV_2D", "F32 DEPTHWISE", "F32 FC",
	"F32 ADD", "F32 MUL", "F32 MAX_POOL_2D", "F32 PAD", "F32 RESHAPE",
};

const char *opgen_name(enum opgen_kind k)
{
	return k < GEN_COUNT ? names[k] : "?";
}

int opgen_make(enum opgen_kind kind, uint32_t seed, int big,
	       struct opgen_case *c)
{
	memset(c, 0, sizeof(*c));
	struct gen g = { .s = seed * 2654435761u + 12345u };
	if (!g.s)
		g.s = 1;
	g.w = tflw_new();
	int rc;
	switch (kind) {
	case GEN_CONV: rc = gen_conv(&g, c, big, 0); break;
	case GEN_DEPTHWISE: rc = gen_conv(&g, c, big, 1); break;
	case GEN_FC: rc = gen_fc(&g, c, big); break;
	case GEN_ADD: rc = gen_elementwise(&g, c, B_ADD); break;
	case GEN_SUB: rc = gen_elementwise(&g, c, B_SUB); break;
	case GEN_MUL: rc = gen_elementwise(&g, c, B_MUL); break;
	case GEN_AVGPOOL: rc = gen_pool(&g, c, 1, big); break;
	case GEN_MAXPOOL: rc = gen_pool(&g, c, 0, big); break;
	case GEN_PAD: case GEN_TRANSPOSE: case GEN_CONCAT: case GEN_RESHAPE:
		rc = gen_shape_op(&g, c, kind);
		break;
	case GEN_F_CONV: case GEN_F_DEPTHWISE: case GEN_F_FC: case GEN_F_ADD:
	case GEN_F_MUL: case GEN_F_MAXPOOL: case GEN_F_PAD: case GEN_F_RESHAPE:
		rc = gen_float(&g, c, kind);
		break;
	default: rc = gen_unary(&g, c, kind); break;
	}
	tflw_free(g.w);
	/* input buffers stay owned by the case; free the other temporaries */
	for (int i = 0; i < g.n_owned; i++) {
		if (g.owned[i] != c->in[0] && g.owned[i] != c->in[1])
			free(g.owned[i]);
	}
	return rc;
}

void opgen_free(struct opgen_case *c)
{
	free(c->model);
	free(c->in[0]);
	free(c->in[1]);
	memset(c, 0, sizeof(*c));
}
