// SPDX-License-Identifier: MIT
/*
 * Tiny end to end: train one epoch on a few hundred Fashion-MNIST images,
 * export float TFLite, quantize to int8, classify with libaccel's CPU
 * backend: int8 accuracy within a few points of float.
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
#include "fmnist_tiny.h"
#include "quantize.h"
#include "tflite_read.h"
#include "tflite_write.h"

#define N_TRAIN 600
#define N_TEST 400
#define N_CALIB 100

static int argmax_f(const float *v)
{
	int b = 0;
	for (int i = 1; i < 10; i++)
		if (v[i] > v[b])
			b = i;
	return b;
}

static void test_train_quantize_run(void **state)
{
	(void)state;
	if (!fmnist_tiny_available())
		skip();
	struct fmnist_tiny t;
	char err[256];
	assert_int_equal(fmnist_tiny_build(&t, N_TRAIN, N_TEST, N_CALIB), 0);

	/* the exported float model, parsed back, classifies like the trainer */
	uint8_t *buf;
	size_t size;
	struct tfl_model fm;
	assert_int_equal(tfl_write(&t.float_model, &buf, &size), 0);
	if (tfl_read(buf, size, &fm, err, sizeof(err)))
		fail_msg("tfl_read: %s", err);
	free(buf);
	struct fexec fx;
	if (fexec_init(&fx, &fm, err, sizeof(err)))
		fail_msg("fexec_init: %s", err);
	int float_ok = 0;
	for (int i = 0; i < t.n_test; i++) {
		float x[784];
		for (int k = 0; k < 784; k++)
			x[k] = (float)t.test_pixels[(size_t)i * 784 + k] / 255.0f;
		assert_int_equal(fexec_run(&fx, x, err, sizeof(err)), 0);
		float_ok += argmax_f(fexec_tensor(&fx, fm.outputs[0])) ==
			    t.test_labels[i];
	}
	fexec_free(&fx);
	double float_acc = (double)float_ok / t.n_test;
	print_message("float: %.2f%% (trainer %.2f%%)\n", 100 * float_acc,
		      100 * t.train_side_acc);
	assert_true(float_acc > 0.5);
	assert_true(fabs(float_acc - t.train_side_acc) <= 0.005);

	/* int8 through libaccel */
	struct tfl_model qm;
	struct quant_options o = { .percentile = 100.0 };
	if (quantize_model(&fm, t.calib, t.n_calib, &o, &qm, NULL, err,
			   sizeof(err)))
		fail_msg("quantize_model: %s", err);
	assert_int_equal(tfl_write(&qm, &buf, &size), 0);
	accel_context *ctx;
	accel_network *net;
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_CPU), ACCEL_OK);
	if (accel_load_memory(ctx, buf, size, &net))
		fail_msg("accel_load_memory: %s", accel_last_error(ctx));
	struct accel_tensor_info in;
	assert_int_equal(accel_input_info(net, 0, &in), ACCEL_OK);
	assert_int_equal(in.type, ACCEL_TYPE_INT8);
	/* inputs in [0, 1]: scale 1/255, zero point -128 */
	assert_float_equal(in.scale, 1.0 / 255.0, 1e-7);
	assert_int_equal(in.zero_point, -128);
	int int8_ok = 0;
	for (int i = 0; i < t.n_test; i++) {
		int8_t x[784], y[10];
		for (int k = 0; k < 784; k++)
			x[k] = (int8_t)(t.test_pixels[(size_t)i * 784 + k] - 128);
		assert_int_equal(accel_set_input(net, 0, x, sizeof(x)), ACCEL_OK);
		assert_int_equal(accel_invoke(net), ACCEL_OK);
		assert_int_equal(accel_get_output(net, 0, y, sizeof(y)), ACCEL_OK);
		int b = 0;
		for (int k = 1; k < 10; k++)
			if (y[k] > y[b])
				b = k;
		int8_ok += b == t.test_labels[i];
	}
	double int8_acc = (double)int8_ok / t.n_test;
	print_message("int8 (libaccel cpu): %.2f%%\n", 100 * int8_acc);
	assert_true(fabs(int8_acc - float_acc) <= 0.03);

	accel_network_free(net);
	accel_close(ctx);
	free(buf);
	tfl_model_free(&qm);
	tfl_model_free(&fm);
	fmnist_tiny_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_train_quantize_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
