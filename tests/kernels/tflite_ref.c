/* SPDX-License-Identifier: MIT */
#include "tflite_ref.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "model.h"
#include "ops/ops.h"

/* The few TfLite C API entry points we use, declared here (opaque types). */
typedef struct TfLiteModel TfLiteModel;
typedef struct TfLiteInterpreterOptions TfLiteInterpreterOptions;
typedef struct TfLiteInterpreter TfLiteInterpreter;
typedef struct TfLiteTensor TfLiteTensor;

static struct {
	int tried, ok;
	TfLiteModel *(*model_create)(const void *, size_t);
	void (*model_delete)(TfLiteModel *);
	TfLiteInterpreterOptions *(*opts_create)(void);
	void (*opts_delete)(TfLiteInterpreterOptions *);
	void (*opts_threads)(TfLiteInterpreterOptions *, int32_t);
	TfLiteInterpreter *(*interp_create)(const TfLiteModel *,
					    const TfLiteInterpreterOptions *);
	void (*interp_delete)(TfLiteInterpreter *);
	int (*alloc)(TfLiteInterpreter *);
	int (*invoke)(TfLiteInterpreter *);
	TfLiteTensor *(*input)(const TfLiteInterpreter *, int32_t);
	const TfLiteTensor *(*output)(const TfLiteInterpreter *, int32_t);
	size_t (*byte_size)(const TfLiteTensor *);
	int (*copy_from)(TfLiteTensor *, const void *, size_t);
	int (*copy_to)(const TfLiteTensor *, void *, size_t);
} api;

static void *sym(void *h, const char *n, int *ok)
{
	void *p = dlsym(h, n);
	if (!p)
		*ok = 0;
	return p;
}

int tfl_ref_available(void)
{
	if (api.tried)
		return api.ok;
	api.tried = 1;
	const char *env = getenv("DNPU_TFLITE_C");
	char path[1024];
	snprintf(path, sizeof(path), "%s",
		 env ? env : DNPU_NPM_DIR "/package/cc_deps/linux_amd64/libtensorflowlite_c.so");
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return 0;
	int ok = 1;
	*(void **)&api.model_create = sym(h, "TfLiteModelCreate", &ok);
	*(void **)&api.model_delete = sym(h, "TfLiteModelDelete", &ok);
	*(void **)&api.opts_create = sym(h, "TfLiteInterpreterOptionsCreate", &ok);
	*(void **)&api.opts_delete = sym(h, "TfLiteInterpreterOptionsDelete", &ok);
	*(void **)&api.opts_threads = sym(h, "TfLiteInterpreterOptionsSetNumThreads", &ok);
	*(void **)&api.interp_create = sym(h, "TfLiteInterpreterCreate", &ok);
	*(void **)&api.interp_delete = sym(h, "TfLiteInterpreterDelete", &ok);
	*(void **)&api.alloc = sym(h, "TfLiteInterpreterAllocateTensors", &ok);
	*(void **)&api.invoke = sym(h, "TfLiteInterpreterInvoke", &ok);
	*(void **)&api.input = sym(h, "TfLiteInterpreterGetInputTensor", &ok);
	*(void **)&api.output = sym(h, "TfLiteInterpreterGetOutputTensor", &ok);
	*(void **)&api.byte_size = sym(h, "TfLiteTensorByteSize", &ok);
	*(void **)&api.copy_from = sym(h, "TfLiteTensorCopyFromBuffer", &ok);
	*(void **)&api.copy_to = sym(h, "TfLiteTensorCopyToBuffer", &ok);
	api.ok = ok;
	return ok;
}

int tfl_ref_run(const uint8_t *model, size_t size, int n_in,
		const void *const *in, const size_t *in_bytes, int n_out,
		void *const *out, const size_t *out_bytes, char *err,
		size_t errlen)
{
	int rc = -1;
	if (!tfl_ref_available()) {
		snprintf(err, errlen, "TFLite C library not available");
		return -1;
	}
	TfLiteModel *m = api.model_create(model, size);
	if (!m) {
		snprintf(err, errlen, "TfLiteModelCreate failed");
		return -1;
	}
	TfLiteInterpreterOptions *o = api.opts_create();
	api.opts_threads(o, 1);
	TfLiteInterpreter *it = api.interp_create(m, o);
	if (!it) {
		snprintf(err, errlen, "TfLiteInterpreterCreate failed");
		goto out;
	}
	if (api.alloc(it)) {
		snprintf(err, errlen, "AllocateTensors failed");
		goto out;
	}
	for (int i = 0; i < n_in; i++) {
		TfLiteTensor *t = api.input(it, i);
		if (!t || api.byte_size(t) != in_bytes[i] ||
		    api.copy_from(t, in[i], in_bytes[i])) {
			snprintf(err, errlen, "input %d: size mismatch", i);
			goto out;
		}
	}
	if (api.invoke(it)) {
		snprintf(err, errlen, "Invoke failed");
		goto out;
	}
	for (int i = 0; i < n_out; i++) {
		const TfLiteTensor *t = api.output(it, i);
		if (!t || api.byte_size(t) != out_bytes[i] ||
		    api.copy_to(t, out[i], out_bytes[i])) {
			snprintf(err, errlen, "output %d: size mismatch", i);
			goto out;
		}
	}
	rc = 0;
out:
	if (it)
		api.interp_delete(it);
	api.opts_delete(o);
	api.model_delete(m);
	return rc;
}

int accel_ref_run(const uint8_t *model, size_t size, int n_in,
		  const void *const *in, const size_t *in_bytes, int n_out,
		  void *const *out, const size_t *out_bytes, char *err,
		  size_t errlen)
{
	struct accel_model *m = NULL;
	if (accel_model_load(model, size, &m, err, errlen))
		return -1;
	int rc = -1;
	void **bufs = calloc((size_t)m->n_tensors, sizeof(void *));
	for (int i = 0; i < m->n_tensors; i++) {
		struct accel_tensor *t = &m->tensors[i];
		if (t->is_const) {
			t->data = (void *)t->const_data;
			continue;
		}
		bufs[i] = calloc(1, t->bytes + 1);
		t->data = bufs[i];
		if (t->is_variable && t->q.count && t->type == ACCEL_DT_INT8)
			memset(t->data, (int)t->q.zero_point[0], t->bytes);
	}
	if (n_in != m->n_inputs || n_out != m->n_outputs) {
		snprintf(err, errlen, "input/output count mismatch");
		goto out;
	}
	for (int i = 0; i < n_in; i++) {
		struct accel_tensor *t = &m->tensors[m->inputs[i]];
		if (t->bytes != in_bytes[i]) {
			snprintf(err, errlen, "input %d size mismatch", i);
			goto out;
		}
		memcpy(t->data, in[i], in_bytes[i]);
	}
	for (int oi = 0; oi < m->n_ops; oi++) {
		if (accel_cpu_op_prepare(m, &m->ops[oi], err, errlen) ||
		    accel_cpu_op_eval(m, &m->ops[oi], err, errlen))
			goto out;
	}
	for (int i = 0; i < n_out; i++) {
		struct accel_tensor *t = &m->tensors[m->outputs[i]];
		if (t->bytes != out_bytes[i]) {
			snprintf(err, errlen, "output %d size mismatch", i);
			goto out;
		}
		memcpy(out[i], t->data, out_bytes[i]);
	}
	rc = 0;
out:
	for (int oi = 0; oi < m->n_ops; oi++)
		accel_cpu_op_release(&m->ops[oi]);
	for (int i = 0; i < m->n_tensors; i++)
		free(bufs[i]);
	free(bufs);
	accel_model_free(m);
	return rc;
}
