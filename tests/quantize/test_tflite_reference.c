// SPDX-License-Identifier: MIT
/*
 * The toolchain's models in the TFLite 2.9 C library: the float model
 * matches the float reference executor, and the int8 models (int8 and
 * float I/O) give bit-identical outputs in TFLite and in libaccel.
 * Skips when libtensorflowlite_c.so (tools/deps.sh) is absent.
 *
 * TFLite 2.9 runs int8 CONV_2D / FULLY_CONNECTED through ruy on x86, whose
 * final rounding shift rounds half up where TFLite's reference kernels
 * (and libaccel) round half away from zero: outputs then differ by one
 * LSB on rare ties. The bit-exact comparisons therefore switch libaccel to
 * ruy's rounding (its test hook accel_kernels_ruy_rounding); a separate
 * test bounds the difference with libaccel's own rounding to 1 LSB.
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
#include "kernels/kernels.h"
#include "quantize.h"
#include "synth_model.h"
#include "tflite_ref.h"
#include "tflite_write.h"

#define N_INPUTS 24

static struct tflite_ref *ref;

static int setup(void **state)
{
	(void)state;
	ref = tflite_ref_open(TFLITE_C_LIB);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tflite_ref_close(ref);
	return 0;
}

struct runner {
	accel_context *ctx;
	accel_network *net;
	uint8_t *buf;
	size_t size;
};

static void runner_open(struct runner *r, const struct tfl_model *m)
{
	assert_int_equal(tfl_write(m, &r->buf, &r->size), 0);
	assert_int_equal(accel_open(&r->ctx, ACCEL_BACKEND_CPU), ACCEL_OK);
	if (accel_load_memory(r->ctx, r->buf, r->size, &r->net))
		fail_msg("libaccel: %s", accel_last_error(r->ctx));
}

static void runner_close(struct runner *r)
{
	accel_network_free(r->net);
	accel_close(r->ctx);
	free(r->buf);
}

/* Run one input in both; outputs must be identical bytes, or with
 * @int8_tolerance > 0 int8 values at most that far apart. */
static void compare_tol(struct runner *r, const void *in, size_t in_bytes,
			size_t out_bytes, int int8_tolerance)
{
	uint8_t a[64], b[64];
	char err[256];
	assert_true(out_bytes <= sizeof(a));
	if (tflite_ref_run(ref, r->buf, r->size, in, in_bytes, a, out_bytes,
			   err, sizeof(err)))
		fail_msg("TFLite: %s", err);
	assert_int_equal(accel_set_input(r->net, 0, in, in_bytes), ACCEL_OK);
	assert_int_equal(accel_invoke(r->net), ACCEL_OK);
	assert_int_equal(accel_get_output(r->net, 0, b, out_bytes), ACCEL_OK);
	if (!int8_tolerance) {
		assert_memory_equal(a, b, out_bytes);
		return;
	}
	for (size_t i = 0; i < out_bytes; i++)
		assert_true(abs((int8_t)a[i] - (int8_t)b[i]) <= int8_tolerance);
}

static void compare(struct runner *r, const void *in, size_t in_bytes,
		    size_t out_bytes)
{
	compare_tol(r, in, in_bytes, out_bytes, 0);
}

static void test_synth_float_matches_executor(void **state)
{
	(void)state;
	if (!ref)
		skip();
	struct tfl_model fm;
	struct fexec fx;
	char err[256];
	uint8_t *buf;
	size_t size;
	uint32_t seed = 5;
	assert_int_equal(synth_float_model(&fm, 3), 0);
	assert_int_equal(tfl_write(&fm, &buf, &size), 0);
	if (fexec_init(&fx, &fm, err, sizeof(err)))
		fail_msg("%s", err);
	for (int n = 0; n < N_INPUTS; n++) {
		float x[SYNTH_IN_ELEMS], y[SYNTH_OUT_ELEMS];
		for (int i = 0; i < SYNTH_IN_ELEMS; i++)
			x[i] = synth_uniform(&seed);
		if (tflite_ref_run(ref, buf, size, x, sizeof(x), y, sizeof(y),
				   err, sizeof(err)))
			fail_msg("TFLite: %s", err);
		assert_int_equal(fexec_run(&fx, x, err, sizeof(err)), 0);
		const float *z = fexec_tensor(&fx, fm.outputs[0]);
		for (int i = 0; i < SYNTH_OUT_ELEMS; i++)
			assert_float_equal(y[i], z[i], 1e-5);
	}
	fexec_free(&fx);
	free(buf);
	tfl_model_free(&fm);
}

