// SPDX-License-Identifier: MIT
/*
 * MediaPipe BlazeFace short-range, end to end: quantized by the toolchain
 * on scikit-image photos (+ LFW faces), run on astronaut.png:
 *  - float model in TFLite 2.9 vs the toolchain's float executor;
 *  - detections of the float model (TFLite 2.9) vs the int8 model on
 *    libaccel's CPU backend: same top box (IoU >= 0.8);
 *  - int8 on the sim backend == int8 on the CPU backend, byte for byte;
 *  - int8 in TFLite 2.9 == int8 in libaccel, byte for byte, with
 *    libaccel's ruy-rounding test switch (docs/TOOLCHAIN.md).
 * Exits 77 (skip) when the model, the TFLite library or the photos are
 * missing.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "bf_pipeline.h"
#include "float_exec.h"
#include "kernels/kernels.h"
#include "tflite_ref.h"
#include "tflite_write.h"
#include "toolutil.h"

#define IN_ELEMS ((size_t)BF_INPUT * BF_INPUT * 3)
#define REG_ELEMS ((size_t)BF_ANCHORS * BF_COORDS)
#define MAX_CALIB 64

/* Calibration photos: natural scenes of several kinds, not astronaut.png
 * (the test image). */
static const char *const calib_photos[] = {
	"camera.png", "chelsea.png", "coffee.png", "motorcycle_left.png",
	"horse.png", "ihc.png", "page.png", "brick.png", "grass.png",
	"moon.png", "coins.png",
};
/* Test images: astronaut (one face) and two without faces. */
static const char *const test_images[] = { "astronaut.png", "chelsea.png",
					   "coffee.png" };
#define N_TEST (sizeof(test_images) / sizeof(test_images[0]))

static uint8_t *float_buf, *int8_buf;
static size_t float_size, int8_size;
static struct tfl_model fm;
static float inputs[N_TEST][IN_ELEMS];

