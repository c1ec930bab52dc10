/* SPDX-License-Identifier: MIT */
/*
 * Post-training quantization of a float32 TFLite graph to a standard int8
 * TFLite graph (TFLite's int8 quantization spec):
 *  - conv / depthwise weights: symmetric int8 per output channel
 *    (zero point 0, range [-127, 127]); fully connected: per tensor;
 *  - bias: int32 with scale = input scale * weight scale (per channel);
 *  - activations: asymmetric int8 from ranges observed on calibration
 *    inputs (min/max, or a percentile to clip outliers), always including
 *    0; MAX/AVERAGE_POOL_2D and RESHAPE keep their input's parameters,
 *    SOFTMAX outputs scale 1/256, zero point -128, as TFLite requires;
 *  - fused activations are kept; I/O int8, or float with QUANTIZE /
 *    DEQUANTIZE ops at the edges.
 */
#ifndef QUANTIZE_H
#define QUANTIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "tflite_model.h"

struct quant_params {
	float scale;
	int32_t zero_point;
};

/* Asymmetric int8 parameters covering [min(0, lo), max(0, hi)]. */
struct quant_params quant_choose_asymmetric(float lo, float hi);
/* Symmetric int8 scale for values in [-absmax, absmax] (range +-127). */
float quant_choose_symmetric(float absmax);
/* round(x / scale) + zp, saturated to int8. */
int8_t quant_int8(float x, float scale, int32_t zero_point);
/* round(x / scale), saturated to int32 (bias). */
int32_t quant_int32(double x, double scale);

struct quant_options {
	double percentile;      /* 100 = plain min/max */
	bool float_io;
	int report_samples;     /* calibration inputs used for SQNR (0 = none) */
};

struct quant_layer_report {
	int op_index;
	int opcode;
	const char *tensor;     /* points into the float model */
	double sqnr_db;         /* float vs. fake-quantized int8 simulation */
	float scale;
	int32_t zero_point;
};

struct quant_report {
	int n_layers;
	struct quant_layer_report *layers;      /* malloc'ed, one per op */
};

/*
 * Quantize @fm using @n_calib inputs of the graph's first input
 * (elements each, float). Writes a new model to @qm (tfl_model_free it).
 * @rep (may be NULL) receives per-layer SQNR; free rep->layers.
 * Returns 0, or -1 with @err set.
 */
int quantize_model(const struct tfl_model *fm, const float *calib,
		   int n_calib, const struct quant_options *opt,
		   struct tfl_model *qm, struct quant_report *rep, char *err,
		   size_t errlen);

#endif /* QUANTIZE_H */
