/* SPDX-License-Identifier: MIT */
/*
 * Graph planning: schedule validation and repair, arena layout (no two
 * simultaneously live tensors overlap; chain peak is optimal), and the graph
 * passes (PAD folding, RELU fusion, reshape views) give the same results as
 * the unmodified graph.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "accel.h"
#include "loader.h"
#include "models.h"
#include "net.h"
#include "planner.h"
#include "testutil.h"

/* ---- hand-built graphs ---- */

struct hb {
	struct accel_model m;
	struct accel_tensor t[8];
	struct accel_op op[8];
	int in[8][4], out[8][2];
	int gin[2], gout[2];
};

static void hb_init(struct hb *h, int n_tensors, const size_t *bytes)
{
	memset(h, 0, sizeof(*h));
	h->m.tensors = h->t;
	h->m.n_tensors = n_tensors;
	h->m.ops = h->op;
	h->m.inputs = h->gin;
	h->m.outputs = h->gout;
	for (int i = 0; i < n_tensors; i++) {
		h->t[i].name = "t";
		h->t[i].type = ACCEL_DT_INT8;
		h->t[i].rank = 1;
		h->t[i].dims[0] = (int32_t)bytes[i];
		h->t[i].bytes = bytes[i];
	}
}

static void hb_op(struct hb *h, int n_in, const int *in, int out)
{
	int i = h->m.n_ops++;
	memcpy(h->in[i], in, sizeof(int) * (size_t)n_in);
	h->out[i][0] = out;
	h->op[i] = (struct accel_op){ .opcode = ACCEL_OP_ADD, .name = "ADD",
				      .n_inputs = n_in, .n_outputs = 1,
				      .inputs = h->in[i], .outputs = h->out[i] };
}

/* Every pair of arena tensors alive at the same time must not overlap. */
static void check_arena(const struct accel_model *m)
{
	for (int a = 0; a < m->n_tensors; a++) {
		const struct accel_tensor *x = &m->tensors[a];
		if (x->is_const || x->is_variable || x->first_use < 0)
			continue;
		assert_true(x->arena_offset + x->bytes <= m->arena_bytes);
		assert_int_equal(x->arena_offset % ACCEL_ARENA_ALIGN, 0);
		for (int b = a + 1; b < m->n_tensors; b++) {
			const struct accel_tensor *y = &m->tensors[b];
			if (y->is_const || y->is_variable || y->first_use < 0)
				continue;
			if (x->last_use < y->first_use || y->last_use < x->first_use)
				continue;
			if (x->arena_offset == y->arena_offset && x->bytes == y->bytes)
				continue;       /* a reshape view shares storage */
			if (x->arena_offset + x->bytes > y->arena_offset &&
			    y->arena_offset + y->bytes > x->arena_offset)
				fail_msg("tensors %d and %d overlap in the arena", a, b);
		}
	}
}

static void test_chain_arena(void **state)
{
	(void)state;
	struct hb h;
	const size_t sizes[4] = { 100, 200, 50, 300 };
	char err[256];
	hb_init(&h, 4, sizes);
	h.gin[0] = 0;
	h.gout[0] = 3;
	h.m.n_inputs = h.m.n_outputs = 1;
	hb_op(&h, 1, (int[]){ 0 }, 1);
	hb_op(&h, 1, (int[]){ 1 }, 2);
	hb_op(&h, 1, (int[]){ 2 }, 3);
	assert_int_equal(accel_plan(&h.m, NULL, err, sizeof(err)), 0);
	check_arena(&h.m);
	/* peak live set is at op 2: input (kept) + C + D = 112 + 64 + 304 */
	assert_int_equal(h.m.arena_bytes, 480);
	assert_int_equal(h.t[0].first_use, 0);
	assert_int_equal(h.t[0].last_use, 2);
	assert_int_equal(h.t[1].last_use, 1);
}

