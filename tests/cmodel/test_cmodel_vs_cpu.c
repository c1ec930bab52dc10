/* SPDX-License-Identifier: MIT */
/*
 * Cross-check against libaccel's CPU operators: random one-op CONV_2D and
 * DEPTHWISE_CONV_2D models from tests/kernels/opgen (per-channel and
 * per-tensor weights, SAME/VALID, strides, dilation, depth multiplier,
 * activations, batch 1-2) run once through libaccel's loader + CPU ops
 * (accel_ref_run) and once lowered to a command stream on the C model; the
 * outputs must be identical bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lower_tflite.h"
#include "opgen.h"
#include "tflite_ref.h"

static void run_kind(enum opgen_kind kind, bool small, unsigned n)
{
	struct env *e = env_new(small);
	unsigned done = 0, skipped = 0;

	for (unsigned i = 0; i < n; i++) {
		struct opgen_case c;
		struct tfl_model m;
		struct tfl_op op;
		struct tfl_layer t;
		const char *why;
		char err[256];

		assert_int_equal(opgen_make(kind, 7000u + i + (small ? 100000u : 0),
					    0, &c), 0);
		assert_int_equal(tfl_open(&m, c.model, c.size), 0);
		assert_int_equal(tfl_get_op(&m, 0, &op), 0);
		if (tfl_layer_get(&m, &op, &t, &why)) {
			fail_msg("%s: not lowerable (%s)", c.desc, why);
		}
		uint8_t *cpu = malloc(c.out_bytes);
		const void *in[1] = { c.in[0] };
		void *out[1] = { cpu };
		if (accel_ref_run(c.model, c.size, 1, in, c.in_bytes, 1, out,
				  &c.out_bytes, err, sizeof(err)))
			fail_msg("%s: CPU ops: %s", c.desc, err);
		assert_int_equal(c.out_bytes, t.out_bytes * (size_t)t.batch);

		for (int b = 0; b < t.batch; b++) {
			const int8_t *img = (const int8_t *)c.in[0] + t.in_bytes * (size_t)b;
			if (lower_conv(e, &t.l, img)) {
				skipped++;	/* does not fit the scratchpads */
				break;
			}
			struct dnpu_cmodel_result r;
			uint32_t st = env_run(e, &r);
			if (st != DNPU_JOB_OK)
				fail_msg("%s: %s at cmd %u", c.desc,
					 dnpu_fault_name(st), r.fault_cmd);
			if (memcmp(env_at(e, 2, 0), cpu + t.out_bytes * (size_t)b,
				   t.out_bytes))
				fail_msg("%s: C model != CPU ops (image %d)", c.desc, b);
			if (b == t.batch - 1)
				done++;
		}
		free(cpu);
		tfl_layer_free(&t);
		opgen_free(&c);
	}
	printf("  %-10s %s: %u/%u identical, %u did not fit\n",
	       opgen_name(kind), small ? "4x4" : "16x16", done, n, skipped);
	assert_true(done >= n * 9 / 10);
	env_free(e);
}

static void test_conv(void **s) { (void)s; run_kind(GEN_CONV, false, 200); }
static void test_conv_small(void **s) { (void)s; run_kind(GEN_CONV, true, 100); }
static void test_dw(void **s) { (void)s; run_kind(GEN_DEPTHWISE, false, 200); }
static void test_dw_small(void **s) { (void)s; run_kind(GEN_DEPTHWISE, true, 100); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conv),
		cmocka_unit_test(test_conv_small),
		cmocka_unit_test(test_dw),
		cmocka_unit_test(test_dw_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
