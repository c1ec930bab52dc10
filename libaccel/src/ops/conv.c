/* SPDX-License-Identifier: MIT */
/* CONV_2D and DEPTHWISE_CONV_2D (int8 per-channel, float32). */
#include <math.h>
#include <string.h>

#include "../kernels/kernels.h"
#include "ops_internal.h"

struct conv_state {
	struct accel_op_state hdr;
	bool is_float, direct;
	int n, h, w, c, oh, ow, oc, kh, kw, sh, sw, dh, dw, pad_t, pad_l;
	int32_t in_zp;
	float act_lo, act_hi;
	int rows;               /* im2col rows per chunk */
	int8_t *im2col;
	void *gscratch;
	struct accel_gemm_s8 gemm;
	struct accel_dw_s8 dwk;
};

static void conv_release(void *p)
{
	struct conv_state *st = p;
	accel_gemm_s8_release(&st->gemm);
	accel_dw_s8_release(&st->dwk);
	free(st->im2col);
	free(st->gscratch);
}

/* Geometry and padding shared by both convolutions. */
static int conv_geometry(struct accel_op *op, struct conv_state *st,
			 const struct accel_tensor *in,
			 const struct accel_tensor *out, char *err,
			 size_t errlen)
{
	const struct accel_conv_opts *o = &op->opt.conv;
	OP_CHECK(in->rank == 4 && out->rank == 4,
		 "input and output must be 4-D (NHWC), got rank %d and %d",
		 in->rank, out->rank);
	OP_CHECK(o->stride_w > 0 && o->stride_h > 0 && o->dilation_w > 0 &&
		 o->dilation_h > 0, "strides and dilations must be positive");
	st->n = in->dims[0];
	st->h = in->dims[1];
	st->w = in->dims[2];
	st->c = in->dims[3];
	st->oh = out->dims[1];
	st->ow = out->dims[2];
	st->oc = out->dims[3];
	st->sh = o->stride_h;
	st->sw = o->stride_w;
	st->dh = o->dilation_h;
	st->dw = o->dilation_w;
	OP_CHECK(out->dims[0] == st->n, "batch mismatch (%d vs %d)",
		 out->dims[0], st->n);
	int eh = (st->kh - 1) * st->dh + 1, ew = (st->kw - 1) * st->dw + 1;
	int exp_h, exp_w;
	if (o->explicit_pad) {
		OP_CHECK(o->pad_top >= 0 && o->pad_bottom >= 0 &&
			 o->pad_left >= 0 && o->pad_right >= 0,
			 "negative explicit padding");
		st->pad_t = o->pad_top;
		st->pad_l = o->pad_left;
		exp_h = (st->h + o->pad_top + o->pad_bottom - eh) / st->sh + 1;
		exp_w = (st->w + o->pad_left + o->pad_right - ew) / st->sw + 1;
	} else {
		OP_CHECK(o->padding == ACCEL_PAD_SAME ||
			 o->padding == ACCEL_PAD_VALID, "bad padding %d",
			 (int)o->padding);
		exp_h = accel_conv_out_size(o->padding, st->h, st->kh, st->sh,
					    st->dh);
		exp_w = accel_conv_out_size(o->padding, st->w, st->kw, st->sw,
					    st->dw);
		st->pad_t = accel_conv_pad_before(st->h, st->kh, st->sh, st->dh,
						  exp_h);
		st->pad_l = accel_conv_pad_before(st->w, st->kw, st->sw, st->dw,
						  exp_w);
	}
	OP_CHECK(exp_h == st->oh && exp_w == st->ow,
		 "output is %dx%d but the padding/stride/filter give %dx%d",
		 st->oh, st->ow, exp_h, exp_w);
	return 0;
}

/* Per-channel multipliers exactly as TFLite's PopulateConvolution...Params. */
static int channel_mults(struct accel_op *op, const struct accel_tensor *in,
			 const struct accel_tensor *f,
			 const struct accel_tensor *out, int nch, int axis,
			 int32_t **mult, int32_t **shift, char *err,
			 size_t errlen)
{
	OP_CHECK(in->q.count == 1 && out->q.count == 1,
		 "int8 input/output need per-tensor quantization");
	OP_CHECK(f->q.count == 1 || (f->q.count == nch && f->q.axis == axis),
		 "filter quantization has %d scales (axis %d), expected 1 or %d on axis %d",
		 f->q.count, f->q.axis, nch, axis);
	for (int i = 0; i < f->q.count; i++)
		OP_CHECK(f->q.zero_point[i] == 0,
			 "filter zero point must be 0 (got %lld)",
			 (long long)f->q.zero_point[i]);
	*mult = malloc(sizeof(int32_t) * (size_t)nch);
	*shift = malloc(sizeof(int32_t) * (size_t)nch);
	OP_CHECK(*mult && *shift, "out of memory");
	for (int c = 0; c < nch; c++) {
		double fs = (double)f->q.scale[f->q.count > 1 ? c : 0];
		double eff = (double)in->q.scale[0] * fs / (double)out->q.scale[0];
		int s;
		accel_quantize_multiplier(eff, &(*mult)[c], &s);
		(*shift)[c] = s;
	}
	return 0;
}

