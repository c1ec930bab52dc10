// SPDX-License-Identifier: MIT
/*
 * Quantizer math, per-channel weight/bias quantization, activation rules,
 * TFLite writer <-> reader and writer -> libaccel loader round trips.
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
#include "loader.h"
#include "quantize.h"
#include "synth_model.h"
#include "tflite_read.h"
#include "tflite_write.h"

#define N_CALIB 64

static float *calib_inputs(int n, uint32_t seed)
{
	float *d = malloc(sizeof(float) * SYNTH_IN_ELEMS * (size_t)n);
	assert_non_null(d);
	for (int i = 0; i < SYNTH_IN_ELEMS * n; i++)
		d[i] = synth_uniform(&seed);
	return d;
}

static int find_tensor(const struct tfl_model *m, const char *name)
{
	for (int i = 0; i < m->n_tensors; i++)
		if (!strcmp(m->tensors[i].name, name))
			return i;
	fail_msg("tensor '%s' not found", name);
	return -1;
}

/* Quantize the synthetic model; caller frees both models. */
static void quantize_synth(struct tfl_model *fm, struct tfl_model *qm,
			   double percentile, bool float_io)
{
	char err[256];
	assert_int_equal(synth_float_model(fm, 7), 0);
	float *calib = calib_inputs(N_CALIB, 99);
	struct quant_options o = { .percentile = percentile,
				   .float_io = float_io };
	int rc = quantize_model(fm, calib, N_CALIB, &o, qm, NULL, err,
				sizeof(err));
	free(calib);
	if (rc)
		fail_msg("quantize_model: %s", err);
}

static void test_asymmetric_params(void **state)
{
	(void)state;
	struct quant_params p = quant_choose_asymmetric(0.0f, 1.0f);
	assert_float_equal(p.scale, 1.0 / 255.0, 1e-9);
	assert_int_equal(p.zero_point, -128);
	p = quant_choose_asymmetric(-1.0f, 1.0f);
	assert_float_equal(p.scale, 2.0 / 255.0, 1e-9);
	assert_int_equal(p.zero_point, -1);     /* -0.5 rounds away from 0 */
	/* the range is widened to contain 0, so 0 is exact */
	p = quant_choose_asymmetric(2.0f, 5.0f);
	assert_float_equal(p.scale, 5.0 / 255.0, 1e-9);
	assert_int_equal(p.zero_point, -128);
	p = quant_choose_asymmetric(-3.0f, -1.0f);
	assert_float_equal(p.scale, 3.0 / 255.0, 1e-9);
	assert_int_equal(p.zero_point, 127);
	p = quant_choose_asymmetric(-0.25f, 0.75f);
	assert_int_equal(p.zero_point, -64);    /* -128 + 0.25/(1/255) */
	p = quant_choose_asymmetric(0.0f, 0.0f);
	assert_true(p.scale > 0.0f);
}

static void test_symmetric_and_rounding(void **state)
{
	(void)state;
	assert_float_equal(quant_choose_symmetric(1.27f), 0.01, 1e-7);
	assert_true(quant_choose_symmetric(0.0f) > 0.0f);
	assert_int_equal(quant_int8(200.0f, 1.0f, 0), 127);
	assert_int_equal(quant_int8(-200.0f, 1.0f, 0), -128);
	assert_int_equal(quant_int8(0.5f, 1.0f, 0), 1);
	assert_int_equal(quant_int8(-0.5f, 1.0f, 0), -1);
	assert_int_equal(quant_int8(0.3f, 0.1f, -128), -125);
	assert_int_equal(quant_int32(1.0, 0.001), 1000);
	assert_int_equal(quant_int32(-2.5e-3, 1e-3), -3);
	assert_int_equal(quant_int32(1e12, 1.0), INT32_MAX);
	assert_int_equal(quant_int32(-1e12, 1.0), INT32_MIN);
}

