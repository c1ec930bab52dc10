/* SPDX-License-Identifier: MIT */
#include "models.h"

#include <stdbool.h>
#include <string.h>

#include "tflite_writer.h"

static const float one = 1.0f;
static const int64_t zero = 0;
static const struct tflw_quant q11 = { 1, &one, &zero, 0 };

static int finish(struct tflw *w, uint8_t **buf, size_t *len)
{
	int rc = tflw_finish(w, buf, len);
	tflw_free(w);
	return rc;
}

/* Adds FC tensors/op reading @in; returns the output tensor. */
static int add_fc(struct tflw *w, int in)
{
	static const int8_t wts[12] = { 1, -1, 2, 0, 2, -1, 2, 0, 3, -1, 2, 0 };
	static const int32_t bias[3] = { 0, 10, -10 };
	static const int32_t wd[2] = { 3, 4 }, bd[1] = { 3 }, od[2] = { 1, 3 };
	int wt = tflw_tensor(w, TFLW_INT8, 2, wd, wts, sizeof(wts), &q11, false);
	int bt = tflw_tensor(w, TFLW_INT32, 1, bd, bias, sizeof(bias), &q11, false);
	int out = tflw_tensor(w, TFLW_INT8, 2, od, NULL, 0, &q11, false);
	int ins[3] = { in, wt, bt };
	struct tflw_field act = { .id = 0, .size = 1, .i = 0 };
	tflw_op(w, 9, 1, 3, ins, 1, &out, TFLW_OPT_FC, &act, 1);
	return out;
}

int tm_fc(uint8_t **buf, size_t *len)
{
	static const int32_t id[2] = { 1, 4 };
	struct tflw *w = tflw_new();
	if (!w)
		return -1;
	int in = tflw_tensor(w, TFLW_INT8, 2, id, NULL, 0, &q11, false);
	int out = add_fc(w, in);
	tflw_io(w, 1, &in, 1, &out);
	return finish(w, buf, len);
}

int tm_single_op(int builtin, uint8_t **buf, size_t *len)
{
	static const int32_t id[2] = { 1, 4 };
	struct tflw *w = tflw_new();
	if (!w)
		return -1;
	int in = tflw_tensor(w, TFLW_INT8, 2, id, NULL, 0, &q11, false);
	int out = tflw_tensor(w, TFLW_INT8, 2, id, NULL, 0, &q11, false);
	tflw_op(w, builtin, 1, 1, &in, 1, &out, TFLW_OPT_NONE, NULL, 0);
	tflw_io(w, 1, &in, 1, &out);
	return finish(w, buf, len);
}

int tm_fc_reshape(uint8_t **buf, size_t *len)
{
	static const int32_t id[2] = { 1, 4 }, rd[2] = { 3, 1 }, sd[1] = { 2 };
	static const int32_t shape[2] = { 3, 1 };
	struct tflw *w = tflw_new();
	if (!w)
		return -1;
	int in = tflw_tensor(w, TFLW_INT8, 2, id, NULL, 0, &q11, false);
	int fc = add_fc(w, in);
	int st = tflw_tensor(w, TFLW_INT32, 1, sd, shape, sizeof(shape), NULL, false);
	int out = tflw_tensor(w, TFLW_INT8, 2, rd, NULL, 0, &q11, false);
	int ins[2] = { fc, st };
	tflw_op(w, 22, 1, 2, ins, 1, &out, TFLW_OPT_NONE, NULL, 0);
	tflw_io(w, 1, &in, 1, &out);
	return finish(w, buf, len);
}

static const float in_scale = 0.5f, out_scale = 0.75f;
static const int64_t in_zp = 3, out_zp = -2;

