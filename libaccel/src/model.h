/* SPDX-License-Identifier: MIT */
/*
 * libaccel internal model representation.
 *
 * The loader (loader.c) turns a TFLite flatbuffer into this; graph passes,
 * the CPU ops (ops/) and the device compiler only ever see these structs.
 * Nothing here is public API.
 */
#ifndef ACCEL_MODEL_H
#define ACCEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACCEL_MAX_DIMS 6

enum accel_dtype {
	ACCEL_DT_FLOAT32 = 0,
	ACCEL_DT_INT8,
	ACCEL_DT_UINT8,
	ACCEL_DT_INT16,
	ACCEL_DT_INT32,
	ACCEL_DT_INT64,
	ACCEL_DT_FLOAT16,
	ACCEL_DT_BOOL,
};

/* Fused activation, values as in the TFLite schema. */
enum accel_act {
	ACCEL_ACT_NONE = 0,
	ACCEL_ACT_RELU = 1,
	ACCEL_ACT_RELU_N1_TO_1 = 2,
	ACCEL_ACT_RELU6 = 3,
	ACCEL_ACT_TANH = 4,
	ACCEL_ACT_SIGN_BIT = 5,
};

enum accel_padding { ACCEL_PAD_SAME = 0, ACCEL_PAD_VALID = 1 };

/* Builtin operator codes we know by name (TFLite schema numbering). */
enum accel_opcode {
	ACCEL_OP_ADD = 0,
	ACCEL_OP_AVERAGE_POOL_2D = 1,
	ACCEL_OP_CONCATENATION = 2,
	ACCEL_OP_CONV_2D = 3,
	ACCEL_OP_DEPTHWISE_CONV_2D = 4,
	ACCEL_OP_DEQUANTIZE = 6,
	ACCEL_OP_FULLY_CONNECTED = 9,
	ACCEL_OP_LOGISTIC = 14,
	ACCEL_OP_MAX_POOL_2D = 17,
	ACCEL_OP_MUL = 18,
	ACCEL_OP_RELU = 19,
	ACCEL_OP_RELU6 = 21,
	ACCEL_OP_RESHAPE = 22,
	ACCEL_OP_SOFTMAX = 25,
	ACCEL_OP_SVDF = 27,
	ACCEL_OP_PAD = 34,
	ACCEL_OP_TRANSPOSE = 39,
	ACCEL_OP_MEAN = 40,
	ACCEL_OP_SUB = 41,
	ACCEL_OP_SQUEEZE = 43,
	ACCEL_OP_QUANTIZE = 114,
};

struct accel_quant {
	int count;              /* 0 = not quantized, 1 = per-tensor, >1 per-axis */
	int axis;               /* quantized_dimension as stored in the file;
				 * the loader guarantees 0 <= axis < rank when
				 * count > 1 (a rank-1 tensor with count ==
				 * dims[0] gets axis 0 whatever the file says) */
	const float *scale;     /* count entries (points into owned storage) */
	const int64_t *zero_point; /* count entries */
};

struct accel_tensor {
	const char *name;
	enum accel_dtype type;
	int rank;
	int32_t dims[ACCEL_MAX_DIMS];
	size_t bytes;           /* element count * element size */
	struct accel_quant q;
	bool is_const;          /* has a non-empty buffer in the file */
	bool is_variable;       /* TFLite variable tensor (e.g. SVDF state) */
	const void *const_data; /* points into the model bytes when is_const */
	void *data;             /* runtime storage (arena or const_data) */
	/* planner results */
	int first_use, last_use;/* op indices; -1 when unused */
	size_t arena_offset;    /* valid for non-const, non-variable tensors */
};

struct accel_conv_opts {
	enum accel_padding padding;
	int stride_w, stride_h;
	int dilation_w, dilation_h;
	int depth_multiplier;   /* depthwise only */
	enum accel_act act;
	/*
	 * Set by the PAD-folding pass (planner.c): explicit padding replaces
	 * SAME/VALID. inputs[0] is then the *unpadded* tensor (the PAD's
	 * input); the op must behave exactly like VALID padding applied to
	 * that input padded with pad_top/bottom rows and pad_left/right
	 * columns of the input zero point. Output dims stay as in the file.
	 */
	bool explicit_pad;
	int pad_top, pad_bottom, pad_left, pad_right;
};

struct accel_pool_opts {
	enum accel_padding padding;
	int stride_w, stride_h;
	int filter_w, filter_h;
	enum accel_act act;
};

struct accel_fc_opts {
	enum accel_act act;
	bool keep_num_dims;
};

struct accel_elementwise_opts {   /* ADD, SUB, MUL */
	enum accel_act act;
};

struct accel_concat_opts {
	int axis;
	enum accel_act act;
};

struct accel_softmax_opts {
	float beta;
};

struct accel_reducer_opts {       /* MEAN */
	bool keep_dims;
};

struct accel_svdf_opts {
	int rank;
	enum accel_act act;
};

struct accel_op {
	int opcode;             /* enum accel_opcode or another builtin code */
	int version;
	const char *name;       /* builtin name, for messages and profiles */
	int n_inputs, n_outputs;
	const int *inputs;      /* tensor indices, -1 = optional input absent */
	const int *outputs;
	union {
		struct accel_conv_opts conv;
		struct accel_pool_opts pool;
		struct accel_fc_opts fc;
		struct accel_elementwise_opts elem;
		struct accel_concat_opts concat;
		struct accel_softmax_opts softmax;
		struct accel_reducer_opts reducer;
		struct accel_svdf_opts svdf;
	} opt;
	bool removed;           /* folded into another op by a graph pass */
	void *user_data;        /* per-op prepared state owned by the backend */
};

struct accel_model {
	const uint8_t *bytes;   /* the flatbuffer (owned copy) */
	size_t size;
	int n_tensors;
	struct accel_tensor *tensors;
	int n_ops;
	struct accel_op *ops;   /* in execution order */
	int n_inputs, n_outputs;
	int *inputs, *outputs;  /* tensor indices */
	size_t arena_bytes;     /* planner result */
	/* added by the core (additive): */
	size_t persistent_bytes;/* variable tensors (outside the arena) */
	int n_removed;          /* ops folded away by graph passes */
	struct accel_alloc *allocs; /* loader-owned blocks, see loader.h */
};

/* Element size in bytes of a dtype (0 for unknown). */
size_t accel_dtype_size(enum accel_dtype t);

/* Number of elements of a tensor (product of dims, 1 for rank 0). */
size_t accel_tensor_elems(const struct accel_tensor *t);

#endif /* ACCEL_MODEL_H */