/* Weights of @name: per-channel along @axis with @count channels. */
static void check_weights(const struct tfl_model *fm,
			  const struct tfl_model *qm, const char *name,
			  int count, int axis)
{
	int ft = find_tensor(fm, name), qt = find_tensor(qm, name);
	const struct tfl_tensor *w = &qm->tensors[qt];
	assert_int_equal(w->type, TFL_INT8);
	assert_int_equal(w->q.count, count);
	assert_int_equal(w->q.axis, axis);
	size_t n = tfl_tensor_elems(w), inner = 1;
	for (int i = axis + 1; i < w->rank; i++)
		inner *= (size_t)w->dims[i];
	const float *f = tfl_tensor_data(fm, ft);
	const int8_t *q = tfl_tensor_data(qm, qt);
	float *absmax = calloc((size_t)count, sizeof(float));
	assert_non_null(absmax);
	for (size_t i = 0; i < n; i++) {
		size_t c = count > 1 ? (i / inner) % (size_t)count : 0;
		absmax[c] = fmaxf(absmax[c], fabsf(f[i]));
	}
	for (int c = 0; c < count; c++) {
		assert_int_equal(w->q.zero_point[c], 0);
		assert_float_equal(w->q.scale[c], absmax[c] / 127.0f, 1e-9);
	}
	int saw_max = 0;
	for (size_t i = 0; i < n; i++) {
		size_t c = count > 1 ? (i / inner) % (size_t)count : 0;
		assert_true(q[i] >= -127);
		assert_int_equal(q[i], (int)lround(f[i] / w->q.scale[c]));
		saw_max += abs(q[i]) == 127;
	}
	assert_true(saw_max >= count);
	free(absmax);
}

static void check_bias(const struct tfl_model *fm, const struct tfl_model *qm,
		       const char *bias, const char *weights, const char *input)
{
	int fb = find_tensor(fm, bias), qb = find_tensor(qm, bias);
	const struct tfl_tensor *b = &qm->tensors[qb];
	const struct tfl_tensor *w = &qm->tensors[find_tensor(qm, weights)];
	const struct tfl_tensor *in = &qm->tensors[find_tensor(qm, input)];
	assert_int_equal(b->type, TFL_INT32);
	assert_int_equal(b->q.count, w->q.count);
	const float *f = tfl_tensor_data(fm, fb);
	const int32_t *q = tfl_tensor_data(qm, qb);
	for (size_t i = 0; i < tfl_tensor_elems(b); i++) {
		size_t c = w->q.count > 1 ? i : 0;
		float s = in->q.scale[0] * w->q.scale[c];
		assert_float_equal(b->q.scale[c], s, 1e-12);
		assert_int_equal(b->q.zero_point[c], 0);
		assert_int_equal(q[i], (int32_t)lround((double)f[i] / s));
	}
}

static void test_weights_and_bias(void **state)
{
	(void)state;
	struct tfl_model fm, qm;
	quantize_synth(&fm, &qm, 100.0, false);
	check_weights(&fm, &qm, "w1", 4, 0);    /* conv: per output channel */
	check_weights(&fm, &qm, "w2", 8, 3);    /* depthwise: last axis */
	check_weights(&fm, &qm, "wf", 1, 0);    /* FC: per tensor */
	/* channel 0 of w1 was scaled down 8x: its scale must follow */
	const struct tfl_tensor *w1 = &qm.tensors[find_tensor(&qm, "w1")];
	assert_true(w1->q.scale[0] * 4.0f < w1->q.scale[1]);
	check_bias(&fm, &qm, "b1", "w1", "in");
	check_bias(&fm, &qm, "b2", "w2", "a1");
	check_bias(&fm, &qm, "bf", "wf", "flat");
	tfl_model_free(&fm);
	tfl_model_free(&qm);
}

