/* SPDX-License-Identifier: MIT */
/* Shared by the tests: a CNN trained briefly on a Fashion-MNIST subset. */
#ifndef FMNIST_TINY_H
#define FMNIST_TINY_H

#include <stdbool.h>
#include <stdint.h>

#include "tflite_model.h"

struct fmnist_tiny {
	struct tfl_model float_model;
	double train_side_acc;  /* the trainer's own test accuracy */
	int n_test;
	uint8_t *test_pixels, *test_labels;
	int n_calib;
	float *calib;           /* training images / 255 */
};

/* False when the dataset is not installed (the caller skips). */
bool fmnist_tiny_available(void);
/* Train one epoch on @n_train images; 0 or -1. */
int fmnist_tiny_build(struct fmnist_tiny *t, int n_train, int n_test,
		      int n_calib);
void fmnist_tiny_free(struct fmnist_tiny *t);

#endif /* FMNIST_TINY_H */
