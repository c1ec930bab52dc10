/* SPDX-License-Identifier: MIT */
/*
 * Device compiler vs CPU ops: random int8 ops lowered to command streams,
 * executed by the C functional model, compared byte for byte with the CPU
 * backend's ops (which the golden tests hold to TFLite).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compiler/compile.h"
#include "dnpu_cmodel.h"
#include "ops/ops.h"

#define BUS_SHIFT 36

static uint32_t rng = 1;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}
static int rint_(int lo, int hi) { return lo + (int)(rnd() % (uint32_t)(hi - lo + 1)); }
static float rfloat(float lo, float hi) { return lo + (hi - lo) * (float)(rnd() % 1000000) / 1e6f; }

struct tspec {
	enum accel_dtype type;
	int rank, dims[4];
	int nq;
	float scale[1024];
	int64_t zp[1024];
	void *data;
	int is_const;
};

struct fixture {
	struct accel_model m;
	struct accel_tensor t[6];
	struct accel_op op, op2;
	int inputs[3], outputs[1];
	int inputs2[2], outputs2[1];
	float scales[6][1024];
	int64_t zps[6][1024];
};

static void set_tensor(struct fixture *f, int i, enum accel_dtype type,
		       int rank, const int *dims, int nq, int axis, int is_const)
{
	struct accel_tensor *t = &f->t[i];
	size_t n = 1;

	memset(t, 0, sizeof(*t));
	t->name = "t";
	t->type = type;
	t->rank = rank;
	for (int d = 0; d < rank; d++) {
		t->dims[d] = dims[d];
		n *= (size_t)dims[d];
	}
	t->bytes = n * accel_dtype_size(type);
	t->q.count = nq;
	t->q.axis = axis;
	t->q.scale = f->scales[i];
	t->q.zero_point = f->zps[i];
	t->data = calloc(1, t->bytes ? t->bytes : 1);
	t->is_const = is_const;
	if (is_const)
		t->const_data = t->data;
	for (size_t k = 0; k < t->bytes; k++)
		((uint8_t *)t->data)[k] = (uint8_t)rnd();
}

static void free_fixture(struct fixture *f)
{
	for (int i = 0; i < f->m.n_tensors; i++)
		free(f->t[i].data);
}

struct win { uint8_t *p; uint64_t size; } wins[DNPU_MAX_REGIONS];

static int bread(void *ctx, uint64_t a, void *buf, size_t len)
{
	(void)ctx;
	uint64_t r = (a >> BUS_SHIFT) - 1, o = a & ((1ull << BUS_SHIFT) - 1);
	if (r >= DNPU_MAX_REGIONS || o + len > wins[r].size)
		return -1;
	memcpy(buf, wins[r].p + o, len);
	return 0;
}

static int bwrite(void *ctx, uint64_t a, const void *buf, size_t len)
{
	(void)ctx;
	uint64_t r = (a >> BUS_SHIFT) - 1, o = a & ((1ull << BUS_SHIFT) - 1);
	if (r >= DNPU_MAX_REGIONS || o + len > wins[r].size)
		return -1;
	memcpy(wins[r].p + o, buf, len);
	return 0;
}

/* Run @f's op on the CPU and on the device model; compare outputs. */
static void check_op(struct fixture *f, const char *what)
{
	struct accel_tensor *out = &f->t[f->outputs[0]];
	char err[256] = "";
	struct dnpu_caps caps;
	struct dnpu_program p;
	struct dnpu_cmodel_config cfg;

	assert_int_equal(accel_cpu_op_prepare(&f->m, &f->op, err, sizeof(err)), 0);
	assert_int_equal(accel_cpu_op_eval(&f->m, &f->op, err, sizeof(err)), 0);
	uint8_t *ref = malloc(out->bytes);
	memcpy(ref, out->data, out->bytes);
	memset(out->data, 0x5a, out->bytes);
	accel_cpu_op_release(&f->op);

	dnpu_cmodel_config_default(&cfg);
	dnpu_caps_default(&caps);
	if (dnpu_compile_op(&caps, &f->m, &f->op, &p, err, sizeof(err))) {
		print_error("%s: compile failed: %s\n", what, err);
		fail();
	}
	struct dnpu_cmodel *cm = dnpu_cmodel_create(&cfg);
	struct dnpu_region rt[DNPU_RGN_MAX];
	struct dnpu_cmodel_result res;

	memset(rt, 0, sizeof(rt));
	memset(wins, 0, sizeof(wins));
	wins[DNPU_RGN_CMD].p = (uint8_t *)p.cmds;
	wins[DNPU_RGN_CMD].size = (uint64_t)p.n_cmds * DNPU_CMD_BYTES;
	wins[DNPU_RGN_CONST].p = p.consts;
	wins[DNPU_RGN_CONST].size = p.const_bytes;
	wins[DNPU_RGN_IN0].p = f->t[f->inputs[0]].data;
	wins[DNPU_RGN_IN0].size = f->t[f->inputs[0]].bytes;
	wins[DNPU_RGN_OUT].p = out->data;
	wins[DNPU_RGN_OUT].size = out->bytes;
	if (p.n_regions > DNPU_RGN_IN1) {
		wins[DNPU_RGN_IN1].p = f->t[f->inputs[1]].data;
		wins[DNPU_RGN_IN1].size = f->t[f->inputs[1]].bytes;
	}
	for (uint32_t r = 0; r < p.n_regions; r++) {
		rt[r].addr = (uint64_t)(r + 1) << BUS_SHIFT;
		rt[r].size = (uint32_t)wins[r].size;
		rt[r].flags = DNPU_REGION_VALID |
			      (r == DNPU_RGN_OUT ? DNPU_REGION_WRITE : DNPU_REGION_READ);
	}
	dnpu_cmodel_set_host(cm, bread, bwrite, NULL);
	assert_int_equal(dnpu_cmodel_load_regions(cm, rt, p.n_regions), 0);
	uint32_t st = dnpu_cmodel_run(cm, DNPU_RGN_CMD, 0, p.n_cmds, &res);
	if (st != DNPU_JOB_OK) {
		print_error("%s: fault %s cmd %u region %u offset %u\n", what,
			    dnpu_fault_name(st), res.fault_cmd, res.fault_region,
			    res.fault_offset);
		fail();
	}
	for (size_t i = 0; i < out->bytes; i++) {
		if (ref[i] != ((uint8_t *)out->data)[i]) {
			print_error("%s: byte %zu: cpu %d device %d\n", what, i,
				    (int8_t)ref[i], ((int8_t *)out->data)[i]);
			fail();
		}
	}
	if (!strcmp(p.unit, "array"))
		assert_int_equal(res.stats.macs, p.macs);
	dnpu_cmodel_destroy(cm);
	dnpu_program_free(&p);
	free(ref);
}

