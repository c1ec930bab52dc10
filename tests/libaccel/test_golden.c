/* SPDX-License-Identifier: MIT */
/*
 * Golden tests: every case of every model in ../shared/golden runs on the
 * CPU backend and must match TFLite Micro bit for bit: the outputs and
 * every intermediate tensor of intermediates/index.tsv (compared right after
 * the op producing it ran; variable tensors after the invoke). Each case
 * runs twice: with the graph passes (PAD folding, reshape views) and
 * without, so folded-away tensors are checked too.
 */
#include <limits.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "accel.h"
#include "loader.h"
#include "net.h"
#include "testutil.h"
#include "toolutil.h"

static const char *const models[] = {
	"hello_world_int8", "keyword_scrambled_8bit", "micro_speech_quantized",
	"person_detect", "mobilenet_v2_quantized_1x3x224x224",
};

struct ref_tensor {
	int tensor;
	int producer;
	uint8_t *data;
	size_t bytes;
	bool checked;
};

struct golden_case {
	char name[512];
	struct ref_tensor *refs;
	int n_refs;
	int compared, skipped;
	char failure[1024];     /* first mismatch, "" if none */
};

static long total_compared, total_skipped;

static void free_case(struct golden_case *gc)
{
	for (int i = 0; i < gc->n_refs; i++)
		free(gc->refs[i].data);
	free(gc->refs);
}

