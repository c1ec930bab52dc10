// SPDX-License-Identifier: MIT
/* Post-training int8 quantization (see quantize.h). */
#include "quantize.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "float_exec.h"

#define HIST_BINS 2048

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

struct quant_params quant_choose_asymmetric(float lo, float hi)
{
	struct quant_params p;
	double rmin = lo < 0.0f ? lo : 0.0, rmax = hi > 0.0f ? hi : 0.0;
	if (rmax - rmin < 1e-8)
		rmax = rmin + 1e-8;
	p.scale = (float)((rmax - rmin) / 255.0);
	/* zero point such that rmin maps to -128, nudged to an integer */
	double zp = -128.0 - rmin / p.scale;
	zp = round(zp);
	p.zero_point = (int32_t)(zp < -128 ? -128 : zp > 127 ? 127 : zp);
	return p;
}

float quant_choose_symmetric(float absmax)
{
	/* an all-zero channel still needs a positive scale */
	return absmax > 0.0f ? absmax / 127.0f : 1.0f / 127.0f;
}

int8_t quant_int8(float x, float scale, int32_t zero_point)
{
	double q = round((double)x / scale);
	if (isnan(q))   /* NaN input or scale: the real value 0 */
		q = 0.0;
	q += zero_point;
	return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
}

int32_t quant_int32(double x, double scale)
{
	double q = round(x / scale);
	if (isnan(q))
		q = 0.0;
	return (int32_t)(q < INT32_MIN ? INT32_MIN : q > INT32_MAX ? INT32_MAX : q);
}

/* What a tensor of the float model becomes. */
enum role {
	ROLE_UNUSED = 0,
	ROLE_ACT,               /* float activation -> int8 */
	ROLE_WEIGHT,            /* float filter -> int8 */
	ROLE_BIAS,              /* float bias -> int32 */
	ROLE_COPY,              /* non-float constant, copied unchanged */
};

struct qstate {
	const struct tfl_model *fm;
	int n;
	enum role *role;
	int *owner;             /* op using a weight/bias tensor */
	float *lo, *hi;         /* observed ranges */
	uint32_t *hist;         /* HIST_BINS per tensor (percentile mode) */
	bool hist_pass;
	struct quant_params *act;       /* chosen activation parameters */
	bool *has_act;
	/* per weight tensor: channel scales; per bias: int32 data */
	float **w_scale;
	int *w_count;
	int *map;               /* float tensor -> int8 model tensor, -1 */
};

static void range_hook(void *ctx, int t, float *d, size_t n)
{
	struct qstate *s = ctx;
	if (!s->hist_pass) {
		float lo = s->lo[t], hi = s->hi[t];
		for (size_t i = 0; i < n; i++) {
			lo = d[i] < lo ? d[i] : lo;
			hi = d[i] > hi ? d[i] : hi;
		}
		s->lo[t] = lo;
		s->hi[t] = hi;
		return;
	}
	float lo = s->lo[t], width = s->hi[t] - lo;
	uint32_t *h = s->hist + (size_t)t * HIST_BINS;
	if (!(width > 0.0f))
		return;
	for (size_t i = 0; i < n; i++) {
		double b = ((double)d[i] - lo) / width * HIST_BINS;
		/* comparisons written so that NaN lands in bin 0 */
		h[!(b >= 0.0) ? 0 : b >= HIST_BINS ? HIST_BINS - 1 : (int)b]++;
	}
}

