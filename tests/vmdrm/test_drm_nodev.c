// SPDX-License-Identifier: MIT
/*
 * The drm backend without a dnpu device: probing fails with a clear reason,
 * forcing it (accel_open, $ACCEL_BACKEND) fails with ACCEL_ERR_BACKEND and
 * that reason, and automatic selection moves on to the simulator.
 * $ACCEL_DRM_DEVICE points the backend at a node that does not exist, then
 * at one that is not a DRM device, so the test does not depend on the host.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "accel.h"
#include "backend.h"

static void expect_probe_error(const char *node, const char *reason)
{
	const struct accel_backend_ops *be;
	char why[256] = "";

	setenv("ACCEL_DRM_DEVICE", node, 1);
	be = accel_backend_get(ACCEL_BACKEND_DRM, why, sizeof(why));
	if (!be) {	/* built without DRM headers: must say so */
		assert_non_null(strstr(why, "not built"));
		skip();
		return;
	}
	assert_string_equal(be->name, "drm");
	assert_int_equal(be->probe(why, sizeof(why)), -1);
	assert_true(strncmp(why, "no dnpu device: ", 16) == 0);
	assert_non_null(strstr(why, node));
	assert_non_null(strstr(why, reason));
}

static void probe_missing_node(void **state)
{
	(void)state;
	expect_probe_error("/nonexistent/accel0", "No such file or directory");
}

static void probe_not_drm(void **state)
{
	(void)state;
	expect_probe_error("/dev/null", "driver unknown");
}

static void forced_open_fails_clearly(void **state)
{
	accel_context *ctx = NULL;

	(void)state;
	setenv("ACCEL_DRM_DEVICE", "/nonexistent/accel0", 1);
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_DRM), ACCEL_ERR_BACKEND);
	assert_non_null(ctx);
	assert_non_null(strstr(accel_last_error(ctx),
			       "backend not available: drm"));
	assert_non_null(strstr(accel_last_error(ctx), "no dnpu device"));
	accel_close(ctx);

	/* the same through the environment, as accel-run --backend does */
	setenv("ACCEL_BACKEND", "drm", 1);
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_AUTO), ACCEL_ERR_BACKEND);
	assert_non_null(strstr(accel_last_error(ctx), "no dnpu device"));
	accel_close(ctx);
	unsetenv("ACCEL_BACKEND");
}

static void auto_falls_back_to_sim(void **state)
{
	accel_context *ctx = NULL;

	(void)state;
	unsetenv("ACCEL_BACKEND");
	setenv("ACCEL_DRM_DEVICE", "/nonexistent/accel0", 1);
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_AUTO), ACCEL_OK);
	assert_int_equal(accel_context_backend(ctx), ACCEL_BACKEND_SIM);
	assert_non_null(strstr(accel_context_why(ctx), "drm: no dnpu device"));
	accel_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(probe_missing_node),
		cmocka_unit_test(probe_not_drm),
		cmocka_unit_test(forced_open_fails_clearly),
		cmocka_unit_test(auto_falls_back_to_sim),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