static void quantize_or_fail(const struct tfl_model *fm, const float *calib,
			     int n, bool float_io, struct tfl_model *qm)
{
	char err[256];
	struct quant_options o = { .percentile = 100.0, .float_io = float_io };
	if (quantize_model(fm, calib, n, &o, qm, NULL, err, sizeof(err)))
		fail_msg("quantize_model: %s", err);
}

static void test_synth_int8_bit_exact(void **state)
{
	(void)state;
	if (!ref)
		skip();
	struct tfl_model fm, qm, qf;
	uint32_t seed = 11;
	float calib[32 * SYNTH_IN_ELEMS];
	for (size_t i = 0; i < sizeof(calib) / sizeof(calib[0]); i++)
		calib[i] = synth_uniform(&seed);
	assert_int_equal(synth_float_model(&fm, 3), 0);
	quantize_or_fail(&fm, calib, 32, false, &qm);
	quantize_or_fail(&fm, calib, 32, true, &qf);
	struct runner ri, rf;
	runner_open(&ri, &qm);
	runner_open(&rf, &qf);
	accel_kernels_ruy_rounding = 1;
	struct tfl_tensor *qin = &qm.tensors[qm.inputs[0]];
	for (int n = 0; n < N_INPUTS; n++) {
		float x[SYNTH_IN_ELEMS];
		int8_t q[SYNTH_IN_ELEMS];
		for (int i = 0; i < SYNTH_IN_ELEMS; i++) {
			/* a little outside the calibrated range: saturation */
			x[i] = 1.2f * synth_uniform(&seed);
			q[i] = quant_int8(x[i], qin->q.scale[0],
					  (int32_t)qin->q.zero_point[0]);
		}
		compare(&ri, q, sizeof(q), SYNTH_OUT_ELEMS);
		compare(&rf, x, sizeof(x), SYNTH_OUT_ELEMS * sizeof(float));
	}
	accel_kernels_ruy_rounding = 0;
	runner_close(&ri);
	runner_close(&rf);
	tfl_model_free(&fm);
	tfl_model_free(&qm);
	tfl_model_free(&qf);
}

static void fmnist_compare(int ruy_rounding, int tolerance)
{
	struct fmnist_tiny t;
	assert_int_equal(fmnist_tiny_build(&t, 300, 64, 100), 0);
	struct tfl_model qm;
	quantize_or_fail(&t.float_model, t.calib, t.n_calib, false, &qm);
	struct runner r;
	runner_open(&r, &qm);
	accel_kernels_ruy_rounding = ruy_rounding;
	for (int i = 0; i < t.n_test; i++) {
		int8_t x[784];
		for (int k = 0; k < 784; k++)
			x[k] = (int8_t)(t.test_pixels[(size_t)i * 784 + k] - 128);
		compare_tol(&r, x, sizeof(x), 10, tolerance);
	}
	accel_kernels_ruy_rounding = 0;
	runner_close(&r);
	tfl_model_free(&qm);
	fmnist_tiny_free(&t);
}

static void test_fmnist_int8_bit_exact(void **state)
{
	(void)state;
	if (!ref || !fmnist_tiny_available())
		skip();
	fmnist_compare(1, 0);
}

/* With libaccel's own (TFLite reference) rounding: at most 1 LSB off. */
static void test_fmnist_int8_reference_rounding(void **state)
{
	(void)state;
	if (!ref || !fmnist_tiny_available())
		skip();
	fmnist_compare(0, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synth_float_matches_executor),
		cmocka_unit_test(test_synth_int8_bit_exact),
		cmocka_unit_test(test_fmnist_int8_bit_exact),
		cmocka_unit_test(test_fmnist_int8_reference_rounding),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
