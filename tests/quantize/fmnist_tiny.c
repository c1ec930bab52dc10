// SPDX-License-Identifier: MIT
#include "fmnist_tiny.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cnn.h"
#include "idx.h"


bool fmnist_tiny_available(void)
{
	return access(FMNIST_DIR "/train-images-idx3-ubyte.gz", R_OK) == 0 &&
	       access(FMNIST_DIR "/t10k-images-idx3-ubyte.gz", R_OK) == 0;
}

static int load(const char *set, int n, struct idx_images *im,
		uint8_t **labels)
{
	char p[512], err[256];
	int count;
	snprintf(p, sizeof(p), "%s/%s-images-idx3-ubyte.gz", FMNIST_DIR, set);
	if (idx_load_images(p, n, im, err, sizeof(err)))
		return -1;
	snprintf(p, sizeof(p), "%s/%s-labels-idx1-ubyte.gz", FMNIST_DIR, set);
	if (idx_load_labels(p, n, labels, &count, err, sizeof(err)) ||
	    count != im->count) {
		idx_free_images(im);
		return -1;
	}
	return 0;
}

int fmnist_tiny_build(struct fmnist_tiny *t, int n_train, int n_test,
		      int n_calib)
{
	struct idx_images train, test;
	uint8_t *train_labels;
	memset(t, 0, sizeof(*t));
	if (load("train", n_train, &train, &train_labels))
		return -1;
	if (load("t10k", n_test, &test, &t->test_labels)) {
		idx_free_images(&train);
		free(train_labels);
		return -1;
	}
	struct cnn_config cfg;
	struct cnn net;
	cnn_default_config(&cfg);
	int ret = -1;
	if (cnn_init(&net, &cfg))
		goto out;
	cnn_train_epoch(&net, train.pixels, train_labels, train.count, NULL,
			NULL, NULL);
	t->train_side_acc = cnn_evaluate(&net, test.pixels, t->test_labels,
					 test.count);
	if (cnn_export(&net, &t->float_model)) {
		cnn_free(&net);
		goto out;
	}
	cnn_free(&net);
	t->n_calib = n_calib < train.count ? n_calib : train.count;
	t->calib = malloc(sizeof(float) * 784 * (size_t)t->n_calib);
	if (!t->calib)
		goto out;
	for (size_t i = 0; i < 784 * (size_t)t->n_calib; i++)
		t->calib[i] = (float)train.pixels[i] / 255.0f;
	t->n_test = test.count;
	t->test_pixels = test.pixels;
	test.pixels = NULL;
	ret = 0;
out:
	idx_free_images(&train);
	idx_free_images(&test);
	free(train_labels);
	if (ret)
		fmnist_tiny_free(t);
	return ret;
}

void fmnist_tiny_free(struct fmnist_tiny *t)
{
	if (t->float_model.buffers)
		tfl_model_free(&t->float_model);
	free(t->test_pixels);
	free(t->test_labels);
	free(t->calib);
	memset(t, 0, sizeof(*t));
}