static void test_activation_rules(void **state)
{
	(void)state;
	struct tfl_model fm, qm;
	quantize_synth(&fm, &qm, 100.0, false);
	const char *acts[] = { "in", "a1", "a2", "a3", "a4", "flat", "logits",
			       "out" };
	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		const struct tfl_tensor *t =
			&qm.tensors[find_tensor(&qm, acts[i])];
		assert_int_equal(t->type, TFL_INT8);
		assert_int_equal(t->q.count, 1);
		assert_true(t->q.scale[0] > 0.0f);
	}
	const struct tfl_tensor *in = &qm.tensors[find_tensor(&qm, "in")];
	/* calibration data spans [-1, 1) */
	assert_float_equal(in->q.scale[0], 2.0 / 255.0, 2e-4);
	/* fused RELU6 / RELU: non-negative range -> zero point -128, and
	 * RELU6 bounds the range */
	const struct tfl_tensor *a1 = &qm.tensors[find_tensor(&qm, "a1")];
	assert_int_equal(a1->q.zero_point[0], -128);
	assert_true(a1->q.scale[0] <= 6.0f / 255.0f + 1e-6f);
	const struct tfl_tensor *a2 = &qm.tensors[find_tensor(&qm, "a2")];
	assert_int_equal(a2->q.zero_point[0], -128);
	/* pools and reshape keep their input's parameters */
	const char *same[] = { "a3", "a4", "flat" };
	for (int i = 0; i < 3; i++) {
		const struct tfl_tensor *t =
			&qm.tensors[find_tensor(&qm, same[i])];
		assert_true(t->q.scale[0] == a2->q.scale[0]);
		assert_int_equal(t->q.zero_point[0], a2->q.zero_point[0]);
	}
	const struct tfl_tensor *out = &qm.tensors[find_tensor(&qm, "out")];
	assert_true(out->q.scale[0] == 1.0f / 256.0f);
	assert_int_equal(out->q.zero_point[0], -128);
	/* int8 I/O, op versions of the int8 kernels */
	assert_int_equal(qm.tensors[qm.inputs[0]].type, TFL_INT8);
	assert_int_equal(qm.tensors[qm.outputs[0]].type, TFL_INT8);
	assert_int_equal(qm.n_ops, fm.n_ops);
	assert_int_equal(qm.ops[0].opcode, TFL_OP_CONV_2D);
	assert_int_equal(qm.ops[0].version, 3);
	assert_int_equal(qm.ops[0].opts.act, TFL_ACT_RELU6);
	assert_int_equal(qm.ops[1].opts.act, TFL_ACT_RELU);
	/* the RESHAPE shape stays an int32 constant */
	const struct tfl_tensor *shape = &qm.tensors[find_tensor(&qm, "shape")];
	assert_int_equal(shape->type, TFL_INT32);
	assert_int_equal(shape->q.count, 0);
	tfl_model_free(&fm);
	tfl_model_free(&qm);
}

static void test_percentile_clips(void **state)
{
	(void)state;
	struct tfl_model fm, q100, q90;
	quantize_synth(&fm, &q100, 100.0, false);
	tfl_model_free(&fm);
	quantize_synth(&fm, &q90, 90.0, false);
	const char *names[] = { "a1", "a2", "logits" };
	for (int i = 0; i < 3; i++) {
		float s100 = q100.tensors[find_tensor(&q100, names[i])].q.scale[0];
		float s90 = q90.tensors[find_tensor(&q90, names[i])].q.scale[0];
		assert_true(s90 < s100);
	}
	tfl_model_free(&fm);
	tfl_model_free(&q100);
	tfl_model_free(&q90);
}

