/* SPDX-License-Identifier: MIT */
/*
 * SVDF, integer path of TFLM (int8 input/weights_feature/output, int8 or
 * int16 weights_time and activation state) plus float32.
 */
#include <math.h>
#include <string.h>

#include "ops_internal.h"

struct svdf_state {
	struct accel_op_state hdr;
	bool is_float, state16;
	int batch, in_size, filters, units, rank, memory;
	int32_t m1, m2, in_zp, out_zp, st_zp;
	int s1, s2;
	float flo, fhi;
	int32_t *scratch;       /* batch * filters */
	float *fscratch;
};

static void svdf_release(void *p)
{
	struct svdf_state *st = p;
	free(st->scratch);
	free(st->fscratch);
}

int accel_prepare_svdf(struct accel_model *m, struct accel_op *op, char *err,
		       size_t errlen)
{
	struct accel_tensor *in = op_in(m, op, 0), *wf = op_in(m, op, 1);
	struct accel_tensor *wt = op_in(m, op, 2), *bias = op_in(m, op, 3);
	struct accel_tensor *state = op_in(m, op, 4), *out = op_out(m, op, 0);
	OP_CHECK(in && wf && wt && state && out,
		 "needs input, weights_feature, weights_time, state, output");
	OP_CHECK(in->rank == 2 && wf->rank == 2 && wt->rank == 2 &&
		 state->rank == 2 && out->rank == 2, "all tensors must be 2-D");
	struct svdf_state *st = accel_op_state_new(op, sizeof(*st));
	OP_CHECK(st, "out of memory");
	st->hdr.release = svdf_release;
	st->rank = op->opt.svdf.rank;
	st->batch = in->dims[0];
	st->in_size = in->dims[1];
	st->filters = wf->dims[0];
	st->memory = wt->dims[1];
	OP_CHECK(st->rank > 0 && st->filters % st->rank == 0,
		 "rank %d does not divide %d filters", st->rank, st->filters);
	st->units = st->filters / st->rank;
	OP_CHECK(wf->dims[1] == st->in_size && wt->dims[0] == st->filters,
		 "weight shapes do not match the input");
	OP_CHECK(out->dims[0] == st->batch && out->dims[1] == st->units,
		 "output must be [%d, %d]", st->batch, st->units);
	OP_CHECK(state->dims[0] == st->batch &&
		 state->dims[1] == st->memory * st->filters,
		 "state must be [%d, %d]", st->batch, st->memory * st->filters);
	OP_CHECK(!bias || (int)accel_tensor_elems(bias) == st->units,
		 "bias must have %d elements", st->units);
	st->scratch = malloc(sizeof(int32_t) * (size_t)st->batch * st->filters);
	st->fscratch = malloc(sizeof(float) * (size_t)st->batch * st->filters);
	OP_CHECK(st->scratch && st->fscratch, "out of memory");
	st->hdr.scratch_bytes = sizeof(int32_t) * (size_t)st->batch * st->filters;
	if (in->type == ACCEL_DT_FLOAT32) {
		OP_CHECK(wf->type == ACCEL_DT_FLOAT32 && wt->type == ACCEL_DT_FLOAT32 &&
			 state->type == ACCEL_DT_FLOAT32 &&
			 out->type == ACCEL_DT_FLOAT32 &&
			 (!bias || bias->type == ACCEL_DT_FLOAT32),
			 "float input needs float weights, state and output");
		st->is_float = true;
		accel_act_range_f(op->opt.svdf.act, &st->flo, &st->fhi);
		return 0;
	}
	OP_CHECK(in->type == ACCEL_DT_INT8 && wf->type == ACCEL_DT_INT8 &&
		 out->type == ACCEL_DT_INT8, "input/weights_feature/output must be int8");
	OP_CHECK((wt->type == ACCEL_DT_INT8 && state->type == ACCEL_DT_INT8) ||
		 (wt->type == ACCEL_DT_INT16 && state->type == ACCEL_DT_INT16),
		 "weights_time and state must both be int8 or both int16");
	OP_CHECK(!bias || bias->type == ACCEL_DT_INT32, "bias must be INT32");
	st->state16 = state->type == ACCEL_DT_INT16;
	/* TFLM computes these scale products in float, then widens */
	float e1 = qscale(in) * qscale(wf) / qscale(state);
	float e2 = qscale(state) * qscale(wt) / qscale(out);
	accel_quantize_multiplier((double)e1, &st->m1, &st->s1);
	accel_quantize_multiplier((double)e2, &st->m2, &st->s2);
	st->in_zp = qzp(in);
	st->out_zp = qzp(out);
	st->st_zp = qzp(state);
	return 0;
}

