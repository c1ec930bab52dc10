// SPDX-License-Identifier: MIT
/*
 * The toolchain additions BlazeFace needs, on a small hand-built graph:
 * float16 DEQUANTIZE folding and RELU fusion (tflite_simplify), the float
 * executor's ADD / PAD / CONCATENATION against plain loops, the
 * quantizer's parameter rules for them (PAD keeps its input's, every
 * CONCATENATION input shares the output's), two graph outputs, the
 * writer/reader round trip of their options, and libaccel running the
 * result close to the float model.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "accel.h"
#include "float_exec.h"
#include "quantize.h"
#include "tflite_read.h"
#include "tflite_simplify.h"
#include "tflite_write.h"

#define H 4
#define W 4
#define PIX (H * W)

static const float w1[3][2] = { { 1.0f, -0.5f }, { 0.25f, 2.0f }, { -1.0f, -1.0f } };
static const float b1[3] = { 0.5f, -0.25f, 0.0f };
static const float w2[4][2] = { { 0.5f, 0.5f }, { -1.0f, 0.0f }, { 0.0f, 1.5f }, { 0.75f, -0.75f } };
static const float b2[4] = { 0.0f, 0.1f, -0.2f, 0.3f };
#define W3_SCALE 8.0f   /* conv3 = 8 * conv2: a wider range into the concat */

/* fp16 encodings of w1 (all exactly representable) */
static uint16_t half(float f)
{
	if (f == 0.0f)
		return 0;
	int e;
	float m = frexpf(fabsf(f), &e);         /* f = m * 2^e, m in [0.5, 1) */
	uint16_t h = (uint16_t)(((e - 1 + 15) << 10) |
				((int)(m * 2048.0f) & 0x3ff));
	return f < 0 ? (uint16_t)(h | 0x8000) : h;
}

struct graph {
	int in, r1, out1;
};

/*
 * in[1,4,4,2] -> conv1(w1 via fp16 DEQUANTIZE) -> RELU = r1 (output 1)
 * r1 -> PAD channel +1 -> p1;  in -> conv2 = c2
 * ADD(p1, c2) -> RELU -> RESHAPE [1,16,4] = s1
 * in -> conv3 (8 x conv2) -> RESHAPE [1,16,4] = s2
 * CONCATENATION(s1, s2, axis 1) = out1 [1,32,4] (output 0)
 */
