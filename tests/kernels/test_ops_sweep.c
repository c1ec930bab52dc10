/* SPDX-License-Identifier: MIT */
/*
 * Generated op sweep: random one-op int8 models (shapes, strides, padding,
 * dilation, channels 1..256, per-channel scales, activations, depth
 * multipliers, broadcasting), run in the TFLite 2.9 C library and in
 * libaccel; outputs must be identical byte for byte. Skips when the TFLite
 * library is absent. ACCEL_SWEEP_SCALE=<n> multiplies the case counts.
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
#include "toolutil.h"

/*
 * Cases per op. CONV_2D and FULLY_CONNECTED run through ruy inside TFLite
 * 2.9 on x86, whose final rounding shift rounds half up where TFLite's
 * reference kernels (and TFLM, and libaccel) round half away from zero; for
 * those the comparison uses libaccel's test-only ruy rounding
 * (accel_kernels_ruy_rounding), so that every other bit of the op (im2col,
 * padding, zero points, accumulation, multipliers, clamping) is checked
 * exactly. DEPTHWISE_CONV_2D and the rest use TFLite's reference rounding.
 * SOFTMAX, LOGISTIC and MEAN are not here: TFLite 2.9's
 * kernels for them (LUT-based softmax/logistic, float-rounded mean) are
 * not TFLM's reference arithmetic, which is what libaccel implements (and
 * the golden test checks).
 */
static const struct {
	enum opgen_kind kind;
	int n;
} plan[] = {
	{ GEN_CONV, 300 }, { GEN_DEPTHWISE, 300 }, { GEN_FC, 120 },
	{ GEN_ADD, 80 }, { GEN_SUB, 50 }, { GEN_MUL, 60 },
	{ GEN_AVGPOOL, 60 }, { GEN_MAXPOOL, 50 }, { GEN_PAD, 30 },
	{ GEN_TRANSPOSE, 30 }, { GEN_CONCAT, 30 }, { GEN_RESHAPE, 16 },
	{ GEN_QUANTIZE, 40 }, { GEN_DEQUANTIZE, 20 }, { GEN_RELU, 30 },
	{ GEN_RELU6, 20 },
	{ GEN_F_CONV, 40 }, { GEN_F_DEPTHWISE, 40 }, { GEN_F_FC, 30 },
	{ GEN_F_ADD, 20 }, { GEN_F_MUL, 20 }, { GEN_F_MAXPOOL, 20 },
	{ GEN_F_PAD, 10 }, { GEN_F_RESHAPE, 5 },
};

static int info_only;

static int run_one(enum opgen_kind k, uint32_t seed, int big, int *mismatch)
{
	struct opgen_case c;
	char err[256] = "";
	if (opgen_make(k, seed, big, &c)) {
		printf("  %s seed %u: generator failed\n", opgen_name(k), seed);
		(*mismatch)++;
		return 0;
	}
	void *ref = calloc(1, c.out_bytes + 1), *got = calloc(1, c.out_bytes + 1);
	const void *in[2] = { c.in[0], c.in[1] };
	void *ro[1] = { ref }, *go[1] = { got };
	int ok = 1;
	/* TFLite 2.9's CONV_2D/FC go through ruy (single rounding) */
	int ruy = k == GEN_CONV || k == GEN_FC;
	if (tfl_ref_run(c.model, c.size, c.n_in, in, c.in_bytes, 1, ro,
			&c.out_bytes, err, sizeof(err))) {
		printf("  [tflite] %s seed %u: %s (%s)\n", opgen_name(k), seed,
		       err, c.desc);
		ok = 0;
	} else if ((accel_kernels_ruy_rounding = ruy) ,
		   accel_ref_run(c.model, c.size, c.n_in, in, c.in_bytes, 1,
				 go, &c.out_bytes, err, sizeof(err))) {
		printf("  [accel] %s seed %u: %s (%s)\n", opgen_name(k), seed,
		       err, c.desc);
		ok = 0;
	} else if (memcmp(ref, got, c.out_bytes)) {
		size_t i = 0;
		while (((uint8_t *)ref)[i] == ((uint8_t *)got)[i])
			i++;
		printf("  %s %s seed %u byte %zu: tflite %d accel %d (%s)\n",
		       info_only ? "differs (TFLM arithmetic):" : "MISMATCH",
		       opgen_name(k), seed, i, ((int8_t *)ref)[i],
		       ((int8_t *)got)[i], c.desc);
		ok = 0;
	}
	accel_kernels_ruy_rounding = 0;
	if (!ok)
		(*mismatch)++;
	free(ref);
	free(got);
	opgen_free(&c);
	return ok;
}

static void test_sweep(void **state)
{
	(void)state;
	if (!tfl_ref_available())
		skip();
	/* ACCEL_SWEEP_SCALE=N: N times the cases; unset or invalid: 1 */
	long scale = 1;
	(void)tool_parse_int(getenv("ACCEL_SWEEP_SCALE"), 1, 1000, &scale);
	int total = 0, exact = 0, bad = 0;
	for (size_t p = 0; p < sizeof(plan) / sizeof(plan[0]); p++) {
		int n = (int)(plan[p].n * scale), ok = 0;
		for (int i = 0; i < n; i++)
			ok += run_one(plan[p].kind, (uint32_t)(1000 * p + i + 1),
				      i % 8 == 7, &bad);
		printf("  %-18s %4d/%4d bit-exact\n", opgen_name(plan[p].kind),
		       ok, n);
		total += n;
		exact += ok;
	}
	printf("  sweep: %d/%d cases bit-exact vs TFLite 2.9\n", exact, total);
	assert_int_equal(bad, 0);
}

/* Reported, not asserted: where TFLite 2.9 and TFLM arithmetic differ. */
static void test_tflm_only_ops(void **state)
{
	(void)state;
	if (!tfl_ref_available())
		skip();
	enum opgen_kind ks[3] = { GEN_SOFTMAX, GEN_LOGISTIC, GEN_MEAN };
	info_only = 1;
	for (int k = 0; k < 3; k++) {
		int bad = 0, ok = 0;
		for (int i = 0; i < 20; i++)
			ok += run_one(ks[k], (uint32_t)(90000 + 100 * k + i), 0, &bad);
		printf("  %-18s %d/20 equal to TFLite 2.9 (info only)\n",
		       opgen_name(ks[k]), ok);
	}
	info_only = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_tflm_only_ops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