static void init_fixture(struct fixture *f, int opcode, int n_in)
{
	memset(f, 0, sizeof(*f));
	f->m.tensors = f->t;
	f->m.ops = &f->op;
	f->m.n_ops = 1;
	f->op.opcode = opcode;
	f->op.name = "op";
	f->op.version = 1;
	f->op.inputs = f->inputs;
	f->op.outputs = f->outputs;
	f->op.n_inputs = n_in;
	f->op.n_outputs = 1;
}

static void test_conv_random(void **state)
{
	(void)state;
	for (int iter = 0; iter < 200; iter++) {
		static struct fixture f;
		int ih = rint_(1, 20), iw = rint_(1, 20), c = rint_(1, 40);
		int n = rint_(1, 70), kh = rint_(1, 3), kw = rint_(1, 3);
		int sh = rint_(1, 2), sw = rint_(1, 2), dh = rint_(1, 2), dw = rint_(1, 2);
		int same = rint_(0, 1);
		int ekh = (kh - 1) * dh + 1, ekw = (kw - 1) * dw + 1;
		int oh = same ? (ih + sh - 1) / sh : (ih - ekh + sh) / sh;
		int ow = same ? (iw + sw - 1) / sw : (iw - ekw + sw) / sw;

		if (oh <= 0 || ow <= 0)
			continue;
		init_fixture(&f, 3 /* CONV_2D */, 3);
		int din[4] = { 1, ih, iw, c }, dfl[4] = { n, kh, kw, c };
		int db[1] = { n }, dout[4] = { 1, oh, ow, n };
		f.scales[0][0] = rfloat(0.005f, 0.05f);
		f.zps[0][0] = rint_(-128, 127);
		for (int k = 0; k < n; k++) {
			f.scales[1][k] = rfloat(0.001f, 0.02f);
			f.scales[2][k] = f.scales[0][0] * f.scales[1][k];
		}
		f.scales[3][0] = rfloat(0.02f, 0.3f);
		f.zps[3][0] = rint_(-20, 20);
		set_tensor(&f, 0, ACCEL_DT_INT8, 4, din, 1, 0, 0);
		set_tensor(&f, 1, ACCEL_DT_INT8, 4, dfl, n, 0, 1);
		set_tensor(&f, 2, ACCEL_DT_INT32, 1, db, n, 0, 1);
		for (int k = 0; k < n; k++)
			((int32_t *)f.t[2].data)[k] = rint_(-5000, 5000);
		set_tensor(&f, 3, ACCEL_DT_INT8, 4, dout, 1, 0, 0);
		f.m.n_tensors = 4;
		f.inputs[0] = 0; f.inputs[1] = 1; f.inputs[2] = 2; f.outputs[0] = 3;
		f.op.opt.conv = (struct accel_conv_opts){
			.padding = same ? ACCEL_PAD_SAME : ACCEL_PAD_VALID,
			.stride_w = sw, .stride_h = sh,
			.dilation_w = dw, .dilation_h = dh,
			.act = (enum accel_act)(rint_(0, 2) == 2 ? 3 : rint_(0, 1)),
		};
		char what[128];
		snprintf(what, sizeof(what), "conv %dx%dx%d -> %d k%dx%d s%d,%d d%d,%d %s",
			 ih, iw, c, n, kh, kw, sh, sw, dh, dw, same ? "SAME" : "VALID");
		check_op(&f, what);
		free_fixture(&f);
	}
}


