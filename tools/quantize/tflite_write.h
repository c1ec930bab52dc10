/* SPDX-License-Identifier: MIT */
/*
 * TFLite flatbuffer writer for the in-memory graph of tflite_model.h.
 *
 * Emits the schema subset the toolchain needs: buffers (data 16-byte
 * aligned), tensors with per-tensor or per-channel quantization, operator
 * codes (deprecated_builtin_code and builtin_code both set), and builtin
 * options for CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED,
 * MAX/AVERAGE_POOL_2D, RESHAPE and SOFTMAX (QUANTIZE/DEQUANTIZE take none).
 */
#ifndef TFL_WRITE_H
#define TFL_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "tflite_model.h"

/* Serialize @m; *out is malloc'ed. Returns 0, or -1 (bad model, an
 * operator outside the subset above, or ENOMEM). */
int tfl_write(const struct tfl_model *m, uint8_t **out, size_t *size);

/* Serialize @m to @path. Returns 0 or -1 (errno set on I/O errors). */
int tfl_write_file(const struct tfl_model *m, const char *path);

#endif /* TFL_WRITE_H */