static void test_schedule_repair(void **state)
{
	(void)state;
	struct hb h;
	const size_t sizes[4] = { 16, 16, 16, 16 };
	char err[256];
	hb_init(&h, 4, sizes);
	h.gin[0] = 0;
	h.gout[0] = 3;
	h.m.n_inputs = h.m.n_outputs = 1;
	/* stored backwards: 2->3, 1->2, 0->1 */
	hb_op(&h, 1, (int[]){ 2 }, 3);
	hb_op(&h, 1, (int[]){ 1 }, 2);
	hb_op(&h, 1, (int[]){ 0 }, 1);
	assert_int_equal(accel_plan(&h.m, NULL, err, sizeof(err)), 0);
	assert_int_equal(h.op[0].outputs[0], 1);
	assert_int_equal(h.op[1].outputs[0], 2);
	assert_int_equal(h.op[2].outputs[0], 3);
	check_arena(&h.m);
}

static void test_schedule_errors(void **state)
{
	(void)state;
	struct hb h;
	const size_t sizes[4] = { 16, 16, 16, 16 };
	char err[256];

	hb_init(&h, 4, sizes);          /* cycle: 1 -> 2 -> 1 */
	h.gin[0] = 0;
	h.gout[0] = 3;
	h.m.n_inputs = h.m.n_outputs = 1;
	hb_op(&h, 2, (int[]){ 0, 2 }, 1);
	hb_op(&h, 1, (int[]){ 1 }, 2);
	hb_op(&h, 1, (int[]){ 2 }, 3);
	assert_int_equal(accel_plan(&h.m, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cycle"));

	hb_init(&h, 4, sizes);          /* tensor 2 is never produced */
	h.gin[0] = 0;
	h.gout[0] = 3;
	h.m.n_inputs = h.m.n_outputs = 1;
	hb_op(&h, 1, (int[]){ 2 }, 3);
	assert_int_equal(accel_plan(&h.m, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no operator produces"));

	hb_init(&h, 4, sizes);          /* two producers of tensor 1 */
	h.gin[0] = 0;
	h.gout[0] = 1;
	h.m.n_inputs = h.m.n_outputs = 1;
	hb_op(&h, 1, (int[]){ 0 }, 1);
	hb_op(&h, 1, (int[]){ 0 }, 1);
	assert_int_equal(accel_plan(&h.m, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "written by operators 0 and 1"));

	hb_init(&h, 4, sizes);          /* writes the graph input */
	h.gin[0] = 0;
	h.gout[0] = 1;
	h.m.n_inputs = h.m.n_outputs = 1;
	hb_op(&h, 1, (int[]){ 1 }, 0);
	assert_int_equal(accel_plan(&h.m, NULL, err, sizeof(err)), -1);

	hb_init(&h, 4, sizes);          /* output nobody produces */
	h.gin[0] = 0;
	h.gout[0] = 3;
	h.m.n_inputs = h.m.n_outputs = 1;
	hb_op(&h, 1, (int[]){ 0 }, 1);
	assert_int_equal(accel_plan(&h.m, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "never produced"));
}

/* ---- graph passes vs the unmodified graph, on the CPU ops ---- */

static accel_network *load(accel_context *ctx, const uint8_t *buf, size_t len,
			   bool passes)
{
	struct accel_plan_opts o = { passes, passes, passes };
	accel_network *net;
	if (accel_load_memory_opts(ctx, buf, len, &o, &net))
		fail_msg("%s", accel_last_error(ctx));
	return net;
}

/* Run both variants on seeded random inputs; outputs must be identical.
 * Returns how many ops the passes removed. */
static int compare_passes(uint8_t *buf, size_t len)
{
	accel_context *ctx;
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_CPU), ACCEL_OK);
	accel_network *a = load(ctx, buf, len, true);
	accel_network *b = load(ctx, buf, len, false);
	struct accel_tensor_info ii, oi;
	assert_int_equal(accel_input_info(a, 0, &ii), ACCEL_OK);
	assert_int_equal(accel_output_info(a, 0, &oi), ACCEL_OK);
	uint8_t *in = malloc(ii.bytes), *ya = malloc(oi.bytes), *yb = malloc(oi.bytes);
	uint32_t x = 12345;
	for (int iter = 0; iter < 20; iter++) {
		for (size_t i = 0; i < ii.bytes; i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			in[i] = (uint8_t)x;
		}
		assert_int_equal(accel_set_input(a, 0, in, ii.bytes), ACCEL_OK);
		assert_int_equal(accel_set_input(b, 0, in, ii.bytes), ACCEL_OK);
		assert_int_equal(accel_invoke(a), ACCEL_OK);
		assert_int_equal(accel_invoke(b), ACCEL_OK);
		assert_int_equal(accel_get_output(a, 0, ya, oi.bytes), ACCEL_OK);
		assert_int_equal(accel_get_output(b, 0, yb, oi.bytes), ACCEL_OK);
		assert_memory_equal(ya, yb, oi.bytes);
	}
	check_arena(accel_network_model(a));
	check_arena(accel_network_model(b));
	assert_int_equal(accel_network_model(b)->n_removed, 0);
	int removed = accel_network_model(a)->n_removed;
	free(in);
	free(ya);
	free(yb);
	accel_network_free(a);
	accel_network_free(b);
	accel_close(ctx);
	free(buf);
	return removed;
}

static void test_fold_pad(void **state)
{
	(void)state;
	for (int dw = 0; dw <= 1; dw++) {
		uint8_t *buf;
		size_t len;
		assert_int_equal(tm_pad_conv(dw, &buf, &len), 0);
		/* check the folded conv's parameters */
		struct accel_model *m;
		char err[256];
		assert_int_equal(accel_model_load(buf, len, &m, err, sizeof(err)), 0);
		assert_int_equal(accel_plan(m, NULL, err, sizeof(err)), 0);
		assert_true(m->ops[0].removed);
		assert_true(m->ops[1].opt.conv.explicit_pad);
		assert_int_equal(m->ops[1].opt.conv.pad_top, 1);
		assert_int_equal(m->ops[1].opt.conv.pad_right, 1);
		assert_int_equal(m->ops[1].inputs[0], m->ops[0].inputs[0]);
		accel_model_free(m);
		assert_int_equal(compare_passes(buf, len), 1);
	}
}

static void test_fuse_relu(void **state)
{
	(void)state;
	for (int r6 = 0; r6 <= 1; r6++) {
		uint8_t *buf;
		size_t len;
		assert_int_equal(tm_conv_relu(r6, &buf, &len), 0);
		struct accel_model *m;
		char err[256];
		assert_int_equal(accel_model_load(buf, len, &m, err, sizeof(err)), 0);
		assert_int_equal(accel_plan(m, NULL, err, sizeof(err)), 0);
		assert_true(m->ops[1].removed);
		assert_int_equal(m->ops[0].opt.conv.act,
				 r6 ? ACCEL_ACT_RELU6 : ACCEL_ACT_RELU);
		assert_int_equal(m->ops[0].outputs[0], m->outputs[0]);
		accel_model_free(m);
		assert_int_equal(compare_passes(buf, len), 1);
	}
}

static void test_reshape_view(void **state)
{
	(void)state;
	uint8_t *buf;
	size_t len;
	assert_int_equal(tm_fc_reshape(&buf, &len), 0);
	assert_int_equal(compare_passes(buf, len), 1);
}

/* The arena invariant on the real models, with and without passes. */
static void test_golden_arenas(void **state)
{
	(void)state;
	static const char *const names[] = {
		"hello_world_int8", "keyword_scrambled_8bit",
		"micro_speech_quantized", "person_detect",
		"mobilenet_v2_quantized_1x3x224x224",
	};
	if (!tu_golden_dir())
		skip();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (int passes = 0; passes <= 1; passes++) {
			size_t len;
			uint8_t *buf = tool_read_file(tu_model_path(names[i]), &len);
			struct accel_model *m;
			struct accel_plan_opts o = { passes, passes, passes };
			char err[256];
			assert_non_null(buf);
			assert_int_equal(accel_model_load_flags(buf, len, ACCEL_LOAD_ANY_OP,
								&m, err, sizeof(err)), 0);
			assert_int_equal(accel_plan(m, &o, err, sizeof(err)), 0);
			check_arena(m);
			accel_model_free(m);
			free(buf);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_arena),
		cmocka_unit_test(test_schedule_repair),
		cmocka_unit_test(test_schedule_errors),
		cmocka_unit_test(test_fold_pad),
		cmocka_unit_test(test_fuse_relu),
		cmocka_unit_test(test_reshape_view),
		cmocka_unit_test(test_golden_arenas),
	};
	return cmocka_run_group_tests_name("planner", tests, NULL, NULL);
}
