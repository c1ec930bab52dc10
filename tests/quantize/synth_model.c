// SPDX-License-Identifier: MIT
#include "synth_model.h"

#include <stdlib.h>

float synth_uniform(uint32_t *s)
{
	/* xorshift32 */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return (float)(*s >> 8) / 8388608.0f - 1.0f;
}

static int add_const(struct tfl_model *m, const char *name, int rank,
		     const int32_t *dims, float amp, uint32_t *seed)
{
	size_t n = 1;
	for (int i = 0; i < rank; i++)
		n *= (size_t)dims[i];
	float *d = malloc(n * sizeof(float));
	if (!d)
		return -1;
	for (size_t i = 0; i < n; i++)
		d[i] = amp * synth_uniform(seed);
	int t = tfl_add_tensor(m, name, TFL_FLOAT32, rank, dims, d,
			       n * sizeof(float));
	free(d);
	return t;
}

int synth_float_model(struct tfl_model *m, uint32_t seed)
{
	if (tfl_model_init(m))
		return -1;
	const int32_t d_in[] = { 1, 8, 8, 3 }, d_w1[] = { 4, 3, 3, 3 };
	const int32_t d_b1[] = { 4 }, d_a1[] = { 1, 8, 8, 4 };
	const int32_t d_w2[] = { 1, 3, 3, 8 }, d_b2[] = { 8 };
	const int32_t d_a2[] = { 1, 3, 3, 8 }, d_a3[] = { 1, 2, 2, 8 };
	const int32_t d_a4[] = { 1, 1, 1, 8 }, d_flat[] = { 1, 8 };
	const int32_t d_wf[] = { 5, 8 }, d_bf[] = { 5 }, d_out[] = { 1, 5 };
	int t_in = tfl_add_tensor(m, "in", TFL_FLOAT32, 4, d_in, NULL, 0);
	/* per-channel weight ranges differ by 8x to exercise per-channel */
	int t_w1 = add_const(m, "w1", 4, d_w1, 0.5f, &seed);
	float *w1 = (float *)m->buffers[m->tensors[t_w1].buffer].data;
	for (int i = 0; i < 27; i++)
		w1[i] *= 0.125f;        /* output channel 0 */
	int t_b1 = add_const(m, "b1", 1, d_b1, 0.1f, &seed);
	int t_a1 = tfl_add_tensor(m, "a1", TFL_FLOAT32, 4, d_a1, NULL, 0);
	int t_w2 = add_const(m, "w2", 4, d_w2, 0.6f, &seed);
	int t_b2 = add_const(m, "b2", 1, d_b2, 0.1f, &seed);
	int t_a2 = tfl_add_tensor(m, "a2", TFL_FLOAT32, 4, d_a2, NULL, 0);
	int t_a3 = tfl_add_tensor(m, "a3", TFL_FLOAT32, 4, d_a3, NULL, 0);
	int t_a4 = tfl_add_tensor(m, "a4", TFL_FLOAT32, 4, d_a4, NULL, 0);
	const int32_t shape[] = { 1, 8 }, d_shape[] = { 2 };
	int t_shape = tfl_add_tensor(m, "shape", TFL_INT32, 1, d_shape, shape,
				     sizeof(shape));
	int t_flat = tfl_add_tensor(m, "flat", TFL_FLOAT32, 2, d_flat, NULL, 0);
	int t_wf = add_const(m, "wf", 2, d_wf, 0.8f, &seed);
	int t_bf = add_const(m, "bf", 1, d_bf, 0.2f, &seed);
	int t_logits = tfl_add_tensor(m, "logits", TFL_FLOAT32, 2, d_out, NULL, 0);
	int t_out = tfl_add_tensor(m, "out", TFL_FLOAT32, 2, d_out, NULL, 0);
	if (t_in < 0 || t_w1 < 0 || t_b1 < 0 || t_a1 < 0 || t_w2 < 0 ||
	    t_b2 < 0 || t_a2 < 0 || t_a3 < 0 || t_a4 < 0 || t_shape < 0 ||
	    t_flat < 0 || t_wf < 0 || t_bf < 0 || t_logits < 0 || t_out < 0)
		return -1;
	struct tfl_opts conv = { .padding = TFL_PAD_SAME, .stride_w = 1,
				 .stride_h = 1, .act = TFL_ACT_RELU6 };
	struct tfl_opts dw = { .padding = TFL_PAD_VALID, .stride_w = 2,
			       .stride_h = 2, .depth_multiplier = 2,
			       .act = TFL_ACT_RELU };
	struct tfl_opts avg = { .padding = TFL_PAD_VALID, .stride_w = 1,
				.stride_h = 1, .filter_w = 2, .filter_h = 2 };
	struct tfl_opts max = { .padding = TFL_PAD_VALID, .stride_w = 2,
				.stride_h = 2, .filter_w = 2, .filter_h = 2 };
	struct tfl_opts reshape = { .new_shape_rank = 2, .new_shape = { 1, 8 } };
	struct tfl_opts fc = { .act = TFL_ACT_NONE };
	struct tfl_opts sm = { .beta = 1.0f };
	int i1[] = { t_in, t_w1, t_b1 }, i2[] = { t_a1, t_w2, t_b2 };
	int i5[] = { t_a4, t_shape }, i6[] = { t_flat, t_wf, t_bf };
	if (tfl_add_op(m, TFL_OP_CONV_2D, 3, i1, 1, &t_a1, &conv) < 0 ||
	    tfl_add_op(m, TFL_OP_DEPTHWISE_CONV_2D, 3, i2, 1, &t_a2, &dw) < 0 ||
	    tfl_add_op(m, TFL_OP_AVERAGE_POOL_2D, 1, &t_a2, 1, &t_a3, &avg) < 0 ||
	    tfl_add_op(m, TFL_OP_MAX_POOL_2D, 1, &t_a3, 1, &t_a4, &max) < 0 ||
	    tfl_add_op(m, TFL_OP_RESHAPE, 2, i5, 1, &t_flat, &reshape) < 0 ||
	    tfl_add_op(m, TFL_OP_FULLY_CONNECTED, 3, i6, 1, &t_logits, &fc) < 0 ||
	    tfl_add_op(m, TFL_OP_SOFTMAX, 1, &t_logits, 1, &t_out, &sm) < 0)
		return -1;
	m->n_inputs = 1;
	m->inputs[0] = t_in;
	m->n_outputs = 1;
	m->outputs[0] = t_out;
	return 0;
}