/* Clip the range of tensor @t to its (100-p)..p percentiles. */
static void apply_percentile(struct qstate *s, int t, double p)
{
	const uint32_t *h = s->hist + (size_t)t * HIST_BINS;
	uint64_t total = 0;
	for (int i = 0; i < HIST_BINS; i++)
		total += h[i];
	if (!total)
		return;
	double tail = (100.0 - p) / 100.0 * (double)total;
	float lo = s->lo[t], width = s->hi[t] - lo;
	uint64_t acc = 0;
	int b_lo = 0, b_hi = HIST_BINS - 1;
	for (int i = 0; i < HIST_BINS; i++) {
		acc += h[i];
		if ((double)acc > tail) {
			b_lo = i;
			break;
		}
	}
	acc = 0;
	for (int i = HIST_BINS - 1; i >= 0; i--) {
		acc += h[i];
		if ((double)acc > tail) {
			b_hi = i;
			break;
		}
	}
	s->lo[t] = lo + width * (float)b_lo / HIST_BINS;
	s->hi[t] = lo + width * (float)(b_hi + 1) / HIST_BINS;
}

static void fake_quant_hook(void *ctx, int t, float *d, size_t n)
{
	struct qstate *s = ctx;
	if (!s->has_act[t])
		return;
	struct quant_params p = s->act[t];
	for (size_t i = 0; i < n; i++)
		d[i] = ((float)quant_int8(d[i], p.scale, p.zero_point) -
			(float)p.zero_point) * p.scale;
}

static int assign_roles(struct qstate *s, char *err, size_t errlen)
{
	const struct tfl_model *m = s->fm;
	for (int i = 0; i < m->n_ops; i++) {
		const struct tfl_op *op = &m->ops[i];
		bool weighted = op->opcode == TFL_OP_CONV_2D ||
				op->opcode == TFL_OP_DEPTHWISE_CONV_2D ||
				op->opcode == TFL_OP_FULLY_CONNECTED;
		for (int j = 0; j < op->n_inputs; j++) {
			int t = op->inputs[j];
			if (t < 0)
				continue;
			enum role r;
			if (!tfl_tensor_data(m, t))
				r = ROLE_ACT;
			else if (m->tensors[t].type != TFL_FLOAT32)
				r = ROLE_COPY;
			else if (weighted && j == 1)
				r = ROLE_WEIGHT;
			else if (weighted && j == 2)
				r = ROLE_BIAS;
			else
				return fail(err, errlen, "op %d: float constant input %d cannot be quantized",
					    i, j);
			if (s->role[t] != ROLE_UNUSED &&
			    (s->role[t] != r || r == ROLE_WEIGHT || r == ROLE_BIAS))
				return fail(err, errlen, "tensor '%s' is shared between ops in incompatible roles",
					    m->tensors[t].name);
			s->role[t] = r;
			s->owner[t] = i;
		}
		s->role[op->outputs[0]] = ROLE_ACT;
	}
	for (int i = 0; i < m->n_inputs; i++)
		s->role[m->inputs[i]] = ROLE_ACT;
	return 0;
}

/* Ops whose int8 output must carry their (first) input's parameters. */
static bool keeps_input_params(int opcode)
{
	return opcode == TFL_OP_MAX_POOL_2D ||
	       opcode == TFL_OP_AVERAGE_POOL_2D || opcode == TFL_OP_RESHAPE ||
	       opcode == TFL_OP_PAD;
}

static void widen(struct qstate *s, int t, float lo, float hi)
{
	s->lo[t] = fminf(s->lo[t], lo);
	s->hi[t] = fmaxf(s->hi[t], hi);
}

/*
 * TFLite's int8 CONCATENATION needs every input quantized like the output:
 * give the output and its inputs the union of their ranges, and carry it
 * back through parameter-preserving ops to the producers that choose
 * parameters (choose_activation_params then copies them forward again).
 */
static void unify_concat_ranges(struct qstate *s)
{
	const struct tfl_model *m = s->fm;
	for (int i = 0; i < m->n_ops; i++) {
		const struct tfl_op *op = &m->ops[i];
		if (op->opcode != TFL_OP_CONCATENATION)
			continue;
		int out = op->outputs[0];
		float lo = s->lo[out], hi = s->hi[out];
		for (int j = 0; j < op->n_inputs; j++) {
			lo = fminf(lo, s->lo[op->inputs[j]]);
			hi = fmaxf(hi, s->hi[op->inputs[j]]);
		}
		widen(s, out, lo, hi);
		for (int j = 0; j < op->n_inputs; j++) {
			int t = op->inputs[j];
			for (int hops = 0; hops <= m->n_ops; hops++) {
				widen(s, t, lo, hi);
				int p = tfl_producer(m, t);
				if (p < 0 || !keeps_input_params(m->ops[p].opcode))
					break;
				t = m->ops[p].inputs[0];
			}
		}
	}
}