static void test_float_io(void **state)
{
	(void)state;
	struct tfl_model fm, qm;
	quantize_synth(&fm, &qm, 100.0, true);
	assert_int_equal(qm.n_ops, fm.n_ops + 2);
	assert_int_equal(qm.ops[0].opcode, TFL_OP_QUANTIZE);
	assert_int_equal(qm.ops[qm.n_ops - 1].opcode, TFL_OP_DEQUANTIZE);
	assert_int_equal(qm.tensors[qm.inputs[0]].type, TFL_FLOAT32);
	assert_int_equal(qm.tensors[qm.outputs[0]].type, TFL_FLOAT32);
	assert_int_equal(qm.ops[0].inputs[0], qm.inputs[0]);
	assert_int_equal(qm.tensors[qm.ops[0].outputs[0]].type, TFL_INT8);
	tfl_model_free(&fm);
	tfl_model_free(&qm);
}

static void assert_models_equal(const struct tfl_model *a,
				const struct tfl_model *b)
{
	assert_int_equal(a->n_tensors, b->n_tensors);
	assert_int_equal(a->n_ops, b->n_ops);
	assert_int_equal(a->n_inputs, b->n_inputs);
	assert_int_equal(a->n_outputs, b->n_outputs);
	assert_memory_equal(a->inputs, b->inputs, sizeof(int) * (size_t)a->n_inputs);
	assert_memory_equal(a->outputs, b->outputs, sizeof(int) * (size_t)a->n_outputs);
	for (int i = 0; i < a->n_tensors; i++) {
		const struct tfl_tensor *x = &a->tensors[i], *y = &b->tensors[i];
		assert_string_equal(x->name, y->name);
		assert_int_equal(x->type, y->type);
		assert_int_equal(x->rank, y->rank);
		assert_memory_equal(x->dims, y->dims, sizeof(int32_t) * (size_t)x->rank);
		const void *dx = tfl_tensor_data(a, i), *dy = tfl_tensor_data(b, i);
		assert_true(!dx == !dy);
		if (dx)
			assert_memory_equal(dx, dy, tfl_tensor_elems(x) *
					    tfl_type_size(x->type));
		assert_int_equal(x->q.count, y->q.count);
		if (x->q.count) {
			assert_int_equal(x->q.axis, y->q.axis);
			assert_memory_equal(x->q.scale, y->q.scale,
					    sizeof(float) * (size_t)x->q.count);
			assert_memory_equal(x->q.zero_point, y->q.zero_point,
					    sizeof(int64_t) * (size_t)x->q.count);
		}
	}
	for (int i = 0; i < a->n_ops; i++) {
		const struct tfl_op *x = &a->ops[i], *y = &b->ops[i];
		assert_int_equal(x->opcode, y->opcode);
		assert_int_equal(x->version, y->version);
		assert_int_equal(x->n_inputs, y->n_inputs);
		assert_int_equal(x->n_outputs, y->n_outputs);
		assert_memory_equal(x->inputs, y->inputs, sizeof(int) * (size_t)x->n_inputs);
		assert_memory_equal(x->outputs, y->outputs, sizeof(int) * (size_t)x->n_outputs);
		const struct tfl_opts *p = &x->opts, *q = &y->opts;
		switch (x->opcode) {
		case TFL_OP_CONV_2D:
		case TFL_OP_DEPTHWISE_CONV_2D:
		case TFL_OP_MAX_POOL_2D:
		case TFL_OP_AVERAGE_POOL_2D:
			assert_int_equal(p->padding, q->padding);
			assert_int_equal(p->stride_w, q->stride_w);
			assert_int_equal(p->stride_h, q->stride_h);
			assert_int_equal(p->act, q->act);
			assert_int_equal(p->filter_w, q->filter_w);
			assert_int_equal(p->filter_h, q->filter_h);
			if (x->opcode == TFL_OP_DEPTHWISE_CONV_2D)
				assert_int_equal(p->depth_multiplier,
						 q->depth_multiplier);
			break;
		case TFL_OP_FULLY_CONNECTED:
			assert_int_equal(p->act, q->act);
			assert_int_equal(p->keep_num_dims, q->keep_num_dims);
			break;
		case TFL_OP_SOFTMAX:
			assert_true(p->beta == q->beta);
			break;
		case TFL_OP_RESHAPE:
			assert_int_equal(p->new_shape_rank, q->new_shape_rank);
			assert_memory_equal(p->new_shape, q->new_shape,
					    sizeof(int32_t) * (size_t)p->new_shape_rank);
			break;
		}
	}
}

