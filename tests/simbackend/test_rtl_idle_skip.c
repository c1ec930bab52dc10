/* SPDX-License-Identifier: MIT */
/*
 * The RTL device's idle skip (sim/rtl/dnpu_rtl.cpp) must not be visible:
 * person_detect on the Verilator device with DNPU_RTL_IDLE_SKIP=0 (every
 * cycle clocked) and =1 gives the same output bytes and, per op, the same
 * cycles, DRAM bytes and perf-counter events.
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
#include "toolutil.h"

#ifndef SHARED_DIR
#define SHARED_DIR "../shared"
#endif

#define MAX_OPS 64

struct run {
	int ops;
	struct accel_device_stats st[MAX_OPS];
	uint8_t *out;
	size_t out_n;
};

static void run_model(const char *skip, const void *in, size_t in_n,
		      struct run *r)
{
	char path[2048];
	accel_context *ctx;
	accel_network *net;
	struct accel_tensor_info info;

	memset(r, 0, sizeof(*r));
	assert_int_equal(setenv("DNPU_RTL_IDLE_SKIP", skip, 1), 0);
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_SIM), ACCEL_OK);
	snprintf(path, sizeof(path), "%s/golden/models/person_detect.tflite", SHARED_DIR);
	if (accel_load_file(ctx, path, &net) != ACCEL_OK) {
		print_error("%s: %s\n", path, accel_last_error(ctx));
		fail();
	}
	assert_int_equal(accel_set_input(net, 0, in, in_n), ACCEL_OK);
	if (accel_invoke(net) != ACCEL_OK) {
		print_error("invoke: %s\n", accel_last_error(ctx));
		fail();
	}
	assert_int_equal(accel_output_info(net, 0, &info), ACCEL_OK);
	r->out_n = info.bytes;
	r->out = malloc(r->out_n);
	assert_non_null(r->out);
	assert_int_equal(accel_get_output(net, 0, r->out, r->out_n), ACCEL_OK);
	r->ops = accel_profile_count(net);
	assert_true(r->ops > 0 && r->ops <= MAX_OPS);
	for (int i = 0; i < r->ops; i++)
		assert_int_equal(accel_device_stats_get(net, i, &r->st[i]), 0);
	accel_network_free(net);
	accel_close(ctx);
}

static void test_skip_invisible(void **state)
{
	char path[2048];
	size_t in_n;
	void *in;
	struct run a, b;
	uint64_t cycles = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/golden/person_detect/person/input_0.bin",
		 SHARED_DIR);
	in = tool_read_file(path, &in_n);
	if (!in)
		skip();
	run_model("0", in, in_n, &a);
	run_model("1", in, in_n, &b);
	assert_int_equal(a.out_n, b.out_n);
	assert_memory_equal(a.out, b.out, a.out_n);
	assert_int_equal(a.ops, b.ops);
	for (int i = 0; i < a.ops; i++) {
		const struct accel_device_stats *x = &a.st[i], *y = &b.st[i];

		if (x->cycles != y->cycles || x->dram_read_bytes != y->dram_read_bytes ||
		    x->dram_write_bytes != y->dram_write_bytes ||
		    x->array_macs != y->array_macs || x->nmc_ops != y->nmc_ops ||
		    x->spad_read_bytes != y->spad_read_bytes ||
		    x->spad_write_bytes != y->spad_write_bytes) {
			print_error("op %d: cycles %llu vs %llu with the skip\n", i,
				    (unsigned long long)x->cycles,
				    (unsigned long long)y->cycles);
			fail();
		}
		cycles += x->cycles;
	}
	/* the device ran the model's ops (the comparison is not vacuous) */
	assert_true(cycles > 100000);
	free(a.out);
	free(b.out);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skip_invisible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