static int setup(void **state)
{
	(void)state;
	char err[256], path[1024];
	static struct rgb_image imgs[MAX_CALIB];
	int n = 0;
	for (size_t i = 0; i < sizeof(calib_photos) / sizeof(calib_photos[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", SKIMAGE_DATA, calib_photos[i]);
		if (access(path, R_OK))
			continue;       /* not in every scikit-image version */
		if (png_load_file(path, &imgs[n], err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return -1;
		}
		n++;
	}
	snprintf(path, sizeof(path), "%s/lfw_subset.npy", SKIMAGE_DATA);
	int k = npy_load_grey_images(path, imgs + n, 32, err, sizeof(err));
	printf("calibration: %d photos + %d LFW faces\n", n, k > 0 ? k : 0);
	n += k > 0 ? k : 0;
	for (size_t i = 0; i < N_TEST; i++) {
		struct rgb_image img;
		snprintf(path, sizeof(path), "%s/%s", SKIMAGE_DATA, test_images[i]);
		if (png_load_file(path, &img, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return -1;
		}
		bf_resize_normalize(&img, BF_INPUT, BF_INPUT, inputs[i]);
		rgb_image_free(&img);
	}
	struct tfl_model qm;
	float_buf = tool_read_file(BF_MODEL, &float_size);
	int ret = -1;
	if (!float_buf || bf_load_float(BF_MODEL, &fm, err, sizeof(err)) ||
	    bf_quantize(&fm, imgs, n, &qm, NULL, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	ret = tfl_write(&qm, &int8_buf, &int8_size) ? -1 : 0;
	tfl_model_free(&qm);
out:
	for (int i = 0; i < n; i++)
		rgb_image_free(&imgs[i]);
	return ret;
}

static int teardown(void **state)
{
	(void)state;
	free(float_buf);
	free(int8_buf);
	tfl_model_free(&fm);
	return 0;
}

/* Run the int8 model on libaccel @backend. */
static void run_accel(enum accel_backend backend, const float *in,
		      int8_t *reg_q, int8_t *cls_q, float *reg, float *cls)
{
	accel_context *ctx;
	accel_network *net;
	assert_int_equal(accel_open(&ctx, backend), 0);
	assert_int_equal(accel_context_backend(ctx), backend);
	if (accel_load_memory(ctx, int8_buf, int8_size, &net))
		fail_msg("load: %s", accel_last_error(ctx));
	int r = bf_run_int8(net, in, reg_q, cls_q, reg, cls);
	if (r)
		fail_msg("run: %s", accel_last_error(ctx));
	accel_network_free(net);
	accel_close(ctx);
}

/* Float model in TFLite 2.9 (the original file, float16 weights). */
static void run_tflite_float(const float *in, float *reg, float *cls)
{
	char err[256];
	const void *ins[1] = { in };
	size_t in_b[1] = { IN_ELEMS * sizeof(float) };
	void *outs[2] = { reg, cls };
	size_t out_b[2] = { REG_ELEMS * sizeof(float), BF_ANCHORS * sizeof(float) };
	if (tfl_ref_run(float_buf, float_size, 1, ins, in_b, 2, outs, out_b, err,
			sizeof(err)))
		fail_msg("TFLite float: %s", err);
}

static void test_float_tflite_vs_executor(void **state)
{
	(void)state;
	static float reg[REG_ELEMS], cls[BF_ANCHORS];
	struct fexec e;
	char err[256];
	assert_int_equal(fexec_init(&e, &fm, err, sizeof(err)), 0);
	for (size_t t = 0; t < N_TEST; t++) {
		run_tflite_float(inputs[t], reg, cls);
		assert_int_equal(fexec_run(&e, inputs[t], err, sizeof(err)), 0);
		const float *r = fexec_tensor(&e, fm.outputs[0]);
		const float *c = fexec_tensor(&e, fm.outputs[1]);
		double worst = 0;
		for (size_t i = 0; i < REG_ELEMS; i++)
			worst = fmax(worst, fabs(r[i] - reg[i]) / (1.0 + fabs(reg[i])));
		for (size_t i = 0; i < BF_ANCHORS; i++)
			worst = fmax(worst, fabs(c[i] - cls[i]) / (1.0 + fabs(cls[i])));
		printf("%s: float executor vs TFLite: max rel. error %.2g\n",
		       test_images[t], worst);
		assert_true(worst < 1e-3);
	}
	fexec_free(&e);
}

static void test_top_box_float_vs_int8(void **state)
{
	(void)state;
	static float reg[REG_ELEMS], cls[BF_ANCHORS], qreg[REG_ELEMS],
		     qcls[BF_ANCHORS];
	struct bf_box f[8], q[8];
	run_tflite_float(inputs[0], reg, cls);
	int nf = bf_detect(reg, cls, BF_MIN_SCORE, BF_NMS_IOU, f, 8);
	run_accel(ACCEL_BACKEND_CPU, inputs[0], NULL, NULL, qreg, qcls);
	int nq = bf_detect(qreg, qcls, BF_MIN_SCORE, BF_NMS_IOU, q, 8);
	assert_int_equal(nf, 1);        /* the astronaut */
	assert_int_equal(nq, 1);
	float iou = bf_iou(&f[0], &q[0]);
	printf("astronaut: float (TFLite) %.3f [%.3f %.3f %.3f %.3f], int8 (libaccel) %.3f [%.3f %.3f %.3f %.3f], IoU %.3f\n",
	       f[0].score, f[0].xmin, f[0].ymin, f[0].xmax, f[0].ymax,
	       q[0].score, q[0].xmin, q[0].ymin, q[0].xmax, q[0].ymax, iou);
	assert_true(iou >= 0.8f);
	/* the face is in the upper middle of the photo */
	assert_true(f[0].xmin > 0.25f && f[0].xmax < 0.65f && f[0].ymax < 0.5f);
	/* no face in the others. int8 may keep a box at exactly the 0.5
	 * threshold (a logit quantized to 0 -- MediaPipe keeps scores equal
	 * to the threshold), but nothing clearly above it */
	for (size_t t = 1; t < N_TEST; t++) {
		run_tflite_float(inputs[t], reg, cls);
		run_accel(ACCEL_BACKEND_CPU, inputs[t], NULL, NULL, qreg, qcls);
		assert_int_equal(bf_detect(reg, cls, BF_MIN_SCORE, BF_NMS_IOU, f, 8), 0);
		nq = bf_detect(qreg, qcls, BF_MIN_SCORE, BF_NMS_IOU, q, 8);
		printf("%s: int8 boxes at >= 0.5: %d (best %.3f)\n", test_images[t],
		       nq, nq ? q[0].score : 0.0f);
		assert_true(nq == 0 || q[0].score < 0.55f);
	}
}

static void test_sim_equals_cpu(void **state)
{
	(void)state;
	static int8_t rc[REG_ELEMS], cc[BF_ANCHORS], rs[REG_ELEMS], cs[BF_ANCHORS];
	static float reg[REG_ELEMS], cls[BF_ANCHORS];
	for (size_t t = 0; t < N_TEST; t++) {
		run_accel(ACCEL_BACKEND_CPU, inputs[t], rc, cc, reg, cls);
		run_accel(ACCEL_BACKEND_SIM, inputs[t], rs, cs, reg, cls);
		assert_memory_equal(rc, rs, sizeof(rc));
		assert_memory_equal(cc, cs, sizeof(cc));
	}
}

/* Largest |a - b| of the int8 outputs, TFLite vs libaccel CPU. */
static int int8_max_diff(size_t t)
{
	static int8_t rt[REG_ELEMS], ct[BF_ANCHORS], ra[REG_ELEMS], ca[BF_ANCHORS];
	static float reg[REG_ELEMS], cls[BF_ANCHORS];
	static int8_t qin[IN_ELEMS];
	accel_context *ctx;
	accel_network *net;
	struct accel_tensor_info ii;
	char err[256];
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_CPU), 0);
	assert_int_equal(accel_load_memory(ctx, int8_buf, int8_size, &net), 0);
	assert_int_equal(accel_input_info(net, 0, &ii), 0);
	assert_int_equal(bf_regressor_output(net), 0);  /* TFLite's order */
	for (size_t i = 0; i < IN_ELEMS; i++)
		qin[i] = quant_int8(inputs[t][i], ii.scale, ii.zero_point);
	assert_int_equal(bf_run_int8(net, inputs[t], ra, ca, reg, cls), 0);
	accel_network_free(net);
	accel_close(ctx);
	const void *ins[1] = { qin };
	size_t in_b[1] = { IN_ELEMS };
	void *outs[2] = { rt, ct };
	size_t out_b[2] = { REG_ELEMS, BF_ANCHORS };
	if (tfl_ref_run(int8_buf, int8_size, 1, ins, in_b, 2, outs, out_b, err,
			sizeof(err)))
		fail_msg("TFLite int8: %s", err);
	int d = 0;
	for (size_t i = 0; i < REG_ELEMS; i++)
		d = abs(rt[i] - ra[i]) > d ? abs(rt[i] - ra[i]) : d;
	for (size_t i = 0; i < BF_ANCHORS; i++)
		d = abs(ct[i] - ca[i]) > d ? abs(ct[i] - ca[i]) : d;
	return d;
}

static void test_int8_tflite_bitexact(void **state)
{
	(void)state;
	accel_kernels_ruy_rounding = 1;
	for (size_t t = 0; t < N_TEST; t++) {
		int d = int8_max_diff(t);
		printf("%s: int8 TFLite vs libaccel (ruy rounding): max diff %d LSB\n",
		       test_images[t], d);
		assert_int_equal(d, 0);
	}
	accel_kernels_ruy_rounding = 0;
	int d = int8_max_diff(0);
	printf("astronaut.png: int8 TFLite vs libaccel (own rounding): max diff %d LSB\n", d);
}

int main(void)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/astronaut.png", SKIMAGE_DATA);
	if (access(BF_MODEL, R_OK) || access(path, R_OK) || !tfl_ref_available()) {
		printf("SKIP: needs %s, %s and the TFLite 2.9 C library (tools/deps.sh)\n",
		       BF_MODEL, path);
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_float_tflite_vs_executor),
		cmocka_unit_test(test_top_box_float_vs_int8),
		cmocka_unit_test(test_sim_equals_cpu),
		cmocka_unit_test(test_int8_tflite_bitexact),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
