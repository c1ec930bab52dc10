// SPDX-License-Identifier: MIT
/* quantize: float32 TFLite -> int8 TFLite by post-training quantization. */
#include <limits.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel_sqnr.h"
#include "idx.h"
#include "quantize.h"
#include "tflite_read.h"
#include "tflite_write.h"
#include "toolutil.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: quantize MODEL.tflite --calib DATA --out MODEL_int8.tflite [options]\n"
"Post-training quantization of a float32 TFLite model to int8: per-channel\n"
"symmetric int8 conv/depthwise weights, per-tensor FC weights, int32 bias,\n"
"asymmetric int8 activations calibrated on DATA. Prints per-layer SQNR\n"
"against the float model, of the int8 model simulated in float\n"
"(fake-quantized) and as libaccel's CPU backend runs it.\n"
"  --calib DATA       IDX ubyte images (.gz or raw; pixels scaled to [0,1])\n"
"                     or raw float32 inputs (*.f32)\n"
"  --calib-count N    calibration inputs to use (default 500)\n"
"  --out FILE         int8 model to write (required)\n"
"  --percentile P     clip activation ranges to the P-th percentile\n"
"                     (default 100 = min/max)\n"
"  --float-io         float32 input/output with QUANTIZE/DEQUANTIZE ops\n"
"                     (default: int8 input and output)\n"
"  --sqnr-samples N   inputs used for the SQNR report (default 100, 0 = off)\n"
"  --quiet            no report\n"
"  --help\n"
"Supported ops: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, MAX_POOL_2D,\n"
"AVERAGE_POOL_2D, RESHAPE, SOFTMAX.\n");
}