static void test_fc_random(void **state)
{
	(void)state;
	for (int iter = 0; iter < 100; iter++) {
		static struct fixture f;
		int rows = rint_(1, 5), k = rint_(1, 300), n = rint_(1, 200);

		init_fixture(&f, 9 /* FULLY_CONNECTED */, 3);
		int din[2] = { rows, k }, dw[2] = { n, k }, db[1] = { n };
		int dout[2] = { rows, n };
		f.scales[0][0] = rfloat(0.005f, 0.05f);
		f.zps[0][0] = rint_(-128, 127);
		f.scales[1][0] = rfloat(0.001f, 0.02f);
		f.scales[2][0] = f.scales[0][0] * f.scales[1][0];
		f.scales[3][0] = rfloat(0.05f, 0.5f);
		f.zps[3][0] = rint_(-20, 20);
		set_tensor(&f, 0, ACCEL_DT_INT8, 2, din, 1, 0, 0);
		set_tensor(&f, 1, ACCEL_DT_INT8, 2, dw, 1, 0, 1);
		set_tensor(&f, 2, ACCEL_DT_INT32, 1, db, 1, 0, 1);
		for (int i = 0; i < n; i++)
			((int32_t *)f.t[2].data)[i] = rint_(-5000, 5000);
		set_tensor(&f, 3, ACCEL_DT_INT8, 2, dout, 1, 0, 0);
		f.m.n_tensors = 4;
		f.inputs[0] = 0; f.inputs[1] = 1; f.inputs[2] = 2; f.outputs[0] = 3;
		f.op.opt.fc.act = (enum accel_act)rint_(0, 1);
		char what[96];
		snprintf(what, sizeof(what), "fc %dx%d -> %d", rows, k, n);
		check_op(&f, what);
		free_fixture(&f);
	}
}

static void test_dwconv_random(void **state)
{
	(void)state;
	for (int iter = 0; iter < 200; iter++) {
		static struct fixture f;
		int ih = rint_(1, 20), iw = rint_(1, 20), ci = rint_(1, 40);
		int dm = rint_(0, 3) == 0 ? rint_(2, 4) : 1, co = ci * dm;
		int kh = rint_(1, 3), kw = rint_(1, 3);
		int sh = rint_(1, 2), sw = rint_(1, 2), dh = rint_(1, 2), dw = rint_(1, 2);
		int same = rint_(0, 1);
		int ekh = (kh - 1) * dh + 1, ekw = (kw - 1) * dw + 1;
		int oh = same ? (ih + sh - 1) / sh : (ih - ekh + sh) / sh;
		int ow = same ? (iw + sw - 1) / sw : (iw - ekw + sw) / sw;

		if (oh <= 0 || ow <= 0)
			continue;
		init_fixture(&f, 4 /* DEPTHWISE_CONV_2D */, 3);
		int din[4] = { 1, ih, iw, ci }, dfl[4] = { 1, kh, kw, co };
		int db[1] = { co }, dout[4] = { 1, oh, ow, co };
		f.scales[0][0] = rfloat(0.005f, 0.05f);
		f.zps[0][0] = rint_(-128, 127);
		for (int k = 0; k < co; k++) {
			f.scales[1][k] = rfloat(0.001f, 0.05f);
			f.scales[2][k] = f.scales[0][0] * f.scales[1][k];
		}
		f.scales[3][0] = rfloat(0.01f, 0.2f);
		f.zps[3][0] = rint_(-20, 20);
		set_tensor(&f, 0, ACCEL_DT_INT8, 4, din, 1, 0, 0);
		set_tensor(&f, 1, ACCEL_DT_INT8, 4, dfl, co, 3, 1);
		set_tensor(&f, 2, ACCEL_DT_INT32, 1, db, co, 0, 1);
		for (int k = 0; k < co; k++)
			((int32_t *)f.t[2].data)[k] = rint_(-5000, 5000);
		set_tensor(&f, 3, ACCEL_DT_INT8, 4, dout, 1, 0, 0);
		f.m.n_tensors = 4;
		f.inputs[0] = 0; f.inputs[1] = 1; f.inputs[2] = 2; f.outputs[0] = 3;
		f.op.opt.conv = (struct accel_conv_opts){
			.padding = same ? ACCEL_PAD_SAME : ACCEL_PAD_VALID,
			.stride_w = sw, .stride_h = sh,
			.dilation_w = dw, .dilation_h = dh,
			.depth_multiplier = dm,
			.act = (enum accel_act)(rint_(0, 2) == 2 ? 3 : rint_(0, 1)),
		};
		char what[128];
		snprintf(what, sizeof(what), "dwconv %dx%dx%d dm%d k%dx%d s%d,%d d%d,%d %s",
			 ih, iw, ci, dm, kh, kw, sh, sw, dh, dw, same ? "SAME" : "VALID");
		check_op(&f, what);
		free_fixture(&f);
	}
}

