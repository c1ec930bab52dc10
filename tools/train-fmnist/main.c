// SPDX-License-Identifier: MIT
/*
 * train-fmnist: train the compact CNN of cnn.h on Fashion-MNIST and export
 * it as a float32 TFLite model.
 */
#include <limits.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cnn.h"
#include "idx.h"
#include "tflite_write.h"
#include "toolutil.h"

#define DEFAULT_DATA "/usr/share/datasets/fashion-mnist"

static void usage(FILE *f)
{
	fprintf(f,
"usage: train-fmnist [options] --out MODEL.tflite\n"
"Train a small CNN (conv3x3(8)+ReLU+maxpool, conv3x3(16)+ReLU+maxpool,\n"
"FC(10), softmax) on Fashion-MNIST and write it as float32 TFLite.\n"
"  --data DIR      IDX files (default " DEFAULT_DATA ")\n"
"  --out FILE      output model (required)\n"
"  --epochs N      training epochs (default 3)\n"
"  --train N       use the first N training images (default all 60000)\n"
"  --test N        evaluate on the first N test images (default all)\n"
"  --seed N        PRNG seed for init and shuffling (default 1)\n"
"  --lr X          Adam step size (default 0.002, x0.7 per epoch)\n"
"  --quiet         only the final line\n"
"  --help\n");
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct progress_ctx {
	int epoch, epochs;
	double t0;
	int quiet;
};

static void progress(void *p, int done, int total)
{
	struct progress_ctx *c = p;
	if (c->quiet || done == total)
		return;
	fprintf(stderr, "  epoch %d/%d: %3d%% (%d/%d images, %.1f s)\n",
		c->epoch, c->epochs, (int)(100LL * done / total), done, total,
		now_s() - c->t0);
}

static int load(const char *dir, const char *set, int limit,
		struct idx_images *im, uint8_t **labels)
{
	char path[4096], err[512];
	int n;
	snprintf(path, sizeof(path), "%s/%s-images-idx3-ubyte.gz", dir, set);
	if (idx_load_images(path, limit, im, err, sizeof(err))) {
		fprintf(stderr, "train-fmnist: %s\n", err);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s-labels-idx1-ubyte.gz", dir, set);
	if (idx_load_labels(path, limit, labels, &n, err, sizeof(err))) {
		fprintf(stderr, "train-fmnist: %s\n", err);
		idx_free_images(im);
		return -1;
	}
	if (n != im->count || im->rows != CNN_SIDE || im->cols != CNN_SIDE) {
		fprintf(stderr, "train-fmnist: %s: %d labels for %d images of %dx%d (want 28x28)\n",
			dir, n, im->count, im->rows, im->cols);
		idx_free_images(im);
		free(*labels);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "epochs", required_argument, NULL, 'e' },
		{ "train", required_argument, NULL, 'n' },
		{ "test", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 's' },
		{ "lr", required_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	/* keep progress (stderr) and results (stdout) in order when piped */
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *data = DEFAULT_DATA, *out = NULL;
	int epochs = 3, n_train = 0, n_test = 0, quiet = 0, c;
	int *count;
	long v;
	struct cnn_config cfg;
	cnn_default_config(&cfg);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'o': out = optarg; break;
		case 'e':
		case 'n':
		case 't':
			count = c == 'e' ? &epochs : c == 'n' ? &n_train : &n_test;
			if (tool_parse_int(optarg, 0, INT_MAX, &v)) {
				usage(stderr);
				return 2;
			}
			*count = (int)v;
			break;
		case 's': cfg.seed = strtoull(optarg, NULL, 0); break;
		case 'l': cfg.lr = strtof(optarg, NULL); break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!out || optind != argc || epochs < 1 || n_train < 0 ||
	    n_test < 0 || !(cfg.lr > 0.0f)) {
		usage(stderr);
		return 2;
	}

	struct idx_images train, test;
	uint8_t *train_labels, *test_labels;
	if (load(data, "train", n_train, &train, &train_labels))
		return 1;
	if (load(data, "t10k", n_test, &test, &test_labels))
		return 1;

	struct cnn net;
	if (cnn_init(&net, &cfg)) {
		fprintf(stderr, "train-fmnist: out of memory\n");
		return 1;
	}
	if (!quiet)
		printf("train-fmnist: %d training / %d test images, %d parameters, %d epochs\n",
		       train.count, test.count, net.n_params, epochs);
	double t_start = now_s(), acc = 0.0;
	for (int e = 1; e <= epochs; e++) {
		struct progress_ctx pc = { e, epochs, now_s(), quiet };
		float train_acc;
		float loss = cnn_train_epoch(&net, train.pixels, train_labels,
					     train.count, &train_acc,
					     progress, &pc);
		acc = cnn_evaluate(&net, test.pixels, test_labels, test.count);
		if (!quiet)
			printf("epoch %d/%d: loss %.4f, train acc %.2f%%, test acc %.2f%% (%.1f s)\n",
			       e, epochs, loss, 100.0 * train_acc, 100.0 * acc,
			       now_s() - pc.t0);
		fflush(stdout);
	}

	struct tfl_model m;
	int ret = 0;
	if (cnn_export(&net, &m)) {
		fprintf(stderr, "train-fmnist: cannot build the TFLite graph\n");
		ret = 1;
	} else {
		if (tfl_write_file(&m, out)) {
			fprintf(stderr, "train-fmnist: %s: %s\n", out,
				strerror(errno ? errno : EIO));
			ret = 1;
		}
		tfl_model_free(&m);
	}
	if (!ret)
		printf("train-fmnist: test accuracy %.2f%% after %d epochs in %.1f s; wrote %s\n",
		       100.0 * acc, epochs, now_s() - t_start, out);
	cnn_free(&net);
	idx_free_images(&train);
	idx_free_images(&test);
	free(train_labels);
	free(test_labels);
	return ret;
}
