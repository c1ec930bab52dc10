/* SPDX-License-Identifier: MIT */
/*
 * TFLite model loader: validates the flatbuffer against the parts of the
 * schema (tensorflow/lite/schema/schema.fbs) we use and fills struct
 * accel_model. Everything read from the file is checked before use: offsets
 * and vtables by flatbuf.c, indices, shapes, sizes and quantization here.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flatbuf.h"
#include "loader.h"
#include "ops/ops.h"

#define TFLITE_SCHEMA_VERSION 3
#define MAX_DIM ((int32_t)1 << 24)

/* Field ids from schema.fbs */
enum { MODEL_VERSION = 0, MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2,
       MODEL_BUFFERS = 4 };
enum { OPC_DEPRECATED_CODE = 0, OPC_CUSTOM = 1, OPC_VERSION = 2,
       OPC_CODE = 3 };
enum { SG_TENSORS = 0, SG_INPUTS = 1, SG_OUTPUTS = 2, SG_OPERATORS = 3 };
enum { T_SHAPE = 0, T_TYPE = 1, T_BUFFER = 2, T_NAME = 3, T_QUANT = 4,
       T_IS_VARIABLE = 5, T_SPARSITY = 6 };
enum { Q_SCALE = 2, Q_ZERO_POINT = 3, Q_DETAILS_TYPE = 4, Q_DIM = 6 };
enum { OP_OPCODE_INDEX = 0, OP_INPUTS = 1, OP_OUTPUTS = 2,
       OP_OPTIONS = 4 };
enum { BUF_DATA = 0, BUF_OFFSET = 1, BUF_SIZE = 2 };

/* TFLite TensorType values */
enum { TT_FLOAT32 = 0, TT_FLOAT16 = 1, TT_INT32 = 2, TT_UINT8 = 3,
       TT_INT64 = 4, TT_BOOL = 6, TT_INT16 = 7, TT_INT8 = 9 };

struct buffer_ref {
	const uint8_t *data;
	uint64_t size;
};

struct loader {
	struct fb_buf fb;
	struct accel_model *m;
	unsigned flags;
	int n_opcodes;
	int *opcodes;           /* builtin code per operator_codes entry */
	int *opversions;
	const char **opcustom;  /* custom_code of CUSTOM entries, or NULL */
	uint32_t n_buffers;
	struct buffer_ref *buffers;
	char *err;
	size_t errlen;
};

