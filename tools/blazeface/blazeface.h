/* SPDX-License-Identifier: MIT */
/*
 * MediaPipe BlazeFace short-range detector, pre- and post-processing:
 * input 128x128 RGB in [-1, 1]; outputs 896 anchors x 16 box/keypoint
 * regressors and 896 x 1 score logits. Anchors and decoding follow
 * MediaPipe's face_detection_short_range graph (SSD anchors: strides
 * 8/16/16/16, fixed anchor size, 2 anchors per 16x16 cell and 6 per 8x8
 * cell; box = anchor centre + regressor / 128; sigmoid scores; weighted
 * non-maximum suppression at IoU 0.3).
 */
#ifndef BLAZEFACE_H
#define BLAZEFACE_H

#include <stddef.h>
#include <stdint.h>

#include "png.h"

#define BF_INPUT 128
#define BF_ANCHORS 896
#define BF_COORDS 16
#define BF_MIN_SCORE 0.5f
#define BF_NMS_IOU 0.3f

struct bf_anchor {
	float x, y;     /* centre, normalised to the input */
};

struct bf_box {
	float xmin, ymin, xmax, ymax;   /* normalised to the input */
	float score;
};

/* The 896 anchors, in the model's output order. */
void bf_anchors(struct bf_anchor a[BF_ANCHORS]);

/*
 * Bilinear resize (half-pixel centres, edge clamp) of @img to w x h,
 * mapped to [-1, 1] as BlazeFace expects: out = px / 127.5 - 1.
 * @out holds w * h * 3 floats (NHWC).
 */
void bf_resize_normalize(const struct rgb_image *img, int w, int h,
			 float *out);

/* Decode one box (regressors @reg, 16 floats) against @a. */
struct bf_box bf_decode_box(const float *reg, const struct bf_anchor *a,
			    float logit);

float bf_iou(const struct bf_box *a, const struct bf_box *b);

/*
 * All anchors' boxes with score >= @min_score, merged by weighted NMS:
 * the best box absorbs every box overlapping it by more than @iou, whose
 * coordinates are averaged weighted by score. Writes up to @max boxes to
 * @out, best first; returns how many.
 */
int bf_detect(const float *regressors, const float *logits, float min_score,
	      float iou, struct bf_box *out, int max);

/*
 * Greyscale images from a NumPy .npy file of float64 (or float32) values
 * in [0, 1], shape (N, H, W) (scikit-image's LFW subset). Returns the
 * number of images loaded (up to @max) as RGB, or -1 with @err set.
 */
int npy_load_grey_images(const char *path, struct rgb_image *imgs, int max,
			 char *err, size_t errlen);

#endif /* BLAZEFACE_H */