static int check_bias(struct accel_op *op, const struct accel_tensor *bias,
		      int nch, enum accel_dtype want, char *err, size_t errlen)
{
	if (!bias)
		return 0;
	OP_CHECK(bias->type == want, "bias must be %s",
		 want == ACCEL_DT_INT32 ? "INT32" : "FLOAT32");
	OP_CHECK(bias->is_const, "bias must be constant");
	OP_CHECK((int)accel_tensor_elems(bias) == nch,
		 "bias has %zu elements, expected %d",
		 accel_tensor_elems(bias), nch);
	return 0;
}

int accel_prepare_conv2d(struct accel_model *m, struct accel_op *op,
			 char *err, size_t errlen)
{
	struct accel_tensor *in = op_in(m, op, 0), *f = op_in(m, op, 1);
	struct accel_tensor *bias = op_in(m, op, 2), *out = op_out(m, op, 0);
	OP_CHECK(in && f && out, "needs input, filter and output");
	OP_CHECK(f->is_const, "filter must be constant");
	OP_CHECK(f->rank == 4, "filter must be 4-D OHWI");
	struct conv_state *st = accel_op_state_new(op, sizeof(*st));
	OP_CHECK(st, "out of memory");
	st->hdr.release = conv_release;
	st->kh = f->dims[1];
	st->kw = f->dims[2];
	if (conv_geometry(op, st, in, out, err, errlen))
		return -1;
	OP_CHECK(f->dims[0] == st->oc && f->dims[3] == st->c,
		 "filter [%d,%d,%d,%d] does not match input channels %d / output channels %d",
		 f->dims[0], f->dims[1], f->dims[2], f->dims[3], st->c, st->oc);
	st->direct = st->kh == 1 && st->kw == 1 && st->sh == 1 && st->sw == 1 &&
		     st->pad_t == 0 && st->pad_l == 0 && st->oh == st->h &&
		     st->ow == st->w;
	if (in->type == ACCEL_DT_FLOAT32) {
		OP_CHECK(f->type == ACCEL_DT_FLOAT32 &&
			 out->type == ACCEL_DT_FLOAT32,
			 "float input needs float filter and output");
		if (check_bias(op, bias, st->oc, ACCEL_DT_FLOAT32, err, errlen))
			return -1;
		st->is_float = true;
		accel_act_range_f(op->opt.conv.act, &st->act_lo, &st->act_hi);
		return 0;
	}
	OP_CHECK(in->type == ACCEL_DT_INT8 && f->type == ACCEL_DT_INT8 &&
		 out->type == ACCEL_DT_INT8,
		 "only int8 (or float32) input/filter/output are supported");
	if (check_bias(op, bias, st->oc, ACCEL_DT_INT32, err, errlen))
		return -1;
	int32_t *mult = NULL, *shift = NULL;
	int rc = channel_mults(op, in, f, out, st->oc, 0, &mult, &shift, err,
			       errlen);
	int32_t lo, hi;
	if (!rc && accel_act_range_q(op->opt.conv.act, qscale(out), qzp(out),
				     -128, 127, &lo, &hi))
		rc = accel_op_fail(op, err, errlen,
				   "unsupported fused activation %d",
				   (int)op->opt.conv.act);
	st->in_zp = qzp(in);
	int k = st->kh * st->kw * st->c;
	if (!rc && accel_gemm_s8_prepare(&st->gemm, tdata(f), st->oc, k,
					 bias ? tdata(bias) : NULL, st->in_zp,
					 mult, shift, st->oc, qzp(out), lo, hi))
		rc = accel_op_fail(op, err, errlen, "out of memory");
	free(mult);
	free(shift);
	if (rc)
		return rc;
	int m_total = st->oh * st->ow;
	if (st->direct) {
		st->rows = m_total * st->n;
	} else {
		int rows = (256 * 1024) / (k > 0 ? k : 1);
		rows = rows < 4 ? 4 : rows;
		st->rows = rows < m_total ? rows : m_total;
		st->im2col = malloc((size_t)st->rows * k);
		OP_CHECK(st->im2col, "out of memory");
		st->hdr.scratch_bytes += (size_t)st->rows * k;
	}
	size_t gs = accel_gemm_s8_scratch(&st->gemm, st->rows);
	st->gscratch = malloc(gs);
	OP_CHECK(st->gscratch, "out of memory");
	st->hdr.scratch_bytes += gs + st->gemm.bytes;
	return 0;
}

