/* SPDX-License-Identifier: MIT */
/*
 * BlazeFace model plumbing shared by the CLIs and tests: load + simplify
 * the float model, calibrate and quantize it on photos, run the int8
 * model on a libaccel network.
 */
#ifndef BF_PIPELINE_H
#define BF_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "accel.h"
#include "blazeface.h"
#include "quantize.h"
#include "tflite_model.h"

/* Read @path and fold its float16 DEQUANTIZEs / standalone RELUs. */
int bf_load_float(const char *path, struct tfl_model *m, char *err,
		  size_t errlen);

/* Quantize @fm on @n images (resized to the input); @qm gets the int8
 * model (int8 I/O). @rep as quantize_model (may be NULL). */
int bf_quantize(const struct tfl_model *fm, const struct rgb_image *imgs,
		int n, struct tfl_model *qm, struct quant_report *rep,
		char *err, size_t errlen);

/* Which of the model's two outputs holds the regressors (896 x 16):
 * 0 or 1, -1 if neither shape fits. */
int bf_regressor_output(const accel_network *net);

/*
 * Quantize @input (128*128*3 floats) with the input's parameters, invoke,
 * and return both outputs raw (@reg_q 896*16, @cls_q 896 bytes; either
 * may be NULL) and dequantized (@reg, @cls). 0 or a negative accel status.
 */
int bf_run_int8(accel_network *net, const float *input, int8_t *reg_q,
		int8_t *cls_q, float *reg, float *cls);

#endif /* BF_PIPELINE_H */
