/* SPDX-License-Identifier: MIT */
/*
 * IDX files (the MNIST / Fashion-MNIST container), optionally gzip'ed:
 * unsigned-byte images (magic 0x803) and labels (magic 0x801).
 */
#ifndef IDX_H
#define IDX_H

#include <stddef.h>
#include <stdint.h>

struct idx_images {
	int count, rows, cols;
	uint8_t *pixels;        /* count * rows * cols, row-major */
};

/* Load up to @limit images (0 = all). 0, or -1 with @err set. */
int idx_load_images(const char *path, int limit, struct idx_images *out,
		    char *err, size_t errlen);
/* Load up to @limit labels (0 = all) into a malloc'ed array. */
int idx_load_labels(const char *path, int limit, uint8_t **labels, int *count,
		    char *err, size_t errlen);
void idx_free_images(struct idx_images *im);

#endif /* IDX_H */
