/* SPDX-License-Identifier: MIT */
/*
 * Test harness: run a .tflite image in the TFLite 2.9 C library (dlopen'ed
 * from the tfjs-tflite-node npm package, 1 thread) and in libaccel's CPU
 * operator layer, for byte-exact comparison.
 */
#ifndef TFLITE_REF_H
#define TFLITE_REF_H

#include <stddef.h>
#include <stdint.h>

/* True when libtensorflowlite_c.so could be loaded. */
int tfl_ref_available(void);

/* Run in TFLite. Returns 0 or -1 with @err set. */
int tfl_ref_run(const uint8_t *model, size_t size, int n_in,
		const void *const *in, const size_t *in_bytes, int n_out,
		void *const *out, const size_t *out_bytes, char *err,
		size_t errlen);

/* Run with libaccel's loader + CPU ops (every op prepared and evaluated in
 * order, fresh buffers). Returns 0 or -1 with @err set. */
int accel_ref_run(const uint8_t *model, size_t size, int n_in,
		  const void *const *in, const size_t *in_bytes, int n_out,
		  void *const *out, const size_t *out_bytes, char *err,
		  size_t errlen);

uint32_t kern_rand(uint32_t *state);

#endif /* TFLITE_REF_H */
