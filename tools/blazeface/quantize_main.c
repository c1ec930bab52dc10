// SPDX-License-Identifier: MIT
/* blazeface-quantize: int8 BlazeFace from the float model and photos. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_pipeline.h"
#include "tflite_write.h"
#include "toolutil.h"

#define MAX_IMAGES 512

static void usage(FILE *f)
{
	fprintf(f,
		"usage: blazeface-quantize FLOAT.tflite OUT_INT8.tflite [--lfw FILE.npy [--lfw-count N]] PHOTO.png...\n"
		"  Calibrates on the photos (PNG, any colour type) and the first N\n"
		"  (default 32) greyscale faces of a NumPy (N,H,W) float file such as\n"
		"  scikit-image's lfw_subset.npy, writes an int8 model (int8 I/O) and\n"
		"  prints the per-layer SQNR of the int8 simulation.\n");
}

int main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL, *lfw = NULL;
	int lfw_count = 32, n = 0, ret = 1;
	static struct rgb_image imgs[MAX_IMAGES];
	char err[256];
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--lfw") && i + 1 < argc) {
			lfw = argv[++i];
		} else if (!strcmp(argv[i], "--lfw-count") && i + 1 < argc) {
			long v;

			if (tool_parse_int(argv[++i], 0, MAX_IMAGES / 2, &v)) {
				fprintf(stderr, "blazeface-quantize: --lfw-count out of range\n");
				return 2;
			}
			lfw_count = (int)v;
		} else if (argv[i][0] == '-') {
			usage(stderr);
			return 2;
		} else if (!in) {
			in = argv[i];
		} else if (!out) {
			out = argv[i];
		} else if (n < MAX_IMAGES / 2) {
			if (png_load_file(argv[i], &imgs[n], err, sizeof(err))) {
				fprintf(stderr, "blazeface-quantize: %s\n", err);
				goto done;
			}
			n++;
		}
	}
	if (!in || !out) {
		usage(stderr);
		return 2;
	}
	if (lfw && lfw_count) {
		int k = npy_load_grey_images(lfw, imgs + n, lfw_count, err, sizeof(err));
		if (k < 0) {
			fprintf(stderr, "blazeface-quantize: %s\n", err);
			goto done;
		}
		n += k;
	}
	if (!n) {
		fprintf(stderr, "blazeface-quantize: no calibration images\n");
		goto done;
	}
	struct tfl_model fm, qm;
	struct quant_report rep;
	if (bf_load_float(in, &fm, err, sizeof(err))) {
		fprintf(stderr, "blazeface-quantize: %s\n", err);
		goto done;
	}
	if (bf_quantize(&fm, imgs, n, &qm, &rep, err, sizeof(err))) {
		fprintf(stderr, "blazeface-quantize: %s\n", err);
		tfl_model_free(&fm);
		goto done;
	}
	printf("calibration images: %d\n", n);
	double worst = 1e9;
	for (int i = 0; i < rep.n_layers; i++) {
		printf("op %3d %-28s SQNR %6.1f dB\n", rep.layers[i].op_index,
		       rep.layers[i].tensor, rep.layers[i].sqnr_db);
		if (rep.layers[i].sqnr_db < worst)
			worst = rep.layers[i].sqnr_db;
	}
	printf("worst layer SQNR %.1f dB\n", worst);
	if (tfl_write_file(&qm, out)) {
		fprintf(stderr, "blazeface-quantize: cannot write %s\n", out);
	} else {
		ret = 0;
	}
	free(rep.layers);
	tfl_model_free(&qm);
	tfl_model_free(&fm);
done:
	for (int i = 0; i < n; i++)
		rgb_image_free(&imgs[i]);
	return ret;
}
