/* SPDX-License-Identifier: MIT */
/*
 * Minimal TFLite flatbuffer writer for tests: builds small models (a few
 * tensors and operators, one subgraph) that both libaccel's loader and the
 * TFLite interpreter accept.
 */
#ifndef TFLITE_WRITER_H
#define TFLITE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TFLite schema TensorType codes. */
enum tflw_type {
	TFLW_FLOAT32 = 0, TFLW_INT32 = 2, TFLW_UINT8 = 3, TFLW_INT64 = 4,
	TFLW_INT16 = 7, TFLW_INT8 = 9,
};

/* BuiltinOptions union indices used by our ops. */
enum tflw_opt {
	TFLW_OPT_NONE = 0, TFLW_OPT_CONV2D = 1, TFLW_OPT_DEPTHWISE = 2,
	TFLW_OPT_POOL2D = 5, TFLW_OPT_SVDF = 6, TFLW_OPT_FC = 8,
	TFLW_OPT_SOFTMAX = 9, TFLW_OPT_CONCAT = 10, TFLW_OPT_ADD = 11,
	TFLW_OPT_RESHAPE = 17, TFLW_OPT_MUL = 21, TFLW_OPT_PAD = 22,
	TFLW_OPT_TRANSPOSE = 26, TFLW_OPT_REDUCER = 27, TFLW_OPT_SUB = 28,
	TFLW_OPT_SQUEEZE = 30, TFLW_OPT_DEQUANTIZE = 38,
	TFLW_OPT_QUANTIZE = 89,
};

/* One scalar (or int32-vector) field of an options table. */
struct tflw_field {
	const int32_t *vec;     /* size 0: vector data */
	int vec_n;
	int id;                 /* field index in the schema table */
	int size;               /* 1, 2 or 4 bytes; 0 = int32 vector */
	int32_t i;              /* integer value */
	float f;                /* float value when is_float */
	bool is_float;
};

struct tflw_quant {
	int n;                  /* 0 = none */
	const float *scale;
	const int64_t *zero_point;
	int axis;
};

struct tflw;

struct tflw *tflw_new(void);
void tflw_free(struct tflw *w);

/* Add a tensor; @data != NULL makes it constant. Returns its index. */
int tflw_tensor(struct tflw *w, enum tflw_type type, int rank,
		const int32_t *dims, const void *data, size_t bytes,
		const struct tflw_quant *q, bool is_variable);

/* Add an operator (in execution order). Returns its index. */
int tflw_op(struct tflw *w, int builtin, int version, int n_in,
	    const int *in, int n_out, const int *out, enum tflw_opt opt_type,
	    const struct tflw_field *fields, int n_fields);

void tflw_io(struct tflw *w, int n_in, const int *in, int n_out,
	     const int *out);

/* Serialize; *out is malloc'ed. Returns 0 or -1. */
int tflw_finish(struct tflw *w, uint8_t **out, size_t *size);

#endif /* TFLITE_WRITER_H */