static void im2col_rows(const struct conv_state *st, const int8_t *inb,
			int p0, int rows, int8_t *dst)
{
	const int k = st->kh * st->kw * st->c;
	for (int r = 0; r < rows; r++) {
		int p = p0 + r, oy = p / st->ow, ox = p % st->ow;
		int8_t *d = dst + (size_t)r * k;
		for (int ky = 0; ky < st->kh; ky++) {
			int iy = oy * st->sh - st->pad_t + ky * st->dh;
			for (int kx = 0; kx < st->kw; kx++, d += st->c) {
				int ix = ox * st->sw - st->pad_l + kx * st->dw;
				if (iy < 0 || iy >= st->h || ix < 0 || ix >= st->w)
					memset(d, (int8_t)st->in_zp, (size_t)st->c);
				else
					memcpy(d, inb + ((size_t)iy * st->w + ix) * st->c,
					       (size_t)st->c);
			}
		}
	}
}

static void conv_float(const struct conv_state *st, const float *in,
		       const float *f, const float *bias, float *out)
{
	for (int b = 0; b < st->n; b++)
	for (int oy = 0; oy < st->oh; oy++)
	for (int ox = 0; ox < st->ow; ox++)
	for (int oc = 0; oc < st->oc; oc++) {
		float acc = 0.0f;
		for (int ky = 0; ky < st->kh; ky++) {
			int iy = oy * st->sh - st->pad_t + ky * st->dh;
			if (iy < 0 || iy >= st->h)
				continue;
			for (int kx = 0; kx < st->kw; kx++) {
				int ix = ox * st->sw - st->pad_l + kx * st->dw;
				if (ix < 0 || ix >= st->w)
					continue;
				const float *ip = in + (((size_t)b * st->h + iy) * st->w + ix) * st->c;
				const float *fp = f + (((size_t)oc * st->kh + ky) * st->kw + kx) * st->c;
				for (int ic = 0; ic < st->c; ic++)
					acc += ip[ic] * fp[ic];
			}
		}
		if (bias)
			acc += bias[oc];
		acc = act_clamp_f(acc, st->act_lo, st->act_hi);
		out[(((size_t)b * st->oh + oy) * st->ow + ox) * st->oc + oc] = acc;
	}
}

int accel_eval_conv2d(struct accel_model *m, struct accel_op *op, char *err,
		      size_t errlen)
{
	(void)err;
	(void)errlen;
	struct conv_state *st = op->user_data;
	struct accel_tensor *in = op_in(m, op, 0), *out = op_out(m, op, 0);
	struct accel_tensor *bias = op_in(m, op, 2);
	if (st->is_float) {
		conv_float(st, tdata(in), tdata(op_in(m, op, 1)),
			   bias ? tdata(bias) : NULL, out->data);
		return 0;
	}
	const int8_t *x = tdata(in);
	int8_t *y = out->data;
	const int k = st->kh * st->kw * st->c;
	if (st->direct) {
		accel_gemm_s8_run(&st->gemm, st->rows, x, (size_t)st->c, y,
				  (size_t)st->oc, st->gscratch);
		return 0;
	}
	const int pix = st->oh * st->ow;
	for (int b = 0; b < st->n; b++) {
		const int8_t *inb = x + (size_t)b * st->h * st->w * st->c;
		for (int p0 = 0; p0 < pix; p0 += st->rows) {
			int rows = pix - p0 < st->rows ? pix - p0 : st->rows;
			im2col_rows(st, inb, p0, rows, st->im2col);
			accel_gemm_s8_run(&st->gemm, rows, st->im2col, (size_t)k,
					  y + ((size_t)b * pix + p0) * st->oc,
					  (size_t)st->oc, st->gscratch);
		}
	}
	return 0;
}

