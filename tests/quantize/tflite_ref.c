// SPDX-License-Identifier: MIT
/* dlopen wrapper around the TensorFlow Lite C API (see tflite_ref.h). */
#include "tflite_ref.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

/* Opaque handles; the C API passes pointers only. */
typedef void *(*model_create_fn)(const void *, size_t);
typedef void (*delete_fn)(void *);
typedef void *(*options_create_fn)(void);
typedef void (*options_threads_fn)(void *, int);
typedef void *(*interp_create_fn)(const void *, const void *);
typedef int (*interp_status_fn)(void *);
typedef void *(*interp_tensor_fn)(void *, int);
typedef const void *(*interp_ctensor_fn)(const void *, int);
typedef size_t (*tensor_size_fn)(const void *);
typedef int (*copy_from_fn)(void *, const void *, size_t);
typedef int (*copy_to_fn)(const void *, void *, size_t);

struct tflite_ref {
	void *so;
	model_create_fn model_create;
	delete_fn model_delete, options_delete, interp_delete;
	options_create_fn options_create;
	options_threads_fn options_threads;
	interp_create_fn interp_create;
	interp_status_fn allocate, invoke;
	interp_tensor_fn input;
	interp_ctensor_fn output;
	tensor_size_fn byte_size;
	copy_from_fn copy_from;
	copy_to_fn copy_to;
};

struct tflite_ref *tflite_ref_open(const char *so_path)
{
	struct tflite_ref *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->so = dlopen(so_path, RTLD_NOW | RTLD_LOCAL);
	if (!r->so) {
		free(r);
		return NULL;
	}
	/* POSIX guarantees data/function pointer conversion for dlsym */
#define SYM(field, name) \
	*(void **)&r->field = dlsym(r->so, name); \
	if (!r->field) \
		goto bad
	SYM(model_create, "TfLiteModelCreate");
	SYM(model_delete, "TfLiteModelDelete");
	SYM(options_create, "TfLiteInterpreterOptionsCreate");
	SYM(options_delete, "TfLiteInterpreterOptionsDelete");
	SYM(options_threads, "TfLiteInterpreterOptionsSetNumThreads");
	SYM(interp_create, "TfLiteInterpreterCreate");
	SYM(interp_delete, "TfLiteInterpreterDelete");
	SYM(allocate, "TfLiteInterpreterAllocateTensors");
	SYM(invoke, "TfLiteInterpreterInvoke");
	SYM(input, "TfLiteInterpreterGetInputTensor");
	SYM(output, "TfLiteInterpreterGetOutputTensor");
	SYM(byte_size, "TfLiteTensorByteSize");
	SYM(copy_from, "TfLiteTensorCopyFromBuffer");
	SYM(copy_to, "TfLiteTensorCopyToBuffer");
#undef SYM
	return r;
bad:
	dlclose(r->so);
	free(r);
	return NULL;
}

void tflite_ref_close(struct tflite_ref *r)
{
	if (!r)
		return;
	dlclose(r->so);
	free(r);
}

int tflite_ref_run(struct tflite_ref *r, const void *model, size_t model_size,
		   const void *in, size_t in_bytes, void *out,
		   size_t out_bytes, char *err, size_t errlen)
{
	int ret = -1;
	void *opts = NULL, *interp = NULL;
	void *m = r->model_create(model, model_size);
	if (!m) {
		snprintf(err, errlen, "TfLiteModelCreate rejected the model");
		return -1;
	}
	opts = r->options_create();
	if (!opts)
		goto out;
	r->options_threads(opts, 1);
	interp = r->interp_create(m, opts);
	if (!interp) {
		snprintf(err, errlen, "TfLiteInterpreterCreate failed");
		goto out;
	}
	if (r->allocate(interp)) {
		snprintf(err, errlen, "AllocateTensors failed");
		goto out;
	}
	void *ti = r->input(interp, 0);
	const void *to = r->output(interp, 0);
	if (!ti || !to || r->byte_size(ti) != in_bytes ||
	    r->byte_size(to) != out_bytes) {
		snprintf(err, errlen, "I/O size mismatch (in %zu vs %zu, out %zu vs %zu)",
			 ti ? r->byte_size(ti) : 0, in_bytes,
			 to ? r->byte_size(to) : 0, out_bytes);
		goto out;
	}
	if (r->copy_from(ti, in, in_bytes) || r->invoke(interp) ||
	    r->copy_to(to, out, out_bytes)) {
		snprintf(err, errlen, "Invoke failed");
		goto out;
	}
	ret = 0;
out:
	if (interp)
		r->interp_delete(interp);
	if (opts)
		r->options_delete(opts);
	r->model_delete(m);
	return ret;
}
