/* SPDX-License-Identifier: MIT */
/*
 * In-memory TFLite graph used by the model toolchain (trainer, quantizer):
 * one subgraph, owned tensors and constant buffers, a flat option struct per
 * operator. tflite_write.h serializes it, tflite_read.h parses it.
 *
 * Enum values are the TFLite schema's, so they can be written unchanged.
 */
#ifndef TFL_MODEL_H
#define TFL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TFL_MAX_DIMS 6
#define TFL_MAX_OP_INPUTS 8
#define TFL_MAX_OP_OUTPUTS 4

/* TensorType */
enum tfl_type {
	TFL_FLOAT32 = 0,
	TFL_FLOAT16 = 1,
	TFL_INT32 = 2,
	TFL_UINT8 = 3,
	TFL_INT64 = 4,
	TFL_BOOL = 6,
	TFL_INT16 = 7,
	TFL_INT8 = 9,
};

/* BuiltinOperator (the subset the toolchain produces and executes) */
enum tfl_opcode {
	TFL_OP_ADD = 0,
	TFL_OP_AVERAGE_POOL_2D = 1,
	TFL_OP_CONCATENATION = 2,
	TFL_OP_CONV_2D = 3,
	TFL_OP_DEPTHWISE_CONV_2D = 4,
	TFL_OP_DEQUANTIZE = 6,
	TFL_OP_FULLY_CONNECTED = 9,
	TFL_OP_MAX_POOL_2D = 17,
	TFL_OP_RELU = 19,
	TFL_OP_RESHAPE = 22,
	TFL_OP_SOFTMAX = 25,
	TFL_OP_PAD = 34,
	TFL_OP_QUANTIZE = 114,
};

/* ActivationFunctionType */
enum tfl_act { TFL_ACT_NONE = 0, TFL_ACT_RELU = 1, TFL_ACT_RELU6 = 3 };

/* Padding */
enum tfl_padding { TFL_PAD_SAME = 0, TFL_PAD_VALID = 1 };

struct tfl_quant {
	int count;              /* 0: none, 1: per-tensor, >1: per-channel */
	int axis;               /* quantized_dimension */
	float *scale;           /* count entries, owned */
	int64_t *zero_point;    /* count entries, owned */
};

struct tfl_tensor {
	char *name;             /* owned */
	enum tfl_type type;
	int rank;
	int32_t dims[TFL_MAX_DIMS];
	int buffer;             /* index into tfl_model.buffers, 0 = none */
	struct tfl_quant q;
};

/* Builtin options of every op we handle; unused fields are ignored. */
struct tfl_opts {
	enum tfl_padding padding;
	int stride_w, stride_h;
	int dilation_w, dilation_h;     /* conv, depthwise */
	int depth_multiplier;           /* depthwise */
	int filter_w, filter_h;         /* pools */
	enum tfl_act act;
	bool keep_num_dims;             /* fully connected */
	float beta;                     /* softmax */
	int axis;                       /* concatenation */
	int new_shape_rank;             /* reshape; 0 = option absent */
	int32_t new_shape[TFL_MAX_DIMS];
};

struct tfl_op {
	int opcode;                     /* enum tfl_opcode */
	int version;                    /* operator code version, >= 1 */
	int n_inputs, n_outputs;
	int inputs[TFL_MAX_OP_INPUTS];  /* tensor indices, -1 = absent */
	int outputs[TFL_MAX_OP_OUTPUTS];
	struct tfl_opts opts;
};

struct tfl_buffer {
	uint8_t *data;                  /* owned; NULL for buffer 0 */
	size_t size;
};

struct tfl_model {
	int n_tensors, n_ops, n_buffers;
	struct tfl_tensor *tensors;
	struct tfl_op *ops;             /* execution order */
	struct tfl_buffer *buffers;     /* buffers[0] is the empty buffer */
	int n_inputs, n_outputs;
	int inputs[TFL_MAX_OP_INPUTS];
	int outputs[TFL_MAX_OP_INPUTS];
	char *description;              /* owned, may be NULL */
};

/* An empty model holding only the empty buffer 0. Returns 0 or -1 (ENOMEM). */
int tfl_model_init(struct tfl_model *m);
void tfl_model_free(struct tfl_model *m);

/* Bytes of one element of @type (0 if unknown). */
size_t tfl_type_size(enum tfl_type type);
/* Element count; negative dims count as 0, and anything above
 * TFL_MAX_ELEMS (corrupt shapes) as TFL_MAX_ELEMS + 1. */
#define TFL_MAX_ELEMS ((size_t)1 << 32)
size_t tfl_tensor_elems(const struct tfl_tensor *t);

/*
 * Add a tensor; @data (bytes == elems * type size) makes it constant, NULL
 * leaves it an activation. Returns the tensor index or -1.
 */
int tfl_add_tensor(struct tfl_model *m, const char *name, enum tfl_type type,
		   int rank, const int32_t *dims, const void *data,
		   size_t bytes);

/* Set quantization: @count scales/zero points along @axis (copied). */
int tfl_set_quant(struct tfl_model *m, int tensor, int count,
		  const float *scale, const int64_t *zero_point, int axis);

/* Append an operator; returns its index or -1. */
int tfl_add_op(struct tfl_model *m, int opcode, int n_inputs,
	       const int *inputs, int n_outputs, const int *outputs,
	       const struct tfl_opts *opts);

/* Constant data of a tensor, NULL for activations. */
const void *tfl_tensor_data(const struct tfl_model *m, int tensor);

/* Index of the op producing @tensor, -1 for graph inputs and constants. */
int tfl_producer(const struct tfl_model *m, int tensor);

#endif /* TFL_MODEL_H */
