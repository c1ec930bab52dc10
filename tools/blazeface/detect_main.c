// SPDX-License-Identifier: MIT
/* blazeface-detect: faces in a PNG with the BlazeFace short-range model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_pipeline.h"
#include "float_exec.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: blazeface-detect MODEL.tflite IMAGE.png [--backend cpu|sim|drm|auto] [--float]\n"
		"  Runs MediaPipe's BlazeFace short-range detector on IMAGE (stretched\n"
		"  to 128x128) and prints one line per face, best first:\n"
		"    face SCORE XMIN YMIN XMAX YMAX   (coordinates in [0,1] of the image)\n"
		"  MODEL is int8 (run by libaccel on --backend, default cpu), or with\n"
		"  --float the float model (run by the toolchain's float executor).\n");
}

static int run_float(const char *path, const float *input, float *reg,
		     float *cls)
{
	struct tfl_model m;
	struct fexec e;
	char err[256];
	int ret = -1;
	if (bf_load_float(path, &m, err, sizeof(err))) {
		fprintf(stderr, "blazeface-detect: %s\n", err);
		return -1;
	}
	if (fexec_init(&e, &m, err, sizeof(err)) ||
	    fexec_run(&e, input, err, sizeof(err))) {
		fprintf(stderr, "blazeface-detect: %s\n", err);
		goto out;
	}
	int got = 0;
	for (int i = 0; i < m.n_outputs; i++) {
		size_t n = tfl_tensor_elems(&m.tensors[m.outputs[i]]);
		const float *v = fexec_tensor(&e, m.outputs[i]);
		if (n == (size_t)BF_ANCHORS * BF_COORDS) {
			memcpy(reg, v, n * sizeof(float));
			got |= 1;
		} else if (n == BF_ANCHORS) {
			memcpy(cls, v, n * sizeof(float));
			got |= 2;
		}
	}
	if (got != 3)
		fprintf(stderr, "blazeface-detect: model outputs are not 896x16 + 896\n");
	else
		ret = 0;
out:
	fexec_free(&e);
	tfl_model_free(&m);
	return ret;
}

static int run_int8(const char *path, const char *backend, const float *input,
		    float *reg, float *cls)
{
	int b = accel_backend_parse(backend);
	accel_context *ctx = NULL;
	accel_network *net = NULL;
	int ret = -1;
	if (b < 0) {
		fprintf(stderr, "blazeface-detect: unknown backend '%s'\n", backend);
		return -1;
	}
	if (accel_open(&ctx, (enum accel_backend)b)) {
		fprintf(stderr, "blazeface-detect: backend %s: %s\n", backend,
			ctx ? accel_last_error(ctx) : "unavailable");
		goto out;
	}
	if (accel_load_file(ctx, path, &net)) {
		fprintf(stderr, "blazeface-detect: %s: %s\n", path, accel_last_error(ctx));
		goto out;
	}
	int r = bf_run_int8(net, input, NULL, NULL, reg, cls);
	if (r) {
		fprintf(stderr, "blazeface-detect: %s: %s\n", accel_status_str(r),
			r == ACCEL_ERR_INVALID ? "not an int8 BlazeFace model" :
			accel_last_error(ctx));
		goto out;
	}
	ret = 0;
out:
	accel_network_free(net);
	accel_close(ctx);
	return ret;
}

int main(int argc, char **argv)
{
	const char *model = NULL, *image = NULL, *backend = "cpu";
	int use_float = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--float")) {
			use_float = 1;
		} else if (!strcmp(argv[i], "--backend") && i + 1 < argc) {
			backend = argv[++i];
		} else if (argv[i][0] == '-' || (model && image)) {
			usage(stderr);
			return 2;
		} else if (!model) {
			model = argv[i];
		} else {
			image = argv[i];
		}
	}
	if (!model || !image) {
		usage(stderr);
		return 2;
	}
	struct rgb_image img;
	char err[256];
	if (png_load_file(image, &img, err, sizeof(err))) {
		fprintf(stderr, "blazeface-detect: %s\n", err);
		return 1;
	}
	static float input[BF_INPUT * BF_INPUT * 3];
	static float reg[BF_ANCHORS * BF_COORDS], cls[BF_ANCHORS];
	bf_resize_normalize(&img, BF_INPUT, BF_INPUT, input);
	rgb_image_free(&img);
	if (use_float ? run_float(model, input, reg, cls) :
			run_int8(model, backend, input, reg, cls))
		return 1;
	struct bf_box faces[16];
	int n = bf_detect(reg, cls, BF_MIN_SCORE, BF_NMS_IOU, faces, 16);
	for (int i = 0; i < n; i++)
		printf("face %.4f %.4f %.4f %.4f %.4f\n", faces[i].score,
		       faces[i].xmin, faces[i].ymin, faces[i].xmax, faces[i].ymax);
	if (!n)
		printf("no faces\n");
	return 0;
}