static void roundtrip(const struct tfl_model *m)
{
	uint8_t *buf;
	size_t size;
	char err[256];
	struct tfl_model back;
	assert_int_equal(tfl_write(m, &buf, &size), 0);
	assert_memory_equal(buf + 4, "TFL3", 4);
	if (tfl_read(buf, size, &back, err, sizeof(err)))
		fail_msg("tfl_read: %s", err);
	assert_models_equal(m, &back);
	tfl_model_free(&back);
	/* every truncation is rejected or parsed without reading past the
	 * end (ASan checks the latter) */
	for (size_t n = 0; n < size; n += 7) {
		uint8_t *cut = malloc(n ? n : 1);
		assert_non_null(cut);
		memcpy(cut, buf, n);
		(void)tfl_read(cut, n, &back, err, sizeof(err));
		tfl_model_free(&back);
		free(cut);
	}
	/* corrupted bytes: rejected, or parsed into something the writer
	 * and the float executor handle without reading out of bounds */
	uint32_t seed = 1234;
	uint8_t *bad = malloc(size ? size : 1);
	assert_non_null(bad);
	for (int trial = 0; trial < 300; trial++) {
		memcpy(bad, buf, size);
		for (int k = 0; k < 4; k++) {
			size_t at = size ? (size_t)((synth_uniform(&seed) + 1.0f) *
						    0.5f * (float)size) % size : 0;
			bad[at] = (uint8_t)(int)(synth_uniform(&seed) * 255.0f);
		}
		if (!tfl_read(bad, size, &back, err, sizeof(err))) {
			uint8_t *again;
			size_t n;
			struct fexec fx;
			if (!tfl_write(&back, &again, &n))
				free(again);
			/* run accepted variants unless their shapes grew
			 * (only to keep the test fast) */
			size_t biggest = 0;
			for (int t = 0; t < back.n_tensors; t++) {
				size_t e = tfl_tensor_elems(&back.tensors[t]);
				biggest = e > biggest ? e : biggest;
			}
			if (!fexec_init(&fx, &back, err, sizeof(err)) &&
			    biggest <= 4096 &&
			    tfl_tensor_elems(&back.tensors[back.inputs[0]]) ==
			    SYNTH_IN_ELEMS) {
				static const float zeros[SYNTH_IN_ELEMS];
				(void)fexec_run(&fx, zeros, err, sizeof(err));
			}
			fexec_free(&fx);
		}
		tfl_model_free(&back);
	}
	free(bad);
	free(buf);
}

static void test_write_read_roundtrip(void **state)
{
	(void)state;
	struct tfl_model fm, qm;
	quantize_synth(&fm, &qm, 100.0, true);
	roundtrip(&fm);
	roundtrip(&qm);
	tfl_model_free(&fm);
	tfl_model_free(&qm);
}

