/* SPDX-License-Identifier: MIT */
/*
 * bench-cpu: single-thread inference time of libaccel's CPU backend, the
 * TFLite 2.9 C library and XNNPACK on person_detect and MobileNetV2 (from
 * the golden data), per model and per layer. Writes bench/results/cpu.json
 * and cpu.md.
 *
 *   bench-cpu [--iters N] [--shared DIR] [--out DIR]
 */
#include <limits.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accel.h"
#include "flatbuf.h"
#include "kernels/kernels.h"
#ifdef HAVE_XNNPACK
#include "xnn_runner.h"
#include "toolutil.h"
#endif

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double min_ms(const uint64_t *t, int n)
{
	uint64_t m = t[0];
	for (int i = 1; i < n; i++)
		m = t[i] < m ? t[i] : m;
	return (double)m / 1e6;
}

/* median of @n samples (sorted in place) */
static double median_ms(uint64_t *t, int n)
{
	int mid = n / 2;

	qsort(t, (size_t)n, sizeof(*t), cmp_u64);
	return (double)t[mid] / 1e6;
}

/* ---- TFLite 2.9 C library ---- */

typedef struct TfLiteModel TfLiteModel;
typedef struct TfLiteInterpreterOptions TfLiteInterpreterOptions;
typedef struct TfLiteInterpreter TfLiteInterpreter;
typedef struct TfLiteTensor TfLiteTensor;

static struct {
	int ok;
	TfLiteModel *(*model_create)(const void *, size_t);
	void (*model_delete)(TfLiteModel *);
	TfLiteInterpreterOptions *(*opts_create)(void);
	void (*opts_delete)(TfLiteInterpreterOptions *);
	void (*opts_threads)(TfLiteInterpreterOptions *, int32_t);
	TfLiteInterpreter *(*interp_create)(const TfLiteModel *, const TfLiteInterpreterOptions *);
	void (*interp_delete)(TfLiteInterpreter *);
	int (*alloc)(TfLiteInterpreter *);
	int (*invoke)(TfLiteInterpreter *);
	TfLiteTensor *(*input)(const TfLiteInterpreter *, int32_t);
	const TfLiteTensor *(*output)(const TfLiteInterpreter *, int32_t);
	int (*copy_from)(TfLiteTensor *, const void *, size_t);
	int (*copy_to)(const TfLiteTensor *, void *, size_t);
} tfl;