/* Parse intermediates/index.tsv and load the tNNN.bin files. */
static int load_refs(const char *casedir, struct golden_case *gc)
{
	char path[8192];
	size_t len;
	snprintf(path, sizeof(path), "%s/intermediates/index.tsv", casedir);
	char *tsv = (char *)tool_read_file(path, &len);
	if (!tsv)
		return -1;
	int cap = 0;
	char *save = NULL;
	for (char *line = strtok_r(tsv, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		long tensor, producer, bytes;
		char file[256];
		/* tensor file name type shape bytes producer ... */
		char *f[8] = { 0 };
		int nf = 0;
		for (char *p = line; nf < 8 && p; nf++) {
			f[nf] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (nf < 7 || tool_parse_int(f[0], 0, INT_MAX, &tensor))
			continue;       /* header */
		snprintf(file, sizeof(file), "%s", f[1]);
		assert_int_equal(tool_parse_int(f[5], 0, LONG_MAX, &bytes), 0);
		assert_int_equal(tool_parse_int(f[6], -1, INT_MAX, &producer), 0);
		if (gc->n_refs == cap) {
			cap = cap ? 2 * cap : 64;
			gc->refs = realloc(gc->refs, (size_t)cap * sizeof(*gc->refs));
		}
		struct ref_tensor *r = &gc->refs[gc->n_refs++];
		memset(r, 0, sizeof(*r));
		r->tensor = (int)tensor;
		r->producer = (int)producer;
		snprintf(path, sizeof(path), "%s/intermediates/%s", casedir, file);
		r->data = tool_read_file(path, &r->bytes);
		assert_non_null(r->data);
		assert_int_equal(r->bytes, (size_t)bytes);
	}
	free(tsv);
	return 0;
}

static const char *fmt_elem(char *buf, size_t n, enum accel_dtype t,
			    const void *p, size_t i)
{
	switch (t) {
	case ACCEL_DT_INT8: snprintf(buf, n, "%d", ((const int8_t *)p)[i]); break;
	case ACCEL_DT_UINT8: snprintf(buf, n, "%u", ((const uint8_t *)p)[i]); break;
	case ACCEL_DT_INT16: snprintf(buf, n, "%d", ((const int16_t *)p)[i]); break;
	case ACCEL_DT_INT32: snprintf(buf, n, "%d", ((const int32_t *)p)[i]); break;
	case ACCEL_DT_FLOAT32: snprintf(buf, n, "%g", (double)((const float *)p)[i]); break;
	default: snprintf(buf, n, "0x%02x", ((const uint8_t *)p)[i]); break;
	}
	return buf;
}

/* Compare tensor @t with @want; on mismatch describe it in gc->failure. */
static bool compare(struct golden_case *gc, const struct accel_model *m,
		    int t, const void *want, size_t bytes, const char *when)
{
	const struct accel_tensor *x = &m->tensors[t];
	if (gc->failure[0])
		return false;   /* report only the first difference */
	if (x->bytes != bytes) {
		snprintf(gc->failure, sizeof(gc->failure),
			 "%s: %s: tensor %d '%s' has %zu bytes, reference %zu",
			 gc->name, when, t, x->name, x->bytes, bytes);
		return false;
	}
	if (memcmp(x->data, want, bytes) == 0) {
		gc->compared++;
		return true;
	}
	size_t es = accel_dtype_size(x->type), n = bytes / es, first = n, ndiff = 0;
	for (size_t i = 0; i < n; i++)
		if (memcmp((const uint8_t *)x->data + i * es,
			   (const uint8_t *)want + i * es, es)) {
			if (first == n)
				first = i;
			ndiff++;
		}
	char got_s[32], want_s[32];
	snprintf(gc->failure, sizeof(gc->failure),
		 "%s: %s: tensor %d '%s' differs: first at element %zu: got %s, want %s (%zu of %zu elements differ)",
		 gc->name, when, t, x->name, first,
		 fmt_elem(got_s, sizeof(got_s), x->type, x->data, first),
		 fmt_elem(want_s, sizeof(want_s), x->type, want, first),
		 ndiff, n);
	return false;
}

static void observe(void *user, accel_network *net, int op_index)
{
	struct golden_case *gc = user;
	struct accel_model *m = accel_network_model(net);
	const struct accel_op *op = &m->ops[op_index];
	for (int k = 0; k < op->n_outputs; k++) {
		int t = op->outputs[k];
		for (int r = 0; r < gc->n_refs; r++) {
			struct ref_tensor *ref = &gc->refs[r];
			if (ref->tensor != t || ref->checked)
				continue;
			ref->checked = true;
			if (!m->tensors[t].data) {
				gc->skipped++;  /* folded away, never materialised */
				continue;
			}
			char when[128];
			snprintf(when, sizeof(when), "op %d (%s%s) output",
				 op_index, op->name, op->removed ? ", view" : "");
			compare(gc, m, t, ref->data, ref->bytes, when);
		}
	}
}

/* Run one case directory; returns false (message in gc) on mismatch. */
static bool run_case(const char *model, const char *casedir, bool passes,
		     struct golden_case *gc)
{
	accel_context *ctx;
	accel_network *net;
	struct accel_plan_opts opts = { passes, passes, passes };
	size_t mlen;
	uint8_t *mbytes = tool_read_file(tu_model_path(model), &mlen);
	assert_non_null(mbytes);
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_CPU), ACCEL_OK);
	int rc = accel_load_memory_opts(ctx, mbytes, mlen, &opts, &net);
	free(mbytes);
	if (rc) {
		snprintf(gc->failure, sizeof(gc->failure), "%s: load: %s",
			 gc->name, accel_last_error(ctx));
		accel_close(ctx);
		return false;
	}
	struct accel_model *m = accel_network_model(net);
	char path[8192];
	for (int i = 0; i < accel_num_inputs(net); i++) {
		size_t len;
		snprintf(path, sizeof(path), "%s/input_%d.bin", casedir, i);
		uint8_t *in = tool_read_file(path, &len);
		assert_non_null(in);
		assert_int_equal(accel_set_input(net, i, in, len), ACCEL_OK);
		free(in);
	}
	/* graph inputs are in the index too (producer -1) */
	for (int r = 0; r < gc->n_refs; r++) {
		struct ref_tensor *ref = &gc->refs[r];
		for (int i = 0; i < m->n_inputs; i++)
			if (ref->tensor == m->inputs[i]) {
				ref->checked = true;
				compare(gc, m, ref->tensor, ref->data, ref->bytes,
					"graph input");
			}
	}
	accel_network_set_observer(net, observe, gc);
	rc = accel_invoke(net);
	if (rc && !gc->failure[0])
		snprintf(gc->failure, sizeof(gc->failure), "%s: invoke: %s",
			 gc->name, accel_last_error(ctx));
	/* variable tensors hold the updated state after the invoke */
	for (int r = 0; r < gc->n_refs && !rc; r++) {
		struct ref_tensor *ref = &gc->refs[r];
		if (!ref->checked && m->tensors[ref->tensor].is_variable) {
			ref->checked = true;
			compare(gc, m, ref->tensor, ref->data, ref->bytes,
				"variable after invoke");
		}
	}
	for (int r = 0; r < gc->n_refs && !rc && !gc->failure[0]; r++)
		if (!gc->refs[r].checked)
			snprintf(gc->failure, sizeof(gc->failure),
				 "%s: reference tensor %d was never produced",
				 gc->name, gc->refs[r].tensor);
	for (int i = 0; i < accel_num_outputs(net) && !rc; i++) {
		size_t len;
		snprintf(path, sizeof(path), "%s/output_%d.bin", casedir, i);
		uint8_t *want = tool_read_file(path, &len);
		assert_non_null(want);
		compare(gc, m, m->outputs[i], want, len, "graph output");
		free(want);
	}
	accel_network_free(net);
	accel_close(ctx);
	return !gc->failure[0];
}

