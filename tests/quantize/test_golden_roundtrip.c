// SPDX-License-Identifier: MIT
/*
 * Real converter-produced models through the toolchain's reader and
 * writer: read each golden model whose operators the writer covers, write
 * it back, and require libaccel to give identical outputs for both files.
 * Models using other operators must be refused by the writer, not
 * silently changed. Skips without ../shared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "accel.h"
#include "synth_model.h"
#include "tflite_read.h"
#include "tflite_write.h"
#include "toolutil.h"

static accel_network *load(accel_context *ctx, const uint8_t *b, size_t n)
{
	accel_network *net;
	if (accel_load_memory(ctx, b, n, &net))
		fail_msg("libaccel: %s", accel_last_error(ctx));
	return net;
}

static void roundtrip(const char *name)
{
	char path[1024], err[256];
	snprintf(path, sizeof(path), "%s/golden/models/%s.tflite",
		 DNPU_SHARED_DIR, name);
	size_t size = 0, size2 = 0;
	uint8_t *orig = tool_read_file(path, &size), *again;
	if (!orig)
		skip();
	struct tfl_model m;
	if (tfl_read(orig, size, &m, err, sizeof(err)))
		fail_msg("%s: %s", name, err);
	assert_int_equal(tfl_write(&m, &again, &size2), 0);

	accel_context *ctx;
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_CPU), ACCEL_OK);
	accel_network *a = load(ctx, orig, size), *b = load(ctx, again, size2);
	struct accel_tensor_info ia, oa;
	assert_int_equal(accel_input_info(a, 0, &ia), ACCEL_OK);
	assert_int_equal(accel_output_info(a, 0, &oa), ACCEL_OK);
	uint8_t *in = malloc(ia.bytes), *out_a = malloc(oa.bytes);
	uint8_t *out_b = malloc(oa.bytes);
	assert_true(in && out_a && out_b);
	uint32_t seed = 17;
	for (int trial = 0; trial < 3; trial++) {
		for (size_t i = 0; i < ia.bytes; i++)
			in[i] = (uint8_t)(int)(synth_uniform(&seed) * 127.0f);
		assert_int_equal(accel_set_input(a, 0, in, ia.bytes), ACCEL_OK);
		assert_int_equal(accel_set_input(b, 0, in, ia.bytes), ACCEL_OK);
		assert_int_equal(accel_invoke(a), ACCEL_OK);
		assert_int_equal(accel_invoke(b), ACCEL_OK);
		assert_int_equal(accel_get_output(a, 0, out_a, oa.bytes), ACCEL_OK);
		assert_int_equal(accel_get_output(b, 0, out_b, oa.bytes), ACCEL_OK);
		assert_memory_equal(out_a, out_b, oa.bytes);
	}
	free(in);
	free(out_a);
	free(out_b);
	accel_network_free(a);
	accel_network_free(b);
	accel_close(ctx);
	tfl_model_free(&m);
	free(orig);
	free(again);
}

static void test_person_detect(void **state)
{
	(void)state;
	roundtrip("person_detect");
}

static void test_hello_world(void **state)
{
	(void)state;
	roundtrip("hello_world_int8");
}

/* ADD / MEAN / SVDF options are outside the writer's subset. */
static void test_unsupported_ops_refused(void **state)
{
	(void)state;
	const char *names[] = { "mobilenet_v2_quantized_1x3x224x224",
				"keyword_scrambled_8bit" };
	for (int i = 0; i < 2; i++) {
		char path[1024], err[256];
		snprintf(path, sizeof(path), "%s/golden/models/%s.tflite",
			 DNPU_SHARED_DIR, names[i]);
		struct tfl_model m;
		uint8_t *out;
		size_t n;
		if (tfl_read_file(path, &m, err, sizeof(err))) {
			tfl_model_free(&m);
			skip();
		}
		assert_int_equal(tfl_write(&m, &out, &n), -1);
		tfl_model_free(&m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_person_detect),
		cmocka_unit_test(test_hello_world),
		cmocka_unit_test(test_unsupported_ops_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
