/* SPDX-License-Identifier: MIT */
/*
 * Golden cross-check: every CONV_2D and DEPTHWISE_CONV_2D layer (and the
 * AVERAGE_POOL_2D) of person_detect, lowered to command streams and run on
 * the C model from the layer's TFLM input tensor, must reproduce TFLM's
 * output tensor byte for byte. Weights, biases and quantization come from
 * the .tflite; quantized multipliers are computed as TFLM's per-channel
 * prepare does.
 *
 * Usage: test_cmodel_golden SHARED_DIR  (skips when the data is absent)
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
#include "toolutil.h"

#define OP_AVERAGE_POOL_2D	TFL_OP_AVERAGE_POOL_2D
#define OP_CONV_2D		TFL_OP_CONV_2D
#define OP_DEPTHWISE_CONV_2D	TFL_OP_DEPTHWISE_CONV_2D

static const char *shared_dir;

static uint8_t *read_tensor(const char *cs, int idx, size_t expect)
{
	char path[1024];
	size_t n;
	snprintf(path, sizeof(path),
		 "%s/golden/person_detect/%s/intermediates/t%03d.bin",
		 shared_dir, cs, idx);
	uint8_t *b = tool_read_file(path, &n);
	assert_non_null(b);
	assert_int_equal(n, expect);
	return b;
}

static size_t elems(const struct tfl_tensor *t)
{
	size_t n = 1;
	for (int i = 0; i < t->rank; i++)
		n *= (size_t)t->dims[i];
	return n;
}

static struct tfl_tensor tin, tout;
static uint64_t sum_cycles, sum_macs, sum_dram;

/* one conv / depthwise layer; returns output bytes compared */
static size_t run_conv(struct env *e, const struct tfl_model *m,
		       const struct tfl_op *op, const char *cs)
{
	struct tfl_layer t;
	const char *why;

	if (tfl_layer_get(m, op, &t, &why))
		fail_msg("layer not lowerable: %s", why);
	assert_int_equal(t.batch, 1);
	const struct conv_layer *l = &t.l;
	uint8_t *in = read_tensor(cs, op->inputs[0], t.in_bytes);
	uint8_t *golden = read_tensor(cs, op->outputs[0], t.out_bytes);
	assert_int_equal(lower_conv(e, l, (const int8_t *)in), 0);
	memset(env_at(e, 2, 0), 0x5c, t.out_bytes);
	struct dnpu_cmodel_result r;
	assert_int_equal(env_run(e, &r), DNPU_JOB_OK);
	assert_memory_equal(env_at(e, 2, 0), golden, t.out_bytes);
	sum_cycles += r.stats.cycles;
	sum_macs += r.stats.macs;
	sum_dram += r.stats.dram_rd_bytes + r.stats.dram_wr_bytes;
	if (!l->depthwise)
		assert_int_equal(r.stats.macs, (uint64_t)l->oh * l->ow * l->oc *
				 l->kh * l->kw * l->ic);
	size_t n = t.out_bytes;
	free(in);
	free(golden);
	tfl_layer_free(&t);
	return n;
}

