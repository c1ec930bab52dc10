/* SPDX-License-Identifier: MIT */
/*
 * Test-only lowering of an int8 CONV_2D / DEPTHWISE_CONV_2D layer (TFLite
 * semantics, NHWC, batch 1) to a dnpu command stream: the compiler's job in
 * miniature, used to cross-check the C model against TFLite-exact outputs.
 *
 * CONV_2D      -> LOAD weights/params per output-channel chunk, then per
 *                 output-row tile: LOAD (padding inserted with the input
 *                 zero point), CONV on the array, PPU, STORE.
 * DEPTHWISE    -> LOAD weights/params once, then per tile: LOAD, NMC_DWCONV,
 *                 STORE.
 * Single-buffered; tokens order the three queues.
 */
#ifndef LOWER_CONV_H
#define LOWER_CONV_H

#include <stdbool.h>
#include <stdint.h>

#include "cm_test.h"

struct conv_layer {
	bool depthwise;
	int ih, iw, ic;
	int oh, ow, oc;
	int kh, kw, sh, sw, dh, dw;
	int pad_top, pad_left;
	int dm;				/* depthwise: oc = ic * dm */
	/* CONV_2D: [oc][kh][kw][ic]; depthwise: [kh][kw][oc] */
	const int8_t *weights;
	const int32_t *bias;		/* oc entries or NULL */
	int32_t in_zp, out_zp, act_min, act_max;
	const int32_t *mult, *shift;	/* per output channel */
	/* tiling limits to exercise tiling in tests, 0 = scratchpads only;
	 * depthwise: channel slices (needs no top/bottom padding) */
	int max_tile_rows, max_chunk_channels;
	/* optional fused residual ADD (PPU FUSE_ADD, CONV_2D only): output =
	 * ADD(conv output, residual) with @add, residual shaped like the
	 * output; the conv output is the ADD's first input */
	const int8_t *residual;
	const struct dnpu_add_param *add;
};

/*
 * TFLM per-channel prepare: effective scale = (double)in_scale *
 * (double)filter_scale[c] / (double)out_scale -> accel_quantize_multiplier.
 */
void lower_quant_params(float in_scale, const float *filter_scale,
			int n_filter_scales, float out_scale, int oc,
			int32_t *mult, int32_t *shift);

/* TFLite CalculateActivationRangeQuantized: NONE 0, RELU 1, RELU_N1_TO_1 2,
 * RELU6 3. */
void lower_act_range(int act, float out_scale, int32_t out_zp,
		     int32_t *act_min, int32_t *act_max);

/* TFLite SAME/VALID padding (before) for one dimension. */
int lower_pad_before(bool same, int in, int k, int stride, int dil, int out);

/*
 * Build the stream into @e: the input is copied to region 1 at offset 0, the
 * device-layout weights and parameters after it; the output goes to region
 * 2 at offset 0. Returns 0, or -1 if the layer cannot be tiled onto the
 * configuration's scratchpads.
 */
int lower_conv(struct env *e, const struct conv_layer *l, const int8_t *input);

/* TFLM PrepareAdd (int8): left_shift 20, multipliers from the scales. */
void lower_add_params(float s1, int32_t zp1, float s2, int32_t zp2, float so,
		      int32_t zpo, int act, struct dnpu_add_param *p);

/*
 * Other layers, same conventions (input in region 1, output in region 2):
 * PAD of an HxWxC tensor with @padv (LOAD padding insertion + STORE);
 * elementwise ADD of two tensors of @n bytes viewed as rows of @cols;
 * MEAN over H and W; NCHW -> NHWC TRANSPOSE (strided LOAD).
 */
int lower_pad(struct env *e, int h, int w, int c, int pt, int pb, int pl,
	      int pr, int8_t padv, const int8_t *in);
int lower_add(struct env *e, size_t n, int cols, const int8_t *a,
	      const int8_t *b, const struct dnpu_add_param *p);
int lower_mean(struct env *e, int h, int w, int c, const int8_t *in,
	       int32_t in_zp, int32_t out_zp, int32_t mult, int32_t shift,
	       uint32_t count);
int lower_nchw_to_nhwc(struct env *e, int c, int h, int w, const int8_t *in);

/* Straight TFLite reference kernels (per-channel int8), for comparison. */
void ref_conv(const struct conv_layer *l, const int8_t *in, int8_t *out);

#endif /* LOWER_CONV_H */
