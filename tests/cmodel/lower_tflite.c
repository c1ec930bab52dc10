/* SPDX-License-Identifier: MIT */
#include "lower_tflite.h"

#include <stdlib.h>
#include <string.h>

static struct tfl_tensor tin, tw, tb, tout;

static size_t elems(const struct tfl_tensor *t)
{
	size_t n = 1;
	for (int i = 0; i < t->rank; i++)
		n *= (size_t)t->dims[i];
	return n;
}

int tfl_layer_get(const struct tfl_model *m, const struct tfl_op *op,
		  struct tfl_layer *t, const char **why)
{
	struct conv_layer *l = &t->l;
	bool dw = op->builtin == TFL_OP_DEPTHWISE_CONV_2D;
	size_t wlen = 0, blen = 0;

	memset(t, 0, sizeof(*t));
	*why = "not a conv";
	if (op->builtin != TFL_OP_CONV_2D && !dw)
		return -1;
	*why = "bad tensors";
	if (op->ninputs < 2 || op->noutputs < 1 ||
	    tfl_get_tensor(m, op->inputs[0], &tin) ||
	    tfl_get_tensor(m, op->inputs[1], &tw) ||
	    tfl_get_tensor(m, op->outputs[0], &tout) ||
	    tin.rank != 4 || tout.rank != 4 || tw.rank != 4 ||
	    tin.type != 9 || tw.type != 9 || tout.type != 9 ||
	    tin.nq < 1 || tout.nq < 1 || tw.nq < 1)
		return -1;
	bool has_bias = op->ninputs > 2 && op->inputs[2] >= 0;
	if (has_bias && tfl_get_tensor(m, op->inputs[2], &tb))
		return -1;

	t->batch = tin.dims[0];
	l->depthwise = dw;
	l->ih = tin.dims[1];
	l->iw = tin.dims[2];
	l->ic = tin.dims[3];
	l->oh = tout.dims[1];
	l->ow = tout.dims[2];
	l->oc = tout.dims[3];
	l->kh = tw.dims[1];
	l->kw = tw.dims[2];
	bool same = tfl_field_u8(m, op->options, 0, 0) == 0;
	l->sw = tfl_field_i32(m, op->options, 1, 1);
	l->sh = tfl_field_i32(m, op->options, 2, 1);
	int act;
	if (dw) {
		l->dm = tfl_field_i32(m, op->options, 3, 1);
		act = tfl_field_u8(m, op->options, 4, 0);
		l->dw = tfl_field_i32(m, op->options, 5, 1);
		l->dh = tfl_field_i32(m, op->options, 6, 1);
		*why = "depth multiplier";
		if (l->oc != l->ic * l->dm || tw.dims[3] != l->oc)
			return -1;
	} else {
		l->dm = 1;
		act = tfl_field_u8(m, op->options, 3, 0);
		l->dw = tfl_field_i32(m, op->options, 4, 1);
		l->dh = tfl_field_i32(m, op->options, 5, 1);
		*why = "grouped conv";
		if (tw.dims[3] != l->ic || tw.dims[0] != l->oc)
			return -1;
	}
	*why = "activation";
	if (act != 0 && act != 1 && act != 2 && act != 3)
		return -1;
	l->pad_top = lower_pad_before(same, l->ih, l->kh, l->sh, l->dh, l->oh);
	l->pad_left = lower_pad_before(same, l->iw, l->kw, l->sw, l->dw, l->ow);

	*why = "constant data";
	l->weights = (const int8_t *)tfl_buffer(m, tw.buffer, &wlen);
	if (!l->weights || wlen != elems(&tw))
		return -1;
	size_t nb = sizeof(int32_t) * (size_t)l->oc;
	t->bias = calloc(1, nb);
	t->mult = calloc(1, nb);
	t->shift = calloc(1, nb);
	if (has_bias) {
		const uint8_t *b = tfl_buffer(m, tb.buffer, &blen);
		if (!b || blen != nb || tb.type != 2) {
			tfl_layer_free(t);
			return -1;
		}
		memcpy(t->bias, b, nb);
		l->bias = t->bias;
	}
	*why = "quantization";
	if (tw.nq != 1 && tw.nq != l->oc) {
		tfl_layer_free(t);
		return -1;
	}
	lower_quant_params(tin.scale[0], tw.scale, tw.nq, tout.scale[0], l->oc,
			   t->mult, t->shift);
	l->mult = t->mult;
	l->shift = t->shift;
	l->in_zp = (int32_t)tin.zero_point[0];
	l->out_zp = (int32_t)tout.zero_point[0];
	lower_act_range(act, tout.scale[0], l->out_zp, &l->act_min, &l->act_max);
	t->in_bytes = (size_t)l->ih * l->iw * l->ic;
	t->out_bytes = (size_t)l->oh * l->ow * l->oc;
	return 0;
}

void tfl_layer_free(struct tfl_layer *t)
{
	free(t->bias);
	free(t->mult);
	free(t->shift);
	t->bias = t->mult = t->shift = NULL;
}