/* Activation parameters in execution order, propagating through the ops
 * that TFLite requires to keep their input's quantization. */
static void choose_activation_params(struct qstate *s)
{
	const struct tfl_model *m = s->fm;
	unify_concat_ranges(s);
	for (int i = 0; i < m->n_inputs; i++) {
		int t = m->inputs[i];
		s->act[t] = quant_choose_asymmetric(s->lo[t], s->hi[t]);
		s->has_act[t] = true;
	}
	for (int i = 0; i < m->n_ops; i++) {
		const struct tfl_op *op = &m->ops[i];
		int in = op->inputs[0], out = op->outputs[0];
		switch (op->opcode) {
		case TFL_OP_MAX_POOL_2D:
		case TFL_OP_AVERAGE_POOL_2D:
		case TFL_OP_RESHAPE:
		case TFL_OP_PAD:
			s->act[out] = s->act[in];
			break;
		case TFL_OP_SOFTMAX:
			s->act[out].scale = 1.0f / 256.0f;
			s->act[out].zero_point = -128;
			break;
		default:
			s->act[out] = quant_choose_asymmetric(s->lo[out],
							      s->hi[out]);
		}
		s->has_act[out] = true;
	}
}

/* Quantized weights of tensor @t (owner op decides the axis). */
static int8_t *quantize_weights(struct qstate *s, int t, float **scales,
				int *count, int *axis)
{
	const struct tfl_model *m = s->fm;
	const struct tfl_tensor *w = &m->tensors[t];
	const float *d = tfl_tensor_data(m, t);
	int opcode = m->ops[s->owner[t]].opcode;
	size_t n = tfl_tensor_elems(w);
	int ch, stride_outer, inner;
	/* element index = ((o * ch) + c) * inner + k */
	if (opcode == TFL_OP_CONV_2D) {
		ch = w->dims[0];
		stride_outer = 1;
		inner = (int)(n / (size_t)ch);
		*axis = 0;
	} else if (opcode == TFL_OP_DEPTHWISE_CONV_2D) {
		ch = w->dims[w->rank - 1];
		stride_outer = (int)(n / (size_t)ch);
		inner = 1;
		*axis = w->rank - 1;
	} else {
		ch = 1;
		stride_outer = 1;
		inner = (int)n;
		*axis = 0;
	}
	int8_t *q = malloc(n ? n : 1);
	float *sc = malloc(sizeof(float) * (size_t)ch);
	if (!q || !sc) {
		free(q);
		free(sc);
		return NULL;
	}
	for (int c = 0; c < ch; c++) {
		float mx = 0.0f;
		for (int o = 0; o < stride_outer; o++)
			for (int k = 0; k < inner; k++)
				mx = fmaxf(mx, fabsf(d[((size_t)o * ch + c) *
						       inner + k]));
		sc[c] = quant_choose_symmetric(mx);
		for (int o = 0; o < stride_outer; o++)
			for (int k = 0; k < inner; k++) {
				size_t i = ((size_t)o * ch + c) * inner + k;
				int8_t v = quant_int8(d[i], sc[c], 0);
				q[i] = (int8_t)(v < -127 ? -127 : v);
			}
	}
	*scales = sc;
	*count = ch;
	return q;
}

