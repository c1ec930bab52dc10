/* SPDX-License-Identifier: MIT */
/*
 * Golden cross-check on MobileNetV2 (224x224): every layer the device can run
 * - TRANSPOSE (strided LOAD), PAD (LOAD padding insertion), CONV_2D (array +
 * PPU), DEPTHWISE_CONV_2D (NMC), ADD (NMC and fused into the PPU of the
 * conv that feeds it), MEAN (NMC), FULLY_CONNECTED (array) - lowered from
 * the .tflite and run on the C model from the layer's TFLM input tensors,
 * byte-exact against TFLM's output tensors.
 *
 * Usage: test_cmodel_golden_mbv2 SHARED_DIR  (skips when the data is absent)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lower_tflite.h"
#include "quant.h"
#include "toolutil.h"

#define MODEL "mobilenet_v2_quantized_1x3x224x224"

enum {
	OP_ADD = 0, OP_FULLY_CONNECTED = 9, OP_RESHAPE = 22, OP_PAD = 34,
	OP_TRANSPOSE = 39, OP_MEAN = 40,
};

static const char *shared_dir;

static const char *cur_case;

static uint8_t *tensor_data(int idx, size_t expect)
{
	char path[1024];
	size_t n;
	snprintf(path, sizeof(path), "%s/golden/" MODEL "/%s/intermediates/t%03d.bin",
		 shared_dir, cur_case, idx);
	uint8_t *b = tool_read_file(path, &n);
	if (!b)
		fail_msg("missing %s", path);
	assert_int_equal(n, expect);
	return b;
}

static size_t elems(const struct tfl_tensor *t)
{
	size_t n = 1;
	for (int i = 0; i < t->rank; i++)
		n *= (size_t)t->dims[i];
	return n;
}

/* run the stream in @e and compare region 2 with tensor @out_idx */
static void run_and_compare(struct env *e, int op_idx, const char *what,
			    int out_idx, size_t bytes)
{
	struct dnpu_cmodel_result r;
	uint8_t *golden = tensor_data(out_idx, bytes);
	memset(env_at(e, 2, 0), 0x5c, bytes);
	uint32_t st = env_run(e, &r);
	if (st != DNPU_JOB_OK)
		fail_msg("op %d %s: %s at command %u", op_idx, what,
			 dnpu_fault_name(st), r.fault_cmd);
	if (memcmp(env_at(e, 2, 0), golden, bytes)) {
		size_t i = 0;
		while (env_at(e, 2, 0)[i] == golden[i])
			i++;
		fail_msg("op %d %s: byte %zu of %zu differs (%d vs TFLM %d)",
			 op_idx, what, i, bytes, (int8_t)env_at(e, 2, 0)[i],
			 (int8_t)golden[i]);
	}
	free(golden);
}

static struct tfl_tensor ta, tb, to, tp;

static const int32_t *const_i32(const struct tfl_model *m, int idx, size_t n)
{
	size_t len;
	assert_int_equal(tfl_get_tensor(m, idx, &tp), 0);
	const uint8_t *b = tfl_buffer(m, tp.buffer, &len);
	assert_non_null(b);
	assert_int_equal(len, 4 * n);
	return (const int32_t *)b;
}

struct counts {
	unsigned conv, dw, fused, add, pad, mean, fc, transpose, reshape;
	size_t bytes;
};

static void do_conv(struct env *e, const struct tfl_model *m, int i,
		    const struct tfl_op *op, const struct tfl_op *next,
		    struct counts *n)
{
	struct tfl_layer t;
	const char *why;
	if (tfl_layer_get(m, op, &t, &why))
		fail_msg("op %d: %s", i, why);
	assert_int_equal(t.batch, 1);
	uint8_t *in = tensor_data(op->inputs[0], t.in_bytes);
	assert_int_equal(lower_conv(e, &t.l, (const int8_t *)in), 0);
	run_and_compare(e, i, t.l.depthwise ? "DEPTHWISE_CONV_2D" : "CONV_2D",
			op->outputs[0], t.out_bytes);
	n->bytes += t.out_bytes;
	if (t.l.depthwise)
		n->dw++;
	else
		n->conv++;