static int tfl_load(void)
{
	const char *env = getenv("DNPU_TFLITE_C");
	void *h = dlopen(env ? env : DNPU_NPM_DIR "/package/cc_deps/linux_amd64/libtensorflowlite_c.so",
			 RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return 0;
#define S(f, n) do { *(void **)&tfl.f = dlsym(h, n); if (!tfl.f) return 0; } while (0)
	S(model_create, "TfLiteModelCreate");
	S(model_delete, "TfLiteModelDelete");
	S(opts_create, "TfLiteInterpreterOptionsCreate");
	S(opts_delete, "TfLiteInterpreterOptionsDelete");
	S(opts_threads, "TfLiteInterpreterOptionsSetNumThreads");
	S(interp_create, "TfLiteInterpreterCreate");
	S(interp_delete, "TfLiteInterpreterDelete");
	S(alloc, "TfLiteInterpreterAllocateTensors");
	S(invoke, "TfLiteInterpreterInvoke");
	S(input, "TfLiteInterpreterGetInputTensor");
	S(output, "TfLiteInterpreterGetOutputTensor");
	S(copy_from, "TfLiteTensorCopyFromBuffer");
	S(copy_to, "TfLiteTensorCopyToBuffer");
#undef S
	tfl.ok = 1;
	return 1;
}

/*
 * TFLite 2.9 refuses person_detect: its rank-1 per-channel bias tensors
 * carry quantized_dimension 3 (TFLM accepts it). For the TFLite run only,
 * patch that field to 0 in a copy of the model; returns tensors patched.
 */
static int patch_bias_quant_dim(uint8_t *p, size_t n)
{
	struct fb_buf b = { p, n };
	struct fb_table root, sg, t, q;
	struct fb_vec sgs, ts, shape;
	int patched = 0;
	if (fb_root(&b, &root) || fb_vec_field(&root, 2, 4, &sgs) || sgs.len < 1 ||
	    fb_vec_table(&sgs, 0, &sg) || fb_vec_field(&sg, 0, 4, &ts))
		return 0;
	for (uint32_t i = 0; i < ts.len; i++) {
		if (fb_vec_table(&ts, i, &t) || fb_vec_field(&t, 0, 4, &shape) ||
		    shape.len != 1 || fb_table_field(&t, 4, &q))
			continue;
		size_t pos = fb_field_pos(&q, 6, 4);
		int32_t qd;
		if (!pos)
			continue;
		memcpy(&qd, p + pos, 4);
		if (qd != 0) {
			qd = 0;
			memcpy(p + pos, &qd, 4);
			patched++;
		}
	}
	return patched;
}

struct model_result {
	const char *name;
	double accel_ms, tfl_ms, xnn_ms;       /* min over iterations */
	double accel_med, tfl_med, xnn_med;    /* median */
	double accel_lsum, xnn_lsum;           /* sum of per-layer minima */
	double accel_isa_ms[3];                /* portable, avx2, vnni (min) */
	int accel_exact, tfl_exact, xnn_agree_top1, tfl_patched;
	int n_layers;
	struct layer {
		int op_index;
		char name[32];
		double accel_ms, xnn_ms;
		int xnn_fallback;
	} layers[128];
};

static int argmax_s8(const int8_t *p, size_t n)
{
	size_t b = 0;
	for (size_t i = 1; i < n; i++)
		if (p[i] > p[b])
			b = i;
	return (int)b;
}

static int bench_model(const char *shared, const char *model, const char *cas,
		       int iters, struct model_result *r)
{
	char path[1024];
	size_t msz, isz, osz;
	snprintf(path, sizeof(path), "%s/golden/models/%s.tflite", shared, model);
	void *mb = tool_read_file(path, &msz);
	snprintf(path, sizeof(path), "%s/golden/%s/%s/input_0.bin", shared, model, cas);
	void *in = tool_read_file(path, &isz);
	snprintf(path, sizeof(path), "%s/golden/%s/%s/output_0.bin", shared, model, cas);
	void *gold = tool_read_file(path, &osz);
	void *out = malloc(osz ? osz : 1);
	uint64_t *t = calloc((size_t)iters, sizeof(uint64_t));
	accel_context *ctx = NULL;
	accel_network *net = NULL;
	int fail = 0;

	if (!mb || !in || !gold) {
		fprintf(stderr, "bench-cpu: missing golden data for %s\n", model);
		fail = 1;
	} else if (!out || !t) {
		fprintf(stderr, "bench-cpu: out of memory\n");
		fail = 1;
	} else if (accel_open(&ctx, ACCEL_BACKEND_CPU) ||
		   accel_load_memory(ctx, mb, msz, &net)) {
		/* libaccel, CPU backend */
		fprintf(stderr, "bench-cpu: libaccel: %s\n", accel_last_error(ctx));
		accel_close(ctx);
		fail = 1;
	}
	if (fail) {
		free(t);
		free(out);
		free(in);
		free(gold);
		free(mb);
		return -1;
	}
	r->name = model;

	accel_set_input(net, 0, in, isz);
	for (int i = 0; i < 3; i++)
		accel_invoke(net);
	int np0 = accel_profile_count(net);
	uint64_t *lmin = calloc((size_t)np0 + 1, sizeof(uint64_t));
	for (int i = 0; i < np0; i++)
		lmin[i] = UINT64_MAX;
	for (int i = 0; i < iters; i++) {
		uint64_t t0 = now_ns();
		accel_invoke(net);
		t[i] = now_ns() - t0;
		for (int k = 0; k < np0; k++) {
			struct accel_op_profile p;
			accel_profile_get(net, k, &p);
			if (p.time_ns < lmin[k])
				lmin[k] = p.time_ns;
		}
	}
	r->accel_ms = min_ms(t, iters);
	r->accel_med = median_ms(t, iters);
	accel_get_output(net, 0, out, osz);
	r->accel_exact = !memcmp(out, gold, osz);
	r->n_layers = 0;
	for (int i = 0; i < np0 && r->n_layers < 128; i++) {
		struct accel_op_profile p;
		accel_profile_get(net, i, &p);
		struct layer *L = &r->layers[r->n_layers++];
		L->op_index = p.op_index;
		snprintf(L->name, sizeof(L->name), "%s", p.op_name);
		L->accel_ms = (double)lmin[i] / 1e6;
		L->xnn_ms = -1;
	}
	free(lmin);
	accel_network_free(net);
	accel_close(ctx);

	/* libaccel again with each lower kernel ISA (whole model only) */
	enum accel_isa best = accel_kernels_isa();
	for (int isa = 0; isa < 3; isa++) {
		r->accel_isa_ms[isa] = -1;
		if (isa > (int)best)
			continue;
		if (isa == (int)best) {
			r->accel_isa_ms[isa] = r->accel_ms;
			continue;
		}
		accel_kernels_set_isa((enum accel_isa)isa);
		if (!accel_open(&ctx, ACCEL_BACKEND_CPU) &&
		    !accel_load_memory(ctx, mb, msz, &net)) {
			accel_set_input(net, 0, in, isz);
			accel_invoke(net);
			int n = iters < 10 ? iters : 10;
			for (int i = 0; i < n; i++) {
				uint64_t t0 = now_ns();
				accel_invoke(net);
				t[i] = now_ns() - t0;
			}
			r->accel_isa_ms[isa] = min_ms(t, n);
			accel_network_free(net);
		}
		accel_close(ctx);
		accel_kernels_set_isa(best);
	}

	/* TFLite 2.9 */
	r->tfl_ms = -1;
	if (tfl.ok) {
		uint8_t *tb = malloc(msz);
		memcpy(tb, mb, msz);
		r->tfl_patched = patch_bias_quant_dim(tb, msz);
		TfLiteModel *tm = tfl.model_create(tb, msz);
		TfLiteInterpreterOptions *o = tfl.opts_create();
		tfl.opts_threads(o, 1);
		TfLiteInterpreter *it = tm ? tfl.interp_create(tm, o) : NULL;
		if (it && !tfl.alloc(it)) {
			tfl.copy_from(tfl.input(it, 0), in, isz);
			for (int i = 0; i < 3; i++)
				tfl.invoke(it);
			for (int i = 0; i < iters; i++) {
				uint64_t t0 = now_ns();
				tfl.invoke(it);
				t[i] = now_ns() - t0;
			}
			r->tfl_ms = min_ms(t, iters);
			r->tfl_med = median_ms(t, iters);
			tfl.copy_to(tfl.output(it, 0), out, osz);
			r->tfl_exact = !memcmp(out, gold, osz);
		}
		if (it)
			tfl.interp_delete(it);
		tfl.opts_delete(o);
		if (tm)
			tfl.model_delete(tm);
		free(tb);
	}

	/* XNNPACK */
	r->xnn_ms = -1;
#ifdef HAVE_XNNPACK
	char err[256];
	struct xnn_net *x = xnn_net_create(mb, msz, err, sizeof(err));
	if (!x) {
		fprintf(stderr, "bench-cpu: xnnpack: %s\n", err);
	} else {
		xnn_net_set_input(x, in, isz);
		for (int i = 0; i < 3; i++)
			xnn_net_invoke(x);
		int nl = xnn_net_layers(x);
		double *acc = calloc((size_t)nl, sizeof(double));
		for (int j = 0; j < nl; j++)
			acc[j] = 1e30;
		for (int i = 0; i < iters; i++) {
			uint64_t t0 = now_ns();
			xnn_net_invoke(x);
			t[i] = now_ns() - t0;
			for (int j = 0; j < nl; j++) {
				int oi, fb;
				const char *nm;
				uint64_t ns;
				xnn_net_layer(x, j, &oi, &nm, &ns, &fb);
				if ((double)ns < acc[j])
					acc[j] = (double)ns;
			}
		}
		r->xnn_ms = min_ms(t, iters);
		r->xnn_med = median_ms(t, iters);
		xnn_net_get_output(x, out, osz);
		r->xnn_agree_top1 = argmax_s8(out, osz) == argmax_s8(gold, osz);
		for (int j = 0; j < nl; j++) {
			int oi, fb;
			const char *nm;
			uint64_t ns;
			xnn_net_layer(x, j, &oi, &nm, &ns, &fb);
			for (int k = 0; k < r->n_layers; k++)
				if (r->layers[k].op_index == oi) {
					r->layers[k].xnn_ms = fb == -1 ? 0 : acc[j] / 1e6;
					r->layers[k].xnn_fallback = fb;
				}
		}
		free(acc);
		xnn_net_free(x);
	}
#endif
	free(t);
	free(out);
	free(in);
	free(gold);
	free(mb);
	return 0;
}

int main(int argc, char **argv)
{
	const char *shared = DNPU_SHARED_DIR;
	const char *outdir = DNPU_SOURCE_DIR "/bench/results";
	int iters = 20;
	for (int i = 1; i < argc; i++) {
		long v;

		if (!strcmp(argv[i], "--iters") && i + 1 < argc &&
		    !tool_parse_int(argv[i + 1], 1, INT_MAX, &v)) {
			iters = (int)v;
			i++;
		} else if (!strcmp(argv[i], "--shared") && i + 1 < argc)
			shared = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			outdir = argv[++i];
		else {
			fprintf(stderr, "usage: bench-cpu [--iters N] [--shared DIR] [--out DIR]\n");
			return 2;
		}
	}
	tfl_load();
	static struct model_result res[2];
	const char *models[2] = { "person_detect", "mobilenet_v2_quantized_1x3x224x224" };
	const char *cases[2] = { "person", "chelsea" };
	for (int i = 0; i < 2; i++)
		if (bench_model(shared, models[i], cases[i], iters, &res[i]))
			return 1;

	char path[1200];
	snprintf(path, sizeof(path), "%s/cpu.json", outdir);
	FILE *j = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/cpu.md", outdir);
	FILE *md = fopen(path, "w");
	if (!j || !md) {
		fprintf(stderr, "bench-cpu: cannot write to %s\n", outdir);
		return 1;
	}
	const char *isa = accel_kernels_isa() == ACCEL_ISA_AVX512VNNI ? "avx512-vnni" :
			  accel_kernels_isa() == ACCEL_ISA_AVX2 ? "avx2" : "portable";
	double load[3] = { 0, 0, 0 };
	if (getloadavg(load, 3) < 0)
		load[0] = -1;
	for (int i = 0; i < 2; i++) {
		res[i].accel_lsum = res[i].xnn_lsum = 0;
		for (int k = 0; k < res[i].n_layers; k++) {
			res[i].accel_lsum += res[i].layers[k].accel_ms;
			if (res[i].layers[k].xnn_ms > 0)
				res[i].xnn_lsum += res[i].layers[k].xnn_ms;
		}
	}
	fprintf(j, "{\n  \"threads\": 1,\n  \"iterations\": %d,\n  \"libaccel_isa\": \"%s\",\n  \"load_average_1min\": %.2f,\n"
		   "  \"statistic\": \"min wall time per invoke over the iterations (median also given); per layer: min; layer_sum = sum of per-layer minima (robust on a loaded machine)\",\n  \"models\": [\n", iters, isa, load[0]);
	fprintf(md, "# CPU inference, single thread\n\nMin of %d invokes (median in parentheses); libaccel kernels: %s; "
		    "1-min load average during the run: %.1f on 2 cores (shared machine, hence min and per-layer sums). "
		    "TFLite 2.9 = libtensorflowlite_c.so from tfjs-tflite-node 0.0.2, 1 thread, default op resolver; "
		    "XNNPACK = Debian libxnnpack 2022-02 QC8/QS8 operators, op by op (TRANSPOSE/RESHAPE/SOFTMAX via libaccel).\n\n", iters, isa, load[0]);
	fprintf(md, "| model | libaccel ms | TFLite 2.9 ms | XNNPACK ms | TFLite/libaccel | libaccel/XNNPACK | per-layer sums libaccel / XNNPACK ms | libaccel output = golden |\n");
	fprintf(md, "|---|---:|---:|---:|---:|---:|---:|---|\n");
	for (int i = 0; i < 2; i++) {
		struct model_result *r = &res[i];
		double tr = r->tfl_ms > 0 ? r->tfl_ms / r->accel_ms : 0;
		double xr = r->xnn_ms > 0 ? r->accel_ms / r->xnn_ms : 0;
		fprintf(md, "| %s | %.3f (%.3f) | %.3f (%.3f) | %.3f (%.3f) | %.2fx | %.2fx | %.3f / %.3f = %.2fx | %s |\n", r->name,
			r->accel_ms, r->accel_med, r->tfl_ms, r->tfl_med, r->xnn_ms, r->xnn_med, tr, xr,
			r->accel_lsum, r->xnn_lsum, r->xnn_lsum > 0 ? r->accel_lsum / r->xnn_lsum : 0,
			r->accel_exact ? "yes (bit-exact)" : "NO");
		fprintf(j, "    {\"model\": \"%s\", \"libaccel_ms\": %.4f, \"tflite_ms\": %.4f, "
			   "\"xnnpack_ms\": %.4f, \"libaccel_median_ms\": %.4f, \"tflite_median_ms\": %.4f, \"xnnpack_median_ms\": %.4f, \"tflite_over_libaccel\": %.3f, "
			   "\"libaccel_over_xnnpack\": %.3f, \"libaccel_portable_ms\": %.4f, \"libaccel_avx2_ms\": %.4f, \"libaccel_layer_sum_ms\": %.4f, \"xnnpack_layer_sum_ms\": %.4f, \"libaccel_bit_exact\": %s, "
			   "\"tflite_equals_golden\": %s, \"xnnpack_top1_agrees\": %s, \"tflite_model_patched_tensors\": %d,\n     \"layers\": [\n",
			r->name, r->accel_ms, r->tfl_ms, r->xnn_ms, r->accel_med, r->tfl_med, r->xnn_med, tr, xr,
			r->accel_isa_ms[0], r->accel_isa_ms[1],
			r->accel_lsum, r->xnn_lsum, r->accel_exact ? "true" : "false", r->tfl_exact ? "true" : "false",
			r->xnn_agree_top1 ? "true" : "false", r->tfl_patched);
		for (int k = 0; k < r->n_layers; k++) {
			struct layer *L = &r->layers[k];
			fprintf(j, "       {\"op\": %d, \"name\": \"%s\", \"libaccel_ms\": %.4f, \"xnnpack_ms\": %.4f, \"xnnpack_via\": \"%s\"}%s\n",
				L->op_index, L->name, L->accel_ms, L->xnn_ms,
				L->xnn_fallback == 1 ? "libaccel-fallback" :
				L->xnn_fallback == -1 ? "folded" : "xnnpack",
				k + 1 < r->n_layers ? "," : "");
		}
		fprintf(j, "     ]}%s\n", i == 0 ? "," : "");
	}
	fprintf(j, "  ]\n}\n");
	for (int i = 0; i < 2; i++) {
		struct model_result *r = &res[i];
		fprintf(md, "\n## %s per layer (ms)\n\n| op | type | libaccel | XNNPACK |\n|---:|---|---:|---:|\n", r->name);
		for (int k = 0; k < r->n_layers; k++) {
			struct layer *L = &r->layers[k];
			char xs[48];
			if (L->xnn_ms < 0)
				snprintf(xs, sizeof(xs), "-");
			else if (L->xnn_fallback == -1)
				snprintf(xs, sizeof(xs), "folded");
			else
				snprintf(xs, sizeof(xs), "%.3f%s", L->xnn_ms,
					 L->xnn_fallback == 1 ? " (libaccel op)" : "");
			fprintf(md, "| %d | %s | %.3f | %s |\n", L->op_index, L->name, L->accel_ms, xs);
		}
	}
	fprintf(md, "\n## libaccel by kernel ISA (whole model, min ms)\n\n| model | portable C | AVX2 | AVX-512 VNNI |\n|---|---:|---:|---:|\n");
	for (int i = 0; i < 2; i++)
		fprintf(md, "| %s | %.3f | %.3f | %.3f |\n", res[i].name, res[i].accel_isa_ms[0],
			res[i].accel_isa_ms[1], res[i].accel_isa_ms[2]);
	fclose(j);
	fclose(md);
	for (int i = 0; i < 2; i++)
		printf("%-36s libaccel %8.3f ms  TFLite %8.3f ms  XNNPACK %8.3f ms  (TFLite/libaccel %.2fx, libaccel/XNNPACK %.2fx) %s\n",
		       res[i].name, res[i].accel_ms, res[i].tfl_ms, res[i].xnn_ms,
		       res[i].tfl_ms / res[i].accel_ms, res[i].accel_ms / res[i].xnn_ms,
		       res[i].accel_exact ? "bit-exact" : "NOT BIT-EXACT");
	return 0;
}