static int op_version(int opcode)
{
	switch (opcode) {
	case TFL_OP_CONV_2D:                    /* int8 per-channel */
	case TFL_OP_DEPTHWISE_CONV_2D: return 3;
	case TFL_OP_FULLY_CONNECTED: return 4;  /* int8 */
	case TFL_OP_MAX_POOL_2D:
	case TFL_OP_AVERAGE_POOL_2D:
	case TFL_OP_SOFTMAX:
	case TFL_OP_DEQUANTIZE:
	case TFL_OP_ADD:
	case TFL_OP_CONCATENATION:
	case TFL_OP_PAD: return 2;             /* int8 */
	}
	return 1;
}

static int add_q_tensor(struct tfl_model *qm, const struct tfl_tensor *ft,
			const char *suffix, enum tfl_type type,
			const void *data, size_t bytes, int count,
			const float *scale, const int64_t *zp, int axis)
{
	char name[512];
	snprintf(name, sizeof(name), "%s%s", ft->name, suffix);
	int t = tfl_add_tensor(qm, name, type, ft->rank, ft->dims, data, bytes);
	if (t >= 0 && count && tfl_set_quant(qm, t, count, scale, zp, axis))
		return -1;
	return t;
}

/* Emit the int8 graph. */
static int build_int8(struct qstate *s, const struct quant_options *opt,
		      struct tfl_model *qm, char *err, size_t errlen)
{
	const struct tfl_model *m = s->fm;
	int *map = s->map;
	if (tfl_model_init(qm))
		return fail(err, errlen, "out of memory");
	for (int i = 0; i < m->n_tensors; i++)
		map[i] = -1;
	int ret = -1;
	/* weights first: biases need their scales */
	for (int t = 0; t < m->n_tensors; t++) {
		if (s->role[t] != ROLE_WEIGHT)
			continue;
		int axis, count;
		int8_t *q = quantize_weights(s, t, &s->w_scale[t], &count,
					     &axis);
		if (!q)
			goto oom;
		int64_t *zp = calloc((size_t)count, sizeof(*zp));
		map[t] = zp ? add_q_tensor(qm, &m->tensors[t], "", TFL_INT8, q,
					   tfl_tensor_elems(&m->tensors[t]),
					   count, s->w_scale[t], zp, axis) : -1;
		s->w_count[t] = count;
		free(q);
		free(zp);
		if (map[t] < 0)
			goto oom;
	}
	for (int t = 0; t < m->n_tensors; t++) {
		const struct tfl_tensor *ft = &m->tensors[t];
		switch (s->role[t]) {
		case ROLE_ACT: {
			int64_t zp = s->act[t].zero_point;
			if (!s->has_act[t])
				break;
			map[t] = add_q_tensor(qm, ft, opt->float_io &&
					      (t == m->inputs[0] ||
					       t == m->outputs[0]) ? "_int8" : "",
					      TFL_INT8, NULL, 0, 1,
					      &s->act[t].scale, &zp, 0);
			if (map[t] < 0)
				goto oom;
			break;
		}
		case ROLE_BIAS: {
			const struct tfl_op *op = &m->ops[s->owner[t]];
			int w = op->inputs[1];
			int n = (int)tfl_tensor_elems(ft);
			float in_scale = s->act[op->inputs[0]].scale;
			int32_t *q = malloc(sizeof(int32_t) * (size_t)(n ? n : 1));
			float *sc = malloc(sizeof(float) * (size_t)(n ? n : 1));
			int64_t *zp = calloc((size_t)(n ? n : 1), sizeof(*zp));
			const float *d = tfl_tensor_data(m, t);
			if (!q || !sc || !zp) {
				free(q); free(sc); free(zp);
				goto oom;
			}
			for (int c = 0; c < n; c++) {
				float ws = s->w_scale[w][s->w_count[w] > 1 ? c : 0];
				sc[c] = in_scale * ws;
				q[c] = quant_int32(d[c], (double)in_scale * ws);
			}
			int count = s->w_count[w] > 1 ? n : 1;
			map[t] = add_q_tensor(qm, ft, "", TFL_INT32, q,
					      sizeof(int32_t) * (size_t)n, count,
					      sc, zp, 0);
			free(q); free(sc); free(zp);
			if (map[t] < 0)
				goto oom;
			break;
		}
		case ROLE_COPY:
			map[t] = tfl_add_tensor(qm, ft->name, ft->type, ft->rank,
						ft->dims, tfl_tensor_data(m, t),
						tfl_tensor_elems(ft) *
						tfl_type_size(ft->type));
			if (map[t] < 0)
				goto oom;
			break;
		default:
			break;
		}
	}

