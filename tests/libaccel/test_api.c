/* SPDX-License-Identifier: MIT */
/* Public API behaviour: errors and messages, backend selection, I/O. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "accel.h"
#include "models.h"

#define assert_msg_contains(ctx, s)                                         \
	do {                                                                \
		const char *m_ = accel_last_error(ctx);                     \
		if (!strstr(m_, (s)))                                       \
			fail_msg("message '%s' lacks '%s'", m_, (s));       \
	} while (0)

static void test_strings(void **state)
{
	(void)state;
	assert_string_equal(accel_status_str(ACCEL_OK), "ok");
	for (int s = ACCEL_ERR_RUNTIME; s < 0; s++)
		assert_string_not_equal(accel_status_str(s), "unknown status");
	assert_int_equal(accel_backend_parse("cpu"), ACCEL_BACKEND_CPU);
	assert_int_equal(accel_backend_parse("drm"), ACCEL_BACKEND_DRM);
	assert_int_equal(accel_backend_parse("auto"), ACCEL_BACKEND_AUTO);
	assert_int_equal(accel_backend_parse("gpu"), -1);
	assert_int_equal(accel_backend_parse(NULL), -1);
}

static void test_open_errors(void **state)
{
	(void)state;
	accel_context *ctx;
	unsetenv("ACCEL_BACKEND");
	assert_int_equal(accel_open(NULL, ACCEL_BACKEND_CPU), ACCEL_ERR_INVALID);
	assert_non_null(strstr(accel_last_error(NULL), "NULL"));
	assert_int_equal(accel_open(&ctx, (enum accel_backend)42), ACCEL_ERR_INVALID);
	assert_null(ctx);
	/* no DRM device backend in this build: forcing it fails clearly */
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_DRM), ACCEL_ERR_BACKEND);
	assert_non_null(ctx);
	assert_msg_contains(ctx, "backend not available: drm");
	accel_network *net = (accel_network *)1;
	uint8_t *buf;
	size_t len;
	assert_int_equal(tm_fc(&buf, &len), 0);
	assert_int_equal(accel_load_memory(ctx, buf, len, &net), ACCEL_ERR_BACKEND);
	assert_null(net);
	free(buf);
	accel_close(ctx);
	accel_close(NULL);
}

static void test_env_backend(void **state)
{
	(void)state;
	accel_context *ctx;
	setenv("ACCEL_BACKEND", "drm", 1);
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_AUTO), ACCEL_ERR_BACKEND);
	assert_msg_contains(ctx, "backend not available: drm");
	accel_close(ctx);

	setenv("ACCEL_BACKEND", "tpu", 1);
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_AUTO), ACCEL_ERR_INVALID);
	assert_msg_contains(ctx, "ACCEL_BACKEND='tpu'");
	accel_close(ctx);

	setenv("ACCEL_BACKEND", "cpu", 1);
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_AUTO), ACCEL_OK);
	assert_int_equal(accel_context_backend(ctx), ACCEL_BACKEND_CPU);
	assert_non_null(strstr(accel_context_why(ctx), "ACCEL_BACKEND=cpu"));
	accel_close(ctx);

	/* an explicit choice beats the environment */
	setenv("ACCEL_BACKEND", "drm", 1);
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_CPU), ACCEL_OK);
	accel_close(ctx);

	/* automatic: never the (absent) drm backend */
	unsetenv("ACCEL_BACKEND");
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_AUTO), ACCEL_OK);
	assert_int_not_equal(accel_context_backend(ctx), ACCEL_BACKEND_DRM);
	assert_non_null(strstr(accel_context_why(ctx), "auto"));
	accel_close(ctx);
}

static void test_load_errors(void **state)
{
	(void)state;
	accel_context *ctx;
	accel_network *net;
	uint8_t junk[64] = "this is not a flatbuffer at all";
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_CPU), ACCEL_OK);
	assert_int_equal(accel_load_memory(NULL, junk, sizeof(junk), &net),
			 ACCEL_ERR_INVALID);
	assert_int_equal(accel_load_memory(ctx, junk, sizeof(junk), NULL),
			 ACCEL_ERR_INVALID);
	assert_int_equal(accel_load_memory(ctx, NULL, 10, &net), ACCEL_ERR_INVALID);
	assert_null(net);
	assert_int_equal(accel_load_memory(ctx, junk, 0, &net), ACCEL_ERR_INVALID);
	assert_int_equal(accel_load_memory(ctx, junk, sizeof(junk), &net),
			 ACCEL_ERR_MODEL);
	assert_msg_contains(ctx, "not a TFLite model");
	assert_int_equal(accel_load_file(ctx, "/nonexistent/x.tflite", &net),
			 ACCEL_ERR_IO);
	assert_msg_contains(ctx, "/nonexistent/x.tflite");
	assert_int_equal(accel_load_file(ctx, NULL, &net), ACCEL_ERR_INVALID);
	assert_int_equal(accel_load_file(ctx, "/dev/null", &net), ACCEL_ERR_INVALID);
	assert_msg_contains(ctx, "empty");

	/* unsupported operators are refused at load time, by name */
	uint8_t *buf;
	size_t len;
	assert_int_equal(tm_single_op(16, &buf, &len), 0);
	assert_int_equal(accel_load_memory(ctx, buf, len, &net),
			 ACCEL_ERR_UNSUPPORTED);
	assert_msg_contains(ctx, "unsupported operator 'LSTM' (op 16)");
	free(buf);
	assert_int_equal(tm_single_op(400, &buf, &len), 0);
	assert_int_equal(accel_load_memory(ctx, buf, len, &net),
			 ACCEL_ERR_UNSUPPORTED);
	assert_msg_contains(ctx, "unknown builtin operator code 400");
	free(buf);
	accel_close(ctx);
}

