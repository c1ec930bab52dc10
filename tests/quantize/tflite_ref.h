/* SPDX-License-Identifier: MIT */
/*
 * The TensorFlow Lite 2.9 C library (libtensorflowlite_c.so from the npm
 * package tfjs-tflite-node) loaded with dlopen, as a reference
 * interpreter: no link-time dependency, tests skip when it is absent.
 */
#ifndef TFLITE_REF_H
#define TFLITE_REF_H

#include <stddef.h>

struct tflite_ref;

/* NULL if the library or one of its symbols is missing. */
struct tflite_ref *tflite_ref_open(const char *so_path);
void tflite_ref_close(struct tflite_ref *r);

/*
 * Run @model (a .tflite image) on one input (copied in, exactly the
 * input tensor's byte size) and copy output 0 out. 0, or -1 with a
 * message in @err.
 */
int tflite_ref_run(struct tflite_ref *r, const void *model, size_t model_size,
		   const void *in, size_t in_bytes, void *out,
		   size_t out_bytes, char *err, size_t errlen);

#endif /* TFLITE_REF_H */
