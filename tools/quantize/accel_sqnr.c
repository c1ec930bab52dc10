// SPDX-License-Identifier: MIT
/* Per-layer SQNR of the int8 model on libaccel (see accel_sqnr.h). */
#include "accel_sqnr.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel.h"
#include "float_exec.h"
#include "quantize.h"
#include "tflite_write.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

struct layer {
	accel_network *net;
	int float_tensor;       /* in fm */
	float scale;            /* of the int8 output */
	int32_t zero_point;
	size_t elems;
	int8_t *out;
	double sig, noise;
};

/* libaccel network of @qm cut after op @last, output = its output. */
static int open_prefix(accel_context *ctx, const struct tfl_model *qm,
		       int last, accel_network **net, char *err,
		       size_t errlen)
{
	struct tfl_model cut = *qm;     /* shallow: only counts change */
	uint8_t *buf;
	size_t size;
	cut.n_ops = last + 1;
	cut.n_outputs = 1;
	cut.outputs[0] = qm->ops[last].outputs[0];
	if (tfl_write(&cut, &buf, &size))
		return fail(err, errlen, "cannot serialize the model cut after op %d",
			    last);
	int rc = accel_load_memory(ctx, buf, size, net);
	free(buf);
	if (rc)
		return fail(err, errlen, "libaccel: %s", accel_last_error(ctx));
	return 0;
}

int accel_layer_sqnr(const struct tfl_model *fm, const struct tfl_model *qm,
		     const float *inputs, int n, double *db, char *err,
		     size_t errlen)
{
	bool float_io = qm->tensors[qm->inputs[0]].type == TFL_FLOAT32;
	int first = float_io ? 1 : 0;
	if (qm->n_ops < fm->n_ops + first)
		return fail(err, errlen, "int8 model does not match the float model");
	accel_context *ctx = NULL;
	struct fexec fx;
	struct layer *l = calloc((size_t)fm->n_ops, sizeof(*l));
	size_t in_elems = tfl_tensor_elems(&fm->tensors[fm->inputs[0]]);
	int8_t *in_q = malloc(in_elems);
	int ret = -1;
	memset(&fx, 0, sizeof(fx));
	if (!l || !in_q) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	if (accel_open(&ctx, ACCEL_BACKEND_CPU)) {
		fail(err, errlen, "libaccel: %s", accel_last_error(ctx));
		goto out;
	}
	if (fexec_init(&fx, fm, err, errlen))
		goto out;
	for (int k = 0; k < fm->n_ops; k++) {
		const struct tfl_tensor *t =
			&qm->tensors[qm->ops[k + first].outputs[0]];
		if (t->type != TFL_INT8 || t->q.count != 1) {
			fail(err, errlen, "op %d: output is not per-tensor int8", k);
			goto out;
		}
		l[k].float_tensor = fm->ops[k].outputs[0];
		l[k].scale = t->q.scale[0];
		l[k].zero_point = (int32_t)t->q.zero_point[0];
		l[k].elems = tfl_tensor_elems(t);
		l[k].out = malloc(l[k].elems);
		if (!l[k].out) {
			fail(err, errlen, "out of memory");
			goto out;
		}
		if (open_prefix(ctx, qm, k + first, &l[k].net, err, errlen))
			goto out;
	}
	const struct tfl_tensor *qin = &qm->tensors[qm->inputs[0]];
	for (int s = 0; s < n; s++) {
		const float *x = inputs + (size_t)s * in_elems;
		if (fexec_run(&fx, x, err, errlen))
			goto out;
		const void *in = x;
		size_t in_bytes = sizeof(float) * in_elems;
		if (!float_io) {
			for (size_t i = 0; i < in_elems; i++)
				in_q[i] = quant_int8(x[i], qin->q.scale[0],
						     (int32_t)qin->q.zero_point[0]);
			in = in_q;
			in_bytes = in_elems;
		}
		for (int k = 0; k < fm->n_ops; k++) {
			if (accel_set_input(l[k].net, 0, in, in_bytes) ||
			    accel_invoke(l[k].net) ||
			    accel_get_output(l[k].net, 0, l[k].out, l[k].elems)) {
				fail(err, errlen, "libaccel, op %d: %s", k,
				     accel_last_error(ctx));
				goto out;
			}
			const float *f = fexec_tensor(&fx, l[k].float_tensor);
			for (size_t i = 0; i < l[k].elems; i++) {
				double q = ((double)l[k].out[i] - l[k].zero_point) *
					   l[k].scale;
				l[k].sig += (double)f[i] * f[i];
				l[k].noise += (f[i] - q) * (f[i] - q);
			}
		}
	}
	for (int k = 0; k < fm->n_ops; k++)
		db[k] = l[k].noise > 0.0 ? 10.0 * log10(l[k].sig / l[k].noise) :
			INFINITY;
	ret = 0;
out:
	if (l)
		for (int k = 0; k < fm->n_ops; k++) {
			accel_network_free(l[k].net);
			free(l[k].out);
		}
	free(l);
	fexec_free(&fx);
	accel_close(ctx);
	free(in_q);
	return ret;
}