static void test_add_random(void **state)
{
	(void)state;
	for (int iter = 0; iter < 100; iter++) {
		static struct fixture f;
		int n = iter < 2 ? 70000 + rint_(0, 100) : rint_(1, 3000);

		init_fixture(&f, 0 /* ADD */, 2);
		int d[2] = { 1, n };
		for (int i = 0; i < 3; i++) {
			f.scales[i][0] = rfloat(0.01f, 0.2f);
			f.zps[i][0] = rint_(-128, 127);
			set_tensor(&f, i, ACCEL_DT_INT8, 2, d, 1, 0, 0);
		}
		f.m.n_tensors = 3;
		f.inputs[0] = 0; f.inputs[1] = 1; f.outputs[0] = 2;
		f.op.opt.elem.act = (enum accel_act)rint_(0, 1);
		char what[64];
		snprintf(what, sizeof(what), "add %d", n);
		check_op(&f, what);
		free_fixture(&f);
	}
}

static void test_pool_random(void **state)
{
	(void)state;
	for (int iter = 0; iter < 200; iter++) {
		static struct fixture f;
		int avg = iter & 1;
		int ih = rint_(1, 24), iw = rint_(1, 24), c = rint_(1, 40);
		int kh = rint_(1, 4), kw = rint_(1, 4), sh = rint_(1, 3), sw = rint_(1, 3);
		int same = rint_(0, 1);
		int oh = same ? (ih + sh - 1) / sh : (ih - kh + sh) / sh;
		int ow = same ? (iw + sw - 1) / sw : (iw - kw + sw) / sw;

		if (oh <= 0 || ow <= 0)
			continue;
		init_fixture(&f, avg ? 1 : 17, 1);
		int din[4] = { 1, ih, iw, c }, dout[4] = { 1, oh, ow, c };
		f.scales[0][0] = f.scales[1][0] = rfloat(0.01f, 0.1f);
		f.zps[0][0] = f.zps[1][0] = rint_(-128, 127);
		set_tensor(&f, 0, ACCEL_DT_INT8, 4, din, 1, 0, 0);
		set_tensor(&f, 1, ACCEL_DT_INT8, 4, dout, 1, 0, 0);
		f.m.n_tensors = 2;
		f.inputs[0] = 0; f.outputs[0] = 1;
		f.op.opt.pool = (struct accel_pool_opts){
			.padding = same ? ACCEL_PAD_SAME : ACCEL_PAD_VALID,
			.stride_w = sw, .stride_h = sh, .filter_w = kw, .filter_h = kh,
			.act = (enum accel_act)rint_(0, 1),
		};
		char what[128];
		snprintf(what, sizeof(what), "%s %dx%dx%d k%dx%d s%d,%d %s",
			 avg ? "avgpool" : "maxpool", ih, iw, c, kh, kw, sh, sw,
			 same ? "SAME" : "VALID");
		check_op(&f, what);
		free_fixture(&f);
	}
}