static void test_model(void **state)
{
	const char *model = *state;
	const char *golden = tu_golden_dir();
	if (!golden) {
		print_message("golden data not found under %s, skipping\n",
			      DNPU_SHARED_DIR);
		skip();
	}
	char dir[4096], casedir[4608], probe[4700];
	snprintf(dir, sizeof(dir), "%s/%s", golden, model);
	DIR *d = opendir(dir);
	assert_non_null(d);
	char *names[64];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		snprintf(probe, sizeof(probe), "%s/%s/intermediates/index.tsv",
			 dir, e->d_name);
		if (e->d_name[0] != '.' && tu_exists(probe))
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	assert_true(n > 0);
	int failures = 0;
	for (int i = 0; i < n; i++) {
		for (int passes = 1; passes >= 0; passes--) {
			struct golden_case gc = { 0 };
			snprintf(casedir, sizeof(casedir), "%s/%s", dir, names[i]);
			snprintf(gc.name, sizeof(gc.name), "%s/%s%s", model,
				 names[i], passes ? "" : " (no graph passes)");
			assert_int_equal(load_refs(casedir, &gc), 0);
			if (run_case(model, casedir, passes, &gc)) {
				print_message("ok   %s: %d tensors bit-exact, %d folded away\n",
					      gc.name, gc.compared, gc.skipped);
			} else {
				print_message("FAIL %s\n", gc.failure);
				failures++;
			}
			total_compared += gc.compared;
			total_skipped += gc.skipped;
			free_case(&gc);
		}
		free(names[i]);
	}
	assert_int_equal(failures, 0);
}

