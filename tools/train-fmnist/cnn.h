/* SPDX-License-Identifier: MIT */
/*
 * A compact CNN for 28x28x1 images (Fashion-MNIST), trained on the CPU:
 *
 *   conv3x3(c1, SAME)+ReLU -> maxpool 2x2 -> conv3x3(c2, SAME)+ReLU ->
 *   maxpool 2x2 -> FC(10) -> softmax (cross-entropy)
 *
 * Adam, mini-batches, deterministic for a given seed (own PRNG, fixed
 * summation order). Exported as a float32 TFLite graph with the same ops.
 */
#ifndef CNN_H
#define CNN_H

#include <stdint.h>

#include "tflite_model.h"

#define CNN_SIDE 28
#define CNN_CLASSES 10

struct cnn_config {
	int c1, c2;             /* channels of the two conv layers */
	int batch;
	float lr;               /* Adam step size (decayed per epoch) */
	float lr_decay;         /* multiply lr by this after each epoch */
	uint64_t seed;
};

struct cnn {
	struct cnn_config cfg;
	int n_params;
	float *p, *g, *m, *v;   /* parameters, gradient, Adam moments */
	float *w1, *b1, *w2, *b2, *wf, *bf;     /* views into p */
	int adam_t;
	float lr;
	uint64_t rng;
	struct cnn_ws *ws;
};

/* Defaults: c1 8, c2 16, batch 32, lr 2e-3, decay 0.7, seed 1. */
void cnn_default_config(struct cnn_config *cfg);
int cnn_init(struct cnn *n, const struct cnn_config *cfg);
void cnn_free(struct cnn *n);

/*
 * One epoch over @count images (uint8, 784 each) in an order shuffled by
 * the network's PRNG. Returns the mean loss; *train_acc gets the running
 * training accuracy. @progress (may be NULL) is called every 25%.
 */
float cnn_train_epoch(struct cnn *n, const uint8_t *pixels,
		      const uint8_t *labels, int count, float *train_acc,
		      void (*progress)(void *ctx, int done, int total),
		      void *ctx);

/* Class scores (logits) of one image. */
void cnn_logits(struct cnn *n, const uint8_t *pixels, float logits[CNN_CLASSES]);

/* Top-1 accuracy (0..1) on @count images. */
double cnn_evaluate(struct cnn *n, const uint8_t *pixels,
		    const uint8_t *labels, int count);

/*
 * Float32 TFLite graph: input "input" [1,28,28,1] = pixel / 255, output
 * "probabilities" [1,10] (SOFTMAX of the FC logits). 0 or -1.
 */
int cnn_export(const struct cnn *n, struct tfl_model *m);

#endif /* CNN_H */