static const char *op_name(int opcode)
{
	switch (opcode) {
	case TFL_OP_CONV_2D: return "CONV_2D";
	case TFL_OP_DEPTHWISE_CONV_2D: return "DEPTHWISE_CONV_2D";
	case TFL_OP_FULLY_CONNECTED: return "FULLY_CONNECTED";
	case TFL_OP_MAX_POOL_2D: return "MAX_POOL_2D";
	case TFL_OP_AVERAGE_POOL_2D: return "AVERAGE_POOL_2D";
	case TFL_OP_RESHAPE: return "RESHAPE";
	case TFL_OP_SOFTMAX: return "SOFTMAX";
	}
	return "?";
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

/* Calibration inputs as floats; *count in, samples read out. */
static float *load_calib(const char *path, size_t elems, int *count)
{
	char err[512];
	if (ends_with(path, ".f32")) {
		FILE *f = fopen(path, "rb");
		if (!f) {
			fprintf(stderr, "quantize: %s: %s\n", path, strerror(errno));
			return NULL;
		}
		float *d = malloc(sizeof(float) * elems * (size_t)*count);
		size_t got = d ? fread(d, sizeof(float) * elems, (size_t)*count, f) : 0;
		fclose(f);
		if (!got) {
			fprintf(stderr, "quantize: %s: no complete input of %zu floats\n",
				path, elems);
			free(d);
			return NULL;
		}
		*count = (int)got;
		return d;
	}
	struct idx_images im;
	if (idx_load_images(path, *count, &im, err, sizeof(err))) {
		fprintf(stderr, "quantize: %s\n", err);
		return NULL;
	}
	if ((size_t)im.rows * (size_t)im.cols != elems) {
		fprintf(stderr, "quantize: %s: %dx%d images do not match the model input (%zu elements)\n",
			path, im.rows, im.cols, elems);
		idx_free_images(&im);
		return NULL;
	}
	float *d = malloc(sizeof(float) * elems * (size_t)im.count + 1);
	if (d)
		for (size_t i = 0; i < elems * (size_t)im.count; i++)
			d[i] = (float)im.pixels[i] / 255.0f;
	*count = im.count;
	idx_free_images(&im);
	return d;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "calib", required_argument, NULL, 'c' },
		{ "calib-count", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "percentile", required_argument, NULL, 'p' },
		{ "float-io", no_argument, NULL, 'f' },
		{ "sqnr-samples", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	/* keep progress (stderr) and results (stdout) in order when piped */
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *calib_path = NULL, *out = NULL;
	int n_calib = 500, quiet = 0, c;
	long v;
	struct quant_options qo = { .percentile = 100.0, .report_samples = 100 };
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': calib_path = optarg; break;
		case 'n':
			if (tool_parse_int(optarg, 0, INT_MAX, &v)) {
				usage(stderr);
				return 2;
			}
			n_calib = (int)v;
			break;
		case 'o': out = optarg; break;
		case 'p': qo.percentile = strtod(optarg, NULL); break;
		case 'f': qo.float_io = true; break;
		case 's':
			if (tool_parse_int(optarg, 0, INT_MAX, &v)) {
				usage(stderr);
				return 2;
			}
			qo.report_samples = (int)v;
			break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1 || !calib_path || !out || n_calib < 1 ||
	    qo.report_samples < 0) {
		usage(stderr);
		return 2;
	}
	if (quiet)
		qo.report_samples = 0;

	char err[512];
	struct tfl_model fm, qm;
	if (tfl_read_file(argv[optind], &fm, err, sizeof(err))) {
		fprintf(stderr, "quantize: %s: %s\n", argv[optind], err);
		tfl_model_free(&fm);
		return 1;
	}
	if (fm.n_inputs != 1) {
		fprintf(stderr, "quantize: %s: need exactly one input\n",
			argv[optind]);
		tfl_model_free(&fm);
		return 1;
	}
	size_t elems = tfl_tensor_elems(&fm.tensors[fm.inputs[0]]);
	float *calib = load_calib(calib_path, elems, &n_calib);
	if (!calib) {
		tfl_model_free(&fm);
		return 1;
	}
	struct quant_report rep;
	int ret = 0;
	if (quantize_model(&fm, calib, n_calib, &qo, &qm, &rep, err,
			   sizeof(err))) {
		fprintf(stderr, "quantize: %s: %s\n", argv[optind], err);
		ret = 1;
	} else {
		if (tfl_write_file(&qm, out)) {
			fprintf(stderr, "quantize: %s: %s\n", out,
				strerror(errno ? errno : EIO));
			ret = 1;
		}
		if (!quiet) {
			printf("quantize: %d calibration inputs, percentile %g, %s I/O\n",
			       n_calib, qo.percentile,
			       qo.float_io ? "float32" : "int8");
			int ns = qo.report_samples < n_calib ?
				 qo.report_samples : n_calib;
			double *acc_db = rep.n_layers ?
				calloc((size_t)rep.n_layers, sizeof(double)) : NULL;
			bool have_acc = acc_db &&
				!accel_layer_sqnr(&fm, &qm, calib, ns, acc_db,
						  err, sizeof(err));
			if (acc_db && !have_acc)
				fprintf(stderr, "quantize: libaccel SQNR not measured: %s\n",
					err);
			if (rep.n_layers)
				printf("  op  %-18s %-16s %11s %5s %10s %10s\n",
				       "operator", "output", "scale", "zp",
				       "SQNR sim", "libaccel");
			for (int i = 0; i < rep.n_layers; i++) {
				struct quant_layer_report *l = &rep.layers[i];
				printf("  %2d  %-18s %-16s %11.6g %5d %7.2f dB",
				       l->op_index, op_name(l->opcode), l->tensor,
				       l->scale, l->zero_point, l->sqnr_db);
				if (have_acc)
					printf(" %7.2f dB", acc_db[i]);
				printf("\n");
			}
			if (rep.n_layers)
				printf("  (SQNR vs. the float model over %d calibration inputs: 'sim' = int8\n"
				       "   quantization simulated in float, 'libaccel' = the int8 model on\n"
				       "   libaccel's CPU backend, cut after each op)\n",
				       ns);
			free(acc_db);
			if (!ret)
				printf("quantize: wrote %s (%d ops)\n", out, qm.n_ops);
		}
		tfl_model_free(&qm);
		free(rep.layers);
	}
	free(calib);
	tfl_model_free(&fm);
	return ret;
}