/* hello_world: all 256 int8 inputs (one network, the model is stateless). */
static void test_hello_sweep(void **state)
{
	(void)state;
	const char *golden = tu_golden_dir();
	if (!golden)
		skip();
	char path[4200];
	size_t nin, nout;
	snprintf(path, sizeof(path), "%s/hello_world_int8/sweep_all_int8/sweep_inputs.bin", golden);
	uint8_t *in = tool_read_file(path, &nin);
	snprintf(path, sizeof(path), "%s/hello_world_int8/sweep_all_int8/sweep_outputs.bin", golden);
	uint8_t *out = tool_read_file(path, &nout);
	assert_non_null(in);
	assert_non_null(out);
	assert_int_equal(nin, 256);
	assert_int_equal(nout, 256);
	accel_context *ctx;
	accel_network *net;
	assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_CPU), ACCEL_OK);
	if (accel_load_file(ctx, tu_model_path("hello_world_int8"), &net))
		fail_msg("%s", accel_last_error(ctx));
	int bad = 0;
	for (int k = 0; k < 256; k++) {
		int8_t y;
		assert_int_equal(accel_set_input(net, 0, &in[k], 1), ACCEL_OK);
		if (accel_invoke(net))
			fail_msg("%s", accel_last_error(ctx));
		assert_int_equal(accel_get_output(net, 0, &y, 1), ACCEL_OK);
		if ((uint8_t)y != out[k] && bad++ < 5)
			print_message("input %d: got %d want %d\n", (int8_t)in[k],
				      y, (int8_t)out[k]);
	}
	print_message("hello_world sweep: %d/256 outputs differ\n", bad);
	assert_int_equal(bad, 0);
	accel_network_free(net);
	accel_close(ctx);
	free(in);
	free(out);
}

/* TFLM's arena_used_bytes for a model, from one of its case.json files. */
static long tflm_arena(const char *golden, const char *model)
{
	char dir[4096], path[4700];
	snprintf(dir, sizeof(dir), "%s/%s", golden, model);
	DIR *d = opendir(dir);
	long best = -1;
	struct dirent *e;
	while (d && (e = readdir(d)) && best < 0) {
		size_t len;
		snprintf(path, sizeof(path), "%s/%s/case.json", dir, e->d_name);
		char *s = (char *)tool_read_file(path, &len);
		if (!s)
			continue;
		char *p = strstr(s, "arena_used_bytes=");	/* s ends in NUL */
		if (p)
			best = strtol(p + strlen("arena_used_bytes="), NULL, 10);
		free(s);
	}
	if (d)
		closedir(d);
	return best;
}

/*
 * The planned activation arena plus variable state must stay within 10% of
 * TFLM's arena (which holds the same plus TFLM's own per-op data). Op
 * scratch (prepared parameters, im2col buffers; allocated by the ops layer,
 * not planned) is printed for information.
 */
static void test_arena_vs_tflm(void **state)
{
	(void)state;
	const char *golden = tu_golden_dir();
	if (!golden)
		skip();
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		accel_context *ctx;
		accel_network *net;
		long tflm = tflm_arena(golden, models[i]);
		assert_true(tflm > 0);
		assert_int_equal(accel_open(&ctx, ACCEL_BACKEND_CPU), ACCEL_OK);
		if (accel_load_file(ctx, tu_model_path(models[i]), &net))
			fail_msg("%s", accel_last_error(ctx));
		size_t ours = accel_arena_bytes(net) + accel_persistent_bytes(net);
		size_t scratch = net->scratch_bytes;
		print_message("%-36s arena %8zu + state %5zu = %8zu  TFLM %8ld  (%3.0f%%)  [op scratch %zu]\n",
			      models[i], accel_arena_bytes(net),
			      accel_persistent_bytes(net), ours, tflm,
			      100.0 * (double)ours / (double)tflm, scratch);
		assert_true((double)ours <= 1.10 * (double)tflm);
		accel_network_free(net);
		accel_close(ctx);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		{ "hello_world_int8", test_model, NULL, NULL, (void *)models[0] },
		{ "keyword_scrambled_8bit", test_model, NULL, NULL, (void *)models[1] },
		{ "micro_speech_quantized", test_model, NULL, NULL, (void *)models[2] },
		{ "person_detect", test_model, NULL, NULL, (void *)models[3] },
		{ "mobilenet_v2", test_model, NULL, NULL, (void *)models[4] },
		cmocka_unit_test(test_hello_sweep),
		cmocka_unit_test(test_arena_vs_tflm),
	};
	int rc = cmocka_run_group_tests_name("golden", tests, NULL, NULL);
	print_message("golden: %ld tensors compared bit-exactly, %ld folded away (not materialised)\n",
		      total_compared, total_skipped);
	return rc;
}
