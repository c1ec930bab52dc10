/* SPDX-License-Identifier: MIT */
/*
 * The generated one-op sweep (tests/kernels/opgen: shapes, strides,
 * padding, dilation, channels 1..256, per-channel scales, activations,
 * depth multipliers) on the sim backend with every supported op forced
 * onto the device: outputs must equal the CPU backend's byte for byte (the
 * CPU backend is held to TFLite by tests/kernels' sweep).
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
#include "opgen.h"

/* Run @c on @backend; returns ops the device ran, or -1 on failure. */
static int run(const struct opgen_case *c, enum accel_backend backend,
	       void *out)
{
	accel_context *ctx;
	accel_network *net;
	int dev = 0;

	if (accel_open(&ctx, backend) != ACCEL_OK)
		return -1;
	if (accel_load_memory(ctx, c->model, c->size, &net) != ACCEL_OK) {
		print_error("load (%s): %s\n", c->desc, accel_last_error(ctx));
		accel_close(ctx);
		return -1;
	}
	for (int i = 0; i < c->n_in; i++)
		if (accel_set_input(net, i, c->in[i], c->in_bytes[i]) != ACCEL_OK)
			dev = -1;
	if (dev == 0 && (accel_invoke(net) != ACCEL_OK ||
			 accel_get_output(net, 0, out, c->out_bytes) != ACCEL_OK)) {
		print_error("run (%s): %s\n", c->desc, accel_last_error(ctx));
		dev = -1;
	}
	for (int i = 0; dev >= 0 && i < accel_profile_count(net); i++) {
		struct accel_op_profile p;

		accel_profile_get(net, i, &p);
		dev += !strcmp(p.backend, "sim");
	}
	accel_network_free(net);
	accel_close(ctx);
	return dev;
}

static void sweep(enum opgen_kind kind, int cases)
{
	int on_device = 0;

	for (int i = 0; i < cases; i++) {
		struct opgen_case c;

		assert_int_equal(opgen_make(kind, (uint32_t)(7000 + i), i % 8 == 7, &c), 0);
		void *ref = calloc(1, c.out_bytes + 1), *got = calloc(1, c.out_bytes + 1);
		assert_true(run(&c, ACCEL_BACKEND_CPU, ref) >= 0);
		int dev = run(&c, ACCEL_BACKEND_SIM, got);
		assert_true(dev >= 0);
		on_device += dev > 0;
		if (memcmp(ref, got, c.out_bytes)) {
			size_t k = 0;

			while (((uint8_t *)ref)[k] == ((uint8_t *)got)[k])
				k++;
			print_error("%s: byte %zu: cpu %d sim %d (%s)\n",
				    opgen_name(kind), k, ((int8_t *)ref)[k],
				    ((int8_t *)got)[k], c.desc);
			fail();
		}
		free(ref);
		free(got);
		opgen_free(&c);
	}
	print_message("%-10s %3d/%3d cases identical, %d ran on the device\n",
		      opgen_name(kind), cases, cases, on_device);
	/* most generated shapes fit the device (broadcasting adds do not) */
	assert_true(on_device > cases / 3);
}

static void test_conv(void **s) { (void)s; sweep(GEN_CONV, 150); }
static void test_depthwise(void **s) { (void)s; sweep(GEN_DEPTHWISE, 150); }
static void test_fc(void **s) { (void)s; sweep(GEN_FC, 80); }
static void test_add(void **s) { (void)s; sweep(GEN_ADD, 60); }
static void test_avgpool(void **s) { (void)s; sweep(GEN_AVGPOOL, 60); }
static void test_maxpool(void **s) { (void)s; sweep(GEN_MAXPOOL, 60); }
static void test_mean(void **s) { (void)s; sweep(GEN_MEAN, 40); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conv),
		cmocka_unit_test(test_depthwise),
		cmocka_unit_test(test_fc),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_avgpool),
		cmocka_unit_test(test_maxpool),
		cmocka_unit_test(test_mean),
	};
	/* whatever the device supports runs there, however small */
	setenv("ACCEL_PLACEMENT", "device", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
