/* SPDX-License-Identifier: MIT */
/*
 * Small random float32 models for the quantizer tests, covering every op
 * the quantizer handles: CONV_2D (RELU6) -> DEPTHWISE_CONV_2D (x2, RELU,
 * stride 2) -> AVERAGE_POOL_2D -> MAX_POOL_2D -> RESHAPE ->
 * FULLY_CONNECTED -> SOFTMAX, input [1,8,8,3] in [-1,1], output [1,5].
 */
#ifndef SYNTH_MODEL_H
#define SYNTH_MODEL_H

#include <stdint.h>

#include "tflite_model.h"

#define SYNTH_IN_ELEMS (8 * 8 * 3)
#define SYNTH_OUT_ELEMS 5

int synth_float_model(struct tfl_model *m, uint32_t seed);

/* Deterministic uniform [-1, 1) values. */
float synth_uniform(uint32_t *state);

#endif /* SYNTH_MODEL_H */
