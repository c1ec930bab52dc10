/* SPDX-License-Identifier: MIT */
/*
 * Per-layer SQNR of the int8 model as libaccel actually computes it: for
 * each operator, a copy of the int8 model truncated after it (that op's
 * output becomes the graph output) runs on libaccel's CPU backend; the
 * dequantized result is compared with the float model's tensor.
 */
#ifndef ACCEL_SQNR_H
#define ACCEL_SQNR_H

#include <stddef.h>

#include "tflite_model.h"

/*
 * @fm: float model, @qm: its quantize_model() result (same op order, plus
 * QUANTIZE/DEQUANTIZE at the edges for float I/O). @db receives fm->n_ops
 * values. Returns 0, or -1 with @err set.
 */
int accel_layer_sqnr(const struct tfl_model *fm, const struct tfl_model *qm,
		     const float *inputs, int n, double *db, char *err,
		     size_t errlen);

#endif /* ACCEL_SQNR_H */
