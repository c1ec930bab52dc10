/* SPDX-License-Identifier: MIT */
/*
 * Every golden case of ../shared/golden on the sim backend: outputs must be
 * byte-identical to TFLite's, and the device must actually have run the
 * models' convolutions (placement is checked, not assumed).
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "accel.h"
#include "toolutil.h"

#ifndef SHARED_DIR
#define SHARED_DIR "../shared"
#endif

/* Run every case directory of @model; returns ops placed on the device. */
static int run_cases(const char *model, int *cases)
{
	char dir[2048], path[4608];
	accel_context *ctx;
	accel_network *net;
	int on_device = 0;
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s/golden/%s", SHARED_DIR, model);
	d = opendir(dir);
	if (!d)
		return -1;
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_SIM), ACCEL_OK);
	snprintf(path, sizeof(path), "%s/golden/models/%s.tflite", SHARED_DIR, model);
	if (accel_load_file(ctx, path, &net) != ACCEL_OK) {
		print_error("%s: %s\n", model, accel_last_error(ctx));
		fail();
	}
	while ((e = readdir(d))) {
		size_t in_n, exp_n;
		void *in, *exp, *out;

		snprintf(path, sizeof(path), "%s/%s/input_0.bin", dir, e->d_name);
		in = tool_read_file(path, &in_n);
		if (!in)
			continue;	/* not a single-input case (e.g. a sweep) */
		snprintf(path, sizeof(path), "%s/%s/output_0.bin", dir, e->d_name);
		exp = tool_read_file(path, &exp_n);
		assert_non_null(exp);
		/* variable tensors (SVDF state) start from reset in every case */
		accel_network_free(net);
		snprintf(path, sizeof(path), "%s/golden/models/%s.tflite", SHARED_DIR, model);
		assert_int_equal(accel_load_file(ctx, path, &net), ACCEL_OK);
		assert_int_equal(accel_set_input(net, 0, in, in_n), ACCEL_OK);
		if (accel_invoke(net) != ACCEL_OK) {
			print_error("%s/%s: %s\n", model, e->d_name, accel_last_error(ctx));
			fail();
		}
		out = malloc(exp_n);
		assert_int_equal(accel_get_output(net, 0, out, exp_n), ACCEL_OK);
		for (size_t i = 0; i < exp_n; i++) {
			if (((uint8_t *)out)[i] != ((uint8_t *)exp)[i]) {
				print_error("%s/%s: output byte %zu: got %d, TFLite %d\n",
					    model, e->d_name, i, ((int8_t *)out)[i],
					    ((int8_t *)exp)[i]);
				fail();
			}
		}
		(*cases)++;
		free(in);
		free(exp);
		free(out);
	}
	closedir(d);
	for (int i = 0; i < accel_profile_count(net); i++) {
		struct accel_op_profile p;

		accel_profile_get(net, i, &p);
		on_device += !strcmp(p.backend, "sim");
	}
	accel_network_free(net);
	accel_close(ctx);
	return on_device;
}

/* Minimum device ops per model given on the command line (NAME=N). */
static int min_override[5] = { -1, -1, -1, -1, -1 };

static void check_model(const char *model, int min_device_ops)
{
	int cases = 0, dev = run_cases(model, &cases);

	if (dev < 0)
		skip();
	print_message("%s: %d cases bit-exact, %d ops on the device\n", model,
		      cases, dev);
	assert_true(cases > 0);
	assert_true(dev >= min_device_ops);
}

/*
 * Device op counts from the placement cost model: every conv, depthwise,
 * add and mean; person_detect's final 1x1 pool and 2-class conv are cheaper
 * on the CPU than a job's fixed overhead, as are the tiny models' layers,
 * and with the modelled DRAM (8 B/cycle, devjob.c) one more of its
 * memory-bound ops.
 */
static void test_person_detect(void **s) { (void)s; check_model("person_detect", min_override[0] >= 0 ? min_override[0] : 26); }
static void test_mobilenet_v2(void **s) { (void)s; check_model("mobilenet_v2_quantized_1x3x224x224", min_override[1] >= 0 ? min_override[1] : 64); }
static void test_micro_speech(void **s) { (void)s; check_model("micro_speech_quantized", min_override[2] >= 0 ? min_override[2] : 2); }
static void test_hello_world(void **s) { (void)s; check_model("hello_world_int8", min_override[3] >= 0 ? min_override[3] : 0); }
static void test_keyword(void **s) { (void)s; check_model("keyword_scrambled_8bit", min_override[4] >= 0 ? min_override[4] : 0); }

/*
 * test_golden_sim [MODEL[=MIN_DEVICE_OPS]...]: all models, or only the named
 * ones, optionally with the number of ops the device must at least run
 * (a device without NMC runs fewer); DNPU_SIM_DEVICE picks the device model.
 */
int main(int argc, char **argv)
{
	const struct CMUnitTest all[] = {
		cmocka_unit_test(test_person_detect),
		cmocka_unit_test(test_mobilenet_v2),
		cmocka_unit_test(test_micro_speech),
		cmocka_unit_test(test_hello_world),
		cmocka_unit_test(test_keyword),
	};
	const char *names[] = { "person_detect", "mobilenet_v2", "micro_speech",
				"hello_world", "keyword" };
	struct CMUnitTest tests[5];
	size_t n = 0;

	for (size_t i = 0; i < 5; i++) {
		int want = argc < 2;

		for (int a = 1; a < argc; a++) {
			size_t n = strlen(names[i]);

			if (strncmp(argv[a], names[i], n) ||
			    (argv[a][n] && argv[a][n] != '='))
				continue;
			want = 1;
			if (argv[a][n] == '=') {
				long v;

				if (tool_parse_int(argv[a] + n + 1, 0, INT_MAX, &v)) {
					fprintf(stderr, "%s: not a count\n", argv[a]);
					return 2;
				}
				min_override[i] = (int)v;
			}
		}
		if (want)
			tests[n++] = all[i];
	}
	return _cmocka_run_group_tests("golden_sim", tests, n, NULL, NULL);
}