static void test_mean_random(void **state)
{
	(void)state;
	for (int iter = 0; iter < 30; iter++) {
		static struct fixture f;
		int h = rint_(1, 12), w = rint_(1, 12), c = iter < 2 ? 1280 : rint_(1, 300);

		init_fixture(&f, 40 /* MEAN */, 2);
		int din[4] = { 1, h, w, c }, dax[1] = { 2 }, dout[4] = { 1, 1, 1, c };
		f.scales[0][0] = rfloat(0.01f, 0.1f);
		f.zps[0][0] = rint_(-128, 127);
		f.scales[2][0] = rfloat(0.01f, 0.1f);
		f.zps[2][0] = rint_(-128, 127);
		set_tensor(&f, 0, ACCEL_DT_INT8, 4, din, 1, 0, 0);
		set_tensor(&f, 1, ACCEL_DT_INT32, 1, dax, 0, 0, 1);
		((int32_t *)f.t[1].data)[0] = 1;
		((int32_t *)f.t[1].data)[1] = 2;
		set_tensor(&f, 2, ACCEL_DT_INT8, 4, dout, 1, 0, 0);
		f.m.n_tensors = 3;
		f.inputs[0] = 0; f.inputs[1] = 1; f.outputs[0] = 2;
		f.op.opt.reducer.keep_dims = true;
		char what[64];
		snprintf(what, sizeof(what), "mean %dx%dx%d", h, w, c);
		check_op(&f, what);
		free_fixture(&f);
	}
}

/* CONV_2D + residual ADD fused in the epilogue vs the two CPU ops. */
static void test_conv_add_fused(void **state)
{
	(void)state;
	for (int iter = 0; iter < 80; iter++) {
		static struct fixture f;
		int ih = rint_(1, 16), iw = rint_(1, 16), c = rint_(1, 40);
		int n = rint_(1, 70), k = rint_(0, 1) ? 1 : 3, swap = rint_(0, 1);
		char err[256] = "", what[96];

		init_fixture(&f, 3, 3);
		int din[4] = { 1, ih, iw, c }, dfl[4] = { n, k, k, c };
		int db[1] = { n }, dout[4] = { 1, ih, iw, n };
		f.scales[0][0] = rfloat(0.005f, 0.05f);
		f.zps[0][0] = rint_(-128, 127);
		for (int j = 0; j < n; j++) {
			f.scales[1][j] = rfloat(0.001f, 0.02f);
			f.scales[2][j] = f.scales[0][0] * f.scales[1][j];
		}
		for (int i = 3; i < 6; i++) {
			f.scales[i][0] = rfloat(0.02f, 0.3f);
			f.zps[i][0] = rint_(-30, 30);
		}
		set_tensor(&f, 0, ACCEL_DT_INT8, 4, din, 1, 0, 0);
		set_tensor(&f, 1, ACCEL_DT_INT8, 4, dfl, n, 0, 1);
		set_tensor(&f, 2, ACCEL_DT_INT32, 1, db, n, 0, 1);
		for (int j = 0; j < n; j++)
			((int32_t *)f.t[2].data)[j] = rint_(-5000, 5000);
		set_tensor(&f, 3, ACCEL_DT_INT8, 4, dout, 1, 0, 0); /* conv out */
		set_tensor(&f, 4, ACCEL_DT_INT8, 4, dout, 1, 0, 0); /* residual */
		set_tensor(&f, 5, ACCEL_DT_INT8, 4, dout, 1, 0, 0); /* add out */
		f.m.n_tensors = 6;
		f.inputs[0] = 0; f.inputs[1] = 1; f.inputs[2] = 2; f.outputs[0] = 3;
		f.op.opt.conv = (struct accel_conv_opts){
			.padding = ACCEL_PAD_SAME, .stride_w = 1, .stride_h = 1,
			.dilation_w = 1, .dilation_h = 1,
			.act = (enum accel_act)rint_(0, 1),
		};
		f.op2 = f.op;
		f.op2.opcode = 0; /* ADD */
		f.op2.inputs = f.inputs2;
		f.op2.outputs = f.outputs2;
		f.op2.n_inputs = 2;
		f.inputs2[swap] = 3;
		f.inputs2[!swap] = 4;
		f.outputs2[0] = 5;
		f.op2.opt.elem.act = (enum accel_act)rint_(0, 1);
		f.m.n_ops = 2;
		f.m.ops = &f.op; /* only used for opcode lookups */

		/* CPU: conv then add */
		assert_int_equal(accel_cpu_op_prepare(&f.m, &f.op, err, sizeof(err)), 0);
		assert_int_equal(accel_cpu_op_eval(&f.m, &f.op, err, sizeof(err)), 0);
		assert_int_equal(accel_cpu_op_prepare(&f.m, &f.op2, err, sizeof(err)), 0);
		assert_int_equal(accel_cpu_op_eval(&f.m, &f.op2, err, sizeof(err)), 0);
		accel_cpu_op_release(&f.op);
		accel_cpu_op_release(&f.op2);
		size_t nb = f.t[5].bytes;
		uint8_t *ref = malloc(nb);
		memcpy(ref, f.t[5].data, nb);
		memset(f.t[5].data, 0x5a, nb);
		memset(f.t[3].data, 0x77, nb);

		struct dnpu_caps caps;
		struct dnpu_program p;
		struct dnpu_cmodel_config cfg;
		struct dnpu_region rt[DNPU_RGN_MAX];
		struct dnpu_cmodel_result res;

		dnpu_caps_default(&caps);
		dnpu_cmodel_config_default(&cfg);
		snprintf(what, sizeof(what), "conv+add %dx%dx%d -> %d k%d", ih, iw, c, n, k);
		if (dnpu_compile_conv_add(&caps, &f.m, &f.op, &f.op2, &p, err, sizeof(err))) {
			print_error("%s: %s\n", what, err);
			fail();
		}
		assert_int_equal(p.n_regions, DNPU_RGN_MAX);
		memset(wins, 0, sizeof(wins));
		memset(rt, 0, sizeof(rt));
		wins[DNPU_RGN_CMD].p = (uint8_t *)p.cmds;
		wins[DNPU_RGN_CMD].size = (uint64_t)p.n_cmds * DNPU_CMD_BYTES;
		wins[DNPU_RGN_CONST].p = p.consts;
		wins[DNPU_RGN_CONST].size = p.const_bytes;
		wins[DNPU_RGN_IN0].p = f.t[0].data;
		wins[DNPU_RGN_IN0].size = f.t[0].bytes;
		wins[DNPU_RGN_OUT].p = f.t[5].data;
		wins[DNPU_RGN_OUT].size = nb;
		wins[DNPU_RGN_IN1].p = f.t[4].data;
		wins[DNPU_RGN_IN1].size = f.t[4].bytes;
		for (uint32_t r = 0; r < p.n_regions; r++) {
			rt[r].addr = (uint64_t)(r + 1) << BUS_SHIFT;
			rt[r].size = (uint32_t)wins[r].size;
			rt[r].flags = DNPU_REGION_VALID |
				      (r == DNPU_RGN_OUT ? DNPU_REGION_WRITE : DNPU_REGION_READ);
		}
		struct dnpu_cmodel *cm = dnpu_cmodel_create(&cfg);
		dnpu_cmodel_set_host(cm, bread, bwrite, NULL);
		assert_int_equal(dnpu_cmodel_load_regions(cm, rt, p.n_regions), 0);
		uint32_t st = dnpu_cmodel_run(cm, DNPU_RGN_CMD, 0, p.n_cmds, &res);
		if (st != DNPU_JOB_OK) {
			print_error("%s: fault %s cmd %u\n", what, dnpu_fault_name(st), res.fault_cmd);
			fail();
		}
		for (size_t i = 0; i < nb; i++) {
			if (ref[i] != ((uint8_t *)f.t[5].data)[i]) {
				print_error("%s: byte %zu: cpu %d device %d\n", what, i,
					    (int8_t)ref[i], ((int8_t *)f.t[5].data)[i]);
				fail();
			}
			/* the conv's own output is never written */
			assert_int_equal(((uint8_t *)f.t[3].data)[i], 0x77);
		}
		dnpu_cmodel_destroy(cm);
		dnpu_program_free(&p);
		free(ref);
		free_fixture(&f);
	}
}