	int in_f = -1, out_f = -1;
	int in_q = map[m->inputs[0]], out_q = map[m->outputs[0]];
	if (opt->float_io) {
		const struct tfl_tensor *fi = &m->tensors[m->inputs[0]];
		const struct tfl_tensor *fo = &m->tensors[m->outputs[0]];
		in_f = tfl_add_tensor(qm, fi->name, TFL_FLOAT32, fi->rank,
				      fi->dims, NULL, 0);
		out_f = tfl_add_tensor(qm, fo->name, TFL_FLOAT32, fo->rank,
				       fo->dims, NULL, 0);
		if (in_f < 0 || out_f < 0 ||
		    tfl_add_op(qm, TFL_OP_QUANTIZE, 1, &in_f, 1, &in_q,
			       NULL) < 0)
			goto oom;
	}
	for (int i = 0; i < m->n_ops; i++) {
		const struct tfl_op *op = &m->ops[i];
		int ins[TFL_MAX_OP_INPUTS], outs[TFL_MAX_OP_OUTPUTS];
		for (int j = 0; j < op->n_inputs; j++)
			ins[j] = op->inputs[j] < 0 ? -1 : map[op->inputs[j]];
		for (int j = 0; j < op->n_outputs; j++)
			outs[j] = map[op->outputs[j]];
		int k = tfl_add_op(qm, op->opcode, op->n_inputs, ins,
				   op->n_outputs, outs, &op->opts);
		if (k < 0)
			goto oom;
		qm->ops[k].version = op_version(op->opcode);
	}
	if (opt->float_io) {
		int k = tfl_add_op(qm, TFL_OP_DEQUANTIZE, 1, &out_q, 1, &out_f,
				   NULL);
		if (k < 0)
			goto oom;
		qm->ops[k].version = op_version(TFL_OP_DEQUANTIZE);
	}
	qm->n_inputs = 1;
	qm->inputs[0] = opt->float_io ? in_f : in_q;
	qm->n_outputs = m->n_outputs;
	for (int i = 0; i < m->n_outputs; i++)
		qm->outputs[i] = map[m->outputs[i]];
	if (opt->float_io)
		qm->outputs[0] = out_f;
	qm->description = strdup("dnpu quantize: int8 post-training quantization");
	ret = 0;
	goto out;
oom:
	fail(err, errlen, "out of memory building the int8 model");
	tfl_model_free(qm);
out:
	return ret;
}

static void dequantize_weights(const struct tfl_model *qm, int qt, float *out)
{
	const struct tfl_tensor *w = &qm->tensors[qt];
	size_t n = tfl_tensor_elems(w);
	int ch = w->q.count, axis = w->q.axis;
	size_t inner = 1;
	for (int i = axis + 1; i < w->rank; i++)
		inner *= (size_t)w->dims[i];
	if (w->type == TFL_INT8) {
		const int8_t *q = tfl_tensor_data(qm, qt);
		for (size_t i = 0; i < n; i++)
			out[i] = (float)q[i] * w->q.scale[ch > 1 ? (i / inner) % (size_t)ch : 0];
	} else {
		const int32_t *q = tfl_tensor_data(qm, qt);
		for (size_t i = 0; i < n; i++)
			out[i] = (float)((double)q[i] * w->q.scale[ch > 1 ? i : 0]);
	}
}