static void build(struct tfl_model *m, struct graph *g)
{
	assert_int_equal(tfl_model_init(m), 0);
	int32_t din[4] = { 1, H, W, 2 }, dw1[4] = { 3, 1, 1, 2 },
		dw2[4] = { 4, 1, 1, 2 }, d3[4] = { 1, H, W, 3 },
		d4[4] = { 1, H, W, 4 }, db1[1] = { 3 }, db2[1] = { 4 },
		dp[2] = { 4, 2 }, ds[3] = { 1, PIX, 4 }, dc[3] = { 1, 2 * PIX, 4 };
	uint16_t h1[6];
	/* row by row: indexing a whole 2-D array through &a[0][0] runs past
	 * the first row, which C does not allow */
	for (int i = 0; i < 6; i++)
		h1[i] = half(w1[i / 2][i % 2]);
	float w3[4][2], b3[4];
	for (int i = 0; i < 8; i++)
		w3[i / 2][i % 2] = W3_SCALE * w2[i / 2][i % 2];
	for (int i = 0; i < 4; i++)
		b3[i] = W3_SCALE * b2[i];
	int32_t pads[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
	g->in = tfl_add_tensor(m, "in", TFL_FLOAT32, 4, din, NULL, 0);
	int th = tfl_add_tensor(m, "w1_fp16", TFL_FLOAT16, 4, dw1, h1, sizeof(h1));
	int tw1 = tfl_add_tensor(m, "w1", TFL_FLOAT32, 4, dw1, NULL, 0);
	int tb1 = tfl_add_tensor(m, "b1", TFL_FLOAT32, 1, db1, b1, sizeof(b1));
	int c1 = tfl_add_tensor(m, "c1", TFL_FLOAT32, 4, d3, NULL, 0);
	g->r1 = tfl_add_tensor(m, "r1", TFL_FLOAT32, 4, d3, NULL, 0);
	int tp = tfl_add_tensor(m, "pads", TFL_INT32, 2, dp, pads, sizeof(pads));
	int p1 = tfl_add_tensor(m, "p1", TFL_FLOAT32, 4, d4, NULL, 0);
	int tw2 = tfl_add_tensor(m, "w2", TFL_FLOAT32, 4, dw2, w2, sizeof(w2));
	int tb2 = tfl_add_tensor(m, "b2", TFL_FLOAT32, 1, db2, b2, sizeof(b2));
	int c2 = tfl_add_tensor(m, "c2", TFL_FLOAT32, 4, d4, NULL, 0);
	int a1 = tfl_add_tensor(m, "a1", TFL_FLOAT32, 4, d4, NULL, 0);
	int r2 = tfl_add_tensor(m, "r2", TFL_FLOAT32, 4, d4, NULL, 0);
	int s1 = tfl_add_tensor(m, "s1", TFL_FLOAT32, 3, ds, NULL, 0);
	int tw3 = tfl_add_tensor(m, "w3", TFL_FLOAT32, 4, dw2, w3, sizeof(w3));
	int tb3 = tfl_add_tensor(m, "b3", TFL_FLOAT32, 1, db2, b3, sizeof(b3));
	int c3 = tfl_add_tensor(m, "c3", TFL_FLOAT32, 4, d4, NULL, 0);
	int s2 = tfl_add_tensor(m, "s2", TFL_FLOAT32, 3, ds, NULL, 0);
	g->out1 = tfl_add_tensor(m, "out", TFL_FLOAT32, 3, dc, NULL, 0);
	struct tfl_opts conv = { .padding = TFL_PAD_VALID, .stride_w = 1,
				 .stride_h = 1, .dilation_w = 1, .dilation_h = 1 };
	struct tfl_opts none = { 0 }, cat = { .axis = 1 };
	struct tfl_opts rs = { .new_shape_rank = 3, .new_shape = { 1, PIX, 4 } };
	assert_true(tfl_add_op(m, TFL_OP_DEQUANTIZE, 1, &th, 1, &tw1, &none) >= 0);
	assert_true(tfl_add_op(m, TFL_OP_CONV_2D, 3, (int[]){ g->in, tw1, tb1 }, 1, &c1, &conv) >= 0);
	assert_true(tfl_add_op(m, TFL_OP_RELU, 1, &c1, 1, &g->r1, &none) >= 0);
	assert_true(tfl_add_op(m, TFL_OP_PAD, 2, (int[]){ g->r1, tp }, 1, &p1, &none) >= 0);
	assert_true(tfl_add_op(m, TFL_OP_CONV_2D, 3, (int[]){ g->in, tw2, tb2 }, 1, &c2, &conv) >= 0);
	assert_true(tfl_add_op(m, TFL_OP_ADD, 2, (int[]){ p1, c2 }, 1, &a1, &none) >= 0);
	assert_true(tfl_add_op(m, TFL_OP_RELU, 1, &a1, 1, &r2, &none) >= 0);
	assert_true(tfl_add_op(m, TFL_OP_RESHAPE, 1, &r2, 1, &s1, &rs) >= 0);
	assert_true(tfl_add_op(m, TFL_OP_CONV_2D, 3, (int[]){ g->in, tw3, tb3 }, 1, &c3, &conv) >= 0);
	assert_true(tfl_add_op(m, TFL_OP_RESHAPE, 1, &c3, 1, &s2, &rs) >= 0);
	assert_true(tfl_add_op(m, TFL_OP_CONCATENATION, 2, (int[]){ s1, s2 }, 1, &g->out1, &cat) >= 0);
	m->n_inputs = 1;
	m->inputs[0] = g->in;
	m->n_outputs = 2;
	m->outputs[0] = g->out1;
	m->outputs[1] = g->r1;
}

static float relu(float x)
{
	return x > 0.0f ? x : 0.0f;
}

/* The graph with plain loops. */
static void expected(const float *in, float *out1, float *r1)
{
	for (int p = 0; p < PIX; p++) {
		const float *x = in + 2 * p;
		float c1[4] = { 0 }, c2[4];
		for (int c = 0; c < 3; c++)
			c1[c] = relu(b1[c] + w1[c][0] * x[0] + w1[c][1] * x[1]);
		for (int c = 0; c < 4; c++) {
			c2[c] = b2[c] + w2[c][0] * x[0] + w2[c][1] * x[1];
			out1[4 * p + c] = relu(c1[c] + c2[c]);
			out1[4 * (PIX + p) + c] = W3_SCALE * c2[c];
		}
		memcpy(r1 + 3 * p, c1, 3 * sizeof(float));
	}
}

static void input(float *x, int k)
{
	for (int i = 0; i < PIX * 2; i++)
		x[i] = sinf(0.7f * (float)i + 1.3f * (float)k) * 1.5f;
}

static void test_half_to_float(void **state)
{
	(void)state;
	assert_float_equal(tfl_half_to_float(0x3c00), 1.0f, 0);
	assert_float_equal(tfl_half_to_float(0xc000), -2.0f, 0);
	assert_float_equal(tfl_half_to_float(0x3555), 0.333251953125f, 0);
	assert_float_equal(tfl_half_to_float(0x0001), ldexpf(1.0f, -24), 0);
	assert_float_equal(tfl_half_to_float(0x7bff), 65504.0f, 0);
	assert_true(isinf(tfl_half_to_float(0x7c00)));
	assert_true(isnan(tfl_half_to_float(0x7e00)));
	assert_true(signbit(tfl_half_to_float(0x8000)));
	for (int i = 0; i < 6; i++)
		assert_float_equal(tfl_half_to_float(half(w1[i / 2][i % 2])),
				   w1[i / 2][i % 2], 0);
}

static void test_simplify_and_float_exec(void **state)
{
	(void)state;
	struct tfl_model m;
	struct graph g;
	struct tfl_simplify_stats st;
	struct fexec e;
	char err[256];
	build(&m, &g);
	/* DEQUANTIZE and RELU are left to tfl_simplify */
	assert_int_equal(fexec_init(&e, &m, err, sizeof(err)), -1);
	fexec_free(&e);
	assert_int_equal(tfl_simplify(&m, &st, err, sizeof(err)), 0);
	assert_int_equal(st.folded_dequantize, 1);
	assert_int_equal(st.fused_relu, 2);
	assert_int_equal(m.n_ops, 8);
	for (int i = 0; i < m.n_ops; i++) {
		assert_int_not_equal(m.ops[i].opcode, TFL_OP_DEQUANTIZE);
		assert_int_not_equal(m.ops[i].opcode, TFL_OP_RELU);
	}
	assert_int_equal(m.ops[0].opts.act, TFL_ACT_RELU);     /* conv1 */
	assert_int_equal(m.ops[0].outputs[0], g.r1);
	assert_int_equal(m.ops[3].opcode, TFL_OP_ADD);
	assert_int_equal(m.ops[3].opts.act, TFL_ACT_RELU);
	assert_int_equal(m.outputs[1], g.r1);

	assert_int_equal(fexec_init(&e, &m, err, sizeof(err)), 0);
	float x[PIX * 2], want0[2 * PIX * 4], want1[PIX * 3];
	for (int k = 0; k < 3; k++) {
		input(x, k);
		expected(x, want0, want1);
		assert_int_equal(fexec_run(&e, x, err, sizeof(err)), 0);
		const float *o0 = fexec_tensor(&e, g.out1), *o1 = fexec_tensor(&e, g.r1);
		for (int i = 0; i < 2 * PIX * 4; i++)
			assert_float_equal(o0[i], want0[i], 1e-5);
		for (int i = 0; i < PIX * 3; i++)
			assert_float_equal(o1[i], want1[i], 1e-5);
	}
	fexec_free(&e);

	/* inconsistent shapes are refused: negative padding, concat dims,
	 * ADD operand shapes */
	int32_t *pads = (int32_t *)tfl_tensor_data(&m, m.ops[1].inputs[1]);
	pads[7] = -1;
	assert_int_equal(fexec_init(&e, &m, err, sizeof(err)), -1);
	fexec_free(&e);
	pads[7] = 1;
	m.ops[7].opts.axis = 2;
	assert_int_equal(fexec_init(&e, &m, err, sizeof(err)), -1);
	fexec_free(&e);
	m.ops[7].opts.axis = -2;        /* == 1 */
	assert_int_equal(fexec_init(&e, &m, err, sizeof(err)), 0);
	fexec_free(&e);
	int a = m.ops[3].inputs[0];
	m.ops[3].inputs[0] = g.r1;      /* [1,4,4,3] + [1,4,4,4] */
	assert_int_equal(fexec_init(&e, &m, err, sizeof(err)), -1);
	fexec_free(&e);
	m.ops[3].inputs[0] = a;
	tfl_model_free(&m);
}

static const struct tfl_tensor *tensor(const struct tfl_model *m, int t)
{
	assert_true(t >= 0 && t < m->n_tensors);
	assert_int_equal(m->tensors[t].q.count, 1);
	return &m->tensors[t];
}

static void same_params(const struct tfl_model *m, int a, int b)
{
	assert_float_equal(tensor(m, a)->q.scale[0], tensor(m, b)->q.scale[0], 0);
	assert_int_equal(tensor(m, a)->q.zero_point[0], tensor(m, b)->q.zero_point[0]);
}

static void test_quantize_rules_and_libaccel(void **state)
{
	(void)state;
	struct tfl_model m, qm, rd;
	struct graph g;
	char err[256];
	build(&m, &g);
	assert_int_equal(tfl_simplify(&m, NULL, err, sizeof(err)), 0);
	enum { N = 32 };
	static float calib[N][PIX * 2];
	for (int k = 0; k < N; k++)
		input(calib[k], k);
	struct quant_options o = { .percentile = 100.0 };
	o.float_io = true;              /* one float output only */
	assert_int_equal(quantize_model(&m, &calib[0][0], N, &o, &qm, NULL, err,
					sizeof(err)), -1);
	o.float_io = false;
	if (quantize_model(&m, &calib[0][0], N, &o, &qm, NULL, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(qm.n_outputs, 2);
	/* find the int8 ops by opcode */
	const struct tfl_op *pad = NULL, *add = NULL, *cat = NULL;
	for (int i = 0; i < qm.n_ops; i++) {
		const struct tfl_op *op = &qm.ops[i];
		if (op->opcode == TFL_OP_PAD)
			pad = op;
		else if (op->opcode == TFL_OP_ADD)
			add = op;
		else if (op->opcode == TFL_OP_CONCATENATION)
			cat = op;
	}
	assert_non_null(pad);
	assert_non_null(add);
	assert_non_null(cat);
	same_params(&qm, pad->inputs[0], pad->outputs[0]);
	for (int j = 0; j < 2; j++) {
		same_params(&qm, cat->inputs[j], cat->outputs[0]);
		/* ... and back through RESHAPE to the producer */
		for (int i = 0; i < qm.n_ops; i++)
			if (qm.ops[i].outputs[0] == cat->inputs[j])
				same_params(&qm, qm.ops[i].inputs[0], cat->outputs[0]);
	}
	/* the concat range covers conv3's (8x wider than the ADD branch) */
	assert_true(tensor(&qm, cat->outputs[0])->q.scale[0] * 255.0f >
		    W3_SCALE * 1.0f);
	assert_int_equal(pad->version, 2);
	assert_int_equal(cat->version, 2);
	assert_int_equal(qm.tensors[qm.outputs[0]].type, TFL_INT8);
	assert_int_equal(qm.tensors[qm.outputs[1]].type, TFL_INT8);

	/* options survive write -> read */
	uint8_t *buf;
	size_t size;
	assert_int_equal(tfl_write(&qm, &buf, &size), 0);
	assert_int_equal(tfl_read(buf, size, &rd, err, sizeof(err)), 0);
	assert_int_equal(rd.n_ops, qm.n_ops);
	assert_int_equal(rd.n_outputs, 2);
	for (int i = 0; i < rd.n_ops; i++) {
		assert_int_equal(rd.ops[i].opcode, qm.ops[i].opcode);
		assert_int_equal(rd.ops[i].opts.act, qm.ops[i].opts.act);
		if (rd.ops[i].opcode == TFL_OP_CONCATENATION)
			assert_int_equal(rd.ops[i].opts.axis, 1);
		if (rd.ops[i].opcode == TFL_OP_ADD)
			assert_int_equal(rd.ops[i].opts.act, TFL_ACT_RELU);
	}
	tfl_model_free(&rd);

	/* libaccel runs it; outputs within a few steps of the float model */
	accel_context *ctx;
	accel_network *net;
	struct accel_tensor_info ii, oi[2];
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_CPU), 0);
	if (accel_load_memory(ctx, buf, size, &net))
		fail_msg("%s", accel_last_error(ctx));
	assert_int_equal(accel_num_outputs(net), 2);
	assert_int_equal(accel_input_info(net, 0, &ii), 0);
	assert_int_equal(accel_output_info(net, 0, &oi[0]), 0);
	assert_int_equal(accel_output_info(net, 1, &oi[1]), 0);
	float x[PIX * 2], want0[2 * PIX * 4], want1[PIX * 3];
	int8_t qx[PIX * 2], q0[2 * PIX * 4], q1[PIX * 3];
	input(x, 5);
	expected(x, want0, want1);
	for (int i = 0; i < PIX * 2; i++)
		qx[i] = quant_int8(x[i], ii.scale, ii.zero_point);
	assert_int_equal(accel_set_input(net, 0, qx, sizeof(qx)), 0);
	assert_int_equal(accel_invoke(net), 0);
	assert_int_equal(accel_get_output(net, 0, q0, sizeof(q0)), 0);
	assert_int_equal(accel_get_output(net, 1, q1, sizeof(q1)), 0);
	for (int i = 0; i < 2 * PIX * 4; i++)
		assert_float_equal(oi[0].scale * (float)(q0[i] - oi[0].zero_point),
				   want0[i], 4 * oi[0].scale);
	for (int i = 0; i < PIX * 3; i++)
		assert_float_equal(oi[1].scale * (float)(q1[i] - oi[1].zero_point),
				   want1[i], 4 * oi[1].scale);
	accel_network_free(net);
	accel_close(ctx);
	free(buf);
	tfl_model_free(&qm);
	tfl_model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_half_to_float),
		cmocka_unit_test(test_simplify_and_float_exec),
		cmocka_unit_test(test_quantize_rules_and_libaccel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