/*
 * One job on a fresh C model (with the on-chip DMA): regions 0..n-1 are
 * wins[], @writable[r] says which may be written. Returns DRAM data bytes
 * (command fetches excluded).
 */
static uint64_t run_job(const struct dnpu_program *p, uint32_t n,
			const int *writable, const char *what)
{
	struct dnpu_cmodel_config cfg;
	struct dnpu_region rt[DNPU_MAX_REGIONS];
	struct dnpu_cmodel_result res;

	dnpu_cmodel_config_default(&cfg);
	memset(rt, 0, sizeof(rt));
	wins[0].p = (uint8_t *)p->cmds;
	wins[0].size = (uint64_t)p->n_cmds * DNPU_CMD_BYTES;
	wins[1].p = p->consts;
	wins[1].size = p->const_bytes;
	for (uint32_t r = 0; r < n; r++) {
		rt[r].addr = (uint64_t)(r + 1) << BUS_SHIFT;
		rt[r].size = (uint32_t)wins[r].size;
		rt[r].flags = DNPU_REGION_VALID |
			      (writable[r] ? DNPU_REGION_WRITE : DNPU_REGION_READ);
	}
	struct dnpu_cmodel *cm = dnpu_cmodel_create(&cfg);
	dnpu_cmodel_set_host(cm, bread, bwrite, NULL);
	assert_int_equal(dnpu_cmodel_load_regions(cm, rt, n), 0);
	uint32_t st = dnpu_cmodel_run(cm, 0, 0, p->n_cmds, &res);
	if (st != DNPU_JOB_OK) {
		print_error("%s: fault %s cmd %u region %u offset %u\n", what,
			    dnpu_fault_name(st), res.fault_cmd, res.fault_region,
			    res.fault_offset);
		fail();
	}
	dnpu_cmodel_destroy(cm);
	return res.stats.dram_rd_bytes - res.stats.cmd_fetch_bytes +
	       res.stats.dram_wr_bytes;
}