	/* CONV_2D feeding an ADD: the same conv with the ADD fused (PPU) */
	if (!t.l.depthwise && next && next->builtin == OP_ADD &&
	    (next->inputs[0] == op->outputs[0] || next->inputs[1] == op->outputs[0])) {
		int mine = next->inputs[0] == op->outputs[0] ? 0 : 1;
		struct tfl_tensor *tc = &ta, *tr = &tb;
		struct dnpu_add_param ap;
		assert_int_equal(tfl_get_tensor(m, next->inputs[mine], tc), 0);
		assert_int_equal(tfl_get_tensor(m, next->inputs[1 - mine], tr), 0);
		assert_int_equal(tfl_get_tensor(m, next->outputs[0], &to), 0);
		assert_int_equal(elems(tr), t.out_bytes);
		/* the conv output is the fused ADD's first input */
		lower_add_params(tc->scale[0], (int32_t)tc->zero_point[0],
				 tr->scale[0], (int32_t)tr->zero_point[0],
				 to.scale[0], (int32_t)to.zero_point[0],
				 tfl_field_u8(m, next->options, 0, 0), &ap);
		uint8_t *res = tensor_data(next->inputs[1 - mine], t.out_bytes);
		t.l.residual = (const int8_t *)res;
		t.l.add = &ap;
		assert_int_equal(lower_conv(e, &t.l, (const int8_t *)in), 0);
		run_and_compare(e, i, "CONV_2D + fused ADD", next->outputs[0],
				t.out_bytes);
		n->fused++;
		free(res);
	}
	free(in);
	tfl_layer_free(&t);
}

static void do_add(struct env *e, const struct tfl_model *m, int i,
		   const struct tfl_op *op, struct counts *n)
{
	struct dnpu_add_param ap;
	assert_int_equal(tfl_get_tensor(m, op->inputs[0], &ta), 0);
	assert_int_equal(tfl_get_tensor(m, op->inputs[1], &tb), 0);
	assert_int_equal(tfl_get_tensor(m, op->outputs[0], &to), 0);
	size_t bytes = elems(&to);
	assert_int_equal(elems(&ta), bytes);	/* no broadcasting here */
	assert_int_equal(elems(&tb), bytes);
	lower_add_params(ta.scale[0], (int32_t)ta.zero_point[0], tb.scale[0],
			 (int32_t)tb.zero_point[0], to.scale[0],
			 (int32_t)to.zero_point[0],
			 tfl_field_u8(m, op->options, 0, 0), &ap);
	uint8_t *a = tensor_data(op->inputs[0], bytes);
	uint8_t *b = tensor_data(op->inputs[1], bytes);
	assert_int_equal(lower_add(e, bytes, to.dims[to.rank - 1],
				   (const int8_t *)a, (const int8_t *)b, &ap), 0);
	run_and_compare(e, i, "ADD", op->outputs[0], bytes);
	n->add++;
	n->bytes += bytes;
	free(a);
	free(b);
}

static void do_pad(struct env *e, const struct tfl_model *m, int i,
		   const struct tfl_op *op, struct counts *n)
{
	assert_int_equal(tfl_get_tensor(m, op->inputs[0], &ta), 0);
	assert_int_equal(tfl_get_tensor(m, op->outputs[0], &to), 0);
	assert_int_equal(ta.rank, 4);
	const int32_t *p = const_i32(m, op->inputs[1], 8);
	assert_true(p[0] == 0 && p[1] == 0 && p[6] == 0 && p[7] == 0);
	uint8_t *in = tensor_data(op->inputs[0], elems(&ta));
	/* TFLM pads int8 with the output zero point */
	assert_int_equal(lower_pad(e, ta.dims[1], ta.dims[2], ta.dims[3], p[2],
				   p[3], p[4], p[5], (int8_t)to.zero_point[0],
				   (const int8_t *)in), 0);
	run_and_compare(e, i, "PAD", op->outputs[0], elems(&to));
	n->pad++;
	n->bytes += elems(&to);
	free(in);
}