static int eval_svdf_float(struct svdf_state *st, const float *x,
			   const float *wf, const float *wt, const float *bias,
			   float *state, float *y)
{
	const int B = st->batch, F = st->filters, M = st->memory;
	memmove(state, state + 1, sizeof(float) * ((size_t)B * F * M - 1));
	for (int b = 0; b < B; b++)
		for (int f = 0; f < F; f++) {
			float acc = 0.0f;
			for (int i = 0; i < st->in_size; i++)
				acc += wf[(size_t)f * st->in_size + i] *
				       x[(size_t)b * st->in_size + i];
			state[((size_t)b * F + f) * M + M - 1] = acc;
		}
	for (int b = 0; b < B; b++)
		for (int f = 0; f < F; f++) {
			float acc = 0.0f;
			for (int j = 0; j < M; j++)
				acc += wt[(size_t)f * M + j] *
				       state[((size_t)b * F + f) * M + j];
			st->fscratch[(size_t)b * F + f] = acc;
		}
	for (int b = 0; b < B; b++)
		for (int u = 0; u < st->units; u++) {
			float acc = bias ? bias[u] : 0.0f;
			for (int r = 0; r < st->rank; r++)
				acc += st->fscratch[(size_t)b * F + u * st->rank + r];
			y[(size_t)b * st->units + u] =
				act_clamp_f(acc, st->flo, st->fhi);
		}
	return 0;
}

int accel_eval_svdf(struct accel_model *m, struct accel_op *op, char *err,
		    size_t errlen)
{
	(void)err;
	(void)errlen;
	struct svdf_state *st = op->user_data;
	struct accel_tensor *bt = op_in(m, op, 3);
	const void *x = tdata(op_in(m, op, 0));
	const void *wf = tdata(op_in(m, op, 1)), *wt = tdata(op_in(m, op, 2));
	const int32_t *bias = bt ? tdata(bt) : NULL;
	void *state = op_in(m, op, 4)->data;
	void *y = op_out(m, op, 0)->data;
	if (st->is_float)
		return eval_svdf_float(st, x, wf, wt, (const float *)bias,
				       state, y);
	const int B = st->batch, F = st->filters, M = st->memory;
	const size_t es = st->state16 ? 2 : 1;
	const int32_t smin = st->state16 ? -32768 : -128;
	const int32_t smax = st->state16 ? 32767 : 127;
	/* shift the whole state left by one element (oldest drops out) */
	memmove(state, (uint8_t *)state + es, es * ((size_t)B * F * M - 1));
	for (int b = 0; b < B; b++) {
		const int8_t *xb = (const int8_t *)x + (size_t)b * st->in_size;
		for (int f = 0; f < F; f++) {
			const int8_t *w = (const int8_t *)wf + (size_t)f * st->in_size;
			int32_t acc = 0;
			for (int i = 0; i < st->in_size; i++)
				acc += w[i] * (xb[i] - st->in_zp);
			/*
			 * TFLM (the golden reference) clamps before adding
			 * the state zero point and narrows with wrap-around;
			 * reproduce that exactly.
			 */
			acc = clamp_i32(accel_mbqm(acc, st->m1, st->s1), smin, smax);
			acc = accel_add_wrap(acc, st->st_zp);
			size_t at = ((size_t)b * F + f) * M + M - 1;
			if (st->state16)
				((int16_t *)state)[at] = (int16_t)acc;
			else
				((int8_t *)state)[at] = (int8_t)acc;
		}
	}
	for (int b = 0; b < B; b++)
		for (int f = 0; f < F; f++) {
			int32_t acc = 0;
			size_t base = ((size_t)b * F + f) * M;
			for (int j = 0; j < M; j++) {
				int32_t w, s;
				if (st->state16) {
					w = ((const int16_t *)wt)[(size_t)f * M + j];
					s = ((const int16_t *)state)[base + j];
				} else {
					w = ((const int8_t *)wt)[(size_t)f * M + j];
					s = ((const int8_t *)state)[base + j];
				}
				acc += w * (s - st->st_zp);
			}
			st->scratch[(size_t)b * F + f] = acc;
		}
	for (int b = 0; b < B; b++)
		for (int u = 0; u < st->units; u++) {
			int32_t acc = bias ? bias[u] : 0;
			for (int r = 0; r < st->rank; r++)
				acc += st->scratch[(size_t)b * F + u * st->rank + r];
			int32_t v = accel_add_wrap(accel_mbqm(acc, st->m2, st->s2), st->out_zp);
			((int8_t *)y)[(size_t)b * st->units + u] =
				(int8_t)clamp_i32(v, -128, 127);
		}
	return 0;
}