int accel_prepare_depthwise_conv(struct accel_model *m, struct accel_op *op,
				 char *err, size_t errlen)
{
	struct accel_tensor *in = op_in(m, op, 0), *f = op_in(m, op, 1);
	struct accel_tensor *bias = op_in(m, op, 2), *out = op_out(m, op, 0);
	OP_CHECK(in && f && out, "needs input, filter and output");
	OP_CHECK(f->is_const, "filter must be constant");
	OP_CHECK(f->rank == 4 && f->dims[0] == 1, "filter must be [1,H,W,C]");
	struct conv_state *st = accel_op_state_new(op, sizeof(*st));
	OP_CHECK(st, "out of memory");
	st->hdr.release = conv_release;
	st->kh = f->dims[1];
	st->kw = f->dims[2];
	if (conv_geometry(op, st, in, out, err, errlen))
		return -1;
	int dm = op->opt.conv.depth_multiplier;
	/* like TFLite, trust the shapes: multiplier = out_c / in_c */
	OP_CHECK(st->c > 0 && st->oc % st->c == 0,
		 "output channels %d not a multiple of input channels %d",
		 st->oc, st->c);
	if (dm <= 0 || dm * st->c != st->oc)
		dm = st->oc / st->c;
	OP_CHECK(f->dims[3] == st->oc, "filter has %d channels, output %d",
		 f->dims[3], st->oc);
	if (in->type == ACCEL_DT_FLOAT32) {
		OP_CHECK(f->type == ACCEL_DT_FLOAT32 &&
			 out->type == ACCEL_DT_FLOAT32,
			 "float input needs float filter and output");
		if (check_bias(op, bias, st->oc, ACCEL_DT_FLOAT32, err, errlen))
			return -1;
		st->is_float = true;
		st->dwk.g.depth_mult = dm;
		accel_act_range_f(op->opt.conv.act, &st->act_lo, &st->act_hi);
		return 0;
	}
	OP_CHECK(in->type == ACCEL_DT_INT8 && f->type == ACCEL_DT_INT8 &&
		 out->type == ACCEL_DT_INT8,
		 "only int8 (or float32) input/filter/output are supported");
	if (check_bias(op, bias, st->oc, ACCEL_DT_INT32, err, errlen))
		return -1;
	int32_t *mult = NULL, *shift = NULL;
	int rc = channel_mults(op, in, f, out, st->oc, 3, &mult, &shift, err,
			       errlen);
	int32_t lo, hi;
	if (!rc && accel_act_range_q(op->opt.conv.act, qscale(out), qzp(out),
				     -128, 127, &lo, &hi))
		rc = accel_op_fail(op, err, errlen,
				   "unsupported fused activation %d",
				   (int)op->opt.conv.act);
	struct accel_dw_geom g = {
		.batches = st->n, .in_h = st->h, .in_w = st->w, .in_c = st->c,
		.out_h = st->oh, .out_w = st->ow, .k_h = st->kh, .k_w = st->kw,
		.stride_h = st->sh, .stride_w = st->sw, .dil_h = st->dh,
		.dil_w = st->dw, .pad_top = st->pad_t, .pad_left = st->pad_l,
		.depth_mult = dm, .in_zp = qzp(in),
	};
	if (!rc && accel_dw_s8_prepare(&st->dwk, &g, tdata(f),
				       bias ? tdata(bias) : NULL, mult, shift,
				       st->oc, qzp(out), lo, hi))
		rc = accel_op_fail(op, err, errlen, "out of memory");
	free(mult);
	free(shift);
	return rc;
}

static void dw_float(const struct conv_state *st, const float *in,
		     const float *f, const float *bias, float *out)
{
	int dm = st->dwk.g.depth_mult;
	for (int b = 0; b < st->n; b++)
	for (int oy = 0; oy < st->oh; oy++)
	for (int ox = 0; ox < st->ow; ox++)
	for (int oc = 0; oc < st->oc; oc++) {
		int ic = oc / dm;
		float acc = 0.0f;
		for (int ky = 0; ky < st->kh; ky++) {
			int iy = oy * st->sh - st->pad_t + ky * st->dh;
			if (iy < 0 || iy >= st->h)
				continue;
			for (int kx = 0; kx < st->kw; kx++) {
				int ix = ox * st->sw - st->pad_l + kx * st->dw;
				if (ix < 0 || ix >= st->w)
					continue;
				acc += in[(((size_t)b * st->h + iy) * st->w + ix) * st->c + ic] *
				       f[((size_t)ky * st->kw + kx) * st->oc + oc];
			}
		}
		if (bias)
			acc += bias[oc];
		acc = act_clamp_f(acc, st->act_lo, st->act_hi);
		out[(((size_t)b * st->oh + oy) * st->ow + ox) * st->oc + oc] = acc;
	}
}

int accel_eval_depthwise_conv(struct accel_model *m, struct accel_op *op,
			      char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	struct conv_state *st = op->user_data;
	struct accel_tensor *in = op_in(m, op, 0), *out = op_out(m, op, 0);
	struct accel_tensor *bias = op_in(m, op, 2);
	if (st->is_float)
		dw_float(st, tdata(in), tdata(op_in(m, op, 1)),
			 bias ? tdata(bias) : NULL, out->data);
	else
		accel_dw_s8_run(&st->dwk, tdata(in), out->data);
	return 0;
}