static void do_mean(struct env *e, const struct tfl_model *m, int i,
		    const struct tfl_op *op, struct counts *n)
{
	int32_t mult;
	int shift;
	assert_int_equal(tfl_get_tensor(m, op->inputs[0], &ta), 0);
	assert_int_equal(tfl_get_tensor(m, op->outputs[0], &to), 0);
	assert_int_equal(ta.rank, 4);
	const int32_t *axis = const_i32(m, op->inputs[1], 2);
	assert_true(axis[0] == 1 && axis[1] == 2);
	/*
	 * TFLM: QuantizeMultiplier(in_scale / out_scale), then (integer
	 * QuantizedMeanOrSum) 1 / (H*W) folded into the multiplier, keeping
	 * the shift in range; the NMC then divides by count = 1.
	 */
	accel_quantize_multiplier((double)ta.scale[0] / (double)to.scale[0],
				  &mult, &shift);
	int64_t nred = (int64_t)ta.dims[1] * ta.dims[2];
	int sh = 63 - __builtin_clzll((unsigned long long)nred);
	if (sh > 32)
		sh = 32;
	if (sh > 31 + shift)
		sh = 31 + shift;
	mult = (int32_t)(((int64_t)mult << sh) / nred);
	shift -= sh;
	uint8_t *in = tensor_data(op->inputs[0], elems(&ta));
	assert_int_equal(lower_mean(e, ta.dims[1], ta.dims[2], ta.dims[3],
				    (const int8_t *)in, (int32_t)ta.zero_point[0],
				    (int32_t)to.zero_point[0], mult, shift, 1), 0);
	run_and_compare(e, i, "MEAN", op->outputs[0], elems(&to));
	n->mean++;
	n->bytes += elems(&to);
	free(in);
}

static void do_fc(struct env *e, const struct tfl_model *m, int i,
		  const struct tfl_op *op, struct counts *n)
{
	struct conv_layer l;
	size_t wlen, blen = 0;
	memset(&l, 0, sizeof(l));
	assert_int_equal(tfl_get_tensor(m, op->inputs[0], &ta), 0);
	assert_int_equal(tfl_get_tensor(m, op->inputs[1], &tb), 0);
	assert_int_equal(tfl_get_tensor(m, op->outputs[0], &to), 0);
	assert_int_equal(tb.rank, 2);
	l.ih = l.iw = l.oh = l.ow = 1;
	l.ic = tb.dims[1];
	l.oc = tb.dims[0];
	l.kh = l.kw = l.sh = l.sw = l.dh = l.dw = l.dm = 1;
	assert_int_equal(elems(&ta), (size_t)l.ic);
	l.weights = (const int8_t *)tfl_buffer(m, tb.buffer, &wlen);
	assert_int_equal(wlen, (size_t)l.ic * l.oc);
	int32_t *mult = calloc((size_t)l.oc, 4), *shift = calloc((size_t)l.oc, 4);
	if (op->ninputs > 2 && op->inputs[2] >= 0) {
		assert_int_equal(tfl_get_tensor(m, op->inputs[2], &tp), 0);
		l.bias = (const int32_t *)tfl_buffer(m, tp.buffer, &blen);
		assert_int_equal(blen, 4 * (size_t)l.oc);
	}
	lower_quant_params(ta.scale[0], tb.scale, tb.nq, to.scale[0], l.oc,
			   mult, shift);
	l.mult = mult;
	l.shift = shift;
	l.in_zp = (int32_t)ta.zero_point[0];
	l.out_zp = (int32_t)to.zero_point[0];
	lower_act_range(tfl_field_u8(m, op->options, 0, 0), to.scale[0], l.out_zp,
			&l.act_min, &l.act_max);
	uint8_t *in = tensor_data(op->inputs[0], elems(&ta));
	assert_int_equal(lower_conv(e, &l, (const int8_t *)in), 0);
	run_and_compare(e, i, "FULLY_CONNECTED", op->outputs[0], elems(&to));
	n->fc++;
	n->bytes += elems(&to);
	free(in);
	free(mult);
	free(shift);
}