/*
 * Segments: random conv 3x3 -> depthwise 3x3 -> conv 1x1 chains as one job
 * (dnpu_plan_segment) against the CPU ops and against one job per op: the
 * output is identical, both activations stay on chip (their memory is
 * never written) and the segment moves at least their bytes twice each
 * fewer DRAM bytes.
 */
static void test_segment_chain(void **state)
{
	(void)state;
	for (int iter = 0; iter < 60; iter++) {
		struct accel_tensor t[10];
		struct accel_op ops[3];
		float sc[10][64];
		int64_t zp[10][64];
		int in_[3][3] = { { 0, 1, 2 }, { 3, 4, 5 }, { 6, 7, 8 } };
		int out_[3][1] = { { 3 }, { 6 }, { 9 } };
		int h = rint_(1, 24), w = rint_(1, 24), c = rint_(1, 24);
		int n1 = rint_(1, 48), n2 = rint_(1, 40);
		int dims[10][4] = {
			{ 1, h, w, c }, { n1, 3, 3, c }, { n1 }, { 1, h, w, n1 },
			{ 1, 3, 3, n1 }, { n1 }, { 1, h, w, n1 },
			{ n2, 1, 1, n1 }, { n2 }, { 1, h, w, n2 },
		};
		int rank[10] = { 4, 4, 1, 4, 4, 1, 4, 4, 1, 4 };
		int nq[10] = { 1, n1, n1, 1, n1, n1, 1, n2, n2, 1 };
		int axis[10] = { 0, 0, 0, 0, 3, 0, 0, 0, 0, 0 };
		int is_const[10] = { 0, 1, 1, 0, 1, 1, 0, 1, 1, 0 };
		struct accel_model m;
		char err[256] = "", what[96];

		memset(t, 0, sizeof(t));
		memset(ops, 0, sizeof(ops));
		memset(&m, 0, sizeof(m));
		for (int i = 0; i < 10; i++) {
			size_t nb = 1;

			for (int k = 0; k < 64; k++) {
				sc[i][k] = rfloat(0.02f, 0.2f);
				zp[i][k] = is_const[i] ? 0 : rint_(-30, 30);
			}
			t[i].name = "t";
			t[i].type = rank[i] == 1 ? ACCEL_DT_INT32 : ACCEL_DT_INT8;
			t[i].rank = rank[i];
			for (int d = 0; d < rank[i]; d++) {
				t[i].dims[d] = dims[i][d];
				nb *= (size_t)dims[i][d];
			}
			t[i].bytes = nb * accel_dtype_size(t[i].type);
			t[i].q.count = nq[i];
			t[i].q.axis = axis[i];
			t[i].q.scale = sc[i];
			t[i].q.zero_point = zp[i];
			t[i].data = malloc(t[i].bytes);
			t[i].is_const = is_const[i];
			if (is_const[i])
				t[i].const_data = t[i].data;
			for (size_t k = 0; k < t[i].bytes; k++)
				((uint8_t *)t[i].data)[k] = (uint8_t)rnd();
			if (rank[i] == 1)
				for (int k = 0; k < dims[i][0]; k++)
					((int32_t *)t[i].data)[k] = rint_(-3000, 3000);
		}
		/* bias scale = input scale x weight scale */
		for (int k = 0; k < 64; k++) {
			sc[1][k] = rfloat(0.001f, 0.02f);
			sc[2][k] = sc[0][0] * sc[1][k];
			sc[4][k] = rfloat(0.001f, 0.05f);
			sc[5][k] = sc[3][0] * sc[4][k];
			sc[7][k] = rfloat(0.001f, 0.02f);
			sc[8][k] = sc[6][0] * sc[7][k];
		}
		for (int i = 0; i < 3; i++) {
			ops[i].opcode = i == 1 ? 4 /* DEPTHWISE */ : 3 /* CONV_2D */;
			ops[i].name = "op";
			ops[i].version = 1;
			ops[i].inputs = in_[i];
			ops[i].outputs = out_[i];
			ops[i].n_inputs = 3;
			ops[i].n_outputs = 1;
			ops[i].opt.conv = (struct accel_conv_opts){
				.padding = ACCEL_PAD_SAME, .stride_w = 1,
				.stride_h = 1, .dilation_w = 1, .dilation_h = 1,
				.depth_multiplier = 1,
				.act = (enum accel_act)rint_(0, 1),
			};
		}
		m.tensors = t;
		m.n_tensors = 10;
		m.ops = ops;
		m.n_ops = 3;
		int graph_out = 9;
		m.outputs = &graph_out;
		m.n_outputs = 1;
		snprintf(what, sizeof(what), "segment %dx%dx%d -> %d -> %d", h, w,
			 c, n1, n2);

		/* CPU reference */
		for (int i = 0; i < 3; i++) {
			assert_int_equal(accel_cpu_op_prepare(&m, &ops[i], err, sizeof(err)), 0);
			assert_int_equal(accel_cpu_op_eval(&m, &ops[i], err, sizeof(err)), 0);
			accel_cpu_op_release(&ops[i]);
		}
		size_t nb = t[9].bytes;
		uint8_t *ref = malloc(nb);
		memcpy(ref, t[9].data, nb);

		/* one job per op */
		struct dnpu_caps caps;
		uint64_t per_op = 0;
		int wr[DNPU_MAX_REGIONS] = { 0 };

		dnpu_caps_default(&caps);
		caps.features |= DNPU_FEAT_DMA_ONCHIP;
		memset(t[9].data, 0x5a, nb);
		for (int i = 0; i < 3; i++) {
			struct dnpu_program p;

			assert_int_equal(dnpu_compile_op(&caps, &m, &ops[i], &p, err,
							 sizeof(err)), 0);
			memset(wins, 0, sizeof(wins));
			wins[DNPU_RGN_IN0].p = t[in_[i][0]].data;
			wins[DNPU_RGN_IN0].size = t[in_[i][0]].bytes;
			wins[DNPU_RGN_OUT].p = t[out_[i][0]].data;
			wins[DNPU_RGN_OUT].size = t[out_[i][0]].bytes;
			wr[DNPU_RGN_OUT] = 1;
			per_op += run_job(&p, p.n_regions, wr, what);
			dnpu_program_free(&p);
		}
		assert_memory_equal(t[9].data, ref, nb);

		/* one segment */
		struct dnpu_seg_unit u[3];
		struct dnpu_segment seg;

		for (int i = 0; i < 3; i++)
			u[i] = (struct dnpu_seg_unit){ &ops[i], NULL,
				{ -1, -1, in_[i][0], out_[i][0], -1 } };
		if (dnpu_plan_segment(&caps, DNPU_MAX_REGIONS, &m, u, 3, &seg,
				      err, sizeof(err))) {
			print_error("%s: %s\n", what, err);
			fail();
		}
		assert_int_equal(seg.n_units, 3);
		assert_int_equal(seg.n_onchip, 2);
		assert_int_equal(seg.n_regions, 4);
		memset(wins, 0, sizeof(wins));
		memset(wr, 0, sizeof(wr));
		memset(t[3].data, 0x77, t[3].bytes);
		memset(t[6].data, 0x77, t[6].bytes);
		memset(t[9].data, 0x5a, nb);
		for (uint32_t r = 2; r < seg.n_regions; r++) {
			wins[r].p = t[seg.tensor[r]].data;
			wins[r].size = t[seg.tensor[r]].bytes;
			wr[r] = seg.written[r];
		}
		uint64_t seg_bytes = run_job(&seg.prog, seg.n_regions, wr, what);
		for (size_t i = 0; i < nb; i++) {
			if (ref[i] != ((uint8_t *)t[9].data)[i]) {
				print_error("%s: byte %zu: cpu %d segment %d\n", what,
					    i, (int8_t)ref[i], ((int8_t *)t[9].data)[i]);
				fail();
			}
		}
		for (size_t i = 0; i < t[3].bytes; i++)
			assert_int_equal(((uint8_t *)t[3].data)[i], 0x77);
		for (size_t i = 0; i < t[6].bytes; i++)
			assert_int_equal(((uint8_t *)t[6].data)[i], 0x77);
		if (seg_bytes + 2 * (t[3].bytes + t[6].bytes) > per_op) {
			print_error("%s: segment moves %llu bytes, one job per op %llu\n",
				    what, (unsigned long long)seg_bytes,
				    (unsigned long long)per_op);
			fail();
		}
		dnpu_segment_free(&seg);
		free(ref);
		for (int i = 0; i < 10; i++)
			free(t[i].data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conv_random),
		cmocka_unit_test(test_fc_random),
		cmocka_unit_test(test_dwconv_random),
		cmocka_unit_test(test_add_random),
		cmocka_unit_test(test_pool_random),
		cmocka_unit_test(test_mean_random),
		cmocka_unit_test(test_conv_add_fused),
		cmocka_unit_test(test_segment_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