/* Per-op SQNR of a fake-quantized float simulation of the int8 model. */
static int measure_sqnr(struct qstate *s, const struct tfl_model *qm,
			const float *calib, int n,
			size_t in_elems, struct quant_report *rep,
			char *err, size_t errlen)
{
	const struct tfl_model *m = s->fm;
	struct fexec ref, sim;
	double *sig = calloc((size_t)m->n_tensors, sizeof(double));
	double *noise = calloc((size_t)m->n_tensors, sizeof(double));
	float **deq = calloc((size_t)m->n_tensors, sizeof(float *));
	int ret = -1;
	rep->layers = calloc((size_t)m->n_ops + 1, sizeof(*rep->layers));
	if (!sig || !noise || !deq || !rep->layers) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	if (fexec_init(&ref, m, err, errlen))
		goto out;
	if (fexec_init(&sim, m, err, errlen)) {
		fexec_free(&ref);
		goto out;
	}
	for (int t = 0; t < m->n_tensors; t++) {
		if (s->role[t] != ROLE_WEIGHT && s->role[t] != ROLE_BIAS)
			continue;
		int qt = s->map[t];
		deq[t] = malloc(sizeof(float) * (tfl_tensor_elems(&m->tensors[t]) + 1));
		if (qt < 0 || !deq[t]) {
			fail(err, errlen, "out of memory");
			goto out_exec;
		}
		dequantize_weights(qm, qt, deq[t]);
		sim.cval[t] = deq[t];
	}
	sim.hook = fake_quant_hook;
	sim.hook_ctx = s;
	for (int i = 0; i < n; i++) {
		const float *x = calib + (size_t)i * in_elems;
		if (fexec_run(&ref, x, err, errlen) ||
		    fexec_run(&sim, x, err, errlen))
			goto out_exec;
		for (int k = 0; k < m->n_ops; k++) {
			int t = m->ops[k].outputs[0];
			size_t ne = tfl_tensor_elems(&m->tensors[t]);
			const float *a = fexec_tensor(&ref, t);
			const float *b = fexec_tensor(&sim, t);
			for (size_t j = 0; j < ne; j++) {
				sig[t] += (double)a[j] * a[j];
				noise[t] += ((double)a[j] - b[j]) * ((double)a[j] - b[j]);
			}
		}
	}
	for (int k = 0; k < m->n_ops; k++) {
		int t = m->ops[k].outputs[0];
		struct quant_layer_report *l = &rep->layers[k];
		l->op_index = k;
		l->opcode = m->ops[k].opcode;
		l->tensor = m->tensors[t].name;
		l->sqnr_db = noise[t] > 0.0 ? 10.0 * log10(sig[t] / noise[t]) :
			     INFINITY;
		l->scale = s->act[t].scale;
		l->zero_point = s->act[t].zero_point;
	}
	rep->n_layers = m->n_ops;
	ret = 0;
out_exec:
	fexec_free(&ref);
	fexec_free(&sim);
out:
	if (deq)
		for (int t = 0; t < m->n_tensors; t++)
			free(deq[t]);
	free(deq);
	free(sig);
	free(noise);
	if (ret) {
		free(rep->layers);
		rep->layers = NULL;
	}
	return ret;
}

