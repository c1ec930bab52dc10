/* SPDX-License-Identifier: MIT */
/*
 * TFLite "large model" buffers: Buffer.offset/size pointing at data
 * appended after the flatbuffer instead of an inline data vector. The model
 * is written here by a tiny front-to-back flatbuffer writer: one graph
 * input, one constant tensor (the graph output) held in such a buffer, no
 * operators.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "accel.h"
#include "loader.h"

static const int8_t expect[4] = { 11, -22, 33, -44 };

struct fbw {
	uint8_t b[1024];
	size_t n;
};

static void pad_to(struct fbw *w, size_t a)
{
	while (w->n % a)
		w->b[w->n++] = 0;
}

static size_t put(struct fbw *w, const void *p, size_t n)
{
	size_t at = w->n;
	memcpy(w->b + w->n, p, n);
	w->n += n;
	return at;
}

static void patch(struct fbw *w, size_t field, size_t target)
{
	uint32_t v = (uint32_t)(target - field);
	memcpy(w->b + field, &v, 4);
}

/* Table with fields 0..nf-1 of the given sizes (0 = absent); values are
 * written little-endian; field positions returned in @pos. */
static size_t table(struct fbw *w, int nf, const int *size, const uint64_t *val,
		    size_t *pos)
{
	uint16_t vt[16];
	uint16_t off = 4;
	pad_to(w, 4);
	size_t vtpos = w->n;
	vt[0] = (uint16_t)(4 + 2 * nf);
	for (int i = 0; i < nf; i++) {
		vt[2 + i] = size[i] ? off : 0;
		off = (uint16_t)(off + size[i]);
	}
	vt[1] = off;
	put(w, vt, vt[0]);
	pad_to(w, 4);
	size_t t = w->n;
	int32_t soff = (int32_t)(t - vtpos);
	put(w, &soff, 4);
	for (int i = 0; i < nf; i++) {
		pos[i] = w->n;
		put(w, &val[i], (size_t)size[i]);
	}
	return t;
}

static size_t vec32(struct fbw *w, uint32_t n, const int32_t *v)
{
	pad_to(w, 4);
	size_t at = put(w, &n, 4);
	for (uint32_t i = 0; i < n; i++)
		put(w, v ? &v[i] : &(int32_t){ 0 }, 4);
	return at;
}

static size_t str(struct fbw *w, const char *s)
{
	pad_to(w, 4);
	uint32_t n = (uint32_t)strlen(s);
	size_t at = put(w, &n, 4);
	put(w, s, n + 1);
	return at;
}

/* Writes the model; the data for buffer 1 is placed @gap bytes after the
 * flatbuffer and Buffer.size is @size. Returns the file length. */
static size_t build(struct fbw *w, uint64_t size, size_t gap, int bad_offset)
{
	size_t p[5], sgp[4], tp[2][4], bp[3];
	memset(w, 0, sizeof(*w));
	w->n = 8;
	memcpy(w->b + 4, "TFL3", 4);
	/* Model: version, operator_codes, subgraphs, description, buffers */
	size_t model = table(w, 5, (const int[]){ 4, 4, 4, 0, 4 },
			     (const uint64_t[]){ 3, 0, 0, 0, 0 }, p);
	patch(w, 0, model);
	patch(w, p[1], vec32(w, 0, NULL));
	size_t sgv = vec32(w, 1, NULL);
	patch(w, p[2], sgv);
	size_t bufv = vec32(w, 2, NULL);
	patch(w, p[4], bufv);
	/* SubGraph: tensors, inputs, outputs, operators */
	size_t sg = table(w, 4, (const int[]){ 4, 4, 4, 4 },
			  (const uint64_t[]){ 0, 0, 0, 0 }, sgp);
	patch(w, sgv + 4, sg);
	size_t tv = vec32(w, 2, NULL);
	patch(w, sgp[0], tv);
	patch(w, sgp[1], vec32(w, 1, (const int32_t[]){ 0 }));
	patch(w, sgp[2], vec32(w, 1, (const int32_t[]){ 1 }));
	patch(w, sgp[3], vec32(w, 0, NULL));
	/* Tensors: shape, type (INT8 = 9), buffer, name */
	for (int i = 0; i < 2; i++) {
		size_t t = table(w, 4, (const int[]){ 4, 1, 4, 4 },
				 (const uint64_t[]){ 0, 9, (uint64_t)i, 0 }, tp[i]);
		patch(w, tv + 4 + 4 * (size_t)i, t);
		patch(w, tp[i][0], vec32(w, 1, (const int32_t[]){ 4 }));
		patch(w, tp[i][3], str(w, i ? "weights" : "input"));
	}
	/* Buffers: 0 empty; 1 = offset/size (fields 1 and 2, uint64) */
	size_t b0 = table(w, 0, NULL, NULL, NULL);
	patch(w, bufv + 4, b0);
	size_t b1 = table(w, 3, (const int[]){ 0, 8, 8 },
			  (const uint64_t[]){ 0, 0, size }, bp);
	patch(w, bufv + 8, b1);
	pad_to(w, 16);
	w->n += gap;
	uint64_t off = bad_offset ? 100000 : w->n;
	memcpy(w->b + bp[1], &off, 8);
	put(w, expect, sizeof(expect));
	return w->n;
}

static void test_offset_buffer(void **state)
{
	(void)state;
	struct fbw w;
	size_t len = build(&w, 4, 32, 0);
	struct accel_model *m;
	char err[256] = "";
	if (accel_model_load(w.b, len, &m, err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(m->tensors[1].is_const);
	assert_memory_equal(m->tensors[1].const_data, expect, 4);
	accel_model_free(m);

	/* end to end: the output is the constant */
	accel_context *ctx;
	accel_network *net;
	int8_t out[4];
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_CPU), ACCEL_OK);
	assert_int_equal(accel_load_memory(ctx, w.b, len, &net), ACCEL_OK);
	assert_int_equal(accel_invoke(net), ACCEL_OK);
	assert_int_equal(accel_get_output(net, 0, out, 4), ACCEL_OK);
	assert_memory_equal(out, expect, 4);
	accel_network_free(net);
	accel_close(ctx);
}

static void test_offset_buffer_errors(void **state)
{
	(void)state;
	struct fbw w;
	struct accel_model *m = NULL;
	char err[256] = "";
	size_t len = build(&w, 4, 0, 1);
	assert_int_equal(accel_model_load(w.b, len, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "beyond end of file"));
	len = build(&w, 5, 0, 0);
	assert_int_equal(accel_model_load(w.b, len, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "beyond end of file"));
	len = build(&w, 3, 0, 0);
	assert_int_equal(accel_model_load(w.b, len, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "holds 3 bytes, shape needs 4"));
	/* truncating the appended data */
	len = build(&w, 4, 0, 0);
	assert_int_equal(accel_model_load(w.b, len - 1, &m, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offset_buffer),
		cmocka_unit_test(test_offset_buffer_errors),
	};
	return cmocka_run_group_tests_name("bigbuf", tests, NULL, NULL);
}
