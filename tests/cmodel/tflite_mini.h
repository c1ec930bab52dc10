/* SPDX-License-Identifier: MIT */
/*
 * Minimal bounds-checked reader of the TFLite flatbuffer fields the golden
 * test needs (tensors, quantization, buffers, operators, conv options).
 * Test-only: libaccel has the real loader.
 */
#ifndef TFLITE_MINI_H
#define TFLITE_MINI_H

#include <stddef.h>
#include <stdint.h>

#define TFL_MAX_SCALES 4096

struct tfl_model {
	const uint8_t *buf;
	size_t size;
	uint32_t model;		/* root table */
	uint32_t subgraph;	/* subgraphs[0] table */
};

struct tfl_tensor {
	int rank;
	int32_t dims[6];
	int type;		/* TFLite TensorType: 9 = INT8, 2 = INT32 */
	uint32_t buffer;
	int nq;
	float scale[TFL_MAX_SCALES];
	int64_t zero_point[TFL_MAX_SCALES];
};

struct tfl_op {
	int builtin;		/* BuiltinOperator code */
	int ninputs, noutputs;
	int inputs[8], outputs[4];
	uint32_t options;	/* builtin_options table, 0 if none */
};

int tfl_open(struct tfl_model *m, const uint8_t *buf, size_t size);
int tfl_op_count(const struct tfl_model *m);
int tfl_get_op(const struct tfl_model *m, int idx, struct tfl_op *op);
int tfl_get_tensor(const struct tfl_model *m, int idx, struct tfl_tensor *t);
/* constant data of buffer @idx, NULL if none */
const uint8_t *tfl_buffer(const struct tfl_model *m, uint32_t idx, size_t *len);
/* scalar fields of a table; @def when absent */
int32_t tfl_field_i32(const struct tfl_model *m, uint32_t table, int field,
		      int32_t def);
int32_t tfl_field_u8(const struct tfl_model *m, uint32_t table, int field,
		     int32_t def);

#endif /* TFLITE_MINI_H */