/* 3x3 per-channel conv (or depthwise) weights/bias for 2 -> 2 channels. */
static int add_conv(struct tflw *w, int depthwise, int in, int act,
		    int out_rank4_hw, int padding_same, const struct tflw_quant *oq)
{
	static int8_t wts[3 * 3 * 2 * 2];
	static const int32_t bias[2] = { 100, -50 };
	static const float ws[2] = { 0.02f, 0.03f };
	static const int64_t wz[2] = { 0, 0 };
	static const float bs[2] = { 0.01f, 0.015f };
	for (size_t i = 0; i < sizeof(wts); i++)
		wts[i] = (int8_t)((int)(i * 37 % 255) - 127);
	struct tflw_quant wq = { 2, ws, wz, depthwise ? 3 : 0 };
	struct tflw_quant bq = { 2, bs, wz, 0 };
	int32_t wd[4] = { depthwise ? 1 : 2, 3, 3, 2 };
	int32_t bd[1] = { 2 };
	int32_t od[4] = { 1, out_rank4_hw, out_rank4_hw, 2 };
	int wt = tflw_tensor(w, TFLW_INT8, 4, wd, wts,
			     depthwise ? sizeof(wts) / 2 : sizeof(wts), &wq, false);
	int bt = tflw_tensor(w, TFLW_INT32, 1, bd, bias, sizeof(bias), &bq, false);
	int out = tflw_tensor(w, TFLW_INT8, 4, od, NULL, 0, oq, false);
	int ins[3] = { in, wt, bt };
	if (depthwise) {
		struct tflw_field f[5] = {
			{ .id = 0, .size = 1, .i = padding_same ? 0 : 1 },
			{ .id = 1, .size = 4, .i = 1 }, { .id = 2, .size = 4, .i = 1 },
			{ .id = 3, .size = 4, .i = 1 }, { .id = 4, .size = 1, .i = act },
		};
		tflw_op(w, 4, 3, 3, ins, 1, &out, TFLW_OPT_DEPTHWISE, f, 5);
	} else {
		struct tflw_field f[4] = {
			{ .id = 0, .size = 1, .i = padding_same ? 0 : 1 },
			{ .id = 1, .size = 4, .i = 1 }, { .id = 2, .size = 4, .i = 1 },
			{ .id = 3, .size = 1, .i = act },
		};
		tflw_op(w, 3, 3, 3, ins, 1, &out, TFLW_OPT_CONV2D, f, 4);
	}
	return out;
}

int tm_pad_conv(int depthwise, uint8_t **buf, size_t *len)
{
	static const int32_t id[4] = { 1, 6, 6, 2 }, pd[4] = { 1, 8, 8, 2 };
	static const int32_t padd[2] = { 4, 2 };
	static const int32_t pads[8] = { 0, 0, 1, 1, 1, 1, 0, 0 };
	struct tflw_quant iq = { 1, &in_scale, &in_zp, 0 };
	struct tflw_quant oq = { 1, &out_scale, &out_zp, 0 };
	struct tflw *w = tflw_new();
	if (!w)
		return -1;
	int in = tflw_tensor(w, TFLW_INT8, 4, id, NULL, 0, &iq, false);
	int pt = tflw_tensor(w, TFLW_INT32, 2, padd, pads, sizeof(pads), NULL, false);
	int padded = tflw_tensor(w, TFLW_INT8, 4, pd, NULL, 0, &iq, false);
	int ins[2] = { in, pt };
	tflw_op(w, 34, 1, 2, ins, 1, &padded, TFLW_OPT_PAD, NULL, 0);
	int out = add_conv(w, depthwise, padded, 0, 6, 0, &oq);
	tflw_io(w, 1, &in, 1, &out);
	return finish(w, buf, len);
}

int tm_conv_relu(int relu6, uint8_t **buf, size_t *len)
{
	static const int32_t id[4] = { 1, 6, 6, 2 };
	struct tflw_quant iq = { 1, &in_scale, &in_zp, 0 };
	struct tflw_quant oq = { 1, &out_scale, &out_zp, 0 };
	struct tflw *w = tflw_new();
	if (!w)
		return -1;
	int in = tflw_tensor(w, TFLW_INT8, 4, id, NULL, 0, &iq, false);
	int conv = add_conv(w, 0, in, 0, 6, 1, &oq);
	int out = tflw_tensor(w, TFLW_INT8, 4, id, NULL, 0, &oq, false);
	tflw_op(w, relu6 ? 21 : 19, 1, 1, &conv, 1, &out, TFLW_OPT_NONE, NULL, 0);
	tflw_io(w, 1, &in, 1, &out);
	return finish(w, buf, len);
}
