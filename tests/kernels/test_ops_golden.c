/* SPDX-License-Identifier: MIT */
/*
 * Every operator of the five golden models, one at a time: inputs are the
 * intermediate tensors TFLM's reference kernels produced, the output must
 * equal TFLM's byte for byte (variable tensors: the updated SVDF state
 * too). Runs with the best ISA and with the portable kernels. Skips when
 * the reference data is absent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "kernels/kernels.h"
#include "loader.h"
#include "model.h"
#include "ops/ops.h"
#include "toolutil.h"

static const char *golden_dir(void)
{
	static char dir[1024];
	struct stat sb;
	snprintf(dir, sizeof(dir), "%s/golden", DNPU_SHARED_DIR);
	return stat(dir, &sb) == 0 ? dir : NULL;
}

/* Returns the number of ops checked; fails the test on any mismatch. */
static int run_case(const char *model, const char *cas)
{
	const char *g = golden_dir();
	char path[1200];
	size_t sz;
	snprintf(path, sizeof(path), "%s/models/%s.tflite", g, model);
	void *bytes = tool_read_file(path, &sz);
	assert_non_null(bytes);
	struct accel_model *m = NULL;
	char err[256] = "";
	if (accel_model_load(bytes, sz, &m, err, sizeof(err)))
		fail_msg("load %s: %s", model, err);
	free(bytes);
	void **bufs = calloc((size_t)m->n_tensors, sizeof(void *));
	for (int i = 0; i < m->n_tensors; i++) {
		struct accel_tensor *t = &m->tensors[i];
		if (t->is_const) {
			t->data = (void *)t->const_data;
			continue;
		}
		bufs[i] = calloc(1, t->bytes + 1);
		t->data = bufs[i];
		if (t->is_variable && t->q.count && t->type == ACCEL_DT_INT8)
			memset(t->data, (int)t->q.zero_point[0], t->bytes);
		else if (t->is_variable && t->q.count && t->type == ACCEL_DT_INT16)
			for (size_t k = 0; k < t->bytes / 2; k++)
				((int16_t *)t->data)[k] = (int16_t)t->q.zero_point[0];
	}
	int checked = 0;
	for (int oi = 0; oi < m->n_ops; oi++) {
		struct accel_op *op = &m->ops[oi];
		if (accel_cpu_op_prepare(m, op, err, sizeof(err)))
			fail_msg("%s op %d prepare: %s", model, oi, err);
		for (int i = 0; i < op->n_inputs; i++) {
			int ti = op->inputs[i];
			if (ti < 0 || m->tensors[ti].is_const ||
			    m->tensors[ti].is_variable)
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s/intermediates/t%03d.bin",
				 g, model, cas, ti);
			void *d = tool_read_file(path, &sz);
			if (!d) {
				fail_msg("missing %s", path);
				abort();	/* not reached: fail_msg does not return */
			}
			assert_int_equal(sz, m->tensors[ti].bytes);
			memcpy(m->tensors[ti].data, d, sz);
			free(d);
		}
		if (accel_cpu_op_eval(m, op, err, sizeof(err)))
			fail_msg("%s op %d eval: %s", model, oi, err);
		/* compare outputs and updated variable inputs */
		for (int pass = 0; pass < 2; pass++) {
			int n = pass ? op->n_inputs : op->n_outputs;
			for (int i = 0; i < n; i++) {
				int ti = pass ? op->inputs[i] : op->outputs[i];
				if (ti < 0 || (pass && !m->tensors[ti].is_variable))
					continue;
				struct accel_tensor *t = &m->tensors[ti];
				snprintf(path, sizeof(path),
					 "%s/%s/%s/intermediates/t%03d.bin", g,
					 model, cas, ti);
				void *d = tool_read_file(path, &sz);
				if (!d) {
					fail_msg("missing %s", path);
					abort();	/* not reached: fail_msg does not return */
				}
				assert_int_equal(sz, t->bytes);
				size_t es = accel_dtype_size(t->type);
				for (size_t k = 0; k < sz; k++) {
					if (((uint8_t *)d)[k] != ((uint8_t *)t->data)[k])
						fail_msg("%s/%s op %d (%s) tensor %d: element %zu differs (want byte %d got %d)",
							 model, cas, oi, op->name, ti, k / es, ((int8_t *)d)[k], ((int8_t *)t->data)[k]);
				}
				free(d);
			}
		}
		checked++;
		accel_cpu_op_release(op);
	}
	for (int i = 0; i < m->n_tensors; i++)
		free(bufs[i]);
	free(bufs);
	accel_model_free(m);
	return checked;
}

static void run_model(const char *model)
{
	if (!golden_dir())
		skip();
	char dir[1200];
	snprintf(dir, sizeof(dir), "%s/%s", golden_dir(), model);
	static const char *cases[] = { "person", "no_person", "random_seed1",
				       "yes_1000ms", "chelsea", "x_0.77" };
	enum accel_isa isas[3] = { ACCEL_ISA_AVX512VNNI, ACCEL_ISA_AVX2,
				   ACCEL_ISA_PORTABLE };
	static const char *isa_names[3] = { "vnni", "avx2", "portable" };
	for (int v = 0; v < 3; v++) {
		if (accel_kernels_set_isa(isas[v]) != isas[v])
			continue;
		int ncase = 0;
		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			char p[1400];
			struct stat sb;
			snprintf(p, sizeof(p), "%s/%s/intermediates/index.tsv", dir,
				 cases[c]);
			if (stat(p, &sb))
				continue;
			int n = run_case(model, cases[c]);
			printf("  %s/%s [%s]: %d ops bit-exact\n", model, cases[c],
			       isa_names[v], n);
			ncase++;
		}
		assert_true(ncase > 0);
	}
	accel_kernels_set_isa(ACCEL_ISA_AVX512VNNI);
}

static void test_person_detect(void **s) { (void)s; run_model("person_detect"); }
static void test_mobilenet_v2(void **s) { (void)s; run_model("mobilenet_v2_quantized_1x3x224x224"); }
static void test_micro_speech(void **s) { (void)s; run_model("micro_speech_quantized"); }
static void test_keyword(void **s) { (void)s; run_model("keyword_scrambled_8bit"); }
static void test_hello_world(void **s) { (void)s; run_model("hello_world_int8"); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_world),
		cmocka_unit_test(test_micro_speech),
		cmocka_unit_test(test_keyword),
		cmocka_unit_test(test_person_detect),
		cmocka_unit_test(test_mobilenet_v2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
