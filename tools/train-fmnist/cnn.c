// SPDX-License-Identifier: MIT
/* Compact CNN training for Fashion-MNIST (see cnn.h). */
#include "cnn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define S1 CNN_SIDE             /* conv1 resolution */
#define S2 (CNN_SIDE / 2)       /* conv2 resolution */
#define S3 (CNN_SIDE / 4)       /* after the second pool */

/* Per-image activations kept for the backward pass, and their gradients. */
struct cnn_ws {
	float a0[S1 * S1];
	float *r1, *p1, *r2, *p2;       /* ReLU outputs and pool outputs */
	int *i1, *i2;                   /* argmax index of each pool output */
	float logits[CNN_CLASSES];
	float *dr1, *dp1, *dr2;         /* gradients */
};

void cnn_default_config(struct cnn_config *cfg)
{
	cfg->c1 = 8;
	cfg->c2 = 16;
	cfg->batch = 32;
	cfg->lr = 2e-3f;
	cfg->lr_decay = 0.7f;
	cfg->seed = 1;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
	return ((splitmix(s) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static float gaussian(uint64_t *s)
{
	double u = uniform(s), v = uniform(s);
	return (float)(sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v));
}

static void ws_free(struct cnn_ws *w)
{
	if (!w)
		return;
	free(w->r1); free(w->p1); free(w->r2); free(w->p2);
	free(w->i1); free(w->i2);
	free(w->dr1); free(w->dp1); free(w->dr2);
	free(w);
}

static struct cnn_ws *ws_new(int c1, int c2)
{
	struct cnn_ws *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->r1 = calloc((size_t)S1 * S1 * c1, sizeof(float));
	w->dr1 = calloc((size_t)S1 * S1 * c1, sizeof(float));
	w->p1 = calloc((size_t)S2 * S2 * c1, sizeof(float));
	w->dp1 = calloc((size_t)S2 * S2 * c1, sizeof(float));
	w->i1 = calloc((size_t)S2 * S2 * c1, sizeof(int));
	w->r2 = calloc((size_t)S2 * S2 * c2, sizeof(float));
	w->dr2 = calloc((size_t)S2 * S2 * c2, sizeof(float));
	w->p2 = calloc((size_t)S3 * S3 * c2, sizeof(float));
	w->i2 = calloc((size_t)S3 * S3 * c2, sizeof(int));
	if (!w->r1 || !w->dr1 || !w->p1 || !w->dp1 || !w->i1 || !w->r2 ||
	    !w->dr2 || !w->p2 || !w->i2) {
		ws_free(w);
		return NULL;
	}
	return w;
}

int cnn_init(struct cnn *n, const struct cnn_config *cfg)
{
	memset(n, 0, sizeof(*n));
	if (cfg->c1 < 1 || cfg->c1 > 64 || cfg->c2 < 1 || cfg->c2 > 64 ||
	    cfg->batch < 1)
		return -1;
	n->cfg = *cfg;
	int c1 = cfg->c1, c2 = cfg->c2, fc_in = S3 * S3 * c2;
	int sizes[6] = { 9 * c1, c1, 9 * c1 * c2, c2, CNN_CLASSES * fc_in,
			 CNN_CLASSES };
	n->n_params = 0;
	for (int i = 0; i < 6; i++)
		n->n_params += sizes[i];
	n->p = calloc((size_t)n->n_params, sizeof(float));
	n->g = calloc((size_t)n->n_params, sizeof(float));
	n->m = calloc((size_t)n->n_params, sizeof(float));
	n->v = calloc((size_t)n->n_params, sizeof(float));
	n->ws = ws_new(c1, c2);
	if (!n->p || !n->g || !n->m || !n->v || !n->ws) {
		cnn_free(n);
		return -1;
	}
	float *views[6], *q = n->p;
	for (int i = 0; i < 6; i++) {
		views[i] = q;
		q += sizes[i];
	}
	n->w1 = views[0]; n->b1 = views[1]; n->w2 = views[2];
	n->b2 = views[3]; n->wf = views[4]; n->bf = views[5];
	n->rng = cfg->seed;
	/* He initialization; biases start at zero */
	int fan_in[3] = { 9, 9 * c1, fc_in };
	float *w[3] = { n->w1, n->w2, n->wf };
	int cnt[3] = { sizes[0], sizes[2], sizes[4] };
	for (int l = 0; l < 3; l++) {
		float sd = sqrtf(2.0f / (float)fan_in[l]);
		for (int i = 0; i < cnt[l]; i++)
			w[l][i] = sd * gaussian(&n->rng);
	}
	n->lr = cfg->lr;
	return 0;
}

void cnn_free(struct cnn *n)
{
	free(n->p);
	free(n->g);
	free(n->m);
	free(n->v);
	ws_free(n->ws);
	memset(n, 0, sizeof(*n));
}

/* 3x3 SAME stride-1 conv + bias + ReLU; weights [ky][kx][ci][co]. */
static void conv_fwd(const float *in, int side, int ci, const float *w,
		     const float *b, int co, float *out)
{
	for (int y = 0; y < side; y++)
		for (int x = 0; x < side; x++) {
			float *o = out + ((size_t)y * side + x) * co;
			for (int c = 0; c < co; c++)
				o[c] = b[c];
			for (int ky = 0; ky < 3; ky++) {
				int iy = y + ky - 1;
				if (iy < 0 || iy >= side)
					continue;
				for (int kx = 0; kx < 3; kx++) {
					int ix = x + kx - 1;
					if (ix < 0 || ix >= side)
						continue;
					const float *px = in + ((size_t)iy * side + ix) * ci;
					const float *wk = w + (size_t)(ky * 3 + kx) * ci * co;
					for (int i = 0; i < ci; i++) {
						float v = px[i];
						if (v == 0.0f)
							continue;
						const float *wr = wk + (size_t)i * co;
						for (int c = 0; c < co; c++)
							o[c] += v * wr[c];
					}
				}
			}
			for (int c = 0; c < co; c++)
				o[c] = o[c] > 0.0f ? o[c] : 0.0f;
		}
}

/*
 * Backward of conv_fwd given d(out) already masked by the ReLU: weight and
 * bias gradients, and d(in) when @din is not NULL. Positions whose gradient
 * is all zero (3 of 4 after max pooling) are skipped.
 */
static void conv_bwd(const float *in, int side, int ci, const float *w,
		     int co, const float *dout, float *dw, float *db,
		     float *din)
{
	for (int y = 0; y < side; y++)
		for (int x = 0; x < side; x++) {
			const float *g = dout + ((size_t)y * side + x) * co;
			int any = 0;
			for (int c = 0; c < co; c++)
				any |= g[c] != 0.0f;
			if (!any)
				continue;
			for (int c = 0; c < co; c++)
				db[c] += g[c];
			for (int ky = 0; ky < 3; ky++) {
				int iy = y + ky - 1;
				if (iy < 0 || iy >= side)
					continue;
				for (int kx = 0; kx < 3; kx++) {
					int ix = x + kx - 1;
					if (ix < 0 || ix >= side)
						continue;
					size_t ip = ((size_t)iy * side + ix) * ci;
					size_t wk = (size_t)(ky * 3 + kx) * ci * co;
					for (int i = 0; i < ci; i++) {
						float v = in[ip + i];
						float *dwr = dw + wk + (size_t)i * co;
						const float *wr = w + wk + (size_t)i * co;
						float s = 0.0f;
						for (int c = 0; c < co; c++) {
							dwr[c] += v * g[c];
							s += wr[c] * g[c];
						}
						if (din)
							din[ip + i] += s;
					}
				}
			}
		}
}

static void pool_fwd(const float *in, int side, int ch, float *out, int *arg)
{
	int os = side / 2;
	for (int y = 0; y < os; y++)
		for (int x = 0; x < os; x++)
			for (int c = 0; c < ch; c++) {
				int best = ((2 * y) * side + 2 * x) * ch + c;
				for (int dy = 0; dy < 2; dy++)
					for (int dx = 0; dx < 2; dx++) {
						int k = ((2 * y + dy) * side + 2 * x + dx) * ch + c;
						if (in[k] > in[best])
							best = k;
					}
				int o = (y * os + x) * ch + c;
				out[o] = in[best];
				arg[o] = best;
			}
}

static void forward(struct cnn *n, const uint8_t *px)
{
	struct cnn_ws *w = n->ws;
	int c1 = n->cfg.c1, c2 = n->cfg.c2, fc_in = S3 * S3 * c2;
	for (int i = 0; i < S1 * S1; i++)
		w->a0[i] = (float)px[i] / 255.0f;
	conv_fwd(w->a0, S1, 1, n->w1, n->b1, c1, w->r1);
	pool_fwd(w->r1, S1, c1, w->p1, w->i1);
	conv_fwd(w->p1, S2, c1, n->w2, n->b2, c2, w->r2);
	pool_fwd(w->r2, S2, c2, w->p2, w->i2);
	for (int k = 0; k < CNN_CLASSES; k++) {
		const float *wr = n->wf + (size_t)k * fc_in;
		float acc = n->bf[k];
		for (int i = 0; i < fc_in; i++)
			acc += wr[i] * w->p2[i];
		w->logits[k] = acc;
	}
}

/* Accumulate gradients of the cross-entropy of the last forward(). */
static float backward(struct cnn *n, int label)
{
	struct cnn_ws *w = n->ws;
	int c1 = n->cfg.c1, c2 = n->cfg.c2, fc_in = S3 * S3 * c2;
	float *g = n->g;
	float *gw1 = g, *gb1 = gw1 + 9 * c1, *gw2 = gb1 + c1;
	float *gb2 = gw2 + 9 * c1 * c2, *gwf = gb2 + c2;
	float *gbf = gwf + CNN_CLASSES * fc_in;

	float mx = w->logits[0], sum = 0.0f, prob[CNN_CLASSES];
	for (int k = 1; k < CNN_CLASSES; k++)
		mx = fmaxf(mx, w->logits[k]);
	for (int k = 0; k < CNN_CLASSES; k++) {
		prob[k] = expf(w->logits[k] - mx);
		sum += prob[k];
	}
	float dp2[S3 * S3 * 64];
	memset(dp2, 0, sizeof(float) * (size_t)fc_in);
	for (int k = 0; k < CNN_CLASSES; k++) {
		prob[k] /= sum;
		float d = prob[k] - (k == label ? 1.0f : 0.0f);
		gbf[k] += d;
		float *gr = gwf + (size_t)k * fc_in;
		const float *wr = n->wf + (size_t)k * fc_in;
		for (int i = 0; i < fc_in; i++) {
			gr[i] += d * w->p2[i];
			dp2[i] += d * wr[i];
		}
	}
	/* pool 2 -> ReLU 2 */
	memset(w->dr2, 0, sizeof(float) * S2 * S2 * (size_t)c2);
	for (int i = 0; i < fc_in; i++)
		if (w->r2[w->i2[i]] > 0.0f)
			w->dr2[w->i2[i]] = dp2[i];
	memset(w->dp1, 0, sizeof(float) * S2 * S2 * (size_t)c1);
	conv_bwd(w->p1, S2, c1, n->w2, c2, w->dr2, gw2, gb2, w->dp1);
	/* pool 1 -> ReLU 1 */
	memset(w->dr1, 0, sizeof(float) * S1 * S1 * (size_t)c1);
	for (int i = 0; i < S2 * S2 * c1; i++)
		if (w->r1[w->i1[i]] > 0.0f)
			w->dr1[w->i1[i]] = w->dp1[i];
	conv_bwd(w->a0, S1, 1, n->w1, c1, w->dr1, gw1, gb1, NULL);
	return logf(sum) + mx - w->logits[label];
}

static void adam_step(struct cnn *n, int batch)
{
	const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
	n->adam_t++;
	float c1 = 1.0f - powf(b1, (float)n->adam_t);
	float c2 = 1.0f - powf(b2, (float)n->adam_t);
	float step = n->lr * sqrtf(c2) / c1, inv = 1.0f / (float)batch;
	for (int i = 0; i < n->n_params; i++) {
		float g = n->g[i] * inv;
		n->m[i] = b1 * n->m[i] + (1.0f - b1) * g;
		n->v[i] = b2 * n->v[i] + (1.0f - b2) * g * g;
		n->p[i] -= step * n->m[i] / (sqrtf(n->v[i]) + eps);
		n->g[i] = 0.0f;
	}
}

static int argmax(const float *v, int n)
{
	int best = 0;
	for (int i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

float cnn_train_epoch(struct cnn *n, const uint8_t *pixels,
		      const uint8_t *labels, int count, float *train_acc,
		      void (*progress)(void *ctx, int done, int total),
		      void *ctx)
{
	int *order = malloc((size_t)(count ? count : 1) * sizeof(*order));
	if (!order)
		return NAN;
	for (int i = 0; i < count; i++)
		order[i] = i;
	for (int i = count - 1; i > 0; i--) {
		int j = (int)(splitmix(&n->rng) % (uint64_t)(i + 1));
		int t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	double loss = 0.0;
	int correct = 0, in_batch = 0, step = count / 4 ? count / 4 : 1;
	for (int i = 0; i < count; i++) {
		int k = order[i];
		forward(n, pixels + (size_t)k * S1 * S1);
		correct += argmax(n->ws->logits, CNN_CLASSES) == labels[k];
		loss += backward(n, labels[k]);
		if (++in_batch == n->cfg.batch || i == count - 1) {
			adam_step(n, in_batch);
			in_batch = 0;
		}
		if (progress && (i + 1) % step == 0)
			progress(ctx, i + 1, count);
	}
	free(order);
	n->lr *= n->cfg.lr_decay;
	if (train_acc)
		*train_acc = count ? (float)correct / (float)count : 0.0f;
	return count ? (float)(loss / count) : 0.0f;
}

void cnn_logits(struct cnn *n, const uint8_t *pixels,
		float logits[CNN_CLASSES])
{
	forward(n, pixels);
	memcpy(logits, n->ws->logits, sizeof(n->ws->logits));
}

double cnn_evaluate(struct cnn *n, const uint8_t *pixels,
		    const uint8_t *labels, int count)
{
	int correct = 0;
	for (int i = 0; i < count; i++) {
		forward(n, pixels + (size_t)i * S1 * S1);
		correct += argmax(n->ws->logits, CNN_CLASSES) == labels[i];
	}
	return count ? (double)correct / count : 0.0;
}

/* [ky][kx][ci][co] -> TFLite OHWI [co][ky][kx][ci] */
static float *to_ohwi(const float *w, int ci, int co)
{
	float *o = malloc(sizeof(float) * 9 * (size_t)ci * (size_t)co);
	if (!o)
		return NULL;
	for (int k = 0; k < 9; k++)
		for (int i = 0; i < ci; i++)
			for (int c = 0; c < co; c++)
				o[((size_t)c * 9 + k) * ci + i] =
					w[((size_t)k * ci + i) * co + c];
	return o;
}

int cnn_export(const struct cnn *n, struct tfl_model *m)
{
	int c1 = n->cfg.c1, c2 = n->cfg.c2, fc_in = S3 * S3 * c2;
	if (tfl_model_init(m))
		return -1;
	float *w1 = to_ohwi(n->w1, 1, c1), *w2 = to_ohwi(n->w2, c1, c2);
	int ret = -1;
	if (!w1 || !w2)
		goto out;
	const int32_t d_in[] = { 1, S1, S1, 1 }, d_w1[] = { c1, 3, 3, 1 };
	const int32_t d_b1[] = { c1 }, d_a1[] = { 1, S1, S1, c1 };
	const int32_t d_p1[] = { 1, S2, S2, c1 }, d_w2[] = { c2, 3, 3, c1 };
	const int32_t d_b2[] = { c2 }, d_a2[] = { 1, S2, S2, c2 };
	const int32_t d_p2[] = { 1, S3, S3, c2 }, d_flat[] = { 1, fc_in };
	const int32_t d_shape[] = { 2 }, shape[] = { 1, fc_in };
	const int32_t d_wf[] = { CNN_CLASSES, fc_in }, d_bf[] = { CNN_CLASSES };
	const int32_t d_out[] = { 1, CNN_CLASSES };
	size_t fsz = sizeof(float);
	int t_in = tfl_add_tensor(m, "input", TFL_FLOAT32, 4, d_in, NULL, 0);
	int t_w1 = tfl_add_tensor(m, "conv1/weights", TFL_FLOAT32, 4, d_w1, w1,
				  fsz * 9 * (size_t)c1);
	int t_b1 = tfl_add_tensor(m, "conv1/bias", TFL_FLOAT32, 1, d_b1, n->b1,
				  fsz * (size_t)c1);
	int t_a1 = tfl_add_tensor(m, "conv1/relu", TFL_FLOAT32, 4, d_a1, NULL, 0);
	int t_p1 = tfl_add_tensor(m, "pool1", TFL_FLOAT32, 4, d_p1, NULL, 0);
	int t_w2 = tfl_add_tensor(m, "conv2/weights", TFL_FLOAT32, 4, d_w2, w2,
				  fsz * 9 * (size_t)c1 * (size_t)c2);
	int t_b2 = tfl_add_tensor(m, "conv2/bias", TFL_FLOAT32, 1, d_b2, n->b2,
				  fsz * (size_t)c2);
	int t_a2 = tfl_add_tensor(m, "conv2/relu", TFL_FLOAT32, 4, d_a2, NULL, 0);
	int t_p2 = tfl_add_tensor(m, "pool2", TFL_FLOAT32, 4, d_p2, NULL, 0);
	int t_shape = tfl_add_tensor(m, "flatten/shape", TFL_INT32, 1, d_shape,
				     shape, sizeof(shape));
	int t_flat = tfl_add_tensor(m, "flatten", TFL_FLOAT32, 2, d_flat, NULL, 0);
	int t_wf = tfl_add_tensor(m, "fc/weights", TFL_FLOAT32, 2, d_wf, n->wf,
				  fsz * CNN_CLASSES * (size_t)fc_in);
	int t_bf = tfl_add_tensor(m, "fc/bias", TFL_FLOAT32, 1, d_bf, n->bf,
				  fsz * CNN_CLASSES);
	int t_logits = tfl_add_tensor(m, "logits", TFL_FLOAT32, 2, d_out, NULL, 0);
	int t_prob = tfl_add_tensor(m, "probabilities", TFL_FLOAT32, 2, d_out,
				    NULL, 0);
	if (t_in < 0 || t_w1 < 0 || t_b1 < 0 || t_a1 < 0 || t_p1 < 0 ||
	    t_w2 < 0 || t_b2 < 0 || t_a2 < 0 || t_p2 < 0 || t_shape < 0 ||
	    t_flat < 0 || t_wf < 0 || t_bf < 0 || t_logits < 0 || t_prob < 0)
		goto out;

	struct tfl_opts conv = { .padding = TFL_PAD_SAME, .stride_w = 1,
				 .stride_h = 1, .dilation_w = 1,
				 .dilation_h = 1, .act = TFL_ACT_RELU };
	struct tfl_opts pool = { .padding = TFL_PAD_VALID, .stride_w = 2,
				 .stride_h = 2, .filter_w = 2, .filter_h = 2 };
	struct tfl_opts reshape = { .new_shape_rank = 2,
				    .new_shape = { 1, fc_in } };
	struct tfl_opts fc = { .act = TFL_ACT_NONE };
	struct tfl_opts softmax = { .beta = 1.0f };
	int in1[] = { t_in, t_w1, t_b1 }, in2[] = { t_p1, t_w2, t_b2 };
	int in3[] = { t_p2, t_shape }, in4[] = { t_flat, t_wf, t_bf };
	if (tfl_add_op(m, TFL_OP_CONV_2D, 3, in1, 1, &t_a1, &conv) < 0 ||
	    tfl_add_op(m, TFL_OP_MAX_POOL_2D, 1, &t_a1, 1, &t_p1, &pool) < 0 ||
	    tfl_add_op(m, TFL_OP_CONV_2D, 3, in2, 1, &t_a2, &conv) < 0 ||
	    tfl_add_op(m, TFL_OP_MAX_POOL_2D, 1, &t_a2, 1, &t_p2, &pool) < 0 ||
	    tfl_add_op(m, TFL_OP_RESHAPE, 2, in3, 1, &t_flat, &reshape) < 0 ||
	    tfl_add_op(m, TFL_OP_FULLY_CONNECTED, 3, in4, 1, &t_logits,
		       &fc) < 0 ||
	    tfl_add_op(m, TFL_OP_SOFTMAX, 1, &t_logits, 1, &t_prob,
		       &softmax) < 0)
		goto out;
	m->n_inputs = 1;
	m->inputs[0] = t_in;
	m->n_outputs = 1;
	m->outputs[0] = t_prob;
	ret = 0;
out:
	free(w1);
	free(w2);
	if (ret)
		tfl_model_free(m);
	return ret;
}
