/* SPDX-License-Identifier: MIT */
/*
 * The portable C kernels and the SIMD kernels (AVX2, AVX-512 VNNI when the
 * CPU has it) must produce identical bytes: random CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED models
 * (including MobileNet-sized channel counts) run with both. Skips on CPUs
 * without AVX2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernels/kernels.h"
#include "opgen.h"
#include "tflite_ref.h"

static int vnni;

static void run_kind(enum opgen_kind k, int n)
{
	int bad = 0;
	for (int i = 0; i < n; i++) {
		struct opgen_case c;
		char err[256];
		assert_int_equal(opgen_make(k, 50000u + (uint32_t)i, i % 3 == 2, &c), 0);
		void *a = malloc(c.out_bytes + 1), *b = malloc(c.out_bytes + 1);
		const void *in[2] = { c.in[0], c.in[1] };
		void *oa[1] = { a }, *ob[1] = { b };
		accel_kernels_set_isa(ACCEL_ISA_PORTABLE);
		if (accel_ref_run(c.model, c.size, c.n_in, in, c.in_bytes, 1, oa,
				  &c.out_bytes, err, sizeof(err)))
			fail_msg("%s: %s", c.desc, err);
		for (int isa = ACCEL_ISA_AVX2; isa <= ACCEL_ISA_AVX512VNNI; isa++) {
			if ((int)accel_kernels_set_isa((enum accel_isa)isa) != isa)
				continue;
			if (accel_ref_run(c.model, c.size, c.n_in, in, c.in_bytes, 1,
					  ob, &c.out_bytes, err, sizeof(err)))
				fail_msg("%s: %s", c.desc, err);
			if (memcmp(a, b, c.out_bytes)) {
				printf("  portable != isa %d: %s\n", isa, c.desc);
				bad++;
			}
		}
		free(a);
		free(b);
		opgen_free(&c);
	}
	printf("  %-18s %d cases, %d mismatches (portable vs avx2%s)\n",
	       opgen_name(k), n, bad, vnni ? ", vnni" : "");
	assert_int_equal(bad, 0);
}

static void test_isa_identical(void **state)
{
	(void)state;
	vnni = accel_kernels_set_isa(ACCEL_ISA_AVX512VNNI) == ACCEL_ISA_AVX512VNNI;
	if (accel_kernels_set_isa(ACCEL_ISA_AVX2) != ACCEL_ISA_AVX2)
		skip();
	run_kind(GEN_CONV, 150);
	run_kind(GEN_DEPTHWISE, 150);
	run_kind(GEN_FC, 80);
	run_kind(GEN_ADD, 60);
	run_kind(GEN_SUB, 40);
	accel_kernels_set_isa(ACCEL_ISA_AVX512VNNI);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_isa_identical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