static size_t run_avgpool(struct env *e, const struct tfl_model *m,
			  const struct tfl_op *op, const char *cs)
{
	uint32_t w[16];
	assert_int_equal(tfl_get_tensor(m, op->inputs[0], &tin), 0);
	assert_int_equal(tfl_get_tensor(m, op->outputs[0], &tout), 0);
	int ih = tin.dims[1], iw = tin.dims[2], c = tin.dims[3];
	int oh = tout.dims[1], ow = tout.dims[2];
	bool same = tfl_field_u8(m, op->options, 0, 0) == 0;
	int sw = tfl_field_i32(m, op->options, 1, 1);
	int sh = tfl_field_i32(m, op->options, 2, 1);
	int fw = tfl_field_i32(m, op->options, 3, 1);
	int fh = tfl_field_i32(m, op->options, 4, 1);
	int act = tfl_field_u8(m, op->options, 5, 0);
	int32_t amin, amax;
	lower_act_range(act, tout.scale[0], (int32_t)tout.zero_point[0], &amin, &amax);

	size_t in_bytes = elems(&tin), out_bytes = elems(&tout);
	uint8_t *in = read_tensor(cs, op->inputs[0], in_bytes);
	uint8_t *golden = read_tensor(cs, op->outputs[0], out_bytes);
	memcpy(env_at(e, 1, 0), in, in_bytes);
	e->ncmd = 0;
	cmd_load1(w, DNPU_CMD_PUSH_NEXT, 1, DNPU_SPAD_IN, 0, 0, (uint32_t)in_bytes);
	env_emit(e, w);
	memset(w, 0, sizeof(w));
	w[0] = DNPU_CMD_W0(DNPU_OP_NMC_POOL, DNPU_CMD_POP_PREV | DNPU_CMD_PUSH_NEXT,
			   DNPU_POOL_F_AVG);
	w[1] = DNPU_PAIR(ih, iw);
	w[2] = DNPU_PAIR(oh, ow);
	w[3] = (uint32_t)c;
	w[4] = (uint32_t)fh | (uint32_t)fw << 8 | (uint32_t)sh << 16 |
	       (uint32_t)sw << 24;
	w[5] = DNPU_PAIR(lower_pad_before(same, ih, fh, sh, 1, oh),
			 lower_pad_before(same, iw, fw, sw, 1, ow));
	w[6] = DNPU_SPAD_IN | DNPU_SPAD_OUT << 8;
	w[8] = (uint32_t)(iw * c);
	w[10] = (uint32_t)(ow * c);
	w[11] = (uint32_t)(uint8_t)amin | (uint32_t)(uint8_t)amax << 8;
	env_emit(e, w);
	cmd_store1(w, DNPU_CMD_POP_PREV, 2, DNPU_SPAD_OUT, 0, 0, (uint32_t)out_bytes);
	env_emit(e, w);
	cmd_simple(w, DNPU_OP_END, 0);
	env_emit(e, w);
	struct dnpu_cmodel_result r;
	assert_int_equal(env_run(e, &r), DNPU_JOB_OK);
	assert_memory_equal(env_at(e, 2, 0), golden, out_bytes);
	free(in);
	free(golden);
	return out_bytes;
}

static void run_case(const char *cs, bool small)
{
	char path[1024];
	size_t size;
	struct tfl_model m;
	unsigned convs = 0, dws = 0, pools = 0;
	size_t bytes = 0;

	snprintf(path, sizeof(path), "%s/golden/models/person_detect.tflite",
		 shared_dir);
	uint8_t *buf = tool_read_file(path, &size);
	assert_non_null(buf);
	assert_int_equal(tfl_open(&m, buf, size), 0);
	struct env *e = env_new(small);
	sum_cycles = sum_macs = sum_dram = 0;
	for (int i = 0; i < tfl_op_count(&m); i++) {
		struct tfl_op op;
		assert_int_equal(tfl_get_op(&m, i, &op), 0);
		if (op.builtin == OP_CONV_2D) {
			bytes += run_conv(e, &m, &op, cs);
			convs++;
		} else if (op.builtin == OP_DEPTHWISE_CONV_2D) {
			bytes += run_conv(e, &m, &op, cs);
			dws++;
		} else if (op.builtin == OP_AVERAGE_POOL_2D) {
			bytes += run_avgpool(e, &m, &op, cs);
			pools++;
		}
	}
	printf("person_detect/%s (%s): %u CONV_2D, %u DEPTHWISE_CONV_2D, "
	       "%u AVERAGE_POOL_2D layers, %zu output bytes identical\n",
	       cs, small ? "4x4" : "16x16", convs, dws, pools, bytes);
	const struct dnpu_cmodel_config *cfg = dnpu_cmodel_config(e->m);
	printf("  cycle model, CONV+DW layers: %llu cycles, %llu array MACs (%.1f%% of "
	       "%ux%u peak), %llu DRAM bytes\n", (unsigned long long)sum_cycles,
	       (unsigned long long)sum_macs,
	       100.0 * (double)sum_macs / ((double)sum_cycles * cfg->rows * cfg->cols),
	       cfg->rows, cfg->cols, (unsigned long long)sum_dram);
	assert_int_equal(convs, 14);
	assert_int_equal(dws, 14);
	assert_int_equal(pools, 1);
	env_free(e);
	free(buf);
}

static int have_data(void)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/golden/models/person_detect.tflite",
		 shared_dir);
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	fclose(f);
	return 1;
}

static void test_person(void **s)
{
	(void)s;
	if (!have_data())
		skip();
	run_case("person", false);
	run_case("person", true);
}

static void test_no_person(void **s)
{
	(void)s;
	if (!have_data())
		skip();
	run_case("no_person", false);
}

static void test_random_seed1(void **s)
{
	(void)s;
	if (!have_data())
		skip();
	run_case("random_seed1", true);
}

int main(int argc, char **argv)
{
	shared_dir = argc > 1 ? argv[1] : "../shared";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_person),
		cmocka_unit_test(test_no_person),
		cmocka_unit_test(test_random_seed1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
