/* SPDX-License-Identifier: MIT */
/*
 * Hand-checked single-op cases (TFLM/CMSIS-NN unit-test style) and the
 * fixed-point primitives, with expected values worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "quant.h"
#include "tflite_ref.h"
#include "tflite_writer.h"

static int qt(struct tflw *w, enum tflw_type t, int rank, const int32_t *d,
	      float s, int64_t zp)
{
	struct tflw_quant q = { 1, &s, &zp, 0 };
	return tflw_tensor(w, t, rank, d, NULL, 0, &q, false);
}

static void run(struct tflw *w, int n_in, const void *const *in,
		const size_t *in_b, void *out, size_t out_b)
{
	uint8_t *m;
	size_t sz;
	char err[256];
	assert_int_equal(tflw_finish(w, &m, &sz), 0);
	void *o[1] = { out };
	if (accel_ref_run(m, sz, n_in, in, in_b, 1, o, &out_b, err, sizeof(err)))
		fail_msg("%s", err);
	free(m);
	tflw_free(w);
}

static void test_mbqm(void **s)
{
	(void)s;
	/* multiplier 0.5 (2^30) with shift 1 is the identity */
	assert_int_equal(accel_mbqm(100, 1 << 30, 1), 100);
	assert_int_equal(accel_mbqm(-77, 1 << 30, 1), -77);
	/* 3 * 0.5 = 1.5: SRDHM rounds half up -> 2; -1.5 -> -1 */
	assert_int_equal(accel_srdhm(3, 1 << 30), 2);
	assert_int_equal(accel_srdhm(-3, 1 << 30), -1);
	/* RoundingDivideByPOT rounds half away from zero */
	assert_int_equal(accel_rdbpot(6, 2), 2);   /* 1.5 -> 2 */
	assert_int_equal(accel_rdbpot(-6, 2), -2); /* -1.5 -> -2 */
	assert_int_equal(accel_rdbpot(-5, 2), -1); /* -1.25 -> -1 */
	int32_t m;
	int sh;
	accel_quantize_multiplier(0.75, &m, &sh);
	assert_int_equal(m, 1610612736); /* 0.75 * 2^31 */
	assert_int_equal(sh, 0);
	accel_quantize_multiplier(3.0, &m, &sh);
	assert_int_equal(m, 1610612736);
	assert_int_equal(sh, 2);
	/* 40 * 0.75 = 30 */
	assert_int_equal(accel_mbqm(40, 1610612736, 0), 30);
}

/* 1x1 conv, 2 input channels, 1 output: acc = (3-1)*2 + (-1-1)*5 + 10 = 4,
 * effective scale 0.5*0.5/0.25 = 1, output zero point -3 -> 1. */
static void test_conv_hand(void **s)
{
	(void)s;
	struct tflw *w = tflw_new();
	int32_t id[4] = { 1, 1, 1, 2 }, fd[4] = { 1, 1, 1, 2 }, bd[1] = { 1 };
	int32_t od[4] = { 1, 1, 1, 1 };
	static const int8_t f[2] = { 2, 5 };
	static const int32_t b[1] = { 10 };
	int it = qt(w, TFLW_INT8, 4, id, 0.5f, 1);
	float fs = 0.5f, bs = 0.25f;
	int64_t z0 = 0;
	struct tflw_quant fq = { 1, &fs, &z0, 0 }, bq = { 1, &bs, &z0, 0 };
	int ft = tflw_tensor(w, TFLW_INT8, 4, fd, f, 2, &fq, false);
	int bt = tflw_tensor(w, TFLW_INT32, 1, bd, b, 4, &bq, false);
	int ot = qt(w, TFLW_INT8, 4, od, 0.25f, -3);
	int ins[3] = { it, ft, bt };
	struct tflw_field fl[3] = {
		{ .id = 0, .size = 1, .i = 1 }, { .id = 1, .size = 4, .i = 1 },
		{ .id = 2, .size = 4, .i = 1 },
	};
	tflw_op(w, 3, 3, 3, ins, 1, &ot, TFLW_OPT_CONV2D, fl, 3);
	tflw_io(w, 1, &it, 1, &ot);
	int8_t x[2] = { 3, -1 }, y = 0;
	const void *in[1] = { x };
	size_t ib[1] = { 2 };
	run(w, 1, in, ib, &y, 1);
	assert_int_equal(y, 1);
}

/* 2x2 average pool over {1,2,2,2} = 7/4 = 1.75 -> 2, {-1,-2,-2,-2} -> -2,
 * and {1,2,0,0} = 0.75 -> 1 (round half away from zero on the sum). */