/* The written int8 model as libaccel's loader sees it. */
static void test_libaccel_loader(void **state)
{
	(void)state;
	struct tfl_model fm, qm;
	quantize_synth(&fm, &qm, 100.0, false);
	uint8_t *buf;
	size_t size;
	char err[256];
	assert_int_equal(tfl_write(&qm, &buf, &size), 0);
	struct accel_model *am;
	if (accel_model_load(buf, size, &am, err, sizeof(err)))
		fail_msg("accel_model_load: %s", err);
	assert_int_equal(am->n_tensors, qm.n_tensors);
	assert_int_equal(am->n_ops, qm.n_ops);
	for (int i = 0; i < qm.n_tensors; i++) {
		const struct tfl_tensor *t = &qm.tensors[i];
		const struct accel_tensor *a = &am->tensors[i];
		assert_string_equal(a->name, t->name);
		assert_int_equal(a->rank, t->rank);
		assert_memory_equal(a->dims, t->dims, sizeof(int32_t) * (size_t)t->rank);
		assert_int_equal(a->q.count, t->q.count);
		for (int c = 0; c < t->q.count; c++) {
			assert_true(a->q.scale[c] == t->q.scale[c]);
			assert_true(a->q.zero_point[c] == t->q.zero_point[c]);
		}
		if (t->q.count > 1)
			assert_int_equal(a->q.axis, t->q.axis);
		assert_int_equal(a->is_const, tfl_tensor_data(&qm, i) != NULL);
		if (a->is_const)
			assert_memory_equal(a->const_data, tfl_tensor_data(&qm, i),
					    a->bytes);
	}
	const struct accel_op *conv = &am->ops[0], *dw = &am->ops[1];
	const struct accel_op *avg = &am->ops[2];
	assert_int_equal(conv->opcode, ACCEL_OP_CONV_2D);
	assert_int_equal(conv->opt.conv.padding, ACCEL_PAD_SAME);
	assert_int_equal(conv->opt.conv.act, ACCEL_ACT_RELU6);
	assert_int_equal(dw->opcode, ACCEL_OP_DEPTHWISE_CONV_2D);
	assert_int_equal(dw->opt.conv.depth_multiplier, 2);
	assert_int_equal(dw->opt.conv.stride_w, 2);
	assert_int_equal(dw->opt.conv.padding, ACCEL_PAD_VALID);
	assert_int_equal(avg->opt.pool.filter_w, 2);
	assert_int_equal(avg->opt.pool.stride_h, 1);
	assert_int_equal(am->ops[5].opcode, ACCEL_OP_FULLY_CONNECTED);
	assert_int_equal(am->ops[6].opcode, ACCEL_OP_SOFTMAX);
	assert_true(am->ops[6].opt.softmax.beta == 1.0f);
	accel_model_free(am);

	/* and through the public API: runs, with the expected I/O */
	accel_context *ctx;
	accel_network *net;
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_CPU), ACCEL_OK);
	if (accel_load_memory(ctx, buf, size, &net))
		fail_msg("accel_load_memory: %s", accel_last_error(ctx));
	struct accel_tensor_info out;
	assert_int_equal(accel_output_info(net, 0, &out), ACCEL_OK);
	assert_int_equal(out.type, ACCEL_TYPE_INT8);
	assert_true(out.scale == 1.0f / 256.0f);
	assert_int_equal(out.zero_point, -128);
	int8_t in[SYNTH_IN_ELEMS] = { 0 }, o[SYNTH_OUT_ELEMS];
	assert_int_equal(accel_set_input(net, 0, in, sizeof(in)), ACCEL_OK);
	assert_int_equal(accel_invoke(net), ACCEL_OK);
	assert_int_equal(accel_get_output(net, 0, o, sizeof(o)), ACCEL_OK);
	int sum = 0;    /* softmax probabilities add up to ~1 */
	for (int i = 0; i < SYNTH_OUT_ELEMS; i++)
		sum += o[i] + 128;
	assert_true(sum > 256 - 8 && sum < 256 + 8);
	accel_network_free(net);
	accel_close(ctx);
	free(buf);
	tfl_model_free(&fm);
	tfl_model_free(&qm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_asymmetric_params),
		cmocka_unit_test(test_symmetric_and_rounding),
		cmocka_unit_test(test_weights_and_bias),
		cmocka_unit_test(test_activation_rules),
		cmocka_unit_test(test_percentile_clips),
		cmocka_unit_test(test_float_io),
		cmocka_unit_test(test_write_read_roundtrip),
		cmocka_unit_test(test_libaccel_loader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