int quantize_model(const struct tfl_model *fm, const float *calib,
		   int n_calib, const struct quant_options *opt,
		   struct tfl_model *qm, struct quant_report *rep, char *err,
		   size_t errlen)
{
	struct qstate s = { .fm = fm, .n = fm->n_tensors };
	struct fexec e;
	int ret = -1;
	memset(qm, 0, sizeof(*qm));
	if (rep)
		memset(rep, 0, sizeof(*rep));
	if (n_calib < 1)
		return fail(err, errlen, "no calibration inputs");
	if (fm->n_inputs != 1 || fm->n_outputs < 1 ||
	    fm->n_outputs > TFL_MAX_OP_INPUTS ||
	    (opt->float_io && fm->n_outputs != 1))
		return fail(err, errlen, "only single-input models (and single-output with float I/O) are supported");
	if (!(opt->percentile > 0.0 && opt->percentile <= 100.0))
		return fail(err, errlen, "percentile must be in (0, 100]");
	if (fexec_init(&e, fm, err, errlen)) {
		fexec_free(&e);
		return -1;
	}
	size_t nt = (size_t)fm->n_tensors + 1;
	s.role = calloc(nt, sizeof(*s.role));
	s.owner = calloc(nt, sizeof(*s.owner));
	s.lo = malloc(nt * sizeof(float));
	s.hi = malloc(nt * sizeof(float));
	s.act = calloc(nt, sizeof(*s.act));
	s.has_act = calloc(nt, sizeof(*s.has_act));
	s.w_scale = calloc(nt, sizeof(*s.w_scale));
	s.w_count = calloc(nt, sizeof(*s.w_count));
	s.map = calloc(nt, sizeof(*s.map));
	if (!s.role || !s.owner || !s.lo || !s.hi || !s.act || !s.has_act ||
	    !s.w_scale || !s.w_count || !s.map) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	if (assign_roles(&s, err, errlen))
		goto out;
	for (size_t i = 0; i < nt; i++) {
		s.lo[i] = FLT_MAX;
		s.hi[i] = -FLT_MAX;
	}
	size_t in_elems = tfl_tensor_elems(&fm->tensors[fm->inputs[0]]);
	e.hook = range_hook;
	e.hook_ctx = &s;
	for (int i = 0; i < n_calib; i++)
		if (fexec_run(&e, calib + (size_t)i * in_elems, err, errlen))
			goto out;
	if (opt->percentile < 100.0) {
		s.hist = calloc(nt * HIST_BINS, sizeof(*s.hist));
		if (!s.hist) {
			fail(err, errlen, "out of memory");
			goto out;
		}
		s.hist_pass = true;
		for (int i = 0; i < n_calib; i++)
			if (fexec_run(&e, calib + (size_t)i * in_elems, err,
				      errlen))
				goto out;
		for (int t = 0; t < fm->n_tensors; t++)
			if (s.role[t] == ROLE_ACT)
				apply_percentile(&s, t, opt->percentile);
	}
	for (int t = 0; t < fm->n_tensors; t++) {
		if (s.role[t] == ROLE_ACT && s.lo[t] <= s.hi[t] &&
		    !(isfinite(s.lo[t]) && isfinite(s.hi[t]))) {
			fail(err, errlen, "tensor '%s': non-finite values during calibration",
			     fm->tensors[t].name);
			goto out;
		}
		if (s.role[t] == ROLE_WEIGHT || s.role[t] == ROLE_BIAS) {
			const float *d = tfl_tensor_data(fm, t);
			size_t n = tfl_tensor_elems(&fm->tensors[t]);
			for (size_t i = 0; i < n; i++)
				if (!isfinite(d[i])) {
					fail(err, errlen, "tensor '%s': non-finite constant",
					     fm->tensors[t].name);
					goto out;
				}
		}
	}
	choose_activation_params(&s);
	if (build_int8(&s, opt, qm, err, errlen))
		goto out;
	if (rep && opt->report_samples > 0) {
		int n = opt->report_samples < n_calib ? opt->report_samples :
			n_calib;
		if (measure_sqnr(&s, qm, calib, n, in_elems, rep, err,
				 errlen)) {
			tfl_model_free(qm);
			goto out;
		}
	}
	ret = 0;
out:
	fexec_free(&e);
	if (s.w_scale)
		for (size_t i = 0; i < nt; i++)
			free(s.w_scale[i]);
	free(s.w_scale);
	free(s.w_count);
	free(s.map);
	free(s.role);
	free(s.owner);
	free(s.lo);
	free(s.hi);
	free(s.act);
	free(s.has_act);
	free(s.hist);
	return ret;
}