static void test_avgpool_hand(void **s)
{
	(void)s;
	struct tflw *w = tflw_new();
	int32_t id[4] = { 1, 2, 2, 3 }, od[4] = { 1, 1, 1, 3 };
	int it = qt(w, TFLW_INT8, 4, id, 0.1f, 0);
	int ot = qt(w, TFLW_INT8, 4, od, 0.1f, 0);
	struct tflw_field fl[6] = {
		{ .id = 0, .size = 1, .i = 1 }, { .id = 1, .size = 4, .i = 2 },
		{ .id = 2, .size = 4, .i = 2 }, { .id = 3, .size = 4, .i = 2 },
		{ .id = 4, .size = 4, .i = 2 }, { .id = 5, .size = 1, .i = 0 },
	};
	tflw_op(w, 1, 2, 1, &it, 1, &ot, TFLW_OPT_POOL2D, fl, 6);
	tflw_io(w, 1, &it, 1, &ot);
	int8_t x[12] = { 1, -1, 1, 2, -2, 2, 2, -2, 0, 2, -2, 0 }, y[3];
	const void *in[1] = { x };
	size_t ib[1] = { 12 };
	run(w, 1, in, ib, y, 3);
	assert_int_equal(y[0], 2);
	assert_int_equal(y[1], -2);
	assert_int_equal(y[2], 1);
}

/* Softmax of equal logits is 1/n: with 4 classes 0.25 = 64/256 -> -64. */
static void test_softmax_hand(void **s)
{
	(void)s;
	struct tflw *w = tflw_new();
	int32_t d[2] = { 1, 4 };
	int it = qt(w, TFLW_INT8, 2, d, 0.1f, 0);
	int ot = qt(w, TFLW_INT8, 2, d, 1.0f / 256, -128);
	struct tflw_field fl[1] = { { .id = 0, .size = 4, .is_float = true, .f = 1.0f } };
	tflw_op(w, 25, 2, 1, &it, 1, &ot, TFLW_OPT_SOFTMAX, fl, 1);
	tflw_io(w, 1, &it, 1, &ot);
	int8_t x[4] = { 5, 5, 5, 5 }, y[4];
	const void *in[1] = { x };
	size_t ib[1] = { 4 };
	run(w, 1, in, ib, y, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(y[i], -64);
}

/* ADD with equal scales: (10 + 20) - zp... inputs 0.5 each, zero points 0,
 * output scale 1.0 zero point 5: 10*0.5 + 20*0.5 = 15 -> 20. */
static void test_add_hand(void **s)
{
	(void)s;
	struct tflw *w = tflw_new();
	int32_t d[1] = { 2 };
	int a = qt(w, TFLW_INT8, 1, d, 0.5f, 0);
	int b = qt(w, TFLW_INT8, 1, d, 0.5f, 0);
	int o = qt(w, TFLW_INT8, 1, d, 1.0f, 5);
	int ins[2] = { a, b };
	struct tflw_field fl[1] = { { .id = 0, .size = 1, .i = 0 } };
	tflw_op(w, 0, 2, 2, ins, 1, &o, TFLW_OPT_ADD, fl, 1);
	tflw_io(w, 2, ins, 1, &o);
	int8_t x0[2] = { 10, -100 }, x1[2] = { 20, -100 }, y[2];
	const void *in[2] = { x0, x1 };
	size_t ib[2] = { 2, 2 };
	run(w, 2, in, ib, y, 2);
	assert_int_equal(y[0], 20);
	assert_int_equal(y[1], -95); /* -100 + 5 */
}

/* PAD fills with the zero point (real 0.0). */
static void test_pad_hand(void **s)
{
	(void)s;
	struct tflw *w = tflw_new();
	int32_t id[2] = { 1, 2 }, od[2] = { 1, 4 }, pd[2] = { 2, 2 };
	static const int32_t p[4] = { 0, 0, 1, 1 };
	int it = qt(w, TFLW_INT8, 2, id, 0.1f, -7);
	int pt = tflw_tensor(w, TFLW_INT32, 2, pd, p, 16, NULL, false);
	int ot = qt(w, TFLW_INT8, 2, od, 0.1f, -7);
	int ins[2] = { it, pt };
	tflw_op(w, 34, 2, 2, ins, 1, &ot, TFLW_OPT_PAD, NULL, 0);
	tflw_io(w, 1, &it, 1, &ot);
	int8_t x[2] = { 1, 2 }, y[4];
	const void *in[1] = { x };
	size_t ib[1] = { 2 };
	run(w, 1, in, ib, y, 4);
	assert_int_equal(y[0], -7);
	assert_int_equal(y[1], 1);
	assert_int_equal(y[2], 2);
	assert_int_equal(y[3], -7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mbqm),
		cmocka_unit_test(test_conv_hand),
		cmocka_unit_test(test_avgpool_hand),
		cmocka_unit_test(test_softmax_hand),
		cmocka_unit_test(test_add_hand),
		cmocka_unit_test(test_pad_hand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