struct fixture {
	accel_context *ctx;
	accel_network *net;
};

static int setup_fc(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	uint8_t *buf;
	size_t len;
	if (!f)
		return -1;
	if (tm_fc(&buf, &len)) {
		free(f);
		return -1;
	}
	if (accel_open(&f->ctx, ACCEL_BACKEND_CPU) ||
	    accel_load_memory(f->ctx, buf, len, &f->net)) {
		fprintf(stderr, "%s\n", accel_last_error(f->ctx));
		free(buf);
		accel_close(f->ctx);
		free(f);
		return -1;
	}
	free(buf);      /* the network keeps its own copy */
	*state = f;
	return 0;
}

static int teardown_fc(void **state)
{
	struct fixture *f = *state;
	accel_network_free(f->net);
	accel_close(f->ctx);
	free(f);
	return 0;
}

static void test_info(void **state)
{
	struct fixture *f = *state;
	struct accel_tensor_info ti;
	assert_int_equal(accel_num_inputs(f->net), 1);
	assert_int_equal(accel_num_outputs(f->net), 1);
	assert_int_equal(accel_num_inputs(NULL), 0);
	assert_int_equal(accel_input_info(f->net, 0, &ti), ACCEL_OK);
	assert_int_equal(ti.type, ACCEL_TYPE_INT8);
	assert_int_equal(ti.rank, 2);
	assert_int_equal(ti.dims[0], 1);
	assert_int_equal(ti.dims[1], 4);
	assert_int_equal(ti.bytes, 4);
	assert_true(ti.quantized);
	assert_true(ti.scale == 1.0f);
	assert_int_equal(ti.zero_point, 0);
	assert_int_equal(accel_output_info(f->net, 0, &ti), ACCEL_OK);
	assert_int_equal(ti.bytes, 3);
	assert_int_equal(accel_input_info(f->net, 1, &ti), ACCEL_ERR_INVALID);
	assert_msg_contains(f->ctx, "input index 1 out of range");
	assert_int_equal(accel_output_info(f->net, -1, &ti), ACCEL_ERR_INVALID);
	assert_msg_contains(f->ctx, "output index -1 out of range");
	assert_int_equal(accel_input_info(f->net, 0, NULL), ACCEL_ERR_INVALID);
	assert_int_equal(accel_input_info(NULL, 0, &ti), ACCEL_ERR_INVALID);
}

static void test_run(void **state)
{
	struct fixture *f = *state;
	const int8_t x[4] = { 3, -2, 5, 100 };
	int8_t y[3], y2[3];
	assert_int_equal(accel_set_input(f->net, 0, x, 3), ACCEL_ERR_INVALID);
	assert_msg_contains(f->ctx, "takes 4 bytes, got 3");
	assert_int_equal(accel_set_input(f->net, 0, NULL, 4), ACCEL_ERR_INVALID);
	assert_int_equal(accel_set_input(f->net, 2, x, 4), ACCEL_ERR_INVALID);
	assert_int_equal(accel_set_input(f->net, 0, x, 4), ACCEL_OK);
	assert_int_equal(accel_invoke(f->net), ACCEL_OK);
	assert_int_equal(accel_invoke(NULL), ACCEL_ERR_INVALID);
	assert_int_equal(accel_get_output(f->net, 0, y, 4), ACCEL_ERR_INVALID);
	assert_msg_contains(f->ctx, "has 3 bytes, buffer is 4");
	assert_int_equal(accel_get_output(f->net, 0, NULL, 3), ACCEL_ERR_INVALID);
	assert_int_equal(accel_get_output(f->net, 0, y, 3), ACCEL_OK);
	/* out[r] = (r+1)*x0 - x1 + 2*x2 + bias[r] */
	assert_int_equal(y[0], 3 + 2 + 10 + 0);
	assert_int_equal(y[1], 6 + 2 + 10 + 10);
	assert_int_equal(y[2], 9 + 2 + 10 - 10);
	/* inputs stay valid: a second invoke gives the same result */
	assert_int_equal(accel_invoke(f->net), ACCEL_OK);
	assert_int_equal(accel_get_output(f->net, 0, y2, 3), ACCEL_OK);
	assert_memory_equal(y, y2, 3);
}

static void test_profile(void **state)
{
	struct fixture *f = *state;
	struct accel_op_profile p;
	assert_int_equal(accel_invoke(f->net), ACCEL_OK);
	assert_int_equal(accel_profile_count(f->net), 1);
	assert_int_equal(accel_profile_get(f->net, 0, &p), ACCEL_OK);
	assert_string_equal(p.op_name, "FULLY_CONNECTED");
	assert_string_equal(p.backend, "cpu");
	assert_non_null(strstr(p.reason, "forced"));
	assert_true(p.invokes >= 1);
	assert_true(p.total_ns >= p.time_ns);
	assert_int_equal(accel_profile_get(f->net, 1, &p), ACCEL_ERR_INVALID);
	assert_int_equal(accel_profile_get(f->net, 0, NULL), ACCEL_ERR_INVALID);
	assert_true(accel_arena_bytes(f->net) >= 4 + 3);
	assert_int_equal(accel_persistent_bytes(f->net), 0);
}

static void test_free_null(void **state)
{
	(void)state;
	accel_network_free(NULL);
	assert_int_equal(accel_profile_count(NULL), 0);
	assert_int_equal(accel_arena_bytes(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_env_backend),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test_setup_teardown(test_info, setup_fc, teardown_fc),
		cmocka_unit_test_setup_teardown(test_run, setup_fc, teardown_fc),
		cmocka_unit_test_setup_teardown(test_profile, setup_fc, teardown_fc),
		cmocka_unit_test(test_free_null),
	};
	return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
