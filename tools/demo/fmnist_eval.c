// SPDX-License-Identifier: MIT
/*
 * fmnist-eval: top-1 accuracy of a .tflite classifier on the Fashion-MNIST
 * test set, run by libaccel (any backend) or by the toolchain's float
 * reference executor. Prints accuracy, per-image and wall time.
 */
#include <limits.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accel.h"
#include "float_exec.h"
#include "idx.h"
#include "tflite_read.h"
#include "toolutil.h"

#define DEFAULT_DATA "/usr/share/datasets/fashion-mnist"
#define CLASSES 10
#define PIXELS (28 * 28)
/* exit status when the requested libaccel backend is not available */
#define EXIT_NO_BACKEND 3

static void usage(FILE *f)
{
	fprintf(f,
"usage: fmnist-eval MODEL.tflite [options]\n"
"Classify the Fashion-MNIST test set (input = pixel / 255, quantized with\n"
"the model's input parameters for int8 models) and print the accuracy.\n"
"  --engine E        accel (libaccel, default) or float (reference executor)\n"
"  --backend B       libaccel backend: cpu (default), sim, drm, auto\n"
"  --data DIR        IDX files (default " DEFAULT_DATA ")\n"
"  --count N         first N test images (default all)\n"
"  --label TEXT      name printed on the result line (default: model type)\n"
"  --min-accuracy P  exit 1 when the accuracy is below P percent\n"
"  --same-as B       also run every image on backend B and fail unless the\n"
"                    int8 outputs are identical (device vs cpu)\n"
"  --quiet           no progress\n"
"  --help\n"
"Exit status: 0 ok, 1 failure or accuracy too low, 2 usage, 3 backend not\n"
"available.\n");
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int argmax_f(const float *v, int n)
{
	int b = 0;
	for (int i = 1; i < n; i++)
		if (v[i] > v[b])
			b = i;
	return b;
}

struct engine {
	/* libaccel */
	accel_context *ctx;
	accel_network *net;
	struct accel_tensor_info in, out;
	void *in_buf, *out_buf;
	/* float reference */
	struct tfl_model model;
	struct fexec fx;
	bool use_float;
};

static int open_accel(struct engine *e, const char *path, const char *backend)
{
	int b = accel_backend_parse(backend);
	if (b < 0) {
		fprintf(stderr, "fmnist-eval: unknown backend '%s'\n", backend);
		return -1;
	}
	int rc = accel_open(&e->ctx, (enum accel_backend)b);
	if (rc == ACCEL_ERR_BACKEND) {
		fprintf(stderr, "fmnist-eval: %s\n", accel_last_error(e->ctx));
		return EXIT_NO_BACKEND;
	}
	if (rc || accel_load_file(e->ctx, path, &e->net)) {
		fprintf(stderr, "fmnist-eval: %s: %s\n", path,
			accel_last_error(e->ctx));
		return -1;
	}
	if (accel_num_inputs(e->net) != 1 || accel_num_outputs(e->net) != 1 ||
	    accel_input_info(e->net, 0, &e->in) ||
	    accel_output_info(e->net, 0, &e->out)) {
		fprintf(stderr, "fmnist-eval: %s: need one input and one output\n",
			path);
		return -1;
	}
	size_t in_elems = e->in.bytes / (e->in.type == ACCEL_TYPE_FLOAT32 ? 4 : 1);
	size_t out_elems = e->out.bytes / (e->out.type == ACCEL_TYPE_FLOAT32 ? 4 : 1);
	if (in_elems != PIXELS || out_elems != CLASSES ||
	    (e->in.type != ACCEL_TYPE_FLOAT32 && e->in.type != ACCEL_TYPE_INT8) ||
	    (e->out.type != ACCEL_TYPE_FLOAT32 && e->out.type != ACCEL_TYPE_INT8) ||
	    (e->in.type == ACCEL_TYPE_INT8 && !(e->in.quantized && e->in.scale > 0.0f))) {
		fprintf(stderr, "fmnist-eval: %s: want a float32 or quantized int8 input of 784 and an output of 10 elements\n",
			path);
		return -1;
	}
	e->in_buf = malloc(e->in.bytes);
	e->out_buf = malloc(e->out.bytes);
	return e->in_buf && e->out_buf ? 0 : -1;
}

static int open_float(struct engine *e, const char *path)
{
	char err[512];
	e->use_float = true;
	if (tfl_read_file(path, &e->model, err, sizeof(err)) ||
	    fexec_init(&e->fx, &e->model, err, sizeof(err))) {
		fprintf(stderr, "fmnist-eval: %s: %s\n", path, err);
		return -1;
	}
	const struct tfl_model *m = &e->model;
	if (m->n_outputs != 1 ||
	    tfl_tensor_elems(&m->tensors[m->inputs[0]]) != PIXELS ||
	    tfl_tensor_elems(&m->tensors[m->outputs[0]]) != CLASSES) {
		fprintf(stderr, "fmnist-eval: %s: want 784 inputs and 10 outputs\n",
			path);
		return -1;
	}
	return 0;
}

static void close_engine(struct engine *e)
{
	accel_network_free(e->net);
	accel_close(e->ctx);
	free(e->in_buf);
	free(e->out_buf);
	if (e->use_float) {
		fexec_free(&e->fx);
		tfl_model_free(&e->model);
	}
}

/* Class of one image, or -1 on failure. */
static int classify(struct engine *e, const uint8_t *px)
{
	float x[PIXELS];
	for (int i = 0; i < PIXELS; i++)
		x[i] = (float)px[i] / 255.0f;
	if (e->use_float) {
		char err[256];
		if (fexec_run(&e->fx, x, err, sizeof(err))) {
			fprintf(stderr, "fmnist-eval: %s\n", err);
			return -1;
		}
		return argmax_f(fexec_tensor(&e->fx, e->model.outputs[0]),
				CLASSES);
	}
	if (e->in.type == ACCEL_TYPE_FLOAT32) {
		memcpy(e->in_buf, x, sizeof(x));
	} else {
		int8_t *q = e->in_buf;
		for (int i = 0; i < PIXELS; i++) {
			double v = round(x[i] / e->in.scale) + e->in.zero_point;
			q[i] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
		}
	}
	if (accel_set_input(e->net, 0, e->in_buf, e->in.bytes) ||
	    accel_invoke(e->net) ||
	    accel_get_output(e->net, 0, e->out_buf, e->out.bytes)) {
		fprintf(stderr, "fmnist-eval: %s\n", accel_last_error(e->ctx));
		return -1;
	}
	if (e->out.type == ACCEL_TYPE_FLOAT32)
		return argmax_f(e->out_buf, CLASSES);
	const int8_t *o = e->out_buf;
	int b = 0;
	for (int i = 1; i < CLASSES; i++)
		if (o[i] > o[b])
			b = i;
	return b;
}

/* Device counters of the last invoke, summed over the ops. */
struct device_totals {
	uint64_t cycles, macs, dram, compulsory, pe, images;
};

static void add_device_stats(struct engine *e, struct device_totals *t)
{
	int n = accel_profile_count(e->net);
	bool any = false;

	for (int i = 0; i < n; i++) {
		struct accel_device_stats st;

		if (accel_device_stats_get(e->net, i, &st) || !st.unit)
			continue;
		any = true;
		t->cycles += st.cycles;
		t->macs += st.macs;
		t->dram += st.dram_read_bytes + st.dram_write_bytes;
		t->compulsory += st.compulsory_bytes;
		t->pe = (uint64_t)st.array_rows * st.array_cols;
	}
	t->images += any;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "engine", required_argument, NULL, 'e' },
		{ "backend", required_argument, NULL, 'b' },
		{ "data", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "label", required_argument, NULL, 'l' },
		{ "min-accuracy", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "same-as", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	/* keep progress (stderr) and results (stdout) in order when piped */
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *engine = "accel", *backend = "cpu", *data = DEFAULT_DATA;
	const char *label = NULL, *same_as = NULL;
	int count = 0, quiet = 0, c;
	long v;
	double min_acc = -1.0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e': engine = optarg; break;
		case 'b': backend = optarg; break;
		case 'd': data = optarg; break;
		case 'n':
			if (tool_parse_int(optarg, 0, INT_MAX, &v)) {
				usage(stderr);
				return 2;
			}
			count = (int)v;
			break;
		case 'l': label = optarg; break;
		case 'm': min_acc = strtod(optarg, NULL); break;
		case 'q': quiet = 1; break;
		case 's': same_as = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1 || count < 0 ||
	    (strcmp(engine, "accel") && strcmp(engine, "float"))) {
		usage(stderr);
		return 2;
	}
	const char *path = argv[optind];

	char p[4096], err[512];
	struct idx_images im;
	uint8_t *labels;
	int n_labels;
	snprintf(p, sizeof(p), "%s/t10k-images-idx3-ubyte.gz", data);
	if (idx_load_images(p, count, &im, err, sizeof(err))) {
		fprintf(stderr, "fmnist-eval: %s\n", err);
		return 1;
	}
	snprintf(p, sizeof(p), "%s/t10k-labels-idx1-ubyte.gz", data);
	if (idx_load_labels(p, count, &labels, &n_labels, err, sizeof(err)) ||
	    n_labels != im.count || im.rows * im.cols != PIXELS) {
		fprintf(stderr, "fmnist-eval: %s: bad test set\n", data);
		idx_free_images(&im);
		return 1;
	}

	struct engine e = { 0 };
	double t_load = now_s();
	int ret = strcmp(engine, "float") ? open_accel(&e, path, backend) :
		  open_float(&e, path);
	if (ret) {
		close_engine(&e);
		idx_free_images(&im);
		free(labels);
		return ret == EXIT_NO_BACKEND ? EXIT_NO_BACKEND : 1;
	}
	struct engine ref = { 0 };
	if (same_as && !e.use_float && open_accel(&ref, path, same_as)) {
		close_engine(&ref);
		close_engine(&e);
		idx_free_images(&im);
		free(labels);
		return 1;
	}
	char what[64];
	if (e.use_float)
		snprintf(what, sizeof(what), "the float reference executor");
	else
		snprintf(what, sizeof(what), "libaccel %s backend",
			 accel_backend_str(accel_context_backend(e.ctx)));
	if (!label)
		label = e.use_float ? "float" :
			e.in.type == ACCEL_TYPE_INT8 ? "int8" : "model";

	int correct = 0, differ = 0, step = im.count / 4 ? im.count / 4 : 1;
	struct device_totals dev = { 0 };
	double t0 = now_s(), t_infer = 0.0;
	for (int i = 0; i < im.count; i++) {
		double t = now_s();
		int k = classify(&e, im.pixels + (size_t)i * PIXELS);
		t_infer += now_s() - t;
		if (k < 0) {
			ret = 1;
			break;
		}
		if (!e.use_float)
			add_device_stats(&e, &dev);
		if (ref.net) {
			if (classify(&ref, im.pixels + (size_t)i * PIXELS) < 0) {
				ret = 1;
				break;
			}
			differ += memcmp(ref.out_buf, e.out_buf, e.out.bytes) != 0;
		}
		correct += k == labels[i];
		if (!quiet && (i + 1) % step == 0 && i + 1 < im.count)
			fprintf(stderr, "  %s: %d/%d images, %.2f%% so far\n",
				label, i + 1, im.count,
				100.0 * correct / (i + 1));
	}
	double wall = now_s() - t0;
	if (!ret) {
		double acc = im.count ? 100.0 * correct / im.count : 0.0;
		printf("%s accuracy: %.2f%% (%d/%d) on %s; %.3f ms/image, wall %.2f s (load %.1f ms)\n",
		       label, acc, correct, im.count, what,
		       im.count ? 1e3 * t_infer / im.count : 0.0, wall,
		       1e3 * (t0 - t_load));
		if (dev.images)
			printf("%s on the device: %.0f cycles/image, array utilization %.1f%%, "
			       "%.0f DRAM bytes/image (%.2fx compulsory)\n", label,
			       (double)dev.cycles / dev.images,
			       dev.pe && dev.cycles ? 100.0 * dev.macs / ((double)dev.cycles * dev.pe) : 0.0,
			       (double)dev.dram / dev.images,
			       dev.compulsory ? (double)dev.dram / dev.compulsory : 0.0);
		if (ref.net) {
			printf("%s outputs vs %s backend: %d of %d images differ%s\n",
			       label, same_as, differ, im.count,
			       differ ? "" : " (bit-identical)");
			if (differ)
				ret = 1;
		}
		if (acc < min_acc) {
			fprintf(stderr, "fmnist-eval: %s accuracy %.2f%% below the required %.2f%%\n",
				label, acc, min_acc);
			ret = 1;
		}
	}
	close_engine(&ref);
	close_engine(&e);
	idx_free_images(&im);
	free(labels);
	return ret;
}
