/* SPDX-License-Identifier: MIT */
/* Small synthetic TFLite models for the libaccel core tests. */
#ifndef ACCEL_TEST_MODELS_H
#define ACCEL_TEST_MODELS_H

#include <stddef.h>
#include <stdint.h>

/*
 * int8 FULLY_CONNECTED: input [1,4] -> output [1,3], all scales 1, zero
 * points 0, weights row r = (r+1, -1, 2, 0), bias (0, 10, -10), so
 * out[r] = clamp((r+1)*x0 - x1 + 2*x2 + bias[r]).
 */
int tm_fc(uint8_t **buf, size_t *len);

/* PAD (H/W by 1, value = zero point) -> CONV_2D VALID 3x3, per-channel. */
int tm_pad_conv(int depthwise, uint8_t **buf, size_t *len);

/* CONV_2D (no activation) -> RELU or RELU6 with the same quantization. */
int tm_conv_relu(int relu6, uint8_t **buf, size_t *len);

/* FC -> RESHAPE [1,3] -> [3,1] (graph output). */
int tm_fc_reshape(uint8_t **buf, size_t *len);

/* One op with builtin code @builtin (its tensors as for tm_fc). */
int tm_single_op(int builtin, uint8_t **buf, size_t *len);

#endif
