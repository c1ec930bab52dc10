/* SPDX-License-Identifier: MIT */
/*
 * Random small CONV_2D and DEPTHWISE_CONV_2D layers lowered to command
 * streams (lower_conv.c) and run on the C model, compared bit for bit with
 * the TFLite reference kernels in ref_conv(), on the default and the small
 * configuration (the latter forces row and output-channel tiling).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lower_conv.h"

static uint64_t rs;
static unsigned sliced;

static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs >> 16);
}

static int rnd_in(int lo, int hi)
{
	return lo + (int)(rnd() % (uint32_t)(hi - lo + 1));
}

static float rnd_scale(float lo, float hi)
{
	return lo + (hi - lo) * (float)(rnd() % 10000) / 10000.0f;
}

static void one_layer(struct env *e, unsigned seed, bool depthwise,
		      unsigned *tiled)
{
	struct conv_layer l;
	memset(&l, 0, sizeof(l));
	rs = seed * 0x9e3779b97f4a7c15ull + 7;
	l.depthwise = depthwise;
	l.ih = rnd_in(1, 14);
	l.iw = rnd_in(1, 14);
	l.ic = depthwise ? rnd_in(1, 24) : rnd_in(1, 40);
	l.dm = depthwise ? rnd_in(1, 3) : 1;
	l.oc = depthwise ? l.ic * l.dm : rnd_in(1, 48);
	l.kh = rnd_in(1, 3);
	l.kw = rnd_in(1, 3);
	l.sh = rnd_in(1, 3);
	l.sw = rnd_in(1, 3);
	l.dh = rnd_in(1, 2);
	l.dw = rnd_in(1, 2);
	bool same = rnd() & 1;
	int ekh = (l.kh - 1) * l.dh + 1, ekw = (l.kw - 1) * l.dw + 1;
	if (!same && (ekh > l.ih || ekw > l.iw))
		same = true;
	l.oh = same ? (l.ih + l.sh - 1) / l.sh : (l.ih - ekh) / l.sh + 1;
	l.ow = same ? (l.iw + l.sw - 1) / l.sw : (l.iw - ekw) / l.sw + 1;
	l.pad_top = lower_pad_before(same, l.ih, l.kh, l.sh, l.dh, l.oh);
	l.pad_left = lower_pad_before(same, l.iw, l.kw, l.sw, l.dw, l.ow);

	int k = l.kh * l.kw * (depthwise ? 1 : l.ic);
	int8_t *wts = malloc((size_t)k * l.oc);
	int32_t *bias = malloc(sizeof(int32_t) * (size_t)l.oc);
	int32_t *mult = malloc(sizeof(int32_t) * (size_t)l.oc);
	int32_t *shift = malloc(sizeof(int32_t) * (size_t)l.oc);
	float *fs = malloc(sizeof(float) * (size_t)l.oc);
	int8_t *in = malloc((size_t)l.ih * l.iw * l.ic);
	int8_t *out = malloc((size_t)l.oh * l.ow * l.oc);
	int8_t *ref = malloc((size_t)l.oh * l.ow * l.oc);
	for (int i = 0; i < k * l.oc; i++)
		wts[i] = (int8_t)rnd();
	for (int i = 0; i < l.ih * l.iw * l.ic; i++)
		in[i] = (int8_t)rnd();
	for (int i = 0; i < l.oc; i++) {
		bias[i] = rnd_in(-20000, 20000);
		fs[i] = rnd_scale(0.001f, 0.05f);
	}
	float in_scale = rnd_scale(0.005f, 0.1f), out_scale = rnd_scale(0.01f, 0.5f);
	lower_quant_params(in_scale, fs, l.oc, out_scale, l.oc, mult, shift);
	l.in_zp = rnd_in(-128, 127);
	l.out_zp = rnd_in(-128, 127);
	static const int acts[3] = { 0, 1, 3 };
	lower_act_range(acts[rnd() % 3], out_scale, l.out_zp, &l.act_min, &l.act_max);
	if (rnd() & 1)
		l.max_tile_rows = rnd_in(1, 3);
	if ((rnd() & 1) && (!depthwise || !same))
		l.max_chunk_channels = rnd_in(1, 20);
	l.weights = wts;
	l.bias = (rnd() % 8) ? bias : NULL;
	l.mult = mult;
	l.shift = shift;

	ref_conv(&l, in, ref);
	assert_int_equal(lower_conv(e, &l, in), 0);
	memset(env_at(e, 2, 0), 0x77, (size_t)l.oh * l.ow * l.oc + 64);
	struct dnpu_cmodel_result r;
	uint32_t st = env_run(e, &r);
	if (st != DNPU_JOB_OK)
		fprintf(stderr, "seed %u: %s at cmd %u\n", seed,
			dnpu_fault_name(st), r.fault_cmd);
	assert_int_equal(st, DNPU_JOB_OK);
	if (memcmp(env_at(e, 2, 0), ref, (size_t)l.oh * l.ow * l.oc) != 0)
		fprintf(stderr, "seed %u dw %d: %dx%dx%d -> %dx%dx%d k %dx%d s %d,%d d %d,%d\n",
			seed, depthwise, l.ih, l.iw, l.ic, l.oh, l.ow, l.oc,
			l.kh, l.kw, l.sh, l.sw, l.dh, l.dw);
	assert_memory_equal(env_at(e, 2, 0), ref, (size_t)l.oh * l.ow * l.oc);
	/* nothing written past the output tensor */
	assert_int_equal(env_at(e, 2, 0)[l.oh * l.ow * l.oc], 0x77);
	if (!depthwise)
		assert_int_equal(r.stats.macs, (uint64_t)l.oh * l.ow * l.oc * k);
	if (r.stats.cmds[DNPU_OP_STORE] > 1)
		(*tiled)++;
	if (depthwise && l.max_chunk_channels && l.max_chunk_channels < l.ic)
		sliced++;
	free(wts); free(bias); free(mult); free(shift); free(fs);
	free(in); free(out); free(ref);
}

static void run_many(bool small, bool depthwise)
{
	struct env *e = env_new(small);
	unsigned tiled = 0, n = 250;
	for (unsigned s = 0; s < n; s++)
		one_layer(e, s + (depthwise ? 100000 : 0) + (small ? 5000 : 0),
			  depthwise, &tiled);
	printf("%s %s: %u layers, %u tiled, %u in channel slices\n",
	       small ? "4x4" : "16x16", depthwise ? "depthwise" : "conv", n,
	       tiled, sliced);
	if (depthwise)
		assert_true(sliced > n / 20);
	sliced = 0;
	assert_true(tiled > n / 4);
	env_free(e);
}

static void test_conv_default(void **s) { (void)s; run_many(false, false); }
static void test_conv_small(void **s) { (void)s; run_many(true, false); }
static void test_dw_default(void **s) { (void)s; run_many(false, true); }
static void test_dw_small(void **s) { (void)s; run_many(true, true); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conv_default),
		cmocka_unit_test(test_conv_small),
		cmocka_unit_test(test_dw_default),
		cmocka_unit_test(test_dw_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
