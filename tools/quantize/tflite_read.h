/* SPDX-License-Identifier: MIT */
/*
 * TFLite flatbuffer -> in-memory graph (tflite_model.h), bounds-checked.
 * Reads subgraph 0 and the operator options the toolchain understands;
 * other operators are kept with default options.
 */
#ifndef TFL_READ_H
#define TFL_READ_H

#include <stddef.h>

#include "tflite_model.h"

/* Returns 0, or -1 with a message in @err. @m is initialized either way
 * (free it with tfl_model_free). */
int tfl_read(const void *data, size_t size, struct tfl_model *m, char *err,
	     size_t errlen);
int tfl_read_file(const char *path, struct tfl_model *m, char *err,
		  size_t errlen);

#endif /* TFL_READ_H */