static void do_transpose(struct env *e, const struct tfl_model *m, int i,
			 const struct tfl_op *op, struct counts *n)
{
	assert_int_equal(tfl_get_tensor(m, op->inputs[0], &ta), 0);
	const int32_t *perm = const_i32(m, op->inputs[1], 4);
	assert_true(ta.rank == 4 && ta.dims[0] == 1 && perm[0] == 0 &&
		    perm[1] == 2 && perm[2] == 3 && perm[3] == 1);
	uint8_t *in = tensor_data(op->inputs[0], elems(&ta));
	assert_int_equal(lower_nchw_to_nhwc(e, ta.dims[1], ta.dims[2], ta.dims[3],
					    (const int8_t *)in), 0);
	run_and_compare(e, i, "TRANSPOSE", op->outputs[0], elems(&ta));
	n->transpose++;
	n->bytes += elems(&ta);
	free(in);
}

static void run_case(const char *cs, bool small)
{
	char path[1024];
	size_t size;
	struct tfl_model m;
	struct counts n;

	memset(&n, 0, sizeof(n));
	cur_case = cs;
	snprintf(path, sizeof(path), "%s/golden/models/" MODEL ".tflite", shared_dir);
	uint8_t *buf = tool_read_file(path, &size);
	assert_non_null(buf);
	assert_int_equal(tfl_open(&m, buf, size), 0);
	struct env *e = env_new_sized(small, 2u << 20, 12u << 20, 4u << 20);
	int nops = tfl_op_count(&m);
	for (int i = 0; i < nops; i++) {
		struct tfl_op op, next;
		assert_int_equal(tfl_get_op(&m, i, &op), 0);
		bool has_next = i + 1 < nops && tfl_get_op(&m, i + 1, &next) == 0;
		switch (op.builtin) {
		case TFL_OP_CONV_2D:
		case TFL_OP_DEPTHWISE_CONV_2D:
			do_conv(e, &m, i, &op, has_next ? &next : NULL, &n);
			break;
		case OP_ADD:
			do_add(e, &m, i, &op, &n);
			break;
		case OP_PAD:
			do_pad(e, &m, i, &op, &n);
			break;
		case OP_MEAN:
			do_mean(e, &m, i, &op, &n);
			break;
		case OP_FULLY_CONNECTED:
			do_fc(e, &m, i, &op, &n);
			break;
		case OP_TRANSPOSE:
			do_transpose(e, &m, i, &op, &n);
			break;
		case OP_RESHAPE:
			n.reshape++;	/* no data movement */
			break;
		default:
			fail_msg("op %d: unexpected builtin %d", i, op.builtin);
		}
	}
	printf(MODEL "/%s (%s): %u CONV_2D (%u with the next ADD fused), "
	       "%u DEPTHWISE_CONV_2D, %u ADD, %u PAD, %u MEAN, %u FULLY_CONNECTED, "
	       "%u TRANSPOSE identical (%zu bytes); %u RESHAPE not run\n",
	       cs, small ? "4x4" : "16x16", n.conv, n.fused, n.dw, n.add, n.pad,
	       n.mean, n.fc, n.transpose, n.bytes, n.reshape);
	assert_int_equal(n.conv, 35);
	assert_int_equal(n.dw, 17);
	assert_int_equal(n.add, 10);
	assert_int_equal(n.pad, 18);
	assert_int_equal(n.mean, 1);
	assert_int_equal(n.fc, 1);
	assert_int_equal(n.transpose, 1);
	assert_true(n.fused > 0);
	env_free(e);
	free(buf);
}

static int have_data(void)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/golden/models/" MODEL ".tflite", shared_dir);
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	fclose(f);
	return 1;
}

static void test_chelsea(void **s)
{
	(void)s;
	if (!have_data())
		skip();
	run_case("chelsea", false);
}

static void test_random_seed1_small(void **s)
{
	(void)s;
	if (!have_data())
		skip();
	run_case("random_seed1", true);
}

int main(int argc, char **argv)
{
	shared_dir = argc > 1 ? argv[1] : "../shared";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chelsea),
		cmocka_unit_test(test_random_seed1_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