static int fail(struct loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct loader *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (l->err && l->errlen)
		vsnprintf(l->err, l->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static void *alloc(struct loader *l, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return accel_model_alloc(l->m, n * size);
}

static int map_dtype(int8_t tt, enum accel_dtype *out)
{
	switch (tt) {
	case TT_FLOAT32: *out = ACCEL_DT_FLOAT32; return 0;
	case TT_FLOAT16: *out = ACCEL_DT_FLOAT16; return 0;
	case TT_INT32:   *out = ACCEL_DT_INT32; return 0;
	case TT_UINT8:   *out = ACCEL_DT_UINT8; return 0;
	case TT_INT64:   *out = ACCEL_DT_INT64; return 0;
	case TT_BOOL:    *out = ACCEL_DT_BOOL; return 0;
	case TT_INT16:   *out = ACCEL_DT_INT16; return 0;
	case TT_INT8:    *out = ACCEL_DT_INT8; return 0;
	}
	return -1;
}

static int load_opcodes(struct loader *l, const struct fb_table *model)
{
	struct fb_vec v;
	if (fb_vec_field(model, MODEL_OPCODES, 4, &v) < 0)
		return fail(l, "operator_codes vector out of bounds");
	l->n_opcodes = (int)v.len;
	l->opcodes = alloc(l, v.len + 1, sizeof(int));
	l->opversions = alloc(l, v.len + 1, sizeof(int));
	l->opcustom = alloc(l, v.len + 1, sizeof(char *));
	if (!l->opcodes || !l->opversions || !l->opcustom)
		return fail(l, "out of memory");
	for (uint32_t i = 0; i < v.len; i++) {
		struct fb_table oc;
		int8_t dep;
		int32_t code, version;
		if (fb_vec_table(&v, i, &oc) ||
		    fb_i8(&oc, OPC_DEPRECATED_CODE, 0, &dep) < 0 ||
		    fb_i32(&oc, OPC_CODE, 0, &code) < 0 ||
		    fb_i32(&oc, OPC_VERSION, 1, &version) < 0)
			return fail(l, "operator_codes[%u] malformed", i);
		/* old files only set the int8 field, new ones both (the
		 * int8 one saturates at 127): the larger one is the code */
		l->opcodes[i] = code > dep ? code : dep;
		l->opversions[i] = version;
		if (l->opcodes[i] < 0)
			return fail(l, "operator_codes[%u]: negative builtin code %d",
				    i, l->opcodes[i]);
		const char *custom;
		uint32_t clen;
		if (fb_str_field(&oc, OPC_CUSTOM, &custom, &clen) < 0)
			return fail(l, "operator_codes[%u]: custom_code malformed", i);
		l->opcustom[i] = clen ? custom : NULL;
	}
	return 0;
}

static int load_buffers(struct loader *l, const struct fb_table *model)
{
	struct fb_vec v;
	if (fb_vec_field(model, MODEL_BUFFERS, 4, &v) < 0)
		return fail(l, "buffers vector out of bounds");
	l->n_buffers = v.len;
	l->buffers = alloc(l, v.len + 1, sizeof(*l->buffers));
	if (!l->buffers)
		return fail(l, "out of memory");
	for (uint32_t i = 0; i < v.len; i++) {
		struct fb_table bt;
		struct fb_vec data;
		uint64_t off, size;
		if (fb_vec_table(&v, i, &bt) ||
		    fb_vec_field(&bt, BUF_DATA, 1, &data) < 0 ||
		    fb_u64(&bt, BUF_OFFSET, 0, &off) < 0 ||
		    fb_u64(&bt, BUF_SIZE, 0, &size) < 0)
			return fail(l, "buffers[%u] malformed or out of bounds", i);
		if (data.len) {
			l->buffers[i].data = fb_vec_data(&data);
			l->buffers[i].size = data.len;
		} else if (off > 1) {
			/* large-model extension: data appended after the
			 * flatbuffer, offset from the start of the file */
			if (off > l->fb.n || size > l->fb.n - off)
				return fail(l, "buffers[%u]: offset %llu + size %llu beyond end of file (%zu bytes)",
					    i, (unsigned long long)off,
					    (unsigned long long)size, l->fb.n);
			l->buffers[i].data = l->fb.p + off;
			l->buffers[i].size = size;
		}
	}
	return 0;
}

static bool zp_in_range(enum accel_dtype t, int64_t zp)
{
	switch (t) {
	case ACCEL_DT_INT8:  return zp >= -128 && zp <= 127;
	case ACCEL_DT_UINT8: return zp >= 0 && zp <= 255;
	case ACCEL_DT_INT16: return zp >= -32768 && zp <= 32767;
	default:             return zp >= INT32_MIN && zp <= INT32_MAX;
	}
}

static int load_quant(struct loader *l, int idx, const struct fb_table *tt,
		      struct accel_tensor *t)
{
	struct fb_table qt;
	struct fb_vec sv, zv;
	int32_t axis;
	uint8_t details;
	int r = fb_table_field(tt, T_QUANT, &qt);
	if (r == 1)
		return 0;
	if (r < 0 || fb_vec_field(&qt, Q_SCALE, 4, &sv) < 0 ||
	    fb_vec_field(&qt, Q_ZERO_POINT, 8, &zv) < 0 ||
	    fb_i32(&qt, Q_DIM, 0, &axis) < 0 ||
	    fb_u8(&qt, Q_DETAILS_TYPE, 0, &details) < 0)
		return fail(l, "tensor %d: quantization parameters malformed", idx);
	if (details)
		return fail(l, "tensor %d: custom quantization details not supported", idx);
	if (sv.len == 0)
		return 0;       /* min/max only: not quantized for us */
	if (zv.len != sv.len)
		return fail(l, "tensor %d ('%s'): %u scales but %u zero points",
			    idx, t->name, sv.len, zv.len);
	if (sv.len > 1) {
		if (t->rank == 1 && sv.len == (uint32_t)t->dims[0]) {
			axis = 0;   /* quirk: rank-1 bias with axis 3 */
		} else if (axis < 0 || axis >= t->rank ||
			   sv.len != (uint32_t)t->dims[axis]) {
			return fail(l, "tensor %d ('%s'): %u quantization scales do not match dimension %d of the shape",
				    idx, t->name, sv.len, axis);
		}
	} else if (axis < 0 || axis >= (t->rank ? t->rank : 1)) {
		axis = 0;
	}
	float *scale = alloc(l, sv.len, sizeof(float));
	int64_t *zp = alloc(l, sv.len, sizeof(int64_t));
	if (!scale || !zp)
		return fail(l, "out of memory");
	for (uint32_t i = 0; i < sv.len; i++) {
		scale[i] = fb_vec_f32(&sv, i);
		zp[i] = fb_vec_i64(&zv, i);
		/* activations need a positive scale; an all-zero weight
		 * channel may legitimately have scale 0 */
		if (!isfinite(scale[i]) || scale[i] < 0 ||
		    scale[i] > 1e30f || (scale[i] == 0 && !t->is_const))
			return fail(l, "tensor %d ('%s'): invalid quantization scale %g",
				    idx, t->name, (double)scale[i]);
		if (!zp_in_range(t->type, zp[i]))
			return fail(l, "tensor %d ('%s'): zero point %lld out of range for %s",
				    idx, t->name, (long long)zp[i],
				    accel_dtype_name(t->type));
	}
	t->q.count = (int)sv.len;
	t->q.axis = axis;
	t->q.scale = scale;
	t->q.zero_point = zp;
	return 0;
}

static int load_shape(struct loader *l, int idx, const struct fb_table *tt,
		      struct accel_tensor *t)
{
	struct fb_vec sv;
	if (fb_vec_field(tt, T_SHAPE, 4, &sv) < 0)
		return fail(l, "tensor %d: shape vector out of bounds", idx);
	if (sv.len > ACCEL_MAX_DIMS)
		return fail(l, "tensor %d ('%s'): rank %u exceeds %d",
			    idx, t->name, sv.len, ACCEL_MAX_DIMS);
	t->rank = (int)sv.len;
	uint64_t elems = 1;
	for (int i = 0; i < t->rank; i++) {
		int32_t d = fb_vec_i32(&sv, (uint32_t)i);
		if (d < 1 || d > MAX_DIM)
			return fail(l, "tensor %d ('%s'): invalid dimension %d at axis %d",
				    idx, t->name, d, i);
		t->dims[i] = d;
		elems *= (uint64_t)d;
		if (elems > ACCEL_MAX_TENSOR_BYTES)
			break;
	}
	uint64_t bytes = elems * accel_dtype_size(t->type);
	if (elems > ACCEL_MAX_TENSOR_BYTES || bytes > ACCEL_MAX_TENSOR_BYTES)
		return fail(l, "tensor %d ('%s'): too large (limit %zu bytes)",
			    idx, t->name, ACCEL_MAX_TENSOR_BYTES);
	t->bytes = (size_t)bytes;
	return 0;
}

/* Constant data must be aligned for its element type; copy if it is not. */
static int attach_data(struct loader *l, struct accel_tensor *t,
		       const uint8_t *data)
{
	size_t align = accel_dtype_size(t->type);
	if ((uintptr_t)data % align) {
		void *copy = alloc(l, 1, t->bytes);
		if (!copy)
			return fail(l, "out of memory");
		memcpy(copy, data, t->bytes);
		data = copy;
	}
	t->const_data = data;
	return 0;
}

static int load_tensor(struct loader *l, int idx, const struct fb_table *tt,
		       struct accel_tensor *t)
{
	int8_t type;
	uint32_t buf;
	uint32_t namelen;
	struct fb_table sparsity;
	if (fb_i8(tt, T_TYPE, 0, &type) < 0 ||
	    fb_u32(tt, T_BUFFER, 0, &buf) < 0 ||
	    fb_bool(tt, T_IS_VARIABLE, false, &t->is_variable) < 0 ||
	    fb_str_field(tt, T_NAME, &t->name, &namelen) < 0)
		return fail(l, "tensor %d: malformed", idx);
	if (map_dtype(type, &t->type)) {
		fail(l, "tensor %d ('%s'): unsupported tensor type %d",
		     idx, t->name, type);
		return ACCEL_LOAD_UNSUPPORTED;
	}
	if (fb_table_field(tt, T_SPARSITY, &sparsity) != 1) {
		fail(l, "tensor %d ('%s'): sparse tensors not supported",
		     idx, t->name);
		return ACCEL_LOAD_UNSUPPORTED;
	}
	int rc = load_shape(l, idx, tt, t);
	if (rc)
		return rc;
	if (buf >= l->n_buffers && buf != 0)
		return fail(l, "tensor %d ('%s'): buffer index %u out of range (%u buffers)",
			    idx, t->name, buf, l->n_buffers);
	const struct buffer_ref *b = buf < l->n_buffers ? &l->buffers[buf] : NULL;
	if (b && b->size) {
		if (b->size != t->bytes)
			return fail(l, "tensor %d ('%s'): buffer %u holds %llu bytes, shape needs %zu",
				    idx, t->name, buf,
				    (unsigned long long)b->size, t->bytes);
		/* a variable keeps its initial value in const_data */
		t->is_const = !t->is_variable;
		if (attach_data(l, t, b->data))
			return -1;
		t->data = t->is_const ? (void *)t->const_data : NULL;
	}
	if (load_quant(l, idx, tt, t))
		return -1;
	t->first_use = t->last_use = -1;
	return 0;
}

static int load_index_vec(struct loader *l, const struct fb_vec *v,
			  bool allow_absent, int **out, const char *what,
			  int owner)
{
	int *idx = alloc(l, v->len + 1, sizeof(int));
	if (!idx)
		return fail(l, "out of memory");
	for (uint32_t i = 0; i < v->len; i++) {
		int32_t t = fb_vec_i32(v, i);
		if (t == -1 && allow_absent) {
			idx[i] = -1;
			continue;
		}
		if (t < 0 || t >= l->m->n_tensors) {
			if (owner >= 0)
				return fail(l, "operator %d: %s %u is tensor %d, out of range (%d tensors)",
					    owner, what, i, t, l->m->n_tensors);
			return fail(l, "subgraph %s %u is tensor %d, out of range (%d tensors)",
				    what, i, t, l->m->n_tensors);
		}
		idx[i] = t;
	}
	*out = idx;
	return 0;
}

static int check_act(struct loader *l, int idx, int act)
{
	if (act < ACCEL_ACT_NONE || act > ACCEL_ACT_SIGN_BIT)
		return fail(l, "operator %d: invalid fused activation %d", idx, act);
	return 0;
}

static int check_stride(struct loader *l, int idx, int a, int b, const char *what)
{
	if (a < 1 || b < 1 || a > 4096 || b > 4096)
		return fail(l, "operator %d: invalid %s %dx%d", idx, what, a, b);
	return 0;
}

static int check_padding(struct loader *l, int idx, int p)
{
	if (p != ACCEL_PAD_SAME && p != ACCEL_PAD_VALID)
		return fail(l, "operator %d: invalid padding %d", idx, p);
	return 0;
}

/* Read the builtin options of the op types whose options we model. */
static int load_options(struct loader *l, int idx, const struct fb_table *ot,
			struct accel_op *op)
{
	int8_t pad = 0, act = 0;
	int r = 0;
	switch (op->opcode) {
	case ACCEL_OP_CONV_2D: {
		struct accel_conv_opts *c = &op->opt.conv;
		r |= fb_i8(ot, 0, 0, &pad);
		r |= fb_i32(ot, 1, 0, &c->stride_w);
		r |= fb_i32(ot, 2, 0, &c->stride_h);
		r |= fb_i8(ot, 3, 0, &act);
		r |= fb_i32(ot, 4, 1, &c->dilation_w);
		r |= fb_i32(ot, 5, 1, &c->dilation_h);
		c->padding = pad;
		c->act = act;
		if (check_padding(l, idx, pad) || check_act(l, idx, act) ||
		    check_stride(l, idx, c->stride_w, c->stride_h, "stride") ||
		    check_stride(l, idx, c->dilation_w, c->dilation_h, "dilation"))
			return -1;
		break;
	}
	case ACCEL_OP_DEPTHWISE_CONV_2D: {
		struct accel_conv_opts *c = &op->opt.conv;
		r |= fb_i8(ot, 0, 0, &pad);
		r |= fb_i32(ot, 1, 0, &c->stride_w);
		r |= fb_i32(ot, 2, 0, &c->stride_h);
		r |= fb_i32(ot, 3, 0, &c->depth_multiplier);
		r |= fb_i8(ot, 4, 0, &act);
		r |= fb_i32(ot, 5, 1, &c->dilation_w);
		r |= fb_i32(ot, 6, 1, &c->dilation_h);
		c->padding = pad;
		c->act = act;
		if (check_padding(l, idx, pad) || check_act(l, idx, act) ||
		    check_stride(l, idx, c->stride_w, c->stride_h, "stride") ||
		    check_stride(l, idx, c->dilation_w, c->dilation_h, "dilation"))
			return -1;
		break;
	}
	case ACCEL_OP_AVERAGE_POOL_2D:
	case ACCEL_OP_MAX_POOL_2D: {
		struct accel_pool_opts *p = &op->opt.pool;
		r |= fb_i8(ot, 0, 0, &pad);
		r |= fb_i32(ot, 1, 0, &p->stride_w);
		r |= fb_i32(ot, 2, 0, &p->stride_h);
		r |= fb_i32(ot, 3, 0, &p->filter_w);
		r |= fb_i32(ot, 4, 0, &p->filter_h);
		r |= fb_i8(ot, 5, 0, &act);
		p->padding = pad;
		p->act = act;
		if (check_padding(l, idx, pad) || check_act(l, idx, act) ||
		    check_stride(l, idx, p->stride_w, p->stride_h, "stride") ||
		    check_stride(l, idx, p->filter_w, p->filter_h, "filter size"))
			return -1;
		break;
	}
	case ACCEL_OP_FULLY_CONNECTED:
		r |= fb_i8(ot, 0, 0, &act);
		r |= fb_bool(ot, 2, false, &op->opt.fc.keep_num_dims);
		op->opt.fc.act = act;
		if (check_act(l, idx, act))
			return -1;
		break;
	case ACCEL_OP_ADD:
	case ACCEL_OP_SUB:
	case ACCEL_OP_MUL:
		r |= fb_i8(ot, 0, 0, &act);
		op->opt.elem.act = act;
		if (check_act(l, idx, act))
			return -1;
		break;
	case ACCEL_OP_CONCATENATION:
		r |= fb_i32(ot, 0, 0, &op->opt.concat.axis);
		r |= fb_i8(ot, 1, 0, &act);
		op->opt.concat.act = act;
		if (check_act(l, idx, act))
			return -1;
		break;
	case ACCEL_OP_SOFTMAX:
		r |= fb_f32(ot, 0, 0.0f, &op->opt.softmax.beta);
		if (!isfinite(op->opt.softmax.beta))
			return fail(l, "operator %d: invalid softmax beta", idx);
		break;
	case ACCEL_OP_MEAN:
		r |= fb_bool(ot, 0, false, &op->opt.reducer.keep_dims);
		break;
	case ACCEL_OP_SVDF:
		r |= fb_i32(ot, 0, 0, &op->opt.svdf.rank);
		r |= fb_i8(ot, 1, 0, &act);
		op->opt.svdf.act = act;
		if (check_act(l, idx, act))
			return -1;
		if (op->opt.svdf.rank < 1)
			return fail(l, "operator %d: invalid SVDF rank %d", idx,
				    op->opt.svdf.rank);
		break;
	default:
		break;
	}
	if (r < 0)
		return fail(l, "operator %d (%s): options malformed", idx, op->name);
	return 0;
}

static int load_operator(struct loader *l, int idx, const struct fb_table *ot,
			 struct accel_op *op)
{
	uint32_t opc;
	struct fb_vec in, out;
	struct fb_table opts;
	if (fb_u32(ot, OP_OPCODE_INDEX, 0, &opc) < 0 ||
	    fb_vec_field(ot, OP_INPUTS, 4, &in) < 0 ||
	    fb_vec_field(ot, OP_OUTPUTS, 4, &out) < 0)
		return fail(l, "operator %d: malformed", idx);
	if (opc >= (uint32_t)l->n_opcodes)
		return fail(l, "operator %d: opcode index %u out of range (%d operator codes)",
			    idx, opc, l->n_opcodes);
	op->opcode = l->opcodes[opc];
	op->version = l->opversions[opc];
	op->name = accel_builtin_name(op->opcode);
	if (!op->name || (!(l->flags & ACCEL_LOAD_ANY_OP) &&
			  !accel_cpu_op_supported(op->opcode))) {
		if (op->opcode == 32 && l->opcustom[opc])
			fail(l, "operator %d: unsupported custom operator '%.64s'",
			     idx, l->opcustom[opc]);
		else if (op->name)
			fail(l, "operator %d: unsupported operator '%s' (op %d)",
			     idx, op->name, op->opcode);
		else
			fail(l, "operator %d: unknown builtin operator code %d",
			     idx, op->opcode);
		return ACCEL_LOAD_UNSUPPORTED;
	}
	if (in.len > 64 || out.len > 64 || out.len == 0)
		return fail(l, "operator %d (%s): bad input/output count %u/%u",
			    idx, op->name, in.len, out.len);
	op->n_inputs = (int)in.len;
	op->n_outputs = (int)out.len;
	int *ins = NULL, *outs = NULL;
	if (load_index_vec(l, &in, true, &ins, "input", idx) ||
	    load_index_vec(l, &out, false, &outs, "output", idx))
		return -1;
	op->inputs = ins;
	op->outputs = outs;
	int r = fb_table_field(ot, OP_OPTIONS, &opts);
	if (r < 0)
		return fail(l, "operator %d (%s): options table out of bounds",
			    idx, op->name);
	if (r == 1) {
		/* absent options table: every field takes its default */
		static const uint8_t empty_table[] = { 4, 0, 4, 0, 4, 0, 0, 0 };
		static const struct fb_buf eb = { empty_table, sizeof(empty_table) };
		opts = (struct fb_table){ &eb, 4, 0, 4, 4 };
	}
	return load_options(l, idx, &opts, op);
}

static int load_subgraph(struct loader *l, const struct fb_table *sg)
{
	struct accel_model *m = l->m;
	struct fb_vec tv, iv, ov, opv;
	if (fb_vec_field(sg, SG_TENSORS, 4, &tv) < 0 ||
	    fb_vec_field(sg, SG_INPUTS, 4, &iv) < 0 ||
	    fb_vec_field(sg, SG_OUTPUTS, 4, &ov) < 0 ||
	    fb_vec_field(sg, SG_OPERATORS, 4, &opv) < 0)
		return fail(l, "subgraph 0 malformed or out of bounds");
	if (tv.len > 1u << 16 || opv.len > 1u << 16)
		return fail(l, "subgraph 0: too many tensors/operators");
	m->n_tensors = (int)tv.len;
	m->tensors = alloc(l, tv.len + 1, sizeof(*m->tensors));
	m->n_ops = (int)opv.len;
	m->ops = alloc(l, opv.len + 1, sizeof(*m->ops));
	if (!m->tensors || !m->ops)
		return fail(l, "out of memory");
	for (uint32_t i = 0; i < tv.len; i++) {
		struct fb_table tt;
		if (fb_vec_table(&tv, i, &tt))
			return fail(l, "tensor %u: table out of bounds", i);
		int rc = load_tensor(l, (int)i, &tt, &m->tensors[i]);
		if (rc)
			return rc;
	}
	if (iv.len == 0 || ov.len == 0)
		return fail(l, "model has no %s", iv.len ? "outputs" : "inputs");
	if (load_index_vec(l, &iv, false, &m->inputs, "input", -1) ||
	    load_index_vec(l, &ov, false, &m->outputs, "output", -1))
		return -1;
	m->n_inputs = (int)iv.len;
	m->n_outputs = (int)ov.len;
	for (int i = 0; i < m->n_inputs; i++) {
		const struct accel_tensor *t = &m->tensors[m->inputs[i]];
		if (t->is_const || t->is_variable)
			return fail(l, "graph input %d (tensor %d '%s') is constant or variable",
				    i, m->inputs[i], t->name);
	}
	for (uint32_t i = 0; i < opv.len; i++) {
		struct fb_table ot;
		if (fb_vec_table(&opv, i, &ot))
			return fail(l, "operator %u: table out of bounds", i);
		int rc = load_operator(l, (int)i, &ot, &m->ops[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static int load(struct loader *l)
{
	struct fb_table model, sg;
	struct fb_vec sgv;
	int32_t version;
	if (l->fb.n < 8 || memcmp(l->fb.p + 4, "TFL3", 4) != 0)
		return fail(l, "not a TFLite model (no 'TFL3' file identifier)");
	if (fb_root(&l->fb, &model))
		return fail(l, "corrupt flatbuffer: root table out of bounds");
	if (fb_i32(&model, MODEL_VERSION, 0, &version) < 0)
		return fail(l, "corrupt model table");
	if (version != TFLITE_SCHEMA_VERSION)
		return fail(l, "unsupported schema version %d (expected %d)",
			    version, TFLITE_SCHEMA_VERSION);
	if (load_opcodes(l, &model) || load_buffers(l, &model))
		return -1;
	if (fb_vec_field(&model, MODEL_SUBGRAPHS, 4, &sgv) < 0)
		return fail(l, "subgraphs vector out of bounds");
	if (sgv.len == 0)
		return fail(l, "model has no subgraph");
	if (fb_vec_table(&sgv, 0, &sg))
		return fail(l, "subgraph 0: table out of bounds");
	return load_subgraph(l, &sg);
}

int accel_model_load(const void *data, size_t size, struct accel_model **out,
		     char *err, size_t errlen)
{
	return accel_model_load_flags(data, size, 0, out, err, errlen);
}

int accel_model_load_flags(const void *data, size_t size, unsigned flags,
			   struct accel_model **out, char *err, size_t errlen)
{
	struct loader l = { .err = err, .errlen = errlen, .flags = flags };
	*out = NULL;
	if (!data || size == 0) {
		fail(&l, "empty model");
		return -1;
	}
	if (size > UINT32_MAX) {
		fail(&l, "model file too large (%zu bytes)", size);
		return -1;
	}
	struct accel_model *m = calloc(1, sizeof(*m));
	if (!m) {
		fail(&l, "out of memory");
		return -1;
	}
	l.m = m;
	uint8_t *copy = accel_model_alloc(m, size);
	if (!copy) {
		free(m);
		fail(&l, "out of memory (%zu-byte model)", size);
		return -1;
	}
	memcpy(copy, data, size);
	m->bytes = copy;
	m->size = size;
	l.fb.p = copy;
	l.fb.n = size;
	int rc = load(&l);
	if (rc) {
		accel_model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}
